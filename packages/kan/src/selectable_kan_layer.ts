// S-KAN's selectable layer (Yang et al., "Activation Space Selectable Kolmogorov-Arnold Networks",
// arXiv:2408.08338): every output node chooses among activation-function spaces. Each candidate
// is a full KAN layer of one basis; node o mixes them with a learnable softmax
//
//   y[:, o] = sum_b softmax(selection_logits[o, :] / temperature)_b * y_b[:, o],
//   y_b = candidate_b(x)   (bspline: efficient-kan KANLinear, rbf: FastKANLayer without LayerNorm,
//                           chebyshev: ChebyKANLayer, fourier: FourierKANLayer, rational: GRKANLinear)
//
// (the paper's full/selective training phases), and `freeze()` prunes to the hard choice
// (its pruning phase): node o then outputs y_{argmax_b logits[o, b]}[:, o] exactly, only the
// candidates some node chose are evaluated, and the logits stop training. Parameters:
// `candidates.<basis>.<the candidate's own names>` and `selection_logits` [out, nBases] (start 0:
// a uniform mixture). The paper's exact weighting formula is not public in the sources we could
// read; the per-node softmax over logits is this library's reading of "each node adaptively
// selects", documented as such.
import {
  ConfigError,
  Module,
  ModuleDict,
  checkNumber,
  checkOptions,
  checkTensor,
  createRng,
  show,
  tf,
  type LoadStateDictOptions,
  type LoadStateDictResult,
  type Parameter,
  type Rng,
} from '@basiskit/tensor';
import { ChebyKANLayer, type ChebyKANLayerOptions } from './chebykan_layer';
import { FastKANLayer, type FastKANLayerOptions } from './fastkan_layer';
import { FourierKANLayer, type FourierKANLayerOptions } from './fourierkan_layer';
import { GRKANLinear, type GRKANLinearOptions } from './gr_kan_linear';
import { KANLinear, type KANLinearOptions } from './kan_linear';

/** The activation spaces S-KAN selects among. */
export type SKANBasis = 'bspline' | 'rbf' | 'chebyshev' | 'fourier' | 'rational';

/** Every basis, in the default order. */
export const SKAN_BASES: readonly SKANBasis[] = ['bspline', 'rbf', 'chebyshev', 'fourier', 'rational'];

type Dims = 'inFeatures' | 'outFeatures' | 'inputDim' | 'outputDim' | 'seed' | 'rng';

/** Per-basis options of the candidate layers (their own option names, minus sizes and seeding). */
export interface SKANCandidateOptions {
  /** KANLinear options. Default: efficient-kan's defaults (gridSize 5, splineOrder 3). */
  bspline?: Partial<Omit<KANLinearOptions, Dims>>;
  /** FastKANLayer options. Default: FastKAN's defaults with `useLayerNorm: false`. */
  rbf?: Partial<Omit<FastKANLayerOptions, Dims>>;
  /** ChebyKANLayer options. Default `degree: 4`. */
  chebyshev?: Partial<Omit<ChebyKANLayerOptions, Dims>>;
  /** FourierKANLayer options. Default `gridSize: 5`. */
  fourier?: Partial<Omit<FourierKANLayerOptions, Dims>>;
  /** GRKANLinear options. Default: `init: 'gelu'`, groups the largest divisor of inFeatures <= 8. */
  rational?: Partial<Omit<GRKANLinearOptions, Dims>>;
}

/** Options of {@link SelectableKANLayer}. */
export interface SelectableKANLayerOptions {
  inFeatures: number;
  outFeatures: number;
  /** Candidate activation spaces (distinct). Default all five, in {@link SKAN_BASES} order. */
  bases?: readonly SKANBasis[];
  /** Softmax temperature of the selection (lower = sharper). Default 1. */
  temperature?: number;
  /** Options of the candidate layers, per basis. */
  candidateOptions?: SKANCandidateOptions;
  /** Seed of the initialization (ignored when `rng` is given). Default 0. */
  seed?: number;
  /** Generator of the initialization (shared by the candidates, in `bases` order). */
  rng?: Rng;
}

const KNOWN = ['inFeatures', 'outFeatures', 'bases', 'temperature', 'candidateOptions', 'seed', 'rng'];

function largestDivisorUpTo(n: number, max: number): number {
  for (let g = Math.min(n, max); g > 1; g--) if (n % g === 0) return g;
  return 1;
}

function buildCandidate(basis: SKANBasis, nIn: number, nOut: number, rng: Rng, o: SKANCandidateOptions): Module {
  switch (basis) {
    case 'bspline':
      return new KANLinear({ ...o.bspline, inFeatures: nIn, outFeatures: nOut, rng });
    case 'rbf':
      return new FastKANLayer({ useLayerNorm: false, ...o.rbf, inputDim: nIn, outputDim: nOut, rng });
    case 'chebyshev':
      return new ChebyKANLayer({ degree: 4, ...o.chebyshev, inputDim: nIn, outputDim: nOut, rng });
    case 'fourier':
      return new FourierKANLayer({ gridSize: 5, ...o.fourier, inputDim: nIn, outputDim: nOut, rng });
    case 'rational':
      return new GRKANLinear({ init: 'gelu', groups: largestDivisorUpTo(nIn, 8), ...o.rational, inFeatures: nIn, outFeatures: nOut, rng });
  }
}

/**
 * S-KAN layer (see the file header): x [..., inFeatures] -> [..., outFeatures], each output node
 * a learnable softmax mixture of candidate KAN layers, hardened by {@link SelectableKANLayer.freeze}.
 *
 * @example
 * const layer = new SelectableKANLayer({ inFeatures: 4, outFeatures: 8, seed: 0 });
 * // ... train ...
 * layer.freeze();          // node o now uses only its argmax basis
 * layer.selected();        // e.g. ['fourier', 'bspline', ...] (one per output node)
 */
