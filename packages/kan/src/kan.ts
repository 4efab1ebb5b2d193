// efficient-kan's KAN: a stack of KANLinear layers [in, h1, ..., out] in a ModuleList named
// `layers` (state-dict keys `layers.<i>.base_weight`, ...), with `forward(x, {updateGrid})` as
// efficient-kan's (each layer's grid is updated from the activations reaching it, then applied),
// and pykan's network-level tools as methods: grid update and refinement, regularization,
// pruning, symbolic fitting and formulas (each works through the layers' own methods).
// refine and prune return new networks (pykan's style); the others act in place.
import {
  ConfigError,
  Module,
  ModuleList,
  checkNumber,
  checkOptions,
  createRng,
  show,
  tf,
  type LoadStateDictOptions,
  type LoadStateDictResult,
  type Parameter,
} from '@basiskit/tensor';
import type { EdgeCurve, EdgeCurvesOptions } from './edge_curves';
import type { UpdateGridOptions } from './grid_update';
import { KANLinear, type KANLinearOptions } from './kan_linear';
import { keptNodes, nodeScoresFrom, type NodeScores, type PruneOptions } from './prune';
import type { RefineOptions } from './refine';
import { regularizationSettings, type RegularizationOptions } from './regularization';
import {
  SUGGEST_OPTIONS,
  type AutoSymbolicEdge,
  type AutoSymbolicOptions,
  type FixSymbolicOptions,
  type SuggestSymbolicOptions,
  type SymbolicCandidate,
} from './symbolic';
import { buildFormula, type SymbolicFormula, type SymbolicFormulaOptions } from './symbolic_formula';

/** Options of {@link KAN}: the widths and every {@link KANLinearOptions} option but the sizes. */
export interface KANOptions extends Omit<KANLinearOptions, 'inFeatures' | 'outFeatures'> {
  /** Widths `[in, h1, ..., out]` (efficient-kan's `layers_hidden`), at least two. */
  layers: readonly number[];
}

/** Options of {@link KAN.forward}. */
export interface KANForwardOptions {
  /** Update each layer's grid from the activations reaching it before applying it. Default false. */
  updateGrid?: boolean;
  /** Margin of the grid update. Default 0.01. */
  margin?: number;
  /** Keep per-edge activations (see {@link KANLinear.forward}). Default: each layer's flag. */
  cache?: boolean;
}

/** efficient-kan's KAN network with pykan's tools as methods (see the file header). */
export class KAN extends Module {
  /** The layers (state-dict prefix `layers.`). */
  readonly layers: ModuleList<KANLinear>;

  /**
   * @param options widths and layer options; a shared generator (`rng`, or `seed`) initializes
   *   the layers in order.
   * @param prebuilt layers to adopt instead of creating them (used by refine and prune).
   */
  constructor(options: KANOptions, prebuilt?: KANLinear[]) {
    super();
    const where = 'KAN';
    const o = checkOptions(options, { where });
    const widths = o.layers;
    if (!Array.isArray(widths) || widths.length < 2 || widths.some((w) => !Number.isInteger(w) || w < 1)) {
      throw new ConfigError('invalid widths', { where, argument: 'layers', expected: 'at least two integers >= 1', got: show(widths) });
    }
    let built = prebuilt;
    if (!built) {
      const { layers: _w, ...rest } = o;
      const rng = o.rng ?? createRng(checkNumber(o.seed ?? 0, { where, argument: 'seed', integer: true, min: 0 }));
      built = [];
      try {
        for (let l = 0; l + 1 < widths.length; l++) built.push(new KANLinear({ ...rest, rng, inFeatures: widths[l], outFeatures: widths[l + 1] }));
      } catch (e) {
        for (const layer of built) layer.dispose();
        throw e;
      }
    }
    this.layers = this.registerModule('layers', new ModuleList(built));
  }

  /** Widths `[in, h1, ..., out]`. */
  get widths(): number[] {
    const ls = this.layerArray();
    return [ls[0].inFeatures, ...ls.map((l) => l.outFeatures)];
  }

  /** The layers as an array. */
  layerArray(): KANLinear[] {
    return [...this.layers];
  }

  /** Sets every layer's `cacheActivations` flag (per-edge activations kept on every forward). */
  set cacheActivations(flag: boolean) {
    for (const l of this.layers) l.cacheActivations = flag;
  }
  get cacheActivations(): boolean {
    return this.layerArray().every((l) => l.cacheActivations);
  }

