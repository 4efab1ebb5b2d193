// Gaussian random fields on periodic grids of [0,1)^d (d = 1, 2), sampled by FFT.
//
// Spectra (variance of Fourier mode k, wavevector 2 pi k):
// - 'neuralop': neuraloperator's GaussianRF (and the FNO data code's), covariance
//   sigma^2 (-Laplacian + tau^2 I)^(-alpha) with zero mean: e_k = sigma^2 (4 pi^2 |k|^2 + tau^2)^(-alpha),
//   e_0 = 0, sigma = tau^(alpha - d/2) by default (so the field is O(1) for any tau).
// - 'matern': the Matern covariance of smoothness nu and length scale l on the torus, spectral
//   density e_k proportional to (2 nu / l^2 + 4 pi^2 |k|^2)^(-(nu + d/2)), scaled so the pointwise
//   variance on the grid is sigma^2 (mode 0 included).
// The field is u(x) = sum_k sqrt(e_k) zeta_k e^{2 pi i k.x}, zeta_k standard complex normal with
// zeta_{-k} = conj(zeta_k): the real part of neuralop's sample (same distribution), drawn on the
// half spectrum and inverted by one real FFT.
//
// CosineRF is the FNO Darcy data code's field (its GRF.m): Neumann boundary, cosine modes,
// U = idct2(s * tau^(alpha-1) (pi^2 |k|^2 + tau^2)^(-alpha/2) xi), xi standard normal, mode 0 zeroed;
// any grid size (the inverse DCT is applied as two dense matrix products).
import { checkOptions, collectChoice, collectNumber, throwProblems, tf, type Problem, type Rng } from '@basiskit/tensor';
import { checkPow2, irfft2d64, irfft64, wavenumbers } from './fft64';
import { sampleRng } from './sample_rng';
import { checkObject, checkShard, stackSamples, type ShardOptions } from './shards';

/** Options of {@link GaussianRF}. */
export interface GaussianRFOptions {
  /** Dimension, 1 or 2. Default 2. */
  dim?: 1 | 2;
  /** Grid points per dimension (a power of two >= 4). Required. */
  size: number;
  /** Spectrum: `'neuralop'` (`(-Laplacian + tau^2)^(-alpha)`) or `'matern'`. Default `'neuralop'`. */
  kind?: 'neuralop' | 'matern';
  /** neuralop: exponent of the covariance operator. Default 2. */
  alpha?: number;
  /** neuralop: inverse length scale. Default 3. */
  tau?: number;
  /** Standard deviation scale. Default neuralop's `tau^(alpha - dim/2)`; Matern: 1 (pointwise std). */
  sigma?: number;
  /** Matern smoothness. Default 1.5. */
  nu?: number;
  /** Matern length scale. Default 0.1. */
  lengthScale?: number;
}

const GRF_KEYS = ['dim', 'size', 'kind', 'alpha', 'tau', 'sigma', 'nu', 'lengthScale'] as const;

/**
 * A Gaussian random field on the periodic grid `size^dim` of [0,1)^dim. `sample(rng)` returns one
 * field (row-major Float64Array); `modeVariance` holds e_k per grid mode (FFT order), the
 * spectrum the samples follow.
 */
export class GaussianRF {
  readonly dim: 1 | 2;
  readonly size: number;
  readonly kind: 'neuralop' | 'matern';
  readonly alpha: number;
  readonly tau: number;
  readonly sigma: number;
  readonly nu: number;
  readonly lengthScale: number;
  /** Variance e_k of each Fourier mode, `size^dim` values in FFT order (row-major in 2-D). */
  readonly modeVariance: Float64Array;
  private readonly std: Float64Array;

