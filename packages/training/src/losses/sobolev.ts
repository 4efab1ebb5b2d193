// Spectral Sobolev (H^s) loss of functions sampled on a regular periodic grid over the last d
// dims: ||u||_{H^s}^2 = sum_k (1 + |k|^2)^s |û_k|^2, with û the d-dimensional DFT normalised
// "forward" (û_k = (1/N) sum_x u_x e^{-2πi k·x/n}, so that s = 0 gives the mean of u^2, the L2
// norm squared on the unit domain by Parseval) and k the signed integer wavenumbers
// (k_j in (-n_j/2, n_j/2], numpy's fftfreq(n) * n).
//
// The DFT is a plain-ops real DFT: cos/sin matrices per size, applied with tf.matMul along each
// of the last d axes in turn (real input first, then complex), so tfjs differentiates it.
// tf.spectral is not used: it has no gradients in tfjs, runs on the innermost axis only and has
// no wasm kernel. @basiskit/kernels has no real FFT, and this package depends only on
// @basiskit/tensor (DESIGN.md), so the DFT is O(n^2) per axis: one n x n matMul, which on wasm
// runs in XNNPACK and is fast for the grid sizes operator losses see (n <= a few hundred).
//
// The matrices (and the (1 + |k|^2)^s weights) are built once per size and cached as typed
// arrays; each call uploads them as tensors inside its tidy, so the cache holds no tensors (no
// leaked or backend-bound memory, nothing to dispose) at the cost of one n x n upload per axis.
import { ConfigError, ShapeError, checkFinite, show, tf } from '@basiskit/tensor';
import {
  checkD,
  checkOneOf,
  checkPositive,
  checkSameShape,
  checkSpatialRank,
  flattenSpatial,
  leadShape,
  reduceBatch,
  BATCH_REDUCTIONS,
  type BatchReduction,
} from './common';

const CACHE_LIMIT = 32;

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
  reduction?: BatchReduction;
  /** Added to the denominator of the relative error; default 1e-8. */
  eps?: number;
}

function remember<T>(cache: Map<string | number, T>, key: string | number, build: () => T): T {
  let v = cache.get(key);
  if (v === undefined) {
    v = build();
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string | number);
    cache.set(key, v);
  }
  return v;
}

const dftCache = new Map<string | number, { cos: Float32Array; sin: Float32Array }>();
const weightCache = new Map<string | number, Float32Array>();

/** `cos(2π jk/n) / n` and `sin(2π jk/n) / n` as row-major n x n arrays (symmetric in j, k). */
function dftMatrices(n: number): { cos: Float32Array; sin: Float32Array } {
  return remember(dftCache, n, () => {
    const cos = new Float32Array(n * n);
    const sin = new Float32Array(n * n);
    for (let j = 0; j < n; j++) {
      for (let k = 0; k < n; k++) {
        const a = (2 * Math.PI * ((j * k) % n)) / n; // exact phase reduction keeps large n accurate
        cos[j * n + k] = Math.cos(a) / n;
        sin[j * n + k] = Math.sin(a) / n;
      }
    }
    return { cos, sin };
  });
}

/** Signed integer wavenumber of DFT index `i` of `n` (numpy's fftfreq(n) * n). */
function wavenumber(i: number, n: number): number {
  return i <= n / 2 ? i : i - n; // for even n, i = n/2 is ±n/2: the same |k|
}

/** (1 + |k|^2)^s over the grid of `shape` (row-major). */
function sobolevWeights(shape: number[], s: number): Float32Array {
  return remember(weightCache, `${shape.join('x')}|${s}`, () => {
    const size = shape.reduce((a, b) => a * b, 1);
    const w = new Float32Array(size);
    const idx = new Array<number>(shape.length).fill(0);
    for (let flat = 0; flat < size; flat++) {
      let k2 = 0;
      for (let j = 0; j < shape.length; j++) {
        const k = wavenumber(idx[j], shape[j]);
        k2 += k * k;
      }
      w[flat] = Math.pow(1 + k2, s);
      for (let j = shape.length - 1; j >= 0; j--) {
        if (++idx[j] < shape[j]) break;
        idx[j] = 0;
      }
    }
    return w;
  });
}

