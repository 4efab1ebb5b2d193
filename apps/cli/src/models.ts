// The models the CLI trains, evaluates and imports, built from a checkpoint's JSON `model`
// options: a KAN of any basis (B-spline: efficient-kan's `KAN`; the others: a stack of that
// basis's layers under `layers.<i>`, as the reference projects nest them) or an FNO.
import { Module, ModuleList, tf } from '@basiskit/tensor';
import { ChebyKANLayer, FastKANLayer, FourierKANLayer, GRKANLinear, KAN, KATBlock, ReLUKANLayer, SelectableKANLayer } from '@basiskit/kan';
import { FNO } from '@basiskit/fourier-operators';
import { UsageError } from './errors';

/** The KAN bases `train --basis` accepts. */
export const BASES = ['bspline', 'rbf', 'chebyshev', 'fourier', 'relu', 'rational', 'skan'] as const;
/** One of {@link BASES}. */
export type Basis = (typeof BASES)[number];

/** Options of a KAN of one basis (the `model` of a checkpoint JSON with kind 'kan'). */
export interface KanModelOptions {
  basis: Basis;
  /** Widths, inputs first: `[2, 5, 1]`. */
  layers: number[];
  /** Grid size (B-spline, Fourier, ReLU-KAN), RBF centres, or Chebyshev degree. Default 5. */
  grid?: number;
  /** Spline order (B-spline), ReLU-KAN's k. Default 3. */
  splineOrder?: number;
  seed?: number;
}

/** Options of an FNO (the `model` of a checkpoint JSON with kind 'fno'). */
export interface FnoModelOptions {
  nModes: number[];
  hiddenChannels: number;
  nLayers: number;
  seed?: number;
}

/**
 * A stack of KAN layers of one basis, `layers.<i>` (FastKAN's `FastKAN.layers`, ChebyKAN's and
 * FourierKAN's examples nest them the same way); forward applies them in order.
 */
export class KANStack extends Module {
  readonly layers: ModuleList;

  constructor(layers: Module[]) {
    super();
    this.layers = new ModuleList(layers);
    this.registerModule('layers', this.layers);
  }

  /** x [N, in] -> [N, out]. */
  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      let h = x;
      for (const layer of this.layers) h = layer.forward(h) as tf.Tensor;
      return h;
    });
  }
}

function basisLayer(basis: Basis, inF: number, outF: number, grid: number, k: number, seed: number): Module {
  switch (basis) {
    case 'rbf':
      return new FastKANLayer({ inputDim: inF, outputDim: outF, numGrids: grid, seed });
    case 'chebyshev':
      return new ChebyKANLayer({ inputDim: inF, outputDim: outF, degree: grid, seed });
    case 'fourier':
      return new FourierKANLayer({ inputDim: inF, outputDim: outF, gridSize: grid, seed });
    case 'relu':
      return new ReLUKANLayer({ inputSize: inF, g: grid, k, outputSize: outF, seed });
    case 'rational':
      return new GRKANLinear({ inFeatures: inF, outFeatures: outF, groups: 1, seed });
    case 'skan':
      return new SelectableKANLayer({ inFeatures: inF, outFeatures: outF, seed });
    default:
      throw new UsageError(`unknown basis '${basis}' (expected one of ${BASES.join(', ')})`);
  }
}

/** Builds the KAN described by `o` (fresh weights, seeded). */
export function buildKan(o: KanModelOptions): KAN | KANStack {
  const grid = o.grid ?? 5;
  const k = o.splineOrder ?? 3;
  const seed = o.seed ?? 0;
  if (!(BASES as readonly string[]).includes(o.basis)) throw new UsageError(`unknown basis '${o.basis}' (expected one of ${BASES.join(', ')})`);
  if (o.basis === 'bspline') return new KAN({ layers: o.layers, gridSize: grid, splineOrder: k, seed });
  const layers: Module[] = [];
  try {
    for (let l = 0; l + 1 < o.layers.length; l++) layers.push(basisLayer(o.basis, o.layers[l]!, o.layers[l + 1]!, grid, k, seed + l));
  } catch (e) {
    layers.forEach((m) => m.dispose());
    throw e;
  }
  return new KANStack(layers);
}

/** Builds an FNO for one input and one output channel over `nModes.length` spatial dims. */
export function buildFno(o: FnoModelOptions): FNO {
  return new FNO({ nModes: o.nModes, inChannels: 1, outChannels: 1, hiddenChannels: o.hiddenChannels, nLayers: o.nLayers, seed: o.seed ?? 0 });
}

/** KAT's MLP block (`KATBlock`) for imported checkpoints. */
export { KATBlock };
