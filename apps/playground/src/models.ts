// The playground's networks: one per basis of @basiskit/kan, built from widths [in, ..., out] and a
// grid size. The B-spline basis is @basiskit/kan's `KAN` (efficient-kan's network with pykan's
// tools: grid refinement, pruning, symbolic fitting); every other basis is a stack of that basis's
// layers under `layers.<l>.` (efficient-kan's key layout), so its checkpoints keep the layers' own
// state-dict names. Edge curves: `KAN.edgeCurves` for B-splines; for the other bases (all additive
// over inputs: y_j = sum_i phi_ji(x_i) + b_j) edge i -> j is probed as y_j(t e_i) - y_j(0).
import { ChebyKANLayer, FastKANLayer, FourierKANLayer, GRKANLinear, KAN, ReLUKANLayer, SelectableKANLayer, type EdgeCurve } from '@basiskit/kan';
import { ConfigError, Module, ModuleList, createRng, tf, type Rng } from '@basiskit/tensor';
import type { Basis } from './choices';

export type { Basis } from './choices';

/** What a network is built from (also stored in exported files' metadata). */
export interface ModelConfig {
  basis: Basis;
  /** Widths [in, hidden..., out]. */
  widths: number[];
  /** Grid intervals (B-spline, ReLU-KAN), RBF centres, Chebyshev degree or Fourier harmonics. */
  gridSize: number;
  seed: number;
}

/** One edge function, sampled for plotting (plain arrays: they cross to the page). */
export interface EdgePlot {
  layer: number;
  i: number;
  j: number;
  x: number[];
  y: number[];
  symbolic: string | null;
}

function largestDivisorUpTo(n: number, max: number): number {
  for (let g = Math.min(n, max); g > 1; g--) if (n % g === 0) return g;
  return 1;
}

function buildLayer(basis: Exclude<Basis, 'bspline'>, nIn: number, nOut: number, g: number, rng: Rng): Module {
  switch (basis) {
    case 'rbf':
      return new FastKANLayer({ inputDim: nIn, outputDim: nOut, numGrids: g, useLayerNorm: false, rng });
    case 'chebyshev':
      return new ChebyKANLayer({ inputDim: nIn, outputDim: nOut, degree: g, rng });
    case 'fourier':
      return new FourierKANLayer({ inputDim: nIn, outputDim: nOut, gridSize: g, smoothInitialization: true, rng });
    case 'relu':
      return new ReLUKANLayer({ inputSize: nIn, outputSize: nOut, g, k: 3, rng });
    case 'rational':
      return new GRKANLinear({ inFeatures: nIn, outFeatures: nOut, groups: largestDivisorUpTo(nIn, 8), init: 'gelu', rng });
    case 'skan':
      return new SelectableKANLayer({ inFeatures: nIn, outFeatures: nOut, rng, candidateOptions: { bspline: { gridSize: g }, rbf: { numGrids: g } } });
  }
}

/** A stack of one basis's layers (`layers.<l>.`), applied in turn. ReLU-KAN's inputs are mapped from [-1, 1] to its [0, 1]. */
export class LayerStack extends Module {
  readonly layers: ModuleList<Module & { forward(x: tf.Tensor): tf.Tensor }>;

  constructor(
    readonly basis: Exclude<Basis, 'bspline'>,
    widths: number[],
    gridSize: number,
    seed: number,
  ) {
    super();
    const rng = createRng(seed);
    const built: (Module & { forward(x: tf.Tensor): tf.Tensor })[] = [];
    for (let l = 0; l + 1 < widths.length; l++)
      built.push(buildLayer(basis, widths[l], widths[l + 1], gridSize, rng) as Module & { forward(x: tf.Tensor): tf.Tensor });
    this.layers = this.registerModule('layers', new ModuleList(built));
  }

