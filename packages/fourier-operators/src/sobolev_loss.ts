// Spectral Sobolev (H^s) loss of functions sampled on a regular periodic grid over the last d
// dims: ||u||_{H^s}^2 = sum_k (1 + |k|^2)^s |û_k|^2, with û the d-dimensional DFT normalised
// "forward" (û_k = (1/N) sum_x u_x e^{-2πi k·x/n}, so that s = 0 gives the mean of u^2, the L2
// norm squared on the unit domain by Parseval) and k the signed integer wavenumbers
// (k_j in (-n_j/2, n_j/2], numpy's fftfreq(n) * n).
//
// The spectrum is @basiskit/kernels' rfftn over the last d axes (norm 'forward'), so only the
// bins 0..floor(n/2) of the last axis are computed. u is real, so û_{-k} = conj(û_k) and the
// weight depends on |k| only: each of the last axis's bins 1..ceil(n/2)-1 stands for itself and
// its mirror and counts twice; bin 0 and (n even) bin n/2 are their own mirrors and count once.
// The weights (1 + |k|^2)^s times that multiplicity are built once per grid and s, cached as a
// typed array (no tensors held), uploaded inside each call's tidy.
//
// Moved here from @basiskit/training (which computed an O(n^2)-per-axis matMul DFT because it
// depends only on @basiskit/tensor): operator losses belong to this package.
import { rfftn } from '@basiskit/kernels';
import {
  ConfigError,
  ShapeError,
  checkFinite,
  checkInt,
  checkNumber,
  checkOptions,
  checkTensor,
  collectChoice,
  formatShape,
  show,
  tf,
  throwProblems,
  type Problem,
} from '@basiskit/tensor';

const CACHE_LIMIT = 32;

const REDUCTIONS = ['sum', 'mean'] as const;

/** Options of {@link sobolevLoss}. */
export interface SobolevLossOptions {
  /** Sobolev order s (any finite number; 0 gives the L2 norm, negative s weaker norms); default 1. */
  s?: number;
  /** Number of trailing spatial dims the DFT runs over; default 1. */
  d?: number;
  /** Relative error `||e||_{H^s} / (||target||_{H^s} + eps)` (default) or absolute `||e||_{H^s}`. */
  relative?: boolean;
  /**
   * Reduction of the per-sample values over the leading (batch, channel) dims: 'sum' (default,
   * as LpLoss/H1Loss) or 'mean'.
   */
  reduction?: 'sum' | 'mean';
  /** Added to the denominator of the relative error; default 1e-8. */
  eps?: number;
}

const KNOWN = ['s', 'd', 'relative', 'reduction', 'eps'];

const weightCache = new Map<string, Float32Array>();

/** Signed integer wavenumber of DFT index `i` of `n` (numpy's fftfreq(n) * n). */
function wavenumber(i: number, n: number): number {
  return i <= n / 2 ? i : i - n; // for even n, i = n/2 is ±n/2: the same |k|
}

/**
 * (1 + |k|^2)^s times the Hermitian multiplicity over the rfftn bins of a grid `shape` (the last
 * axis has floor(n/2) + 1 bins), row-major.
 */
function sobolevWeights(shape: number[], s: number): Float32Array {
  const key = `${shape.join('x')}|${s}`;
  let w = weightCache.get(key);
  if (w) return w;
  const last = shape[shape.length - 1];
  const bins = [...shape.slice(0, -1), Math.floor(last / 2) + 1];
  const size = bins.reduce((a, b) => a * b, 1);
  w = new Float32Array(size);
  const idx = new Array<number>(bins.length).fill(0);
  for (let flat = 0; flat < size; flat++) {
    let k2 = 0;
    for (let j = 0; j < bins.length; j++) {
      const k = wavenumber(idx[j], shape[j]);
      k2 += k * k;
    }
    const j = idx[bins.length - 1];
    const twice = j >= 1 && j <= Math.ceil(last / 2) - 1;
    w[flat] = Math.pow(1 + k2, s) * (twice ? 2 : 1);
    for (let a = bins.length - 1; a >= 0; a--) {
      if (++idx[a] < bins[a]) break;
      idx[a] = 0;
    }
  }
  if (weightCache.size >= CACHE_LIMIT) weightCache.delete(weightCache.keys().next().value as string);
  weightCache.set(key, w);
  return w;
}

/** Throws a ShapeError unless `target` has the shape of `pred`. */
function checkSameShape(pred: tf.Tensor, target: tf.Tensor, where: string): void {
  if (pred.rank !== target.rank || pred.shape.some((d, i) => d !== target.shape[i])) {
    throw new ShapeError('shape differs from pred', {
      where,
      argument: 'target',
      expected: `shape ${formatShape(pred.shape)} (as pred)`,
      got: `shape ${formatShape(target.shape)}`,
    });
  }
}

