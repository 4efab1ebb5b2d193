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
// pykan's tools work on it: per-edge activations for regularization and symbolic fitting
// (kept from a forward with `cache`), a symbolic branch per edge (pykan's Symbolic_KANLayer),
// grid update from samples and grid refinement (grid_update.ts, refine.ts).
import { getActivation, type ActivationFn } from '@basiskit/activations';
import { linear, splineLinear, uniformGrid, type SplineLinearOptions } from '@basiskit/kernels';
import { ConfigError, Module, ShapeError, createRng, formatShape, init, tf, type Parameter, type Rng } from '@basiskit/tensor';
import { curve2coef, splineBases } from './curve_fit';
import { SymbolicEdges } from './symbolic_edges';
import { checkLastDim } from './checks';

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
  /** Weight of the uniform grid in grid updates (the rest: sample quantiles). Default 0.02. */
  gridEps?: number;
  /** Input range the initial grid covers. Default [-1, 1]. */
  gridRange?: readonly [number, number];
  /** Seed of the initialization (ignored when `rng` is given). Default 0. */
  seed?: number;
  /** Generator of the initialization (shared across layers by {@link KAN}). */
  rng?: Rng;
  /** Implementation of the spline contraction (see `splineLinear`). Default 'auto'. */
  impl?: SplineLinearOptions['impl'];
}

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

function checkPositive(v: unknown, where: string, argument: string, min = 0, integer = false): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || (integer && !Number.isInteger(v))) {
    throw new ConfigError('invalid value', { where, argument, expected: `${integer ? 'an integer' : 'a number'} >= ${min}`, got: String(v) });
  }
  return v;
}