  /** The input of every layer for x (the caller disposes all but x). */
  layerInputs(x: tf.Tensor): tf.Tensor[] {
    const out: tf.Tensor[] = [this.basis === 'relu' ? tf.tidy(() => tf.mul(tf.add(x, 1), 0.5)) : x];
    const layers = [...this.layers];
    for (let l = 0; l + 1 < layers.length; l++) out.push(layers[l].forward(out[l]));
    return out;
  }

  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      let h = this.basis === 'relu' ? tf.mul(tf.add(x, 1), 0.5) : x;
      for (const layer of this.layers) h = layer.forward(h);
      return h;
    });
  }
}

/** A playground network: the B-spline KAN or a layer stack. */
export type Network = KAN | LayerStack;

/** Builds the network of a config. */
export function buildNetwork(c: ModelConfig): Network {
  if (c.widths.length < 2 || c.widths.some((w) => !Number.isInteger(w) || w < 1)) {
    throw new ConfigError('invalid widths', { where: 'playground', argument: 'widths', expected: 'integers >= 1, at least two', got: c.widths.join(', ') });
  }
  if (c.basis === 'bspline') return new KAN({ layers: c.widths, gridSize: c.gridSize, seed: c.seed });
  return new LayerStack(c.basis, c.widths, c.gridSize, c.seed);
}

/** The widths and grid size of an efficient-kan checkpoint (keys `layers.<l>.base_weight`, `layers.<l>.spline_weight`), for files without metadata. */
export function efficientKanConfig(shapes: Record<string, number[]>, seed = 0): ModelConfig | null {
  const widths: number[] = [];
  let gridSize = 0;
  for (let l = 0; ; l++) {
    const base = shapes[`layers.${l}.base_weight`];
    const spline = shapes[`layers.${l}.spline_weight`];
    if (!base || !spline) break;
    if (l === 0) widths.push(base[1]);
    widths.push(base[0]);
    gridSize = spline[2] - 3; // efficient-kan: G + k coefficients, spline order k = 3
  }
  return widths.length >= 2 && gridSize > 0 ? { basis: 'bspline', widths, gridSize, seed } : null;
}

function rangeOf(h: tf.Tensor, i: number): [number, number] {
  const col = tf.tidy(() => tf.stack([tf.min(tf.slice(h, [0, i], [-1, 1])), tf.max(tf.slice(h, [0, i], [-1, 1]))]));
  const [lo, hi] = col.dataSync();
  col.dispose();
  return hi - lo > 1e-6 ? [lo, hi] : [lo - 1, hi + 1];
}

/** Every edge's function, `samples` points each, over the range of the activations of x reaching it. */
export function edgePlots(model: Network, x: tf.Tensor, samples = 48): EdgePlot[] {
  const out: EdgePlot[] = [];
  if (model instanceof KAN) {
    for (let l = 0; l < model.layers.length; l++) {
      for (const e of model.edgeCurves(l, { samples }) as EdgeCurve[])
        out.push({ layer: l, i: e.i, j: e.j, x: Array.from(e.x), y: Array.from(e.y), symbolic: e.symbolic });
    }
    return out;
  }
  const inputs = model.layerInputs(x);
  try {
    const layers = [...model.layers];
    layers.forEach((layer, l) => {
      const nIn = inputs[l].shape[1] as number;
      for (let i = 0; i < nIn; i++) {
        const [lo, hi] = rangeOf(inputs[l], i);
        const ts = Array.from({ length: samples }, (_, s) => lo + ((hi - lo) * s) / (samples - 1));
        const ys = tf.tidy(() => {
          const t = tf.tensor1d(ts);
          const probe = tf.mul(tf.oneHot(tf.fill([samples], i, 'int32'), nIn).toFloat(), tf.reshape(t, [samples, 1]));
          const zero = layer.forward(tf.zeros([1, nIn]));
          return tf.transpose(tf.sub(layer.forward(probe), zero)); // [out, S]
        });
        const data = ys.dataSync();
        const nOut = ys.shape[0];
        ys.dispose();
        for (let j = 0; j < nOut; j++) out.push({ layer: l, i, j, x: ts, y: Array.from(data.subarray(j * samples, (j + 1) * samples)), symbolic: null });
      }
    });
  } finally {
    tf.dispose(inputs.filter((t) => t !== x));
  }
  return out;
}
