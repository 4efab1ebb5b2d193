// Finite-difference checks of a module's gradients, for the packages' tests: with respect to its
// own parameters (and, for checkModuleGradients, its input). L = sum(forward(x) * r), r a fixed
// pseudo-random weighting; analytic gradients from tf.variableGrads / tf.grad, numeric ones by
// central differences (each parameter element perturbed in place with `assign`, then restored),
// L summed in float64. Functions of plain tensors are checked with @basiskit/training's gradCheck.
import * as tf from '@tensorflow/tfjs-core';
import { compareArrays } from './compare';

/** The part of @basiskit/tensor's `Module` the checks use (structural: no dependency on it). */
export interface ModuleWithParameters {
  namedParameters(options?: { trainableOnly?: boolean }): [string, { value: tf.Variable; shape: number[]; assign(t: tf.Tensor): void }][];
  forward(x: tf.Tensor, ...rest: never[]): tf.Tensor;
}

/** Options of {@link checkParameterGradients} and {@link checkModuleGradients}. */
export interface ModuleGradCheckOptions {
  /** Finite-difference step; default 1e-2. */
  eps?: number;
  /** Relative tolerance; default 2e-2. */
  rtol?: number;
  /** Absolute tolerance; default 2e-3. */
  atol?: number;
  /** Parameter names to check (default: every trainable one). */
  params?: string[];
  /** checkModuleGradients only: check the gradient in x too (default true). */
  input?: boolean;
}

function weights(n: number): Float32Array {
  const out = new Float32Array(n);
  let s = 12345;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (0.5 + s / 2 ** 32) * (i % 2 ? -1 : 1);
  }
  return out;
}

// a fresh array each time: tf.tensor keeps the typed array it is given (no copy) on cpu
function perturbed(base: Float32Array, e: number, step: number): Float32Array {
  const v = base.slice();
  v[e] = base[e] + step;
  return v;
}

function compare(name: string, analytic: ArrayLike<number>, numeric: Float32Array, tol: { rtol: number; atol: number }): void {
  const rep = compareArrays(analytic, numeric, tol);
  if (!rep.ok) {
    throw new Error(
      `gradient of ${name}: ${rep.failures}/${numeric.length} elements differ; worst at ${rep.worstIndex}: analytic ${rep.worstGot}, numeric ${rep.worstWant}`,
    );
  }
}

function check(module: ModuleWithParameters, forward: (x?: tf.Tensor) => tf.Tensor, x: tf.Tensor | undefined, options: ModuleGradCheckOptions): string[] {
  const eps = options.eps ?? 1e-2;
  const tol = { rtol: options.rtol ?? 2e-2, atol: options.atol ?? 2e-3 };
  const outShape = tf.tidy(() => forward(x).shape);
  const rData = weights(outShape.reduce((a, b) => a * b, 1));
  const r = tf.tensor(rData, outShape);
  const lossValue = (xx?: tf.Tensor): number => {
    const y = tf.tidy(() => forward(xx).dataSync());
    let s = 0;
    for (let i = 0; i < y.length; i++) s += y[i] * rData[i];
    return s;
  };
  const named = module.namedParameters({ trainableOnly: true }).filter(([n]) => !options.params || options.params.includes(n));
  const checked: string[] = [];
  try {
    const { grads, value } = tf.variableGrads(
      () => tf.sum(tf.mul(forward(x), r)) as tf.Scalar,
      named.map(([, p]) => p.value),
    );
    value.dispose();
    try {
      for (const [name, p] of named) {
        const analytic = grads[p.value.name].dataSync();
        const base = p.value.dataSync().slice() as Float32Array;
        const numeric = new Float32Array(base.length);
        for (let e = 0; e < base.length; e++) {
          tf.tidy(() => p.assign(tf.tensor(perturbed(base, e, eps), p.shape)));
          const lp = lossValue(x);
          tf.tidy(() => p.assign(tf.tensor(perturbed(base, e, -eps), p.shape)));
          numeric[e] = (lp - lossValue(x)) / (2 * eps);
        }
        tf.tidy(() => p.assign(tf.tensor(base.slice(), p.shape)));
        compare(name, analytic, numeric, tol);
        checked.push(name);
      }
    } finally {
      tf.dispose(Object.values(grads));
    }
    if (x !== undefined && (options.input ?? true)) {
      const analytic = tf.tidy(() =>
        tf
          .grad((xx: tf.Tensor) => tf.sum(tf.mul(forward(xx), r)))(x)
          .dataSync(),
      );
      const base = x.dataSync().slice() as Float32Array;
      const numeric = new Float32Array(base.length);
      for (let e = 0; e < base.length; e++) {
        const xp = tf.tensor(perturbed(base, e, eps), x.shape);
        const xm = tf.tensor(perturbed(base, e, -eps), x.shape);
        numeric[e] = (lossValue(xp) - lossValue(xm)) / (2 * eps);
        tf.dispose([xp, xm]);
      }
      compare('x', analytic, numeric, tol);
      checked.push('x');
    }
  } finally {
    r.dispose();
  }
  return checked;
}

/**
 * Throws when an analytic gradient of `forward()` in a trainable parameter of `module` differs
 * from central differences; returns the names checked. Leaves no tensors behind and the
 * parameters unchanged.
 */
export function checkParameterGradients(module: ModuleWithParameters, forward: () => tf.Tensor, options: ModuleGradCheckOptions = {}): string[] {
  return check(module, () => forward(), undefined, { ...options, input: false });
}

/**
 * Throws when an analytic gradient of `module.forward(x)` (in x, unless `input: false`, or a
 * trainable parameter) differs from central differences; returns the names checked ('x' last).
 */
export function checkModuleGradients(module: ModuleWithParameters, x: tf.Tensor, options: ModuleGradCheckOptions = {}): string[] {
  return check(module, (xx) => module.forward(xx as tf.Tensor), x, options);
}
