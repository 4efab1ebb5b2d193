// Gradient checking: analytic gradients (tf.grads) against central finite differences, element
// by element, on the scalar L = sum(fn(...xs) * r) with r a fixed pseudo-random weighting (so
// every output element counts, with weights that do not cancel by symmetry).
import { ConfigError, checkNumber, createRng, formatShape, show, tf } from '@basiskit/tensor';

/** Options of {@link gradCheck}. */
export interface GradCheckOptions {
  /** Finite-difference step (absolute); default 1e-3. */
  eps?: number;
  /** Relative tolerance: an element passes when |analytic - numeric| <= atol + rtol |numeric|; default 1e-2. */
  rtol?: number;
  /** Absolute tolerance; default 1e-3. */
  atol?: number;
  /** Indices of the inputs to check; default every float32 input. */
  wrt?: number[];
  /** Seed of the weighting r; default 0. */
  seed?: number;
  /** Throw a {@link GradCheckError} when an element fails (default true); otherwise only report. */
  throwOnFail?: boolean;
  /** Names of the inputs for messages (default `input 0`, `input 1`, ...). */
  names?: string[];
}

/** The element with the largest excess of error over its tolerance. */
export interface GradCheckWorst {
  /** Index of the input in `inputs`. */
  input: number;
  /** Multi-index of the element in that input. */
  index: number[];
  /** Gradient from tf.grads. */
  analytic: number;
  /** Gradient by central differences. */
  numeric: number;
}

/** What {@link gradCheck} found. */
export interface GradCheckResult {
  /** True when every checked element is within tolerance. */
  ok: boolean;
  /** max |analytic - numeric| over the checked elements. */
  maxAbsError: number;
  /** max |analytic - numeric| / max(|analytic|, |numeric|, atol) over the checked elements. */
  maxRelError: number;
  /** The worst element (largest |analytic - numeric| - (atol + rtol |numeric|)). */
  worst: GradCheckWorst;
  /** Number of elements checked. */
  checked: number;
  /** Number of elements outside tolerance. */
  failures: number;
}

/** Thrown by {@link gradCheck} on a mismatch; carries the full result. */
export class GradCheckError extends Error {
  /** The result that failed. */
  readonly result: GradCheckResult;

  /** Creates the error from a failed result and its message. */
  constructor(message: string, result: GradCheckResult) {
    super(message);
    this.name = 'GradCheckError';
    this.result = result;
  }
}

function unravel(flat: number, shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length);
  for (let j = shape.length - 1; j >= 0; j--) {
    out[j] = flat % shape[j];
    flat = Math.floor(flat / shape[j]);
  }
  return out;
}

/**
 * Checks the gradients of `fn` at `inputs`: with a fixed pseudo-random weighting `r` (uniform in
 * [-1, 1], shaped like `fn`'s output, from `seed`), compares `tf.grads` of
 * `L = sum(fn(...inputs) * r)` with the central difference
 * `(L(x + eps e_i) - L(x - eps e_i)) / (2 eps)` for every element `i` of every checked input
 * (`wrt`, default all float32 inputs). The perturbed values are rounded to float32, so the
 * actual step `fl(x + eps) - fl(x - eps)` is used, and L is summed in float64.
 *
 * An element passes when `|analytic - numeric| <= atol + rtol * |numeric|`. Returns
 * `{ ok, maxAbsError, maxRelError, worst, checked, failures }`; with `throwOnFail` (default) a
 * failure throws a {@link GradCheckError} naming the input and its worst element. No tensors
 * are left behind, also when it throws (the inputs are not disposed). Costs two evaluations of
 * `fn` per checked element: use small inputs.
 *
 * `fn` must be deterministic and use only tfjs ops tfjs can differentiate (or custom gradients,
 * which is what this checks).
 */