  constructor(options: GaussianRFOptions) {
    const where = 'GaussianRF';
    const o = checkOptions(options, { where, known: GRF_KEYS }) as Record<string, unknown>;
    const p: Problem[] = [];
    collectChoice({ dim: 2, ...o }, 'dim', [1, 2], p);
    collectNumber(o, 'size', { integer: true, min: 4 }, p);
    collectChoice({ kind: 'neuralop', ...o }, 'kind', ['neuralop', 'matern'], p);
    for (const k of ['alpha', 'tau', 'nu', 'lengthScale', 'sigma']) if (k in o) collectNumber(o, k, { gt: 0 }, p);
    throwProblems(p, { where });
    this.dim = (o.dim as 1 | 2) ?? 2;
    this.size = o.size as number;
    checkPow2(this.size, where, 'size', 4);
    this.kind = (o.kind as 'neuralop' | 'matern') ?? 'neuralop';
    this.alpha = (o.alpha as number) ?? 2;
    this.tau = (o.tau as number) ?? 3;
    this.nu = (o.nu as number) ?? 1.5;
    this.lengthScale = (o.lengthScale as number) ?? 0.1;
    this.sigma = (o.sigma as number) ?? (this.kind === 'neuralop' ? this.tau ** (0.5 * (2 * this.alpha - this.dim)) : 1);
    const n = this.size;
    const k = wavenumbers(n);
    const total = this.dim === 1 ? n : n * n;
    const e = new Float64Array(total);
    const four = 4 * Math.PI * Math.PI;
    for (let i = 0; i < total; i++) {
      const k2 = this.dim === 1 ? k[i] ** 2 : k[Math.floor(i / n)] ** 2 + k[i % n] ** 2;
      if (this.kind === 'neuralop') e[i] = i === 0 ? 0 : this.sigma ** 2 * (four * k2 + this.tau ** 2) ** -this.alpha;
      else e[i] = ((2 * this.nu) / this.lengthScale ** 2 + four * k2) ** -(this.nu + this.dim / 2);
    }
    if (this.kind === 'matern') {
      let sum = 0;
      for (let i = 0; i < total; i++) sum += e[i];
      for (let i = 0; i < total; i++) e[i] *= this.sigma ** 2 / sum;
    }
    this.modeVariance = e;
    this.std = new Float64Array(total);
    // the FFT of the field: |H_k|^2 has mean size^(2 dim) e_k
    const scale = this.dim === 1 ? n : n * n;
    for (let i = 0; i < total; i++) this.std[i] = scale * Math.sqrt(e[i]);
  }

  /** One field drawn with `rng` (row-major, `size` or `size * size` values) into `out`. */
  sample(rng: Rng, out: Float64Array = new Float64Array(this.dim === 1 ? this.size : this.size * this.size)): Float64Array {
    const n = this.size;
    const h = n / 2 + 1;
    const sd = this.std;
    const r1 = Math.SQRT1_2;
    if (this.dim === 1) {
      const spec = new Float64Array(2 * h);
      for (let b = 0; b < h; b++) {
        if (b === 0 || b === n / 2) spec[2 * b] = sd[b] * rng.normal();
        else {
          spec[2 * b] = r1 * sd[b] * rng.normal();
          spec[2 * b + 1] = r1 * sd[b] * rng.normal();
        }
      }
      return irfft64(spec, n, out);
    }
    const spec = new Float64Array(2 * n * h);
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < h; c++) {
        const i = 2 * (r * h + c);
        const s = sd[r * n + c];
        const edgeCol = c === 0 || c === n / 2;
        if (edgeCol && (r === 0 || r === n / 2)) spec[i] = s * rng.normal();
        else if (edgeCol && r > n / 2) {
          // Hermitian partner of row n - r, drawn already
          const j = 2 * ((n - r) * h + c);
          spec[i] = spec[j];
          spec[i + 1] = -spec[j + 1];
        } else {
          spec[i] = r1 * s * rng.normal();
          spec[i + 1] = r1 * s * rng.normal();
        }
      }
    }
    return irfft2d64(spec, n, n, out);
  }
}

/** Options of {@link CosineRF}. */
export interface CosineRFOptions {
  /** Grid points per dimension (any size >= 2). Required. */
  size: number;
  /** Exponent. Default 2 (FNO Darcy). */
  alpha?: number;
  /** Inverse length scale. Default 3 (FNO Darcy). */
  tau?: number;
}

const dctCache = new Map<number, Float64Array>();