/**
 * Spectral Sobolev loss over the last `d` dims: per sample, with `e = pred - target`,
 *
 *   `||e||_{H^s}^2 = sum_k (1 + |k|^2)^s |ê_k|^2`,
 *
 * `ê` the d-dimensional DFT normalised "forward" (`ê_k = (1/N) sum_x e_x exp(-2πi k·x/n)`, so s = 0
 * gives the mean square, the L2 norm squared on the unit domain) and `k` the signed integer
 * wavenumbers. Returns `||e||_{H^s} / (||target||_{H^s} + eps)` per sample when `relative`
 * (default), else `||e||_{H^s}`, summed (default, as LpLoss/H1Loss) or averaged over the leading
 * dims. The grid is treated as periodic (the DFT's assumption). For example `sin(2πkx)` on
 * `x = j/n` has `|ê_{±k}|^2 = 1/4` and nothing else, so its squared norm is `(1 + k^2)^s / 2`.
 *
 * Differentiable (through @basiskit/kernels' rfftn, O(N log N)). Gradients are undefined where
 * the error is exactly zero (as for any norm's square root).
 *
 * Source: the H^s norm on the torus in Fourier form (e.g. Evans, *Partial Differential
 * Equations*, §5.10 / Adams & Fournier, *Sobolev Spaces*); weights as in the Sobolev losses of
 * the neural-operator literature (Li et al., PINO, 2021; Son et al., Sobolev training, 2021).
 *
 * @example
 * const loss = sobolevLoss(pred, target, { d: 2, s: 1 }); // pred, target [B, C, H, W]
 */
export function sobolevLoss(pred: tf.Tensor, target: tf.Tensor, options: SobolevLossOptions = {}): tf.Scalar {
  const where = 'sobolevLoss';
  const o = checkOptions(options, { where, known: KNOWN });
  const s = o.s ?? 1;
  checkFinite(s, where, 's');
  const d = o.d ?? 1;
  checkInt(d, 1, where, 'd');
  const relative = o.relative ?? true;
  if (typeof relative !== 'boolean') {
    throw new ConfigError('invalid value', { where, argument: 'relative', expected: 'a boolean', got: show(relative) });
  }
  const reduction = o.reduction ?? 'sum';
  const problems: Problem[] = [];
  collectChoice({ reduction }, 'reduction', REDUCTIONS, problems);
  throwProblems(problems, { where });
  const eps = checkNumber(o.eps ?? 1e-8, { where, argument: 'eps', min: 0 });
  if (!(pred instanceof tf.Tensor) || pred.rank < d) {
    throw new ShapeError('too few dims for the spatial dims', {
      where,
      argument: 'pred',
      expected: `rank >= d = ${d}`,
      got: pred instanceof tf.Tensor ? `shape ${formatShape(pred.shape)}` : show(pred),
    });
  }
  if (!(target instanceof tf.Tensor)) throw new ConfigError('not a tensor', { where, argument: 'target', expected: 'a tf.Tensor', got: show(target) });
  checkSameShape(pred, target, where);
  checkTensor(pred, { where, argument: 'pred', dtype: 'float32' });
  checkTensor(target, { where, argument: 'target', dtype: 'float32' });
  if (pred.size === 0) throw new ShapeError('empty input', { where, argument: 'pred', expected: 'at least one element', got: 'size 0' });

  const spatial = pred.shape.slice(pred.rank - d);
  const lead = pred.shape.slice(0, pred.rank - d).reduce((a, b) => a * b, 1);
  const w = sobolevWeights(spatial, s);
  const axes = Array.from({ length: d }, (_, i) => i + 1);
  return tf.tidy(() => {
    const weights = tf.tensor1d(w);
    const energy = (u: tf.Tensor) => {
      const { real, imag } = rfftn(tf.reshape(u, [lead, ...spatial]), { axes, norm: 'forward' });
      const power = tf.reshape(tf.add(tf.square(real), tf.square(imag)), [lead, w.length]);
      return tf.sum(tf.mul(power, weights), -1);
    };
    const norm = tf.sqrt(energy(tf.sub(pred, target)));
    const perSample = relative ? tf.div(norm, tf.add(tf.sqrt(energy(target)), eps)) : norm;
    return (reduction === 'sum' ? tf.sum(perSample) : tf.mean(perSample)) as tf.Scalar;
  });
}