/**
 * |û_k|^2 over the grid for `u` of shape `[B, n_1..n_d]` (forward-normalised d-dim DFT), as
 * `[B, n_1..n_d]`. Call inside a tidy.
 */
function powerSpectrum(u: tf.Tensor, d: number): tf.Tensor {
  let re: tf.Tensor = u;
  let im: tf.Tensor | null = null;
  for (let step = 0; step < d; step++) {
    const shape = re.shape;
    const n = shape[shape.length - 1];
    const { cos, sin } = dftMatrices(n);
    const c = tf.tensor2d(cos, [n, n]);
    const sn = tf.tensor2d(sin, [n, n]);
    const r2 = tf.reshape(re, [-1, n]);
    let nextRe: tf.Tensor;
    let nextIm: tf.Tensor;
    if (im === null) {
      // (x)(C - iS) for real x
      nextRe = tf.matMul(r2, c);
      nextIm = tf.neg(tf.matMul(r2, sn));
    } else {
      // (re + i im)(C - iS) = (re C + im S) + i (im C - re S)
      const i2 = tf.reshape(im, [-1, n]);
      nextRe = tf.add(tf.matMul(r2, c), tf.matMul(i2, sn));
      nextIm = tf.sub(tf.matMul(i2, c), tf.matMul(r2, sn));
    }
    re = tf.reshape(nextRe, shape);
    im = tf.reshape(nextIm, shape);
    if (d > 1) {
      // move the axis just transformed to the front of the spatial axes: after d steps every
      // spatial axis is transformed and back in its place
      const perm = [0, d, ...Array.from({ length: d - 1 }, (_, i) => i + 1)];
      re = tf.transpose(re, perm);
      im = tf.transpose(im, perm);
    }
  }
  return tf.add(tf.square(re), tf.square(im as tf.Tensor));
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
 * Differentiable (plain tfjs ops: an O(n^2)-per-axis real DFT by matMul; to be replaced by
 * @basiskit/kernels' real FFT when it exists). Gradients are undefined where the error is
 * exactly zero (as for any norm's square root).
 *
 * Source: the H^s norm on the torus in Fourier form (e.g. Evans, *Partial Differential
 * Equations*, §5.10 / Adams & Fournier, *Sobolev Spaces*); weights as in the Sobolev losses of
 * the neural-operator literature (Li et al., PINO, 2021; Son et al., Sobolev training, 2021).
 */
export function sobolevLoss(pred: tf.Tensor, target: tf.Tensor, options: SobolevLossOptions = {}): tf.Scalar {
  const where = 'sobolevLoss';
  const s = options.s ?? 1;
  checkFinite(s, where, 's');
  const d = options.d ?? 1;
  checkD(d, where);
  const relative = options.relative ?? true;
  if (typeof relative !== 'boolean') {
    throw new ConfigError('invalid value', { where, argument: 'relative', expected: 'a boolean', got: show(relative) });
  }
  const reduction = options.reduction ?? 'sum';
  checkOneOf(reduction, BATCH_REDUCTIONS, where, 'reduction');
  const eps = options.eps ?? 1e-8;
  checkPositive(eps, where, 'eps', true);
  checkSpatialRank(pred, d, where, 'pred');
  checkSameShape(pred, target, where);
  if (pred.size === 0) throw new ShapeError('empty input', { where, argument: 'pred', expected: 'at least one element', got: 'size 0' });

  const spatial = pred.shape.slice(pred.rank - d);
  const lead = leadShape(pred, d).reduce((a, b) => a * b, 1);
  const w = sobolevWeights(spatial, s);
  return tf.tidy(() => {
    const weights = tf.tensor1d(w);
    const energy = (u: tf.Tensor) => {
      const power = powerSpectrum(tf.reshape(u, [lead, ...spatial]), d);
      return tf.sum(tf.mul(flattenSpatial(power, d), weights), -1);
    };
    const norm = tf.sqrt(energy(tf.sub(pred, target)));
    const perSample = relative ? tf.div(norm, tf.add(tf.sqrt(energy(target)), eps)) : norm;
    return reduceBatch(perSample, reduction);
  });
}
