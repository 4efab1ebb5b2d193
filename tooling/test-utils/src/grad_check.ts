// Finite-difference gradient check for tests: compares tf.grads of L = sum(f(inputs) * r)
// (r a fixed random weighting, so every output element matters) with central differences
// of L, element by element, in float32.
import * as tf from '@tensorflow/tfjs-core';
import { compareArrays } from './compare';

export interface GradCheckOptions {
  /** Step of the central difference (default 1e-2: float32 noise vs truncation error). */
  eps?: number;
  rtol?: number;
  atol?: number;
  /** Indices of inputs to check (default: all). */
  wrt?: number[];
  /** Seed of the output weighting r. */
  seed?: number;
}

/** Per input: the analytic and numeric gradients and whether they agree. */
export interface GradCheckResult {
  ok: boolean;
  details: { index: number; analytic: Float32Array; numeric: Float32Array; worstIndex: number; maxAbsErr: number }[];
}

function weights(n: number, seed: number): Float32Array {
  // small LCG: deterministic weights in [0.5, 1.5) with alternating sign
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (0.5 + s / 2 ** 32) * (i % 2 ? -1 : 1);
  }
  return out;
}

/**
 * Checks `f`'s gradients with respect to `inputs` by central differences. Throws with the
 * input index and worst element when they disagree; returns the comparison otherwise.
 * Leaves no tensors behind. Inputs should be small (one evaluation pair per element).
 */
export function gradCheck(
  f: (...xs: tf.Tensor[]) => tf.Tensor,
  inputs: tf.Tensor[],
  options: GradCheckOptions = {},
): GradCheckResult {
  const eps = options.eps ?? 1e-2;
  const rtol = options.rtol ?? 2e-2;
  const atol = options.atol ?? 2e-3;
  const wrt = options.wrt ?? inputs.map((_, i) => i);
  const outShape = tf.tidy(() => f(...inputs).shape);
  const r = tf.tensor(weights(outShape.reduce((a, b) => a * b, 1), options.seed ?? 7), outShape);
  try {
    const loss = (...xs: tf.Tensor[]) => tf.sum(tf.mul(f(...xs), r));
    const analytic = tf.tidy(() => {
      const gs = tf.grads(loss)(inputs);
      return wrt.map((i) => gs[i].dataSync().slice() as Float32Array);
    });
    const details: GradCheckResult['details'] = [];
    for (const [k, i] of wrt.entries()) {
      const base = inputs[i].dataSync().slice() as Float32Array;
      const numeric = new Float32Array(base.length);
      const evalAt = (vals: Float32Array) =>
        tf.tidy(() => {
          const xs = inputs.map((t, j) => (j === i ? tf.tensor(vals, t.shape, t.dtype) : t));
          return loss(...xs).dataSync()[0];
        });
      for (let e = 0; e < base.length; e++) {
        const p = base.slice();
        const m = base.slice();
        p[e] += eps;
        m[e] -= eps;
        numeric[e] = (evalAt(p) - evalAt(m)) / (2 * eps);
      }
      const rep = compareArrays(analytic[k], numeric, { rtol, atol });
      details.push({ index: i, analytic: analytic[k], numeric, worstIndex: rep.worstIndex, maxAbsErr: rep.maxAbsErr });
      if (!rep.ok) {
        throw new Error(
          `gradCheck: input ${i}: ${rep.failures}/${base.length} elements differ; worst at ${rep.worstIndex}: ` +
            `analytic ${rep.worstGot}, numeric ${rep.worstWant}`,
        );
      }
    }
    return { ok: true, details };
  } finally {
    r.dispose();
  }
}