/** efficient-kan's KANLinear layer (see the file header). */
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
  /** The symbolic branch (null until an edge is fixed symbolic). */
  symbolic: SymbolicEdges | null = null;
  private cached: EdgeActivations | null = null;

  constructor(options: KANLinearOptions) {
    super();
    const where = 'KANLinear';
    if (!options || typeof options !== 'object') {
      throw new ConfigError('options are required', { where, argument: 'options', expected: '{ inFeatures, outFeatures, ... }', got: String(options) });
    }
    this.inFeatures = checkPositive(options.inFeatures, where, 'inFeatures', 1, true);
    this.outFeatures = checkPositive(options.outFeatures, where, 'outFeatures', 1, true);
    this.gridSize = checkPositive(options.gridSize ?? 5, where, 'gridSize', 1, true);
    this.splineOrder = checkPositive(options.splineOrder ?? 3, where, 'splineOrder', 0, true);
    this.scaleNoise = checkPositive(options.scaleNoise ?? 0.1, where, 'scaleNoise');
    this.scaleBase = checkPositive(options.scaleBase ?? 1.0, where, 'scaleBase');
    this.scaleSpline = checkPositive(options.scaleSpline ?? 1.0, where, 'scaleSpline');
    this.gridEps = checkPositive(options.gridEps ?? 0.02, where, 'gridEps');
    if (this.gridEps > 1) throw new ConfigError('invalid value', { where, argument: 'gridEps', expected: 'a number in [0, 1]', got: String(this.gridEps) });
    this.standaloneScaleSpline = options.standaloneScaleSpline ?? true;
    this.impl = options.impl ?? 'auto';
    const act = options.baseActivation ?? 'silu';
    this.baseActivation = typeof act === 'function' ? act : getActivation(act);
    this.baseActivationName = typeof act === 'function' ? 'custom' : act;
    this.gridRange = [...(options.gridRange ?? [-1, 1])] as [number, number];

    const grid = uniformGrid(this.inFeatures, this.gridSize, this.splineOrder, this.gridRange);
    this.registerBuffer('grid', grid);
    const rng = options.rng ?? createRng(options.seed ?? 0);
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

  /** Replaces the grid (takes ownership). */
  setGrid(grid: tf.Tensor): void {
    const want = [this.inFeatures, this.gridSize + 2 * this.splineOrder + 1];
    if (grid.shape.join() !== want.join()) {
      grid.dispose();
      throw new ShapeError('wrong shape', { where: this.where('setGrid'), argument: 'grid', expected: formatShape(want), got: formatShape(grid.shape) });
    }
    this.setBuffer('grid', grid);
  }

  /** `spline_weight * spline_scaler[..., None]` [out, in, G+k] (efficient-kan's `scaled_spline_weight`). */
  scaledSplineWeight(): tf.Tensor3D {
    return tf.tidy(() =>
      (this.spline_scaler ? tf.mul(this.spline_weight.value, tf.expandDims(this.spline_scaler.value, -1)) : tf.clone(this.spline_weight.value)) as tf.Tensor3D,
    );
  }

  /** Numeric-branch weights with symbolic edges masked off: [base [out, in], spline [out, in, G+k]]. */
  private numericWeights(): [tf.Tensor, tf.Tensor] {
    const mask = this.symbolic?.numericMask() ?? null;
    let base: tf.Tensor = this.base_weight.value;
    let spline: tf.Tensor = this.spline_scaler ? tf.mul(this.spline_weight.value, tf.expandDims(this.spline_scaler.value, -1)) : this.spline_weight.value;
    if (mask) {
      base = tf.mul(base, mask);
      spline = tf.mul(spline, tf.expandDims(mask, -1));
    }
    return [base, spline];
  }

  /** x [..., in] -> [..., out]. */
  forward(x: tf.Tensor, options: KANLinearForwardOptions = {}): tf.Tensor {
    const where = this.where('forward');
    checkLastDim(x, this.inFeatures, where, 'inFeatures');
    const lead = x.shape.slice(0, -1);
    if (options.cache ?? this.cacheActivations) {
      const x2 = tf.reshape(x, [-1, this.inFeatures]) as tf.Tensor2D;
      const acts = this.edgeActivations(x2);
      x2.dispose();
      this.clearActivations();
      // kept: they outlive an enclosing tidy (an optimizer's closure) until the next cached pass
      for (const t of new Set([acts.preacts, acts.postactsNumeric, acts.postacts])) tf.keep(t);
      this.cached = acts;
      return tf.tidy(() => tf.reshape(tf.sum(acts.postacts, 2), [...lead, this.outFeatures]));
    }
    return tf.tidy(() => {
      const x2 = tf.reshape(x, [-1, this.inFeatures]);
      const [base, spline] = this.numericWeights();
      let y = tf.add(linear(this.baseActivation(x2), base), splineLinear(x2, this.grid, spline, { splineOrder: this.splineOrder, impl: this.impl }));
      if (this.symbolic) y = tf.add(y, this.symbolic.forward(x2));
      return tf.reshape(y, [...lead, this.outFeatures]);
    });
  }

  /**
   * Per-edge activations for x [N, in] (differentiable; the caller owns the tensors):
   * `postacts[n, o, i] = phi_oi(x[n, i])`, summing over i gives the layer's output.
   */
  edgeActivations(x: tf.Tensor2D): EdgeActivations {
    return tf.tidy(() => {
      const [base, spline] = this.numericWeights();
      const bases = tf.transpose(splineBases(x, this.grid, this.splineOrder), [1, 0, 2]); // [in, N, nb]
      const perSpline = tf.matMul(bases, tf.transpose(spline, [1, 2, 0])); // [in, N, out]
      const perBase = tf.mul(tf.expandDims(tf.transpose(this.baseActivation(x)), -1), tf.expandDims(tf.transpose(base), 1)); // [in, N, out]
      const numeric = tf.transpose(tf.add(perSpline, perBase), [1, 2, 0]) as tf.Tensor3D; // [N, out, in]
      const all = this.symbolic ? (tf.add(numeric, this.symbolic.perEdge(x)) as tf.Tensor3D) : numeric;
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

  /** The symbolic branch's trainable parameters (pykan's `affine`); empty when no edge is symbolic. */
  symbolicParameters(): Parameter[] {
    return this.symbolic ? [this.symbolic.affine] : [];
  }

  /** The symbolic state, created on first use. */
  ensureSymbolic(): SymbolicEdges {
    this.symbolic ??= new SymbolicEdges(this.inFeatures, this.outFeatures);
    return this.symbolic;
  }

  /** Frees parameters, grid, cached activations and the symbolic branch. */
  override dispose(): void {
    this.clearActivations();
    this.symbolic?.dispose();
    this.symbolic = null;
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
