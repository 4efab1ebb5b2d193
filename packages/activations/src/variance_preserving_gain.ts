// KAT's variance-preserving initialisation: the layer after an activation F is scaled by
//   gain = 1 / E[F(x)^2],  x ~ N(0, 1)
// so activations keep unit second moment. Computed by composite Simpson quadrature of
// F(x)^2 phi(x) on [-10, 10] (the N(0,1) mass outside is < 2e-23), F evaluated with tfjs.
// Source: Yang & Wang, "Kolmogorov-Arnold Transformer" (ICLR 2025), variance-preserving init.
import { ConfigError, tf } from '@basiskit/tensor';

/** Options of {@link variancePreservingGain}. */
export interface VariancePreservingGainOptions {
  /** Simpson intervals (even), default 4000. */
  intervals?: number;
}

/** E[F(x)^2] for x ~ N(0,1), by quadrature (F maps a tensor elementwise). */
export function secondMoment(fn: (x: tf.Tensor) => tf.Tensor, options: VariancePreservingGainOptions = {}): number {
  const n = options.intervals ?? 4000;
  if (!Number.isInteger(n) || n < 2 || n % 2 !== 0) {
    throw new ConfigError('invalid value', { where: 'variancePreservingGain', argument: 'intervals', expected: 'an even integer >= 2', got: String(n) });
  }
  const lo = -10;
  const h = 20 / n;
  const xs = new Float32Array(n + 1);
  for (let i = 0; i <= n; i++) xs[i] = lo + i * h;
  const fx = tf.tidy(() => fn(tf.tensor1d(xs)).dataSync());
  let s = 0;
  for (let i = 0; i <= n; i++) {
    const x = lo + i * h;
    const w = i === 0 || i === n ? 1 : i % 2 ? 4 : 2;
    s += w * fx[i] * fx[i] * Math.exp(-0.5 * x * x);
  }
  const m2 = (s * h) / 3 / Math.sqrt(2 * Math.PI);
  if (!Number.isFinite(m2)) {
    throw new ConfigError('E[F(x)^2] is not finite', { where: 'variancePreservingGain', argument: 'fn', got: String(m2) });
  }
  return m2;
}

/**
 * KAT's variance-preserving gain `1 / E[F(x)^2]` for x ~ N(0,1); e.g. relu gives 2, identity 1.
 */
export function variancePreservingGain(fn: (x: tf.Tensor) => tf.Tensor, options: VariancePreservingGainOptions = {}): number {
  const m2 = secondMoment(fn, options);
  if (m2 <= 0) {
    throw new ConfigError('E[F(x)^2] is zero', {
      where: 'variancePreservingGain',
      argument: 'fn',
      expected: 'a function not zero almost everywhere',
      got: String(m2),
    });
  }
  return 1 / m2;
}