export class SelectableKANLayer extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly bases: readonly SKANBasis[];
  readonly temperature: number;
  /** The candidate layers by basis (a ModuleDict, state-dict prefix `candidates.<basis>.`). */
  readonly candidates: ModuleDict;
  /** Selection logits [outFeatures, nBases] (`selection_logits`). */
  readonly selection_logits: Parameter;
  private chosen: number[] | null = null;

  constructor(options: SelectableKANLayerOptions) {
    super();
    const where = 'SelectableKANLayer';
    const o = checkOptions(options, { where, known: KNOWN });
    this.inFeatures = checkNumber(o.inFeatures, { where, argument: 'inFeatures', integer: true, min: 1 });
    this.outFeatures = checkNumber(o.outFeatures, { where, argument: 'outFeatures', integer: true, min: 1 });
    const bases = o.bases ?? SKAN_BASES;
    if (!Array.isArray(bases) || bases.length === 0 || bases.some((b) => !SKAN_BASES.includes(b)) || new Set(bases).size !== bases.length) {
      throw new ConfigError('invalid bases', {
        where,
        argument: 'bases',
        expected: `distinct names from ${SKAN_BASES.join(', ')} (at least one)`,
        got: show(bases),
      });
    }
    this.bases = [...bases];
    this.temperature = checkNumber(o.temperature ?? 1, { where, argument: 'temperature', gt: 0 });
    const rng = o.rng ?? createRng(checkNumber(o.seed ?? 0, { where, argument: 'seed', integer: true, min: 0 }));
    const candidates = new ModuleDict();
    try {
      for (const b of this.bases) candidates.set(b, buildCandidate(b, this.inFeatures, this.outFeatures, rng, o.candidateOptions ?? {}));
    } catch (e) {
      candidates.dispose();
      throw e;
    }
    this.candidates = this.registerModule('candidates', candidates);
    this.selection_logits = this.registerParameter('selection_logits', tf.zeros([this.outFeatures, this.bases.length]));
  }

  /** Whether the selection is hard (see {@link SelectableKANLayer.freeze}). */
  get frozen(): boolean {
    return this.chosen !== null;
  }

  /** The candidate layer of one basis. */
  candidate(basis: SKANBasis): Module {
    this.assertLive('candidate');
    if (!this.candidates.has(basis)) {
      throw new ConfigError('no such candidate', { where: this.where('candidate'), argument: 'basis', expected: this.bases.join(', '), got: String(basis) });
    }
    return this.candidates.get(basis);
  }

  /** The mixture weights softmax(selection_logits / temperature) [outFeatures, nBases] (caller disposes). */
  selectionWeights(): tf.Tensor2D {
    this.assertLive('selectionWeights');
    return tf.tidy(() => tf.softmax(tf.div(this.selection_logits.value, this.temperature), -1)) as tf.Tensor2D;
  }

  /** The basis each output node selects: argmax of its logits (ties: the first in `bases`). */
  selected(): SKANBasis[] {
    this.assertLive('selected');
    return this.argmax().map((b) => this.bases[b]);
  }

  /**
   * Hard selection (S-KAN's pruning): from now on node o outputs its argmax candidate's value
   * exactly, candidates no node selects are not evaluated, and `selection_logits` stops training
   * (trainable = false). The choice is taken now: call again after loading other logits.
   */
  freeze(): this {
    this.assertLive('freeze');
    this.chosen = this.argmax();
    this.selection_logits.trainable = false;
    return this;
  }

  /** Back to the soft mixture, with trainable logits. */
  unfreeze(): this {
    this.assertLive('unfreeze');
    this.chosen = null;
    this.selection_logits.trainable = true;
    return this;
  }

  /** x [..., inFeatures] (float32) -> [..., outFeatures]. */
  forward(x: tf.Tensor): tf.Tensor {
    checkTensor(x, { where: this.where('forward'), dtype: 'float32', minRank: 1, lastDim: this.inFeatures });
    return tf.tidy(() => {
      const lead = x.shape.slice(0, -1);
      const x2 = tf.reshape(x, [x.size / this.inFeatures, this.inFeatures]);
      const run = (b: number) => this.candidate(this.bases[b]).forward(x2);
      let y: tf.Tensor;
      if (this.chosen) {
        const chosen = this.chosen;
        const used = [...new Set(chosen)];
        y = run(used[0]);
        for (const b of used.slice(1)) {
          const mask = tf.tensor1d(
            chosen.map((c) => c === b),
            'bool',
          );
          y = tf.where(tf.broadcastTo(mask, y.shape), run(b), y);
        }
      } else {
        const ys = tf.stack(
          this.bases.map((_, b) => run(b)),
          -1,
        ); // [M, out, nBases]
        y = tf.sum(tf.mul(ys, tf.softmax(tf.div(this.selection_logits.value, this.temperature), -1)), -1);
      }
      return tf.reshape(y, [...lead, this.outFeatures]);
    });
  }

  /** Loads a state dict; the B-spline candidate gets the symbolic branch its entries describe (see `KANLinear.loadWithSymbolic`). */
  override loadStateDict(dict: Record<string, tf.Tensor>, options: LoadStateDictOptions = {}): LoadStateDictResult {
    return KANLinear.loadWithSymbolic(this, dict, options, (d, o) => super.loadStateDict(d, o));
  }

  private argmax(): number[] {
    const logits = this.selection_logits.value.arraySync() as number[][];
    return logits.map((row) => row.reduce((best, v, i) => (v > row[best] ? i : best), 0));
  }
}
