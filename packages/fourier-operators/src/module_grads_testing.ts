// Test helper (not exported by the package): finite-difference check of a module's gradients with
// respect to its own parameters. L = sum(forward(x) * r), r a fixed pseudo-random weighting;
// analytic gradients by tf.variableGrads, numeric ones by central differences (each parameter
// element perturbed in place with Parameter.assign, then restored), L summed in float64.
// Gradients in the input are checked with @basiskit/training's gradCheck.
import { tf, type Module } from '@basiskit/tensor';
import { compareArrays } from '@basiskit/test-utils';

/** Options of {@link checkParameterGradients}. */
export interface ParamGradCheckOptions {
  /** Finite-difference step; default 1e-2. */
  eps?: number;
  /** Relative tolerance; default 2e-2. */
  rtol?: number;
  /** Absolute tolerance; default 2e-3. */
  atol?: number;
  /** Parameter names to check (default every trainable one). */
  params?: string[];
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

/**
 * Throws when an analytic gradient of `forward` in a parameter of `module` differs from central
 * differences; returns the names checked. Leaves no tensors behind and the parameters unchanged.
 */
export function checkParameterGradients(module: Module, forward: () => tf.Tensor, options: ParamGradCheckOptions = {}): string[] {
  const eps = options.eps ?? 1e-2;
  const tol = { rtol: options.rtol ?? 2e-2, atol: options.atol ?? 2e-3 };
  const outShape = tf.tidy(() => forward().shape);
  const rData = weights(outShape.reduce((a, b) => a * b, 1));
  const r = tf.tensor(rData, outShape);
  const lossValue = (): number => {
    const y = tf.tidy(() => forward().dataSync());
    let s = 0;
    for (let i = 0; i < y.length; i++) s += y[i] * rData[i];
    return s;
  };
  const named = module.namedParameters({ trainableOnly: true }).filter(([n]) => !options.params || options.params.includes(n));
  const checked: string[] = [];
  const { grads, value } = tf.variableGrads(
    () => tf.sum(tf.mul(forward(), r)) as tf.Scalar,
    named.map(([, p]) => p.value),
  );
  value.dispose();
  r.dispose();
  try {
    for (const [name, p] of named) {
      const analytic = grads[p.value.name].dataSync();
      const base = p.value.dataSync().slice() as Float32Array;
      const numeric = new Float32Array(base.length);
      const set = (e: number, step: number) => {
        const v = base.slice(); // a fresh array: tf.tensor keeps the one it is given on cpu
        v[e] = base[e] + step;
        tf.tidy(() => p.assign(tf.tensor(v, p.shape)));
      };
      for (let e = 0; e < base.length; e++) {
        set(e, eps);
        const lp = lossValue();
        set(e, -eps);
        numeric[e] = (lp - lossValue()) / (2 * eps);
      }
      set(0, 0);
      const rep = compareArrays(analytic, numeric, tol);
      if (!rep.ok) {
        throw new Error(
          `gradient of ${name}: ${rep.failures}/${base.length} elements differ; worst at ${rep.worstIndex}: analytic ${rep.worstGot}, numeric ${rep.worstWant}`,
        );
      }
      checked.push(name);
    }
  } finally {
    tf.dispose(Object.values(grads));
  }
  return checked;
}
