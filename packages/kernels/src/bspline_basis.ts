// B-spline bases with a fused kernel and a hand-written gradient (efficient-kan's `b_splines`):
//
//   B_{j,0}(x) = [t_j <= x < t_{j+1}],
//   B_{j,p}(x) = (x - t_j)/(t_{j+p} - t_j) B_{j,p-1}(x) + (t_{j+p+1} - x)/(t_{j+p+1} - t_{j+1}) B_{j+1,p-1}(x)
//   dB_{j,k}/dx = k B_{j,k-1}/(t_{j+k} - t_j) - k B_{j+1,k-1}/(t_{j+k+1} - t_{j+1})
//
// x [N, in], grid [in, G+2k+1] -> [N, in, G+k]. On cpu and wasm the fused kernels of
// bspline_basis_kernel.ts evaluate only the k+1 nonzero bases per input (de Boor) and write the
// dense output; elsewhere the plain-ops reference runs. Also the `BSplineBasis` class (the
// `Basis` of B-spline KAN layers).
import { ConfigError, DTypeError, ShapeError, formatShape, tf } from '@basiskit/tensor';
import type { Basis } from './basis';
import { bsplineBasisBackward, bsplineBasisForward, bsplineLayout, wasmTableBytes, type BSplineAttrs } from './bspline_basis_kernel';
import { bsplineBasisReference } from './bspline_basis_reference';
import { uniformGrid } from './bspline_grid';
import { BSPLINE_WASM_BASE64 } from './generated/bspline_wasm';
import { hasKernel, registerTypedArrayKernel, runKernel } from './typed_array_kernel';
import { simdModule } from './wasm_simd_module';

/** tfjs kernel name of the fused B-spline basis forward. */
export const BSPLINE_BASIS_KERNEL = 'BasiskitBSplineBasis';
/** tfjs kernel name of the fused B-spline basis backward (dx). */
export const BSPLINE_BASIS_GRAD_KERNEL = 'BasiskitBSplineBasisGrad';

/** Checks shapes of (x, grid, weight) for a spline of order k; returns [N, in, out, nBasis]. */
export function checkSplineArgs(x: tf.Tensor, grid: tf.Tensor, weight: tf.Tensor | null, splineOrder: number, where: string): number[] {
  for (const [name, t] of [['x', x], ['grid', grid], ['weight', weight]] as const) {
    if (t && t.dtype !== 'float32') throw new DTypeError('wrong dtype', { where, argument: name, expected: 'float32', got: t.dtype });
  }
  if (!Number.isInteger(splineOrder) || splineOrder < 0) {
    throw new ConfigError('invalid value', { where, argument: 'splineOrder', expected: 'an integer >= 0', got: String(splineOrder) });
  }
  if (x.rank !== 2) throw new ShapeError('wrong rank', { where, argument: 'x', expected: '[N, in]', got: formatShape(x.shape) });
  const [n, inF] = x.shape as number[];
  if (grid.rank !== 2 || grid.shape[0] !== inF || (grid.shape[1] as number) < 2 * splineOrder + 2) {
    throw new ShapeError('wrong shape', { where, argument: 'grid', expected: `[${inF}, G + ${2 * splineOrder + 1}] with G >= 1`, got: formatShape(grid.shape) });
  }
  const nb = (grid.shape[1] as number) - splineOrder - 1;
  if (!weight) return [n, inF, 0, nb];
  if (weight.rank !== 3 || weight.shape[1] !== inF || weight.shape[2] !== nb) {
    throw new ShapeError('wrong shape', { where, argument: 'weight', expected: `[out, ${inF}, ${nb}] (G + k = ${nb} from grid ${formatShape(grid.shape)})`, got: formatShape(weight.shape) });
  }
  return [n, inF, weight.shape[0] as number, nb];
}

/** The gradient of a fused spline op with respect to its knots, which it does not provide. */
export function noGridGradient(where: string): () => tf.Tensor {
  return () => {
    throw new ConfigError('not differentiable in grid', {
      where,
      argument: 'grid',
      expected: "a constant knot grid (a buffer, as in efficient-kan), or impl: 'reference' for knot gradients",
      got: 'a gradient request for grid',
    });
  };
}

let simdDisabled = false;

/**
 * Turns the wasm SIMD kernels of the B-spline ops (bsplineBasis, splineLinear 'local') off: the
 * wasm backend then runs the JavaScript kernels on the heap. For tests and benchmarks.
 */
export function setSplineSimd(enabled: boolean): void {
  simdDisabled = !enabled;
}

/** Exports of assembly/bspline.ts. */
interface BSplineSimd {
  localForward(...args: number[]): void;
  localBackward(...args: number[]): void;
  basisForward(...args: number[]): void;
  basisBackward(...args: number[]): void;
}

/** The wasm SIMD kernels (assembly/bspline.ts) on tfjs's heap, when they can run. */
export function splineSimdKernels(memory: WebAssembly.Memory | null): BSplineSimd | null {
  if (simdDisabled) return null;
  return simdModule('bspline', BSPLINE_WASM_BASE64, memory) as unknown as BSplineSimd | null;
}

