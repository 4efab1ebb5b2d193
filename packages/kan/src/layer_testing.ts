// Test helpers for the layers (not exported by the package): conformance against a golden-vector
// case, flattening of leading dims, and a finite-difference check of a module's gradients
// with respect to its input and its own parameters. L = sum(forward(x) * r), r a fixed
// pseudo-random weighting; analytic gradients from tf.grad / tf.variableGrads, numeric ones by
// central differences (parameters perturbed in place with Parameter.assign and restored), L
// summed in float64.
import { tf, type Module } from '@basiskit/tensor';
import { assertClose, compareArrays, specTensor, type ConformanceCase } from '@basiskit/test-utils';

/** Options of {@link checkModuleGradients}. */
export interface ModuleGradCheckOptions {
  eps?: number;
  rtol?: number;
  atol?: number;
  /** Parameter names to check (default: every trainable one). */
  params?: string[];
  /** Check the gradient in x too (default true). */
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

/**
 * Throws when an analytic gradient of `module.forward` (in x or a parameter) differs from central
 * differences; returns the names checked. Leaves no tensors behind and the parameters unchanged.
 */
export function checkModuleGradients(module: Module, x: tf.Tensor, options: ModuleGradCheckOptions = {}): string[] {
  const eps = options.eps ?? 1e-2;
  const tol = { rtol: options.rtol ?? 2e-2, atol: options.atol ?? 2e-3 };
  const forward = (xx: tf.Tensor) => module.forward(xx);
  const outShape = tf.tidy(() => forward(x).shape);
  const rData = weights(outShape.reduce((a, b) => a * b, 1));
  const r = tf.tensor(rData, outShape);
  const lossValue = (xx: tf.Tensor): number => {
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
          const lm = lossValue(x);
          numeric[e] = (lp - lm) / (2 * eps);
        }
        tf.tidy(() => p.assign(tf.tensor(base.slice(), p.shape)));
        const rep = compareArrays(analytic, numeric, tol);
        if (!rep.ok)
          throw new Error(
            `gradient of ${name}: ${rep.failures}/${base.length} elements differ; worst at ${rep.worstIndex}: analytic ${rep.worstGot}, numeric ${rep.worstWant}`,
          );
        checked.push(name);
      }
    } finally {
      tf.dispose(Object.values(grads));
    }
    if (options.input ?? true) {
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
      const rep = compareArrays(analytic, numeric, tol);
      if (!rep.ok)
        throw new Error(
          `gradient of x: ${rep.failures}/${base.length} elements differ; worst at ${rep.worstIndex}: analytic ${rep.worstGot}, numeric ${rep.worstWant}`,
        );
      checked.push('x');
    }
  } finally {
    r.dispose();
  }
  return checked;
}

/**
 * Loads `dict` into `layer` (then disposes the dict) and asserts the case's `y` and the gradient
 * in x of `sum(y * r)`, within the case's tolerance.
 */
export function expectConformance(layer: Module, c: ConformanceCase, dict: Record<string, tf.Tensor>): void {
  layer.loadStateDict(dict);
  tf.dispose(Object.values(dict));
  const x = specTensor(c.inputs.x);
  const r = specTensor(c.r);
  const y = layer.forward(x);
  const dx = tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(layer.forward(xx), r)))(x);
  try {
    assertClose(y, c.outputs.y as never, c.tolerance, 'y');
    assertClose(dx, c.grads.x as never, c.tolerance, 'dx');
  } finally {
    tf.dispose([x, r, y, dx]);
  }
}

/** Asserts that `y = layer.forward(x)` (x [..., in]) equals the forward of x's rows, reshaped back. */
export function expectFlattensLeadingDims(layer: Module, x: tf.Tensor, y: tf.Tensor): void {
  const inF = x.shape[x.rank - 1];
  const flat = tf.tidy(() => tf.reshape(layer.forward(tf.reshape(x, [-1, inF])), y.shape));
  try {
    assertClose(y, { shape: flat.shape, data: flat.dataSync() }, { rtol: 1e-6, atol: 1e-6 }, 'flatten');
  } finally {
    flat.dispose();
  }
}