/** Orthonormal DCT-II matrix C[k][n] = w_k cos(pi (2n+1) k / (2s)) (MATLAB dct / idct). */
function dctMatrix(s: number): Float64Array {
  let c = dctCache.get(s);
  if (!c) {
    c = new Float64Array(s * s);
    for (let k = 0; k < s; k++) {
      const w = k === 0 ? Math.sqrt(1 / s) : Math.sqrt(2 / s);
      for (let n = 0; n < s; n++) c[k * s + n] = w * Math.cos((Math.PI * (2 * n + 1) * k) / (2 * s));
    }
    dctCache.set(s, c);
  }
  return c;
}

/**
 * The FNO Darcy data code's 2-D Gaussian random field with Neumann boundary (cosine series), on an
 * `size x size` grid: `idct2(size * tau^(alpha-1) (pi^2 (k1^2 + k2^2) + tau^2)^(-alpha/2) xi)`.
 */
export class CosineRF {
  readonly size: number;
  readonly alpha: number;
  readonly tau: number;
  private readonly coef: Float64Array;
  private readonly c: Float64Array;
  private readonly l: Float64Array;
  private readonly t: Float64Array;

  constructor(options: CosineRFOptions) {
    const where = 'CosineRF';
    const o = checkOptions(options, { where, known: ['size', 'alpha', 'tau'] }) as Record<string, unknown>;
    const p: Problem[] = [];
    collectNumber(o, 'size', { integer: true, min: 2 }, p);
    for (const k of ['alpha', 'tau']) if (k in o) collectNumber(o, k, { gt: 0 }, p);
    throwProblems(p, { where });
    this.size = o.size as number;
    this.alpha = (o.alpha as number) ?? 2;
    this.tau = (o.tau as number) ?? 3;
    const s = this.size;
    this.coef = new Float64Array(s * s);
    for (let a = 0; a < s; a++)
      for (let b = 0; b < s; b++)
        this.coef[a * s + b] = a + b === 0 ? 0 : s * this.tau ** (this.alpha - 1) * (Math.PI ** 2 * (a * a + b * b) + this.tau ** 2) ** (-this.alpha / 2);
    this.c = dctMatrix(s);
    this.l = new Float64Array(s * s);
    this.t = new Float64Array(s * s);
  }

  /** One field (row-major `size * size`) drawn with `rng` into `out`. */
  sample(rng: Rng, out: Float64Array = new Float64Array(this.size * this.size)): Float64Array {
    const s = this.size;
    const c = this.c;
    const l = this.l;
    for (let i = 0; i < s * s; i++) l[i] = this.coef[i] * rng.normal();
    // U = C^T L C
    const t = this.t;
    t.fill(0);
    for (let i = 0; i < s; i++)
      for (let k = 0; k < s; k++) {
        const v = l[i * s + k];
        if (v === 0) continue;
        const ck = k * s;
        const ti = i * s;
        for (let j = 0; j < s; j++) t[ti + j] += v * c[ck + j];
      }
    out.fill(0, 0, s * s);
    for (let i = 0; i < s; i++)
      for (let n = 0; n < s; n++) {
        const v = c[i * s + n];
        const ti = i * s;
        const on = n * s;
        for (let j = 0; j < s; j++) out[on + j] += v * t[ti + j];
      }
    return out;
  }
}

/** Options of {@link generateGaussianRF}: the field's options and the shard. */
export type GenerateGaussianRFOptions = GaussianRFOptions & ShardOptions;

/**
 * Samples `start .. start + count - 1` of a seeded set of Gaussian random fields as a float32
 * tensor `[count, size]` (1-D) or `[count, size, size]` (2-D). Sample i depends only on (seed, i).
 */
export function generateGaussianRF(options: GenerateGaussianRFOptions): tf.Tensor {
  checkObject(options, 'generateGaussianRF');
  const { seed, start, count, rest } = checkShard(options, 'generateGaussianRF');
  const grf = new GaussianRF(rest as unknown as GaussianRFOptions);
  const shape = grf.dim === 1 ? [grf.size] : [grf.size, grf.size];
  const out: Float64Array[] = [];
  for (let i = start; i < start + count; i++) out.push(grf.sample(sampleRng(seed, i)));
  return stackSamples(out, shape);
}
