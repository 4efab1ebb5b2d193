// efficient-kan's KANLinear (Blealtan/efficient-kan, src/efficient_kan/kan.py):
//
//   y = base_activation(x) @ base_weight^T  +  B(x).reshape(N, in*(G+k)) @ (spline_weight * spline_scaler[..., None]).reshape(out, -1)^T
//
// B(x) the order-k B-spline bases on the per-feature knot grid [in, G+2k+1] (buffer `grid`).
// Parameters `base_weight` [out, in], `spline_weight` [out, in, G+k], `spline_scaler` [out, in]
// (only with standaloneScaleSpline), named as efficient-kan's state dict. Init as its
// reset_parameters: kaiming_uniform(a = sqrt(5) * scale_base) for base_weight; spline_weight =
// curve2coef(grid.T[k:-k], noise), noise = (U[0,1) - 1/2) * scale_noise / G (times scale_spline
// when not standalone); kaiming_uniform(a = sqrt(5) * scale_spline) for spline_scaler.
//
// pykan's tools are methods of the layer (and of KAN for whole networks): per-edge activations
// (kept from a forward with `cache`) for regularization and symbolic fitting, a symbolic branch
// per edge (pykan's Symbolic_KANLayer, the child module `symbolic`), grid update from samples,
// grid refinement, node subsets for pruning and edge curves for plots. The math that does not
// need the layer lives in grid_update.ts, refine.ts, regularization.ts, symbolic.ts and
// edge_curves.ts as functions of tensors.
import { getActivation, type ActivationFn } from '@basiskit/activations';
import { splineLinear, uniformGrid, type SplineLinearOptions } from '@basiskit/kernels';
import {
  ConfigError,
  Module,
  ShapeError,
  StateDictError,
  checkNumber,
  checkOptions,
  checkTensor,
  createRng,
  formatShape,
  init,
  isRecord,
  linear,
  show,
  tf,
  type LoadStateDictOptions,
  type LoadStateDictResult,
  type Parameter,
  type Rng,
} from '@basiskit/tensor';
import { curve2coef, splineBases } from './curve_fit';
import { curvesFrom, type EdgeCurve, type EdgeCurvesOptions } from './edge_curves';
import { gridFromSamples, unscaledSplineWeight, type UpdateGridOptions } from './grid_update';
import { gridRangePoints, refinedGrid, type RefineOptions } from './refine';
import { checkRegMetric, edgeScalesFrom, layerRegularization, regularizationSettings, type RegMetric, type RegularizationOptions } from './regularization';
import {
  FIX_OPTIONS,
  SUGGEST_OPTIONS,
  edgeSamplesFrom,
  fitParams,
  rankSymbolic,
  type EdgeSampleOptions,
  type FixSymbolicOptions,
  type SuggestSymbolicOptions,
  type SymbolicCandidate,
} from './symbolic';
import { SymbolicEdges } from './symbolic_edges';
import { getSymbolic, symbolicNames } from './symbolic_library';

/** Options of {@link KANLinear} (efficient-kan's constructor arguments, camelCase, same defaults). */
export interface KANLinearOptions {
  inFeatures: number;
  outFeatures: number;
  /** Grid intervals G. Default 5. */
  gridSize?: number;
  /** Spline order k (3 = cubic). Default 3. */
  splineOrder?: number;
  /** Scale of the initial spline noise. Default 0.1. */
  scaleNoise?: number;
  /** Scale of the base weight's initialization. Default 1.0. */
  scaleBase?: number;
  /** Scale of the spline scaler's (or spline weight's) initialization. Default 1.0. */
  scaleSpline?: number;
  /** Learn a separate `spline_scaler` [out, in] (efficient-kan's `enable_standalone_scale_spline`). Default true. */
  standaloneScaleSpline?: boolean;
  /** Activation of the base branch, a name from @basiskit/activations or a function. Default 'silu'. */
  baseActivation?: string | ActivationFn;
  /** Weight of the uniform grid in grid updates (the rest: sample quantiles), in [0, 1]. Default 0.02. */
  gridEps?: number;
  /** Input range the initial grid covers, [lo, hi] with lo < hi. Default [-1, 1]. */
  gridRange?: readonly [number, number];
  /** Seed of the initialization (ignored when `rng` is given). Default 0. */
  seed?: number;
  /** Generator of the initialization (shared across layers by KAN). */
  rng?: Rng;
  /** Implementation of the spline contraction (see `splineLinear`). Default 'auto'. */
  impl?: SplineLinearOptions['impl'];
}

const KNOWN_OPTIONS = [
  'inFeatures',
  'outFeatures',
  'gridSize',
  'splineOrder',
  'scaleNoise',
  'scaleBase',
  'scaleSpline',
  'standaloneScaleSpline',
  'baseActivation',
  'gridEps',
  'gridRange',
  'seed',
  'rng',
  'impl',
];

