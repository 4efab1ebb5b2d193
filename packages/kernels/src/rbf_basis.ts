// FastKAN's Gaussian radial basis (Z. Li, "Kolmogorov-Arnold Networks are Radial Basis Function
// Networks", 2024; github.com/ZiyaoLi/fast-kan, `RadialBasisFunction`):
//
//   b_k(x) = exp(-((x - g_k) / h)^2),   k = 0..K-1
//   g = linspace(gridMin, gridMax, K),  h = (gridMax - gridMin) / (K - 1)   (FastKAN's `denominator`)
//
// x [..., in] -> [..., in, K]. The fused kernels (cpu and wasm, float64 arithmetic, float32
// storage) write the values, and the backward pass in one sweep
//
//   b_k'(x) = -2 (x - g_k) / h^2 * b_k(x)
//   dx       = sum_k dy_k b_k'(x)
//   dgrid_k  = -sum_{elements} dy_k b_k'(x)        (b_k depends on x - g_k)
//
// On a uniform grid (FastKAN's linspace) the kernels step from one Gaussian to the next with two
// exps per element instead of K (see `UniformGrid` below); other grids and far-out x take one
// exp per value. The grid is an input tensor (FastKAN keeps it as a non-trainable parameter
// `rbf.grid`, so a checkpoint's grid is used as stored); h is a constant attribute.
import { ConfigError, DTypeError, ShapeError, checkInt, formatShape, tf } from '@basiskit/tensor';
import type { Basis } from './basis';
import { rbfBasisDerivativeReference, rbfBasisReference } from './rbf_basis_reference';
import { registerTypedArrayKernel, runKernel } from './typed_array_kernel';
import { checkBasisInput, useFusedKernel } from './basis_op_checks';

/** tfjs kernel names of the fused RBF basis. */
export const RBF_BASIS_KERNEL = 'BasiskitRBFBasis';
export const RBF_BASIS_GRAD_KERNEL = 'BasiskitRBFBasisGrad';

interface RBFAttrs {
  /** h, the width of every Gaussian. */
  denominator: number;
}

/**
 * Where the grid is uniform (a linspace, up to float32 rounding), the Gaussians follow from one
 * another: with d_k = (x - g_k)/h = d_0 - k delta (delta = grid step / h),
 *
 *   b_{k+1} = b_k * rho_k,   rho_k = exp(2 d_k delta - delta^2),   rho_{k+1} = rho_k * exp(-2 delta^2)
 *
 * so an element costs two exps instead of K. Each point's offset from the exact linspace,
 * eps_k (in units of h, at most 1e-5), is folded back in to first order:
 * exp(-(d_k - eps_k)^2) = b_k (1 + 2 d_k eps_k) + O(d^2 eps^2). The recurrence runs only where
 * every |d_k| <= 26 (so b_k >= e^-676 stays a normal float64, and rho neither overflows nor
 * underflows with delta <= 8); elsewhere, and on other grids, each b_k is its own exp.
 */
interface UniformGrid {
  g0: number;
  /** Grid step in units of h. */
  delta: number;
  /** exp(-2 delta^2). */
  q: number;
  /** (K - 1) delta: d runs from d_0 down to d_0 - span. */
  span: number;
  /** Offsets of the grid points from the exact linspace, in units of h. */
  eps: Float64Array;
}

/** Largest |d_k| the recurrence runs at. */
const RBF_RECURRENCE_BOUND = 26;

function uniformGrid(grid: Float32Array, invH: number): UniformGrid | null {
  const K = grid.length;
  if (K < 2) return null;
  const g0 = grid[0];
  const step = (grid[K - 1] - g0) / (K - 1);
  const delta = step * invH;
  if (!(delta > 0 && delta <= 8)) return null;
  const eps = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    const e = (grid[k] - (g0 + k * step)) * invH;
    if (!(Math.abs(e) <= 1e-5)) return null;
    eps[k] = e;
  }
  return { g0, delta, q: Math.exp(-2 * delta * delta), span: (K - 1) * delta, eps };
}

/** Whether the recurrence runs for d_0 = (x - g_0)/h. */
function inRecurrenceRange(U: UniformGrid, d0: number): boolean {
  return d0 <= RBF_RECURRENCE_BOUND && d0 - U.span >= -RBF_RECURRENCE_BOUND;
}

/** Forward: out[m, k] = exp(-((x[m] - grid[k]) / h)^2). */
function rbfForward(x: Float32Array, grid: Float32Array, out: Float32Array, denominator: number): void {
  const K = grid.length;
  const invH = 1 / denominator;
  const U = uniformGrid(grid, invH);
  let o = 0;
  for (let m = 0; m < x.length; m++) {
    const xm = x[m];
    if (U !== null) {
      let d = (xm - U.g0) * invH;
      if (inRecurrenceRange(U, d)) {
        const { delta, q, eps } = U;
        let b = Math.exp(-d * d);
        let rho = Math.exp(2 * d * delta - delta * delta);
        for (let k = 0; k < K; k++) {
          out[o++] = b * (1 + 2 * d * eps[k]);
          b *= rho;
          rho *= q;
          d -= delta;
        }
        continue;
      }
    }
    for (let k = 0; k < K; k++) {
      const d = (xm - grid[k]) * invH;
      out[o++] = Math.exp(-d * d);
    }
  }
}