  /** x [..., in] -> [..., out]. */
  forward(x: tf.Tensor, options: KANForwardOptions = {}): tf.Tensor {
    const o = checkOptions(options, { where: this.where('forward'), known: ['updateGrid', 'margin', 'cache'] });
    if (!o.updateGrid) {
      return tf.tidy(() => {
        let h = x;
        for (const layer of this.layers) h = layer.forward(h, { cache: o.cache });
        return h;
      });
    }
    let h = x;
    try {
      for (const layer of this.layers) {
        layer.updateGrid(h, { margin: o.margin });
        const next = layer.forward(h, { cache: o.cache });
        if (h !== x) h.dispose();
        h = next;
      }
    } catch (e) {
      if (h !== x) h.dispose();
      throw e;
    }
    return h;
  }

  /** Updates every layer's grid from the activations of `x` flowing through (pykan's update_grid_from_samples). */
  updateGrid(x: tf.Tensor, options: UpdateGridOptions = {}): void {
    this.assertLive('updateGrid');
    const o = checkOptions(options, { where: this.where('updateGrid'), known: ['margin'] });
    const y = this.forward(x, { updateGrid: true, margin: o.margin });
    y.dispose();
  }

  /**
   * A new KAN with `newGridSize` intervals per edge computing the same function on each layer's
   * grid range (pykan's refine; see {@link KANLinear.refine}). With `x`, each layer is fitted on
   * the activations of `x` reaching it instead of evenly spaced points.
   */
  refine(newGridSize: number, options: RefineOptions = {}): KAN {
    this.assertLive('refine');
    const o = checkOptions(options, { where: this.where('refine'), known: ['x', 'samples'] });
    const fresh: KANLinear[] = [];
    let h: tf.Tensor | undefined = o.x;
    try {
      for (const layer of this.layers) {
        fresh.push(layer.refine(newGridSize, { samples: o.samples, x: h }));
        if (h) {
          const next = layer.forward(h, { cache: false });
          if (h !== o.x) h.dispose();
          h = next;
        }
      }
    } catch (e) {
      for (const l of fresh) l.dispose();
      throw e;
    } finally {
      if (h && h !== o.x) h.dispose();
    }
    return new KAN({ layers: this.widths }, fresh);
  }

  /** pykan's regularization summed over the layers, on the last forward with `cache: true` (see {@link KANLinear.regularizationLoss}). */
  regularizationLoss(options: RegularizationOptions = {}): tf.Scalar {
    this.assertLive('regularizationLoss');
    const o = regularizationSettings(options, this.where('regularizationLoss'));
    return tf.tidy(() => tf.addN(this.layerArray().map((l) => l.regularizationLoss(o))) as tf.Scalar);
  }

  /** Incoming and outgoing scores of every hidden layer's nodes (pykan's, see prune.ts); needs a forward with `cache: true`. */
  nodeScores(): NodeScores[] {
    this.assertLive('nodeScores');
    const scales = this.layerArray().map((l) => {
      const s = l.edgeScales('edge_forward_sum');
      const data = s.dataSync() as Float32Array;
      s.dispose();
      return { data, out: l.outFeatures, in: l.inFeatures };
    });
    return nodeScoresFrom(scales);
  }

  /**
   * A new KAN without the hidden nodes whose incoming or outgoing edge scores are all below
   * `threshold` (pykan's prune; see prune.ts). Uses the last forward with `cache: true`, or
   * runs one on `x` when given.
   */
  prune(options: PruneOptions & { x?: tf.Tensor } = {}): KAN {
    this.assertLive('prune');
    return this.pruneWithMap(options).model;
  }

  /** {@link KAN.prune}, also returning the kept node indices per node layer (inputs, hidden..., outputs). */
  pruneWithMap(options: PruneOptions & { x?: tf.Tensor } = {}): { model: KAN; keptNodes: number[][] } {
    this.assertLive('pruneWithMap');
    const where = this.where('prune');
    const o = checkOptions(options, { where, known: ['threshold', 'x'] });
    const threshold = checkNumber(o.threshold ?? 1e-2, { where, argument: 'threshold' });
    if (o.x !== undefined) tf.dispose(this.forward(o.x, { cache: true }));
    const layers = this.layerArray();
    const kept = keptNodes(this.nodeScores(), layers[0].inFeatures, layers[layers.length - 1].outFeatures, threshold);
    const out: KANLinear[] = [];
    try {
      layers.forEach((l, i) => out.push(l.subset(kept[i], kept[i + 1])));
    } catch (e) {
      for (const l of out) l.dispose();
      throw e;
    }
    return { model: new KAN({ layers: kept.map((k) => k.length) }, out), keptNodes: kept };
  }