/** Per-edge activations of a forward pass with `cache` (pykan's `acts`, `spline_postacts`). */
export interface EdgeActivations {
  /** The layer's input x [N, in] (pykan's `preacts` per edge). */
  preacts: tf.Tensor2D;
  /** Numeric edge outputs (base + spline, masked) [N, out, in] (pykan's `postacts_numerical`). */
  postactsNumeric: tf.Tensor3D;
  /** All edge outputs (numeric + symbolic) [N, out, in] (pykan's `postacts`). */
  postacts: tf.Tensor3D;
}

/** Options of {@link KANLinear.forward}. */
export interface KANLinearForwardOptions {
  /**
   * Keep the per-edge activations of this pass in {@link KANLinear.activations} (for
   * regularization, pruning, symbolic fitting). Costs an [N, out, in] tensor; off by default.
   * Default: the layer's `cacheActivations` flag.
   */
  cache?: boolean;
}

/** Options of {@link KANLinear.splineEdgeValues}. */
export interface SplineEdgeValuesOptions {
  /**
   * Zero on the edges fixed symbolic (what the numeric branch adds to the output). Default
   * false: every edge's own spline (what grid updates and refinement keep).
   */
  masked?: boolean;
}

/** efficient-kan's KANLinear layer with pykan's tools as methods (see the file header). */
export class KANLinear extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly gridSize: number;
  readonly splineOrder: number;
  readonly scaleNoise: number;
  readonly scaleBase: number;
  readonly scaleSpline: number;
  readonly standaloneScaleSpline: boolean;
  readonly gridEps: number;
  readonly gridRange: readonly [number, number];
  readonly impl: SplineLinearOptions['impl'];
  /** The base branch's activation name ('custom' for a function). */
  readonly baseActivationName: string;
  readonly baseActivation: ActivationFn;
  readonly base_weight: Parameter;
  readonly spline_weight: Parameter;
  readonly spline_scaler: Parameter | null;
  /** Default of {@link KANLinearForwardOptions.cache} for this layer. */
  cacheActivations = false;
  private _symbolic: SymbolicEdges | null = null;
  private cached: EdgeActivations | null = null;

  constructor(options: KANLinearOptions) {
    super();
    const where = 'KANLinear';
    const o = checkOptions(options, { where, known: KNOWN_OPTIONS });
    const count = (argument: keyof KANLinearOptions, v: unknown, min: number) => checkNumber(v, { where, argument, integer: true, min });
    this.inFeatures = count('inFeatures', o.inFeatures, 1);
    this.outFeatures = count('outFeatures', o.outFeatures, 1);
    this.gridSize = count('gridSize', o.gridSize ?? 5, 1);
    this.splineOrder = count('splineOrder', o.splineOrder ?? 3, 0);
    this.scaleNoise = checkNumber(o.scaleNoise ?? 0.1, { where, argument: 'scaleNoise', min: 0 });
    this.scaleBase = checkNumber(o.scaleBase ?? 1.0, { where, argument: 'scaleBase', min: 0 });
    this.scaleSpline = checkNumber(o.scaleSpline ?? 1.0, { where, argument: 'scaleSpline', min: 0 });
    this.gridEps = checkNumber(o.gridEps ?? 0.02, { where, argument: 'gridEps', min: 0, max: 1 });
    const standalone = o.standaloneScaleSpline ?? true;
    if (typeof standalone !== 'boolean')
      throw new ConfigError('invalid value', { where, argument: 'standaloneScaleSpline', expected: 'a boolean', got: show(standalone) });
    this.standaloneScaleSpline = standalone;
    this.impl = o.impl ?? 'auto';
    const act = o.baseActivation ?? 'silu';
    this.baseActivation = typeof act === 'function' ? act : getActivation(act);
    this.baseActivationName = typeof act === 'function' ? 'custom' : act;
    const range = o.gridRange ?? [-1, 1];
    if (!Array.isArray(range) || range.length !== 2 || !range.every((v) => typeof v === 'number' && Number.isFinite(v)) || !(range[0] < range[1])) {
      throw new ConfigError('invalid value', { where, argument: 'gridRange', expected: '[lo, hi], finite numbers with lo < hi', got: show(range) });
    }
    this.gridRange = [range[0], range[1]];
    const rng = o.rng ?? createRng(checkNumber(o.seed ?? 0, { where, argument: 'seed', integer: true, min: 0 }));

    const grid = uniformGrid(this.inFeatures, this.gridSize, this.splineOrder, this.gridRange);
    this.registerBuffer('grid', grid);
    const { inFeatures: nIn, outFeatures: nOut, gridSize: g, splineOrder: k } = this;
    this.base_weight = this.registerParameter('base_weight', init.kaimingUniform([nOut, nIn], { rng, a: Math.sqrt(5) * this.scaleBase }));
    const half = (0.5 * this.scaleNoise) / g;
    const noise = rng.uniformTensor([g + 1, nIn, nOut], -half, half);
    const xInit = tf.tidy(() => tf.transpose(tf.slice(grid, [0, k], [-1, g + 1]))); // grid.T[k:-k]
    const coef = curve2coef(xInit, noise, grid, k);
    tf.dispose([noise, xInit]);
    const w0 = this.standaloneScaleSpline ? coef : tf.tidy(() => tf.mul(coef, this.scaleSpline));
    if (w0 !== coef) coef.dispose();
    this.spline_weight = this.registerParameter('spline_weight', w0);
    this.spline_scaler = this.standaloneScaleSpline
      ? this.registerParameter('spline_scaler', init.kaimingUniform([nOut, nIn], { rng, a: Math.sqrt(5) * this.scaleSpline }))
      : null;
  }

  /** The knot grid [in, G+2k+1] (the buffer itself: read it, do not dispose it). */
  get grid(): tf.Tensor2D {
    return this.buffer('grid') as tf.Tensor2D;
  }

  /** Replaces the grid (takes ownership; disposes it when its shape is wrong). */
  setGrid(grid: tf.Tensor): void {
    const want = [this.inFeatures, this.gridSize + 2 * this.splineOrder + 1];
    if (this.isDisposed || !(grid instanceof tf.Tensor) || grid.shape.join() !== want.join()) {
      const got = show(grid);
      if (grid instanceof tf.Tensor) grid.dispose();
      this.assertLive('setGrid');
      throw new ShapeError('wrong shape', { where: this.where('setGrid'), argument: 'grid', expected: formatShape(want), got });
    }
    this.setBuffer('grid', grid);
  }

  /** The symbolic branch, the child module `symbolic` (null until an edge is fixed symbolic). */
  get symbolic(): SymbolicEdges | null {
    return this._symbolic;
  }

  /** `spline_weight * spline_scaler[..., None]` [out, in, G+k] (efficient-kan's `scaled_spline_weight`; the caller owns it). */
  scaledSplineWeight(): tf.Tensor3D {
    this.assertLive('scaledSplineWeight');
    return tf.tidy(() => tf.clone(this.splineWeights(false)) as tf.Tensor3D);
  }

  /**
   * Sets the edge splines from scaled coefficients `coef` [out, in, G+k] (what
   * {@link KANLinear.scaledSplineWeight} returns): spline_weight = coef / spline_scaler, 0 where
   * |spline_scaler| < 1e-8. The caller keeps `coef`.
   */
  setScaledSplineWeight(coef: tf.Tensor): void {
    this.assertLive('setScaledSplineWeight');
    const where = this.where('setScaledSplineWeight');
    checkTensor(coef, { where, argument: 'coef', dtype: 'float32', shape: this.spline_weight.shape });
    const w = unscaledSplineWeight(coef, this.spline_scaler?.value ?? null);
    this.spline_weight.assign(w);
    w.dispose();
  }

  /** Spline weights [out, in, G+k], scaled, masked (symbolic edges zero) when asked. Call inside a tidy. */
  private splineWeights(masked: boolean): tf.Tensor {
    const w = this.spline_scaler ? tf.mul(this.spline_weight.value, tf.expandDims(this.spline_scaler.value, -1)) : this.spline_weight.value;
    const mask = masked ? (this._symbolic?.numericMask() ?? null) : null;
    return mask ? tf.mul(w, tf.expandDims(mask, -1)) : w;
  }

  /** Base weights [out, in], masked when some edges are symbolic. Call inside a tidy. */
  private baseWeights(): tf.Tensor {
    const mask = this._symbolic?.numericMask() ?? null;
    return mask ? tf.mul(this.base_weight.value, mask) : this.base_weight.value;
  }

  /** x [..., in] -> [..., out]. */
  forward(x: tf.Tensor, options: KANLinearForwardOptions = {}): tf.Tensor {
    const where = this.where('forward');
    checkTensor(x, { where, dtype: 'float32', minRank: 1, lastDim: this.inFeatures });
    const o = checkOptions(options, { where, known: ['cache'] });
    const lead = x.shape.slice(0, -1);
    const rows = x.size / this.inFeatures;
    if (o.cache ?? this.cacheActivations) {
      const x2 = tf.reshape(x, [rows, this.inFeatures]) as tf.Tensor2D;
      let acts: EdgeActivations;
      try {
        acts = this.edgeActivations(x2);
      } finally {
        x2.dispose();
      }
      this.clearActivations();
      // kept: they outlive an enclosing tidy (an optimizer's closure) until the next cached pass
      for (const t of new Set([acts.preacts, acts.postactsNumeric, acts.postacts])) tf.keep(t);
      this.cached = acts;
      return tf.tidy(() => tf.reshape(tf.sum(acts.postacts, 2), [...lead, this.outFeatures]));
    }
    return tf.tidy(() => {
      const x2 = tf.reshape(x, [rows, this.inFeatures]);
      // with SiLU (efficient-kan's default) the base branch runs inside the spline kernel; without a
      // symbolic mask the kernel takes spline_weight, spline_scaler and base_weight as they are
      const fuseBase = this.baseActivationName === 'silu';
      const unmasked = this._symbolic?.numericMask() == null;
      const spline = splineLinear(x2, this.grid, unmasked ? this.spline_weight.value : this.splineWeights(true), {
        splineOrder: this.splineOrder,
        impl: this.impl,
        ...(fuseBase ? { baseWeight: this.baseWeights() } : {}),
        ...(unmasked && this.spline_scaler ? { splineScaler: this.spline_scaler.value } : {}),
      });
      let y = fuseBase ? spline : tf.add(linear(this.baseActivation(x2), this.baseWeights()), spline);
      if (this._symbolic) y = tf.add(y, this._symbolic.forward(x2));
      return tf.reshape(y, [...lead, this.outFeatures]);
    });
  }

  /**
   * The per-edge values of the spline branch, the one place they are computed (per-edge
   * activations, grid update and refinement use it): x [N, in] ->
   * `v[n, i, o] = sum_b B_b(x[n, i]) * spline_weight[o, i, b] * spline_scaler[o, i]` [N, in, out]
   * (differentiable; the caller owns it).
   */
  splineEdgeValues(x: tf.Tensor, options: SplineEdgeValuesOptions = {}): tf.Tensor3D {
    this.assertLive('splineEdgeValues');
    const where = this.where('splineEdgeValues');
    checkTensor(x, { where, dtype: 'float32', rank: 2, lastDim: this.inFeatures });
    const o = checkOptions(options, { where, known: ['masked'] });
    return tf.tidy(() => {
      const w = this.splineWeights(o.masked ?? false); // [out, in, nb]
      // tfjs-wasm's Transpose fails on empty tensors: an empty batch's values directly (still a function of w)
      if (x.shape[0] === 0) return tf.mul(tf.zeros([0, this.inFeatures, this.outFeatures]), tf.transpose(tf.sum(w, 2))) as tf.Tensor3D;
      const b = tf.transpose(splineBases(x, this.grid, this.splineOrder), [1, 0, 2]); // [in, N, nb]
      return tf.transpose(tf.matMul(b, tf.transpose(w, [1, 2, 0])), [1, 0, 2]) as tf.Tensor3D; // [in, N, out] -> [N, in, out]
    });
  }

  /**
   * Per-edge activations for x [N, in] (differentiable; the caller owns the tensors):
   * `postacts[n, o, i] = phi_oi(x[n, i])`, summing over i gives the layer's output.
   */
  edgeActivations(x: tf.Tensor): EdgeActivations {
    this.assertLive('edgeActivations');
    checkTensor(x, { where: this.where('edgeActivations'), dtype: 'float32', rank: 2, lastDim: this.inFeatures });
    return tf.tidy(() => {
      if (x.shape[0] === 0) {
        // tfjs-wasm's Transpose fails on empty tensors: the empty activations directly (still functions of the weights)
        const numeric = tf.mul(
          tf.zeros([0, this.outFeatures, this.inFeatures]),
          tf.add(this.baseWeights(), tf.sum(this.splineWeights(true), 2)),
        ) as tf.Tensor3D;
        const all = this._symbolic ? (tf.add(numeric, this._symbolic.perEdge(x)) as tf.Tensor3D) : numeric;
        return { preacts: tf.clone(x) as tf.Tensor2D, postactsNumeric: numeric, postacts: all };
      }
      const spline = this.splineEdgeValues(x, { masked: true }); // [N, in, out]
      const perBase = tf.mul(tf.expandDims(this.baseActivation(x), -1), tf.expandDims(tf.transpose(this.baseWeights()), 0)); // [N, in, out]
      const numeric = tf.transpose(tf.add(spline, perBase), [0, 2, 1]) as tf.Tensor3D; // [N, out, in]
      const all = this._symbolic ? (tf.add(numeric, this._symbolic.perEdge(x)) as tf.Tensor3D) : numeric;
      return { preacts: tf.clone(x) as tf.Tensor2D, postactsNumeric: numeric, postacts: all };
    });
  }

  /** Per-edge activations of the last forward with `cache` (null if none since the last change). */
  get activations(): EdgeActivations | null {
    return this.cached;
  }

  /** Frees the cached activations. */
  clearActivations(): void {
    if (this.cached) {
      const { preacts, postactsNumeric, postacts } = this.cached;
      tf.dispose(postacts === postactsNumeric ? [preacts, postacts] : [preacts, postacts, postactsNumeric]);
      this.cached = null;
    }
  }

  /** x [..., in] as [N, in] (a new tensor), N >= 1, for the fitting tools. */
  private samplesOf(x: unknown, method: string): tf.Tensor2D {
    const where = this.where(method);
    checkTensor(x, { where, dtype: 'float32', minRank: 1, lastDim: this.inFeatures });
    const n = x.size / this.inFeatures;
    if (n < 1)
      throw new ShapeError('no samples', {
        where,
        argument: 'x',
        expected: `at least one row of ${this.inFeatures} features`,
        got: `shape ${formatShape(x.shape)}`,
      });
    return tf.reshape(x, [n, this.inFeatures]) as tf.Tensor2D;
  }

  /**
   * Moves the grid to the distribution of `x` [N, in] (or [..., in]) and refits the spline
   * weights so each edge keeps its function on the samples (in place; efficient-kan's
   * `update_grid`, pykan's `update_grid_from_samples`; see grid_update.ts).
   */
  updateGrid(x: tf.Tensor, options: UpdateGridOptions = {}): void {
    this.assertLive('updateGrid');
    const where = this.where('updateGrid');
    const o = checkOptions(options, { where, known: ['margin'] });
    const margin = checkNumber(o.margin ?? 0.01, { where, argument: 'margin', min: 0 });
    const x2 = this.samplesOf(x, 'updateGrid');
    try {
      const y = this.splineEdgeValues(x2);
      const grid = gridFromSamples(x2, this.gridSize, this.splineOrder, this.gridEps, margin);
      let coef: tf.Tensor;
      try {
        coef = curve2coef(x2, y, grid, this.splineOrder);
      } catch (e) {
        grid.dispose();
        throw e;
      } finally {
        y.dispose();
      }
      this.setGrid(grid);
      this.setScaledSplineWeight(coef);
      coef.dispose();
      this.clearActivations();
    } finally {
      x2.dispose();
    }
  }

  /** `samples` evenly spaced points across each feature's inner grid range [grid[:, k], grid[:, G+k]]: [S, in] (the caller owns it). */
  gridRangeSamples(samples: number): tf.Tensor2D {
    this.assertLive('gridRangeSamples');
    checkNumber(samples, { where: this.where('gridRangeSamples'), argument: 'samples', integer: true, min: 2 });
    return gridRangePoints(this.grid, this.splineOrder, this.gridSize, samples);
  }

  /**
   * A new layer with `newGridSize` intervals computing the same edge functions (pykan's grid
   * extension, see refine.ts); this layer is left as it was. Base weights, spline scalers and
   * symbolic edges are copied.
   */
  refine(newGridSize: number, options: RefineOptions = {}): KANLinear {
    this.assertLive('refine');
    const where = this.where('refine');
    checkNumber(newGridSize, { where, argument: 'newGridSize', integer: true, min: 1 });
    const o = checkOptions(options, { where, known: ['x', 'samples'] });
    const samples = checkNumber(o.samples ?? Math.max(8 * (newGridSize + this.splineOrder), 64), { where, argument: 'samples', integer: true, min: 2 });
    const x = o.x !== undefined ? this.samplesOf(o.x, 'refine') : this.gridRangeSamples(samples);
    const fresh = new KANLinear({ ...this.config(), gridSize: newGridSize });
    try {
      const y = this.splineEdgeValues(x);
      fresh.setGrid(refinedGrid(this.grid, this.splineOrder, this.gridSize, newGridSize));
      const coef = curve2coef(x, y, fresh.grid, fresh.splineOrder);
      y.dispose();
      fresh.base_weight.assign(this.base_weight.value);
      if (this.spline_scaler && fresh.spline_scaler) fresh.spline_scaler.assign(this.spline_scaler.value);
      fresh.setScaledSplineWeight(coef);
      coef.dispose();
      if (this._symbolic) {
        const all = (n: number) => Array.from({ length: n }, (_, i) => i);
        fresh.adoptSymbolic(this._symbolic.subset(all(this.inFeatures), all(this.outFeatures)));
      }
      fresh.cacheActivations = this.cacheActivations;
      return fresh;
    } catch (e) {
      fresh.dispose();
      throw e;
    } finally {
      x.dispose();
    }
  }

  /**
   * A new layer with the inputs `keepIn` and outputs `keepOut` of this one (every parameter, the
   * grid rows and the symbolic edges; pykan's `get_subset`), for pruning.
   */
  subset(keepIn: readonly number[], keepOut: readonly number[]): KANLinear {
    this.assertLive('subset');
    const where = this.where('subset');
    const checkIdx = (idx: readonly number[], n: number, argument: string) => {
      if (!Array.isArray(idx) || idx.length === 0 || idx.some((v) => !Number.isInteger(v) || v < 0 || v >= n) || new Set(idx).size !== idx.length) {
        throw new ConfigError('invalid indices', { where, argument, expected: `distinct integers in [0, ${n}), at least one`, got: show(idx) });
      }
    };
    checkIdx(keepIn, this.inFeatures, 'keepIn');
    checkIdx(keepOut, this.outFeatures, 'keepOut');
    const fresh = new KANLinear({ ...this.config(), inFeatures: keepIn.length, outFeatures: keepOut.length });
    const inIdx = tf.tensor1d(Int32Array.from(keepIn), 'int32');
    const outIdx = tf.tensor1d(Int32Array.from(keepOut), 'int32');
    const pick = (t: tf.Tensor) => tf.tidy(() => tf.gather(tf.gather(t, outIdx, 0), inIdx, 1));
    const sd: Record<string, tf.Tensor> = {
      base_weight: pick(this.base_weight.value),
      spline_weight: pick(this.spline_weight.value),
      grid: tf.gather(this.grid, inIdx, 0),
    };
    if (this.spline_scaler) sd.spline_scaler = pick(this.spline_scaler.value);
    try {
      fresh.loadStateDict(sd);
      if (this._symbolic) fresh.adoptSymbolic(this._symbolic.subset(keepIn, keepOut));
    } catch (e) {
      fresh.dispose();
      throw e;
    } finally {
      tf.dispose([inIdx, outIdx, ...Object.values(sd)]);
    }
    fresh.cacheActivations = this.cacheActivations;
    return fresh;
  }

  /**
   * Edge scales [out, in] from the cached activations (pykan's; see regularization.ts): numeric
   * edges ('edge_forward_spline_n', default) or numeric + symbolic ('edge_forward_sum', pykan's
   * `acts_scale`, used for pruning). Needs a forward with `cache: true` of at least 2 samples.
   */
  edgeScales(metric: RegMetric = 'edge_forward_spline_n'): tf.Tensor2D {
    this.assertLive('edgeScales');
    const where = this.where('edgeScales');
    checkRegMetric(metric, where, 'metric');
    const acts = this.cached;
    if (!acts) {
      throw new ConfigError('no cached activations', {
        where,
        argument: 'activations',
        expected: 'a forward pass with { cache: true } (or cacheActivations = true) first',
        got: 'none',
      });
    }
    if (acts.preacts.shape[0] < 2) {
      throw new ShapeError('too few cached samples for a standard deviation', {
        where,
        argument: 'activations',
        expected: 'a cached forward pass of at least 2 samples',
        got: `${acts.preacts.shape[0]}`,
      });
    }
    return edgeScalesFrom(acts.preacts, metric === 'edge_forward_sum' ? acts.postacts : acts.postactsNumeric);
  }

  /** pykan's regularization of this layer on its cached activations (see regularization.ts): a differentiable scalar. */
  regularizationLoss(options: RegularizationOptions = {}): tf.Scalar {
    this.assertLive('regularizationLoss');
    const o = regularizationSettings(options, this.where('regularizationLoss'));
    const s = this.edgeScales(o.regMetric);
    try {
      return layerRegularization(s, this.spline_weight.value, o);
    } finally {
      s.dispose();
    }
  }

  private checkEdge(i: number, j: number, method: string): void {
    if (!Number.isInteger(i) || i < 0 || i >= this.inFeatures) {
      throw new ConfigError('edge input out of range', { where: this.where(method), argument: 'i', expected: `0 <= i < ${this.inFeatures}`, got: show(i) });
    }
    if (!Number.isInteger(j) || j < 0 || j >= this.outFeatures) {
      throw new ConfigError('edge output out of range', { where: this.where(method), argument: 'j', expected: `0 <= j < ${this.outFeatures}`, got: show(j) });
    }
  }

  /** The samples (x [M], y [M]) of edge i -> j (see symbolic.ts; the caller owns them). */
  private edgeSamples(i: number, j: number, o: EdgeSampleOptions, method: string): { x: tf.Tensor1D; y: tf.Tensor1D } {
    const where = this.where(method);
    const maxSamples = checkNumber(o.maxSamples ?? 256, { where, argument: 'maxSamples', integer: true, min: 2 });
    const samples = checkNumber(o.samples ?? 101, { where, argument: 'samples', integer: true, min: 2 });
    if (this.cached) return edgeSamplesFrom(this.cached.preacts, this.cached.postactsNumeric, i, j, maxSamples);
    return tf.tidy(() => {
      const xs = this.gridRangeSamples(samples);
      return edgeSamplesFrom(xs, this.edgeActivations(xs).postactsNumeric, i, j, samples);
    });
  }

  /** pykan's suggest_symbolic: library functions ranked for edge i -> j (best first; see symbolic.ts). */
  suggestSymbolic(i: number, j: number, options: SuggestSymbolicOptions = {}): SymbolicCandidate[] {
    this.assertLive('suggestSymbolic');
    const where = this.where('suggestSymbolic');
    this.checkEdge(i, j, 'suggestSymbolic');
    const o = checkOptions(options, { where, known: [...SUGGEST_OPTIONS] });
    const { x, y } = this.edgeSamples(i, j, o, 'suggestSymbolic');
    try {
      return rankSymbolic(x, y, o, where);
    } finally {
      tf.dispose([x, y]);
    }
  }

  /**
   * pykan's fix_symbolic: edge i -> j becomes `c * f(a x + b) + d` (f the library function
   * `name`; its numeric part masked off), fitted to the edge's samples or with `params`.
   * Returns the fit's R^2 (null when not fitting).
   */
  fixSymbolic(i: number, j: number, name: string, options: FixSymbolicOptions = {}): number | null {
    this.assertLive('fixSymbolic');
    const where = this.where('fixSymbolic');
    this.checkEdge(i, j, 'fixSymbolic');
    const fn = getSymbolic(name, where);
    const o = checkOptions(options, { where, known: [...FIX_OPTIONS] });
    const fit = o.fit ?? true;
    if (typeof fit !== 'boolean') throw new ConfigError('invalid value', { where, argument: 'fit', expected: 'a boolean', got: show(fit) });
    let params: [number, number, number, number] = [...(o.params ?? [1, 0, 1, 0])] as [number, number, number, number];
    let r2: number | null = null;
    if (fit) {
      const { x, y } = this.edgeSamples(i, j, o, 'fixSymbolic');
      try {
        ({ params, r2 } = fitParams(x, y, fn, o));
      } finally {
        tf.dispose([x, y]);
      }
    }
    this.ensureSymbolic().fix(i, j, fn.name, params);
    return r2;
  }

  /** Makes edge i -> j numeric again (pykan's unfix_symbolic). */
  unfixSymbolic(i: number, j: number): void {
    this.assertLive('unfixSymbolic');
    this.checkEdge(i, j, 'unfixSymbolic');
    if (this._symbolic?.name(i, j)) this._symbolic.unfix(i, j);
  }

  /** The symbolic branch's trainable parameters (pykan's `affine`); empty when no edge was ever fixed. */
  symbolicParameters(): Parameter[] {
    this.assertLive('symbolicParameters');
    return this._symbolic ? [this._symbolic.affine] : [];
  }

  /** Sampled curves of every edge (numeric + symbolic), ordered by i then j, for plots (see edge_curves.ts). */
  edgeCurves(options: EdgeCurvesOptions = {}): EdgeCurve[] {
    this.assertLive('edgeCurves');
    const where = this.where('edgeCurves');
    const o = checkOptions(options, { where, known: ['samples'] });
    const samples = checkNumber(o.samples ?? 100, { where, argument: 'samples', integer: true, min: 2 });
    const [xs, post] = tf.tidy(() => {
      const x = this.gridRangeSamples(samples); // [S, in]
      return [x, this.edgeActivations(x).postacts]; // [S, out, in]
    });
    try {
      return curvesFrom(xs, post, (i, j) => this._symbolic?.name(i, j) ?? null);
    } finally {
      tf.dispose([xs, post]);
    }
  }

  /** The symbolic branch, created (all edges numeric) and registered as `symbolic` on first use. */
  private ensureSymbolic(): SymbolicEdges {
    return this._symbolic ?? this.adoptSymbolic(new SymbolicEdges(this.inFeatures, this.outFeatures));
  }

  /** Registers `branch` as the child `symbolic` (takes ownership). */
  private adoptSymbolic(branch: SymbolicEdges): SymbolicEdges {
    if (this._symbolic || branch.inFeatures !== this.inFeatures || branch.outFeatures !== this.outFeatures) {
      branch.dispose();
      throw new ConfigError('cannot attach a symbolic branch', {
        where: this.where('adoptSymbolic'),
        argument: 'branch',
        expected: `none attached yet, sizes ${this.inFeatures} -> ${this.outFeatures}`,
      });
    }
    this._symbolic = this.registerModule('symbolic', branch);
    return branch;
  }

  /**
   * Loads a state dict; entries of a symbolic branch (`symbolic.affine`, `symbolic.funs`) give
   * this layer that branch first when it has none (see {@link KANLinear.loadWithSymbolic}).
   */
  override loadStateDict(dict: Record<string, tf.Tensor>, options: LoadStateDictOptions = {}): LoadStateDictResult {
    return KANLinear.loadWithSymbolic(this, dict, options, (d, o) => super.loadStateDict(d, o));
  }

  /**
   * `root.loadStateDict` for a module holding KANLinear layers (KAN, KANConv2d,
   * SelectableKANLayer and KANLinear itself load through it): a layer that has no symbolic
   * branch yet gets one when the dict holds `<path>.symbolic.affine` / `.funs`, so a checkpoint
   * with fixed symbolic edges loads into fresh layers. Everything is checked first (the `funs`
   * entries must be -1 or indices into `symbolicNames`); when it throws, nothing was loaded or
   * created. `load` is the module's own loadStateDict.
   */
  static loadWithSymbolic(
    root: Module,
    dict: Record<string, tf.Tensor>,
    options: LoadStateDictOptions,
    load: (dict: Record<string, tf.Tensor>, options: LoadStateDictOptions) => LoadStateDictResult,
  ): LoadStateDictResult {
    if (root.isDisposed || !isRecord(dict) || !isRecord(options)) return load(dict, options);
    const strict = options.strict ?? true;
    const has = (k: string) => Object.prototype.hasOwnProperty.call(dict, k);
    const pending: { layer: KANLinear; entries: Record<string, tf.Tensor> }[] = [];
    const problems: string[] = [];
    const rest: Record<string, tf.Tensor> = { ...dict };
    for (const [path, m] of root.namedModules()) {
      if (!(m instanceof KANLinear) || m.isDisposed) continue;
      const prefix = path ? `${path}.symbolic.` : 'symbolic.';
      const funsKey = `${prefix}funs`;
      const affineKey = `${prefix}affine`;
      if (has(funsKey)) {
        const t = dict[funsKey] as unknown;
        const shape = [m.outFeatures, m.inFeatures];
        if (!(t instanceof tf.Tensor) || t.isDisposed || t.dtype !== 'int32' || t.shape.join() !== shape.join()) {
          problems.push(`${funsKey}: expected a live int32 tensor ${formatShape(shape)}, got ${show(t)}`);
        } else {
          const bad = Array.from(t.dataSync()).find((id) => id < -1 || id >= symbolicNames.length);
          if (bad !== undefined) problems.push(`${funsKey}: expected -1 (numeric) or an index into symbolicNames (< ${symbolicNames.length}), got ${bad}`);
        }
      }
      if (m._symbolic || !(has(funsKey) || has(affineKey))) continue;
      // a new branch: its entries are loaded here, after the rest
      const entries: Record<string, tf.Tensor> = {};
      for (const [key, own, shape, dtype] of [
        [funsKey, 'funs', [m.outFeatures, m.inFeatures], 'int32'],
        [affineKey, 'affine', [m.outFeatures, m.inFeatures, 4], 'float32'],
      ] as const) {
        if (!has(key)) {
          if (strict) problems.push(`${key}: missing (a symbolic branch needs both ${funsKey} and ${affineKey})`);
          continue;
        }
        const t = dict[key] as unknown;
        if (!(t instanceof tf.Tensor) || t.isDisposed || t.dtype !== dtype || t.shape.join() !== shape.join()) {
          if (key === affineKey) problems.push(`${key}: expected a live ${dtype} tensor ${formatShape([...shape])}, got ${show(t)}`);
        } else {
          entries[own] = t;
        }
        delete rest[key];
      }
      pending.push({ layer: m, entries });
    }
    if (problems.length) {
      const where = `${root.path ? `${root.path} (${root.constructor.name})` : root.constructor.name}.loadStateDict`;
      throw new StateDictError(`state dict rejected, nothing loaded:\n  ${problems.join('\n  ')}`, { where });
    }
    const result = load(rest, options);
    for (const { layer, entries } of pending) layer.ensureSymbolic().loadStateDict(entries, { strict: false });
    // cached activations describe the old weights
    for (const [, m] of root.namedModules()) if (m instanceof KANLinear) m.clearActivations();
    return result;
  }

  /** Frees parameters, grid, cached activations and the symbolic branch. Idempotent. */
  override dispose(): void {
    this.clearActivations();
    super.dispose();
  }

  /** Options reproducing this layer's configuration (for building resized copies). */
  config(): Omit<KANLinearOptions, 'rng' | 'seed'> {
    return {
      inFeatures: this.inFeatures,
      outFeatures: this.outFeatures,
      gridSize: this.gridSize,
      splineOrder: this.splineOrder,
      scaleNoise: this.scaleNoise,
      scaleBase: this.scaleBase,
      scaleSpline: this.scaleSpline,
      standaloneScaleSpline: this.standaloneScaleSpline,
      baseActivation: this.baseActivationName === 'custom' ? this.baseActivation : this.baseActivationName,
      gridEps: this.gridEps,
      gridRange: this.gridRange,
      impl: this.impl,
    };
  }
}