/** Backward: dx[m] = sum_k dy[m,k] b_k'(x[m]); dgrid[k] = -sum_m dy[m,k] b_k'(x[m]). */
function rbfBackward(dy: Float32Array, x: Float32Array, grid: Float32Array, dx: Float32Array, dgrid: Float32Array, denominator: number): void {
  const K = grid.length;
  const invH = 1 / denominator;
  const c = 2 * invH * invH;
  const U = uniformGrid(grid, invH);
  const acc = new Float64Array(K);
  let o = 0;
  for (let m = 0; m < x.length; m++) {
    const xm = x[m];
    let s = 0;
    let d0 = U === null ? 0 : (xm - U.g0) * invH;
    if (U !== null && inRecurrenceRange(U, d0)) {
      const { delta, q, eps } = U;
      let b = Math.exp(-d0 * d0);
      let rho = Math.exp(2 * d0 * delta - delta * delta);
      for (let k = 0; k < K; k++) {
        const t = dy[o++] * c * (xm - grid[k]) * b * (1 + 2 * d0 * eps[k]); // = -dy * b_k'(x)
        s -= t;
        acc[k] += t;
        b *= rho;
        rho *= q;
        d0 -= delta;
      }
    } else {
      for (let k = 0; k < K; k++) {
        const diff = xm - grid[k];
        const d = diff * invH;
        const t = dy[o++] * c * diff * Math.exp(-d * d); // = -dy * b_k'(x)
        s -= t;
        acc[k] += t;
      }
    }
    dx[m] = s;
  }
  for (let k = 0; k < K; k++) dgrid[k] = acc[k];
}

let registered = false;

function register(): void {
  if (registered) return;
  registered = true;
  registerTypedArrayKernel<RBFAttrs>({
    kernelName: RBF_BASIS_KERNEL,
    inputNames: ['x', 'grid'],
    outputShapes: ([xs, gs]) => [[...xs, gs[0]]],
    accumulates: [],
    compute: ([x, grid], [out], _shapes, { denominator }) => rbfForward(x, grid, out, denominator),
  });
  registerTypedArrayKernel<RBFAttrs>({
    kernelName: RBF_BASIS_GRAD_KERNEL,
    inputNames: ['dy', 'x', 'grid'],
    outputShapes: ([, xs, gs]) => [xs, gs],
    accumulates: [],
    compute: ([dy, x, grid], [dx, dgrid], _shapes, { denominator }) => rbfBackward(dy, x, grid, dx, dgrid, denominator),
  });
  tf.registerGradient({
    kernelName: RBF_BASIS_KERNEL,
    inputsToSave: ['x', 'grid'],
    gradFunc: (dy, saved, attrs) => {
      const [x, grid] = saved;
      const [dx, dgrid] = runKernel(RBF_BASIS_GRAD_KERNEL, { dy: dy as tf.Tensor, x, grid }, attrs as unknown as RBFAttrs) as tf.Tensor[];
      return { x: () => dx, grid: () => dgrid };
    },
  });
}

/** Options of {@link rbfBasis} and {@link RBFBasis}. */
export interface RBFBasisOptions {
  /** First grid point. Default -2 (FastKAN). */
  gridMin?: number;
  /** Last grid point. Default 2 (FastKAN). */
  gridMax?: number;
  /** Number of Gaussians K (grid points). Default 8, or the length of `grid` when given. */
  numGrids?: number;
  /** Width h. Default `(gridMax - gridMin) / (numGrids - 1)` (FastKAN's `denominator`). */
  denominator?: number;
  /**
   * Explicit centres, float32 [K] (a FastKAN layer's `rbf.grid`); replaces the linspace.
   * The op is differentiable in it.
   */
  grid?: tf.Tensor;
}

/** Options of {@link rbfBasis}: the basis options and the implementation. */
export interface RBFBasisOpOptions extends RBFBasisOptions {
  /** Force the plain-ops reference (`'reference'`) or the fused kernel (`'fused'`); default `'auto'`. */
  impl?: 'auto' | 'fused' | 'reference';
}

interface ResolvedRBF {
  gridMin: number;
  gridMax: number;
  numGrids: number;
  denominator: number;
}

