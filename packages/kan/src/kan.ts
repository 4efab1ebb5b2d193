// efficient-kan's KAN: a stack of KANLinear layers [in, h1, ..., out] in a ModuleList named
// `layers` (state-dict keys `layers.<i>.base_weight`, ...), with `forward(x, {updateGrid})` as
// efficient-kan's (each layer's grid is updated from the activations reaching it, then applied),
// and pykan's tools as methods: grid update and refinement, regularization, pruning, symbolic
// fitting and formulas. refine and prune return new networks (pykan's style); the others act in
// place.
import { ConfigError, Module, ModuleList, createRng, tf, type Parameter } from '@basiskit/tensor';
import { updateGrid, type UpdateGridOptions } from './grid_update';
import { KANLinear, type KANLinearOptions } from './kan_linear';
import { pruneLayers, type PruneOptions } from './prune';
import { refineLayer, type RefineOptions } from './refine';
import { regularizationLoss, type RegularizationOptions } from './regularization';
import {
  autoSymbolic,
  fixSymbolic,
  suggestSymbolic,
  type AutoSymbolicEdge,
  type AutoSymbolicOptions,
  type FixSymbolicOptions,
  type SuggestSymbolicOptions,
  type SymbolicCandidate,
} from './symbolic';
import { symbolicFormula, type SymbolicFormula, type SymbolicFormulaOptions } from './symbolic_formula';

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

/** efficient-kan's KAN network with pykan's tools (see the file header). */
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
    const widths = options?.layers;
    if (!Array.isArray(widths) || widths.length < 2 || widths.some((w) => !Number.isInteger(w) || w < 1)) {
      throw new ConfigError('invalid widths', { where: 'KAN', argument: 'layers', expected: 'at least two integers >= 1', got: JSON.stringify(widths) });
    }
    let built = prebuilt;
    if (!built) {
      const { layers: _w, ...rest } = options;
      const rng = options.rng ?? createRng(options.seed ?? 0);
      built = [];
      for (let l = 0; l + 1 < widths.length; l++) built.push(new KANLinear({ ...rest, rng, inFeatures: widths[l], outFeatures: widths[l + 1] }));
    }
    this.layers = this.registerModule('layers', new ModuleList(built));
  }

  /** Frees every layer (parameters, grids, cached activations, symbolic branches). */
  override dispose(): void {
    for (const layer of this.layers) layer.dispose();
    super.dispose();
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
    if (!options.updateGrid) {
      return tf.tidy(() => {
        let h = x;
        for (const layer of this.layers) h = layer.forward(h, { cache: options.cache });
        return h;
      });
    }
    let h = x;
    for (const layer of this.layers) {
      updateGrid(layer, h, { margin: options.margin });
      const next = layer.forward(h, { cache: options.cache });
      if (h !== x) h.dispose();
      h = next;
    }
    return h;
  }

  /** Updates every layer's grid from the activations of `x` flowing through (pykan's update_grid_from_samples). */
  updateGrid(x: tf.Tensor, options: UpdateGridOptions = {}): void {
    const y = this.forward(x, { updateGrid: true, margin: options.margin });
    y.dispose();
  }

  /**
   * A new KAN with `newGridSize` intervals per edge computing the same function on each layer's
   * grid range (pykan's refine; see refine.ts). With `x`, each layer is fitted on the
   * activations of `x` reaching it instead of evenly spaced points.
   */
  refine(newGridSize: number, options: RefineOptions = {}): KAN {
    const fresh: KANLinear[] = [];
    let h: tf.Tensor | undefined = options.x;
    try {
      for (const layer of this.layers) {
        fresh.push(refineLayer(layer, newGridSize, { ...options, x: h }));
        if (h) {
          const next = layer.forward(h, { cache: false });
          if (h !== options.x) h.dispose();
          h = next;
        }
      }
    } catch (e) {
      for (const l of fresh) l.dispose();
      throw e;
    } finally {
      if (h && h !== options.x) h.dispose();
    }
    return new KAN({ layers: this.widths }, fresh);
  }

  /** pykan's regularization on the last forward with `cache: true` (see regularization.ts). */
  regularizationLoss(options: RegularizationOptions = {}): tf.Scalar {
    return regularizationLoss(this.layerArray(), options);
  }

  /**
   * A new KAN without the hidden nodes whose incoming or outgoing edge scores are all below
   * `threshold` (pykan's prune; see prune.ts). Uses the last forward with `cache: true`, or
   * runs one on `x` when given.
   */
  prune(options: PruneOptions & { x?: tf.Tensor } = {}): KAN {
    return this.pruneWithMap(options).model;
  }

  /** {@link KAN.prune}, also returning the kept node indices per node layer. */
  pruneWithMap(options: PruneOptions & { x?: tf.Tensor } = {}): { model: KAN; keptNodes: number[][] } {
    if (options.x) tf.dispose(this.forward(options.x, { cache: true }));
    const { layers, keptNodes } = pruneLayers(this.layerArray(), options);
    return { model: new KAN({ layers: keptNodes.map((k) => k.length) }, layers), keptNodes };
  }

  /** The symbolic edges' trainable affine parameters of every layer (train them with the others after fixing). */
  symbolicParameters(): Parameter[] {
    return this.layerArray().flatMap((l) => l.symbolicParameters());
  }

  private layerAt(l: number): KANLinear {
    if (!Number.isInteger(l) || l < 0 || l >= this.layers.length) {
      throw new ConfigError('layer index out of range', { where: 'KAN', argument: 'l', expected: `0 <= l < ${this.layers.length}`, got: String(l) });
    }
    return this.layers.at(l);
  }

  /** pykan's suggest_symbolic for edge i -> j of layer l. */
  suggestSymbolic(l: number, i: number, j: number, options: SuggestSymbolicOptions = {}): SymbolicCandidate[] {
    return suggestSymbolic(this.layerAt(l), i, j, options);
  }

  /** pykan's fix_symbolic for edge i -> j of layer l; returns the R^2 of the fit (null without fitting). */
  fixSymbolic(l: number, i: number, j: number, name: string, options: FixSymbolicOptions = {}): number | null {
    return fixSymbolic(this.layerAt(l), i, j, name, options);
  }

  /** pykan's auto_symbolic over every layer (runs a cached forward on `x` first when given). */
  autoSymbolic(options: AutoSymbolicOptions & { x?: tf.Tensor } = {}): AutoSymbolicEdge[] {
    if (options.x) tf.dispose(this.forward(options.x, { cache: true }));
    return autoSymbolic(this.layerArray(), options);
  }

  /** The closed-form formula of a fully symbolic KAN (see symbolic_formula.ts). */
  symbolicFormula(options: SymbolicFormulaOptions = {}): SymbolicFormula {
    return symbolicFormula(this.layerArray(), options);
  }
}