export function gradCheck(fn: (...xs: tf.Tensor[]) => tf.Tensor, inputs: tf.Tensor[], options: GradCheckOptions = {}): GradCheckResult {
  const where = 'gradCheck';
  const eps = options.eps ?? 1e-3;
  const rtol = options.rtol ?? 1e-2;
  const atol = options.atol ?? 1e-3;
  const seed = options.seed ?? 0;
  const throwOnFail = options.throwOnFail ?? true;
  checkNumber(eps, { where, argument: 'eps', gt: 0 });
  checkNumber(rtol, { where, argument: 'rtol', min: 0 });
  checkNumber(atol, { where, argument: 'atol', min: 0 });
  if (!Array.isArray(inputs) || inputs.length === 0 || !inputs.every((x) => x instanceof tf.Tensor)) {
    throw new ConfigError('invalid inputs', { where, argument: 'inputs', expected: 'a non-empty array of tensors', got: show(inputs) });
  }
  const wrt = options.wrt ?? inputs.map((x, i) => (x.dtype === 'float32' ? i : -1)).filter((i) => i >= 0);
  for (const i of wrt) {
    if (!Number.isInteger(i) || i < 0 || i >= inputs.length) {
      throw new ConfigError('no such input', { where, argument: 'wrt', expected: `indices in [0, ${inputs.length})`, got: show(i) });
    }
    if (inputs[i].dtype !== 'float32') {
      throw new ConfigError('can only differentiate float32 inputs', { where, argument: `wrt (input ${i})`, expected: 'float32', got: inputs[i].dtype });
    }
  }
  if (wrt.length === 0) {
    throw new ConfigError('nothing to check', { where, argument: 'wrt', expected: 'at least one float32 input', got: '[]' });
  }
  const nameOf = (i: number) => options.names?.[i] ?? `input ${i}`;

  // Output shape, weighting r and the analytic gradients.
  const r = tf.tidy(() => {
    const y = fn(...inputs);
    const rng = createRng(seed);
    return tf.tensor(rng.fillUniform(new Float32Array(y.size), -1, 1), y.shape, 'float32');
  });
  const rValues = r.dataSync().slice() as Float32Array;
  let analytic: Float32Array[];
  try {
    analytic = tf.tidy(() => {
      const f = (...ws: tf.Tensor[]) => {
        const xs = inputs.slice();
        wrt.forEach((i, j) => {
          xs[i] = ws[j];
        });
        // + 0 * sum(w) keeps every checked input connected to L (tf.grads throws otherwise);
        // an input L does not depend on gets a zero gradient.
        const connect = ws.map((w) => tf.mul(tf.sum(w), 0));
        return tf.addN([tf.sum(tf.mul(fn(...xs), r)), ...connect]) as tf.Scalar;
      };
      const gs = tf.grads(f)(wrt.map((i) => inputs[i]));
      return gs.map((g) => g.dataSync().slice() as Float32Array);
    });
  } finally {
    r.dispose();
  }

  // L(xs) in float64 from fn's output and r.
  const lossAt = (xs: tf.Tensor[]): number =>
    tf.tidy(() => {
      const y = fn(...xs).dataSync();
      let sum = 0;
      for (let k = 0; k < y.length; k++) sum += y[k] * rValues[k];
      return sum;
    });

  let worst: GradCheckWorst | null = null;
  let worstExcess = -Infinity;
  let maxAbsError = 0;
  let maxRelError = 0;
  let checked = 0;
  let failures = 0;
  for (let j = 0; j < wrt.length; j++) {
    const i = wrt[j];
    const x = inputs[i];
    const base = x.dataSync().slice() as Float32Array;
    const grad = analytic[j];
    for (let k = 0; k < base.length; k++) {
      const v = base[k];
      const plus = base.slice();
      const minus = base.slice();
      plus[k] = v + eps;
      minus[k] = v - eps;
      const step = plus[k] - minus[k]; // float32-rounded, exact in float64
      const evaluate = (values: Float32Array) => {
        const xp = tf.tensor(values, x.shape, 'float32');
        try {
          const xs = inputs.slice();
          xs[i] = xp;
          return lossAt(xs);
        } finally {
          xp.dispose();
        }
      };
      const numeric = (evaluate(plus) - evaluate(minus)) / step;
      const a = grad[k];
      const err = Math.abs(a - numeric);
      const tol = atol + rtol * Math.abs(numeric);
      const excess = Number.isNaN(err) ? Infinity : err - tol;
      checked++;
      if (excess > 0) failures++;
      maxAbsError = Number.isNaN(err) ? NaN : Math.max(maxAbsError, err);
      const rel = err / Math.max(Math.abs(a), Math.abs(numeric), atol, Number.MIN_VALUE);
      maxRelError = Number.isNaN(rel) ? NaN : Math.max(maxRelError, rel);
      if (excess > worstExcess || worst === null) {
        worstExcess = excess;
        worst = { input: i, index: unravel(k, x.shape), analytic: a, numeric };
      }
    }
  }

  if (worst === null) {
    throw new ConfigError('nothing to check', { where, argument: 'inputs', expected: 'a checked input with at least one element', got: 'only empty inputs' });
  }
  const w: GradCheckWorst = worst;
  const result: GradCheckResult = { ok: failures === 0, maxAbsError, maxRelError, worst: w, checked, failures };
  if (!result.ok && throwOnFail) {
    const x = inputs[w.input];
    throw new GradCheckError(
      `gradCheck: ${nameOf(w.input)} (shape ${formatShape(x.shape)}) element [${w.index.join(', ')}]: ` +
        `analytic ${w.analytic}, numeric ${w.numeric} (|err| ${Math.abs(w.analytic - w.numeric).toExponential(3)}); ` +
        `${failures}/${checked} elements outside atol=${atol} rtol=${rtol} (eps=${eps})`,
      result,
    );
  }
  return result;
}