/** Checks the options and fills in FastKAN's defaults. */
function resolveRBF(options: RBFBasisOptions, where: string): ResolvedRBF {
  const gridMin = options.gridMin ?? -2;
  const gridMax = options.gridMax ?? 2;
  if (typeof gridMin !== 'number' || typeof gridMax !== 'number' || !Number.isFinite(gridMin) || !Number.isFinite(gridMax) || !(gridMin < gridMax)) {
    throw new ConfigError('invalid grid range', { where, argument: 'gridMin, gridMax', expected: 'finite numbers with gridMin < gridMax', got: `${gridMin}, ${gridMax}` });
  }
  const grid = options.grid;
  if (grid !== undefined) {
    if (!(grid instanceof tf.Tensor)) throw new ConfigError('invalid value', { where, argument: 'grid', expected: 'a float32 tensor [K]', got: typeof grid });
    if (grid.dtype !== 'float32') throw new DTypeError('wrong dtype', { where, argument: 'grid', expected: 'float32', got: grid.dtype });
    if (grid.rank !== 1 || grid.size < 1) throw new ShapeError('wrong shape', { where, argument: 'grid', expected: '[K] with K >= 1', got: formatShape(grid.shape) });
  }
  const numGrids = options.numGrids ?? (grid ? grid.size : 8);
  checkInt(numGrids, options.denominator === undefined ? 2 : 1, where, 'numGrids');
  if (grid && grid.size !== numGrids) {
    throw new ShapeError('wrong shape', { where, argument: 'grid', expected: `[${numGrids}] (numGrids)`, got: formatShape(grid.shape) });
  }
  const denominator = options.denominator ?? (gridMax - gridMin) / (numGrids - 1);
  if (typeof denominator !== 'number' || !Number.isFinite(denominator) || !(denominator > 0)) {
    throw new ConfigError('invalid value', { where, argument: 'denominator', expected: 'a finite number > 0', got: String(denominator) });
  }
  return { gridMin, gridMax, numGrids, denominator };
}

/** The linspace grid of resolved options, float32 [K]. */
function linspaceGrid(r: ResolvedRBF): tf.Tensor {
  return tf.linspace(r.gridMin, r.gridMax, r.numGrids);
}

/**
 * FastKAN's Gaussian RBF basis: `exp(-((x - g_k)/h)^2)` for each of the K grid points.
 * x [..., in] (float32) -> [..., in, K]. Differentiable in x (and in `grid` when given).
 *
 * @example
 * const b = rbfBasis(x, { gridMin: -2, gridMax: 2, numGrids: 8 }); // [N, in, 8]
 */
export function rbfBasis(x: tf.Tensor, options: RBFBasisOpOptions = {}): tf.Tensor {
  const where = 'rbfBasis';
  checkBasisInput(x, where);
  const r = resolveRBF(options ?? {}, where);
  register();
  const fused = useFusedKernel(options?.impl, RBF_BASIS_KERNEL, where);
  return tf.tidy(() => {
    const grid = options.grid ?? linspaceGrid(r);
    if (!fused) return rbfBasisReference(x, grid, r.denominator);
    return runKernel(RBF_BASIS_KERNEL, { x, grid }, { denominator: r.denominator }) as tf.Tensor;
  });
}

/**
 * FastKAN's Gaussian RBF basis as a {@link Basis}: `K = numGrids` dense functions centred on
 * `linspace(gridMin, gridMax, K)`, laid out for `[gridMin, gridMax]`.
 */
export class RBFBasis implements Basis {
  readonly name = 'rbf';
  readonly nBasis: number;
  readonly support = 'dense' as const;
  readonly nonzeros: number;
  readonly defaultRange: readonly [number, number];
  /** The width h of every Gaussian. */
  readonly denominator: number;
  private readonly resolved: ResolvedRBF;

  /** Options as {@link rbfBasis} (FastKAN's defaults: [-2, 2], 8 Gaussians); `grid` is not accepted. */
  constructor(options: Omit<RBFBasisOptions, 'grid'> = {}) {
    if ((options as RBFBasisOptions)?.grid !== undefined) {
      throw new ConfigError('a Basis holds no tensors', { where: 'RBFBasis', argument: 'grid', expected: 'gridMin/gridMax/numGrids', got: 'a tensor' });
    }
    this.resolved = resolveRBF(options ?? {}, 'RBFBasis');
    this.nBasis = this.resolved.numGrids;
    this.nonzeros = this.nBasis;
    this.defaultRange = Object.freeze([this.resolved.gridMin, this.resolved.gridMax] as const);
    this.denominator = this.resolved.denominator;
  }

  /** Values: x [..., in] -> [..., in, K] (fused on cpu and wasm). */
  evaluate(x: tf.Tensor): tf.Tensor {
    return rbfBasis(x, this.resolved);
  }

  /** Derivatives `-2 (x - g_k)/h^2 b_k(x)`: x [..., in] -> [..., in, K] (plain ops). */
  derivative(x: tf.Tensor): tf.Tensor {
    checkBasisInput(x, 'RBFBasis.derivative');
    return tf.tidy(() => rbfBasisDerivativeReference(x, linspaceGrid(this.resolved), this.denominator));
  }
}