let registered = false;

function register(): void {
  if (registered) return;
  registered = true;
  registerTypedArrayKernel<BSplineAttrs>({
    kernelName: BSPLINE_BASIS_KERNEL,
    inputNames: ['x', 'grid'],
    outputShapes: ([xs, gs], { splineOrder }) => [[xs[0], xs[1], gs[1] - splineOrder - 1]],
    compute: ([x, grid], [out], [xs, gs], { splineOrder }) => bsplineBasisForward(x, grid, out, bsplineLayout(xs, gs, splineOrder)),
    wasmScratchBytes: ([xs, gs], { splineOrder }) => wasmTableBytes(xs[1], gs[1], splineOrder) + 4 * (splineOrder + 1),
    wasmCompute: (memory, [x, grid], [out], [xs, gs], { splineOrder }, scratch) => {
      const simd = splineSimdKernels(memory);
      if (!simd) return false;
      simd.basisForward(x, grid, out, xs[0], xs[1], gs[1], splineOrder, scratch);
      return true;
    },
  });
  registerTypedArrayKernel<BSplineAttrs>({
    kernelName: BSPLINE_BASIS_GRAD_KERNEL,
    inputNames: ['dy', 'x', 'grid'],
    outputShapes: ([, xs]) => [xs],
    accumulates: [],
    compute: ([dy, x, grid], [dx], [, xs, gs], { splineOrder }) => bsplineBasisBackward(dy, x, grid, dx, bsplineLayout(xs, gs, splineOrder)),
    wasmScratchBytes: ([, xs, gs], { splineOrder }) => wasmTableBytes(xs[1], gs[1], splineOrder) + 8 * (splineOrder + 1),
    wasmCompute: (memory, [dy, x, grid], [dx], [, xs, gs], { splineOrder }, scratch) => {
      const simd = splineSimdKernels(memory);
      if (!simd) return false;
      simd.basisBackward(dy, x, grid, dx, xs[0], xs[1], gs[1], splineOrder, scratch);
      return true;
    },
  });
  tf.registerGradient({
    kernelName: BSPLINE_BASIS_KERNEL,
    inputsToSave: ['x', 'grid'],
    gradFunc: (dy, saved, attrs) => {
      const [x, grid] = saved;
      return {
        x: () => runKernel(BSPLINE_BASIS_GRAD_KERNEL, { dy: dy as tf.Tensor, x, grid }, attrs as unknown as BSplineAttrs) as tf.Tensor,
        grid: noGridGradient('bsplineBasis'),
      };
    },
  });
}

/** Options of {@link bsplineBasis}. */
export interface BsplineBasisOptions {
  /** Spline order k (3 = cubic). */
  splineOrder: number;
  /**
   * `'fused'`: the fused kernel (cpu, wasm; a ConfigError elsewhere); `'reference'`: plain tfjs
   * ops (any backend, also differentiable in `grid`); `'auto'` (default): fused where registered.
   */
  impl?: 'auto' | 'fused' | 'reference';
}

/** Whether the active backend runs the fused B-spline kernels. */
export function hasFusedSplineKernels(): boolean {
  register();
  return hasKernel(BSPLINE_BASIS_KERNEL);
}

/**
 * The B-spline bases of order `splineOrder` on the knot rows `grid`, efficient-kan's
 * `b_splines`: x [N, in], grid [in, G+2k+1] (rows nondecreasing) -> [N, in, G+k], half-open
 * intervals, zero outside [t_0, t_{G+2k}) (x equal to the last knot gives 0). Differentiable in
 * x (the fused path is not differentiable in `grid`). A NaN in x gives NaN bases for that entry;
 * +-Infinity gives zeros. Repeated knots give 0 where the reference's 0/0 gives NaN.
 */
export function bsplineBasis(x: tf.Tensor, grid: tf.Tensor, options: BsplineBasisOptions): tf.Tensor {
  const k = options.splineOrder;
  checkSplineArgs(x, grid, null, k, 'bsplineBasis');
  const impl = options.impl ?? 'auto';
  if (impl !== 'auto' && impl !== 'fused' && impl !== 'reference') {
    throw new ConfigError('invalid value', { where: 'bsplineBasis', argument: 'impl', expected: "'auto', 'fused' or 'reference'", got: String(impl) });
  }
  if (impl === 'reference') return bsplineBasisReference(x, grid, k);
  const fused = hasFusedSplineKernels();
  if (impl === 'fused' && !fused) {
    throw new ConfigError('no fused kernel on this backend', {
      where: 'bsplineBasis',
      argument: 'impl',
      expected: "'auto' or 'reference' here",
      got: `'fused' on ${tf.getBackend()}`,
    });
  }
  if (!fused) return bsplineBasisReference(x, grid, k);
  return runKernel(BSPLINE_BASIS_KERNEL, { x, grid }, { splineOrder: k }) as tf.Tensor;
}