  /** The symbolic edges' trainable affine parameters of every layer (train them with the others after fixing). */
  symbolicParameters(): Parameter[] {
    this.assertLive('symbolicParameters');
    return this.layerArray().flatMap((l) => l.symbolicParameters());
  }

  private layerAt(l: number, method: string): KANLinear {
    this.assertLive(method);
    if (!Number.isInteger(l) || l < 0 || l >= this.layers.length) {
      throw new ConfigError('layer index out of range', { where: this.where(method), argument: 'l', expected: `0 <= l < ${this.layers.length}`, got: show(l) });
    }
    return this.layers.at(l);
  }

  /** pykan's suggest_symbolic for edge i -> j of layer l (see {@link KANLinear.suggestSymbolic}). */
  suggestSymbolic(l: number, i: number, j: number, options: SuggestSymbolicOptions = {}): SymbolicCandidate[] {
    return this.layerAt(l, 'suggestSymbolic').suggestSymbolic(i, j, options);
  }

  /** pykan's fix_symbolic for edge i -> j of layer l; returns the R^2 of the fit (null without fitting). */
  fixSymbolic(l: number, i: number, j: number, name: string, options: FixSymbolicOptions = {}): number | null {
    return this.layerAt(l, 'fixSymbolic').fixSymbolic(i, j, name, options);
  }

  /** pykan's unfix_symbolic for edge i -> j of layer l. */
  unfixSymbolic(l: number, i: number, j: number): void {
    this.layerAt(l, 'unfixSymbolic').unfixSymbolic(i, j);
  }

  /** Sampled curves of the edges of layer l, for plots (see {@link KANLinear.edgeCurves}). */
  edgeCurves(l: number, options: EdgeCurvesOptions = {}): EdgeCurve[] {
    return this.layerAt(l, 'edgeCurves').edgeCurves(options);
  }

  /**
   * pykan's auto_symbolic: every numeric edge of every layer is fixed to its best library
   * function (when its R^2 reaches `rThreshold`); edges already symbolic are skipped. Runs a
   * cached forward on `x` first when given.
   */
  autoSymbolic(options: AutoSymbolicOptions = {}): AutoSymbolicEdge[] {
    this.assertLive('autoSymbolic');
    const where = this.where('autoSymbolic');
    const { rThreshold: r, x, ...suggest } = checkOptions(options, { where, known: [...SUGGEST_OPTIONS, 'rThreshold', 'x'] });
    const rThreshold = checkNumber(r ?? 0, { where, argument: 'rThreshold' });
    if (x !== undefined) tf.dispose(this.forward(x, { cache: true }));
    const report: AutoSymbolicEdge[] = [];
    this.layerArray().forEach((layer, l) => {
      for (let i = 0; i < layer.inFeatures; i++) {
        for (let j = 0; j < layer.outFeatures; j++) {
          if (layer.symbolic?.name(i, j)) continue;
          const [best] = layer.suggestSymbolic(i, j, { ...suggest, topk: 1 });
          const fixed = best.r2 >= rThreshold;
          if (fixed) layer.fixSymbolic(i, j, best.name, { fit: false, params: best.params });
          report.push({ layer: l, i, j, name: best.name, r2: best.r2, params: best.params, fixed });
        }
      }
    });
    return report;
  }

  /** The closed-form formula of a fully symbolic KAN (pykan's symbolic_formula; see symbolic_formula.ts). */
  symbolicFormula(options: SymbolicFormulaOptions = {}): SymbolicFormula {
    this.assertLive('symbolicFormula');
    return buildFormula(this.layerArray(), options, this.where('symbolicFormula'));
  }

  /** Loads a state dict, giving layers the symbolic branches its entries describe (see {@link KANLinear.loadWithSymbolic}). */
  override loadStateDict(dict: Record<string, tf.Tensor>, options: LoadStateDictOptions = {}): LoadStateDictResult {
    return KANLinear.loadWithSymbolic(this, dict, options, (d, o) => super.loadStateDict(d, o));
  }
}