/** Options of {@link BSplineBasis}: a knot grid, or efficient-kan's uniform grid arguments. */
export interface BSplineBasisOptions {
  /** Knot rows [in, G+2k+1] (copied; the basis owns its copy). Overrides gridSize/gridRange/inFeatures. */
  grid?: tf.Tensor;
  /** Input features (with the uniform grid). */
  inFeatures?: number;
  /** Intervals G on gridRange. Default 5 (efficient-kan). */
  gridSize?: number;
  /** [lo, hi] of the uniform grid. Default [-1, 1] (efficient-kan). */
  gridRange?: readonly [number, number];
  /** Spline order k. Default 3 (efficient-kan). */
  splineOrder?: number;
  /** Implementation of the evaluation (see {@link BsplineBasisOptions}). Default 'auto'. */
  impl?: 'auto' | 'fused' | 'reference';
}

/**
 * B-spline bases of order k on a knot grid, as a {@link Basis}: G+k functions per feature, k+1
 * nonzero at any x. Holds its grid tensor: call `dispose()` when done.
 */
export class BSplineBasis implements Basis {
  readonly name = 'bspline';
  readonly support = 'local' as const;
  readonly nBasis: number;
  readonly nonzeros: number;
  readonly defaultRange: readonly [number, number];
  /** Spline order k. */
  readonly splineOrder: number;
  /** Knot rows [in, G+2k+1]. */
  readonly grid: tf.Tensor2D;
  private readonly impl: 'auto' | 'fused' | 'reference';

  constructor(options: BSplineBasisOptions) {
    const where = 'BSplineBasis';
    const k = options.splineOrder ?? 3;
    if (!Number.isInteger(k) || k < 0) throw new ConfigError('invalid value', { where, argument: 'splineOrder', expected: 'an integer >= 0', got: String(k) });
    this.splineOrder = k;
    this.impl = options.impl ?? 'auto';
    if (options.grid) {
      const g = options.grid;
      if (g.rank !== 2 || (g.shape[1] as number) < 2 * k + 2) {
        throw new ShapeError('wrong shape', { where, argument: 'grid', expected: `[in, G + ${2 * k + 1}] with G >= 1`, got: formatShape(g.shape) });
      }
      if (g.dtype !== 'float32') throw new DTypeError('wrong dtype', { where, argument: 'grid', expected: 'float32', got: g.dtype });
      const m = g.shape[1] as number;
      const rows = g.arraySync() as number[][];
      this.defaultRange = [Math.min(...rows.map((r) => r[k])), Math.max(...rows.map((r) => r[m - 1 - k]))];
      this.grid = tf.clone(g) as tf.Tensor2D;
    } else {
      const inF = options.inFeatures;
      if (inF === undefined) throw new ConfigError('missing argument', { where, argument: 'inFeatures', expected: 'inFeatures (or a grid tensor)', got: 'neither' });
      const range = options.gridRange ?? [-1, 1];
      this.grid = uniformGrid(inF, options.gridSize ?? 5, k, range);
      this.defaultRange = [range[0], range[1]];
    }
    this.nBasis = (this.grid.shape[1] as number) - k - 1;
    this.nonzeros = k + 1;
  }

  /** Values B_j(x): x [..., in] -> [..., in, G+k]. Differentiable in x. */
  evaluate(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const lead = x.shape.slice(0, -1);
      const flat = tf.reshape(x, [-1, x.shape[x.rank - 1] as number]);
      const b = bsplineBasis(flat, this.grid, { splineOrder: this.splineOrder, impl: this.impl });
      return tf.reshape(b, [...lead, ...b.shape.slice(1)]);
    });
  }

  /**
   * Derivatives B'_j(x): x [..., in] -> [..., in, G+k], by
   * `B'_{j,k} = k B_{j,k-1}/(t_{j+k}-t_j) - k B_{j+1,k-1}/(t_{j+k+1}-t_{j+1})` from the order-(k-1)
   * bases on the same knots (0 for k = 0; terms over repeated knots are 0).
   */
  derivative(x: tf.Tensor): tf.Tensor {
    const k = this.splineOrder;
    return tf.tidy(() => {
      const lead = x.shape.slice(0, -1);
      const inF = x.shape[x.rank - 1] as number;
      const nb = this.nBasis;
      if (k === 0) return tf.zeros([...lead, inF, nb]);
      const flat = tf.reshape(x, [-1, inF]);
      const lower = bsplineBasis(flat, this.grid, { splineOrder: k - 1, impl: this.impl }); // [N, in, nb+1]
      const knots = (start: number) => tf.slice(this.grid, [0, start], [-1, nb]);
      const scale = (den: tf.Tensor) => tf.where(tf.greater(den, 0), tf.div(k, den), tf.zerosLike(den));
      const c0 = scale(tf.sub(knots(k), knots(0))); // k/(t_{j+k} - t_j)
      const c1 = scale(tf.sub(knots(k + 1), knots(1))); // k/(t_{j+k+1} - t_{j+1})
      const d = tf.sub(tf.mul(tf.slice(lower, [0, 0, 0], [-1, -1, nb]), c0), tf.mul(tf.slice(lower, [0, 0, 1], [-1, -1, nb]), c1));
      return tf.reshape(d, [...lead, inF, nb]);
    });
  }

  /** Releases the grid tensor. */
  dispose(): void {
    this.grid.dispose();
  }
}
