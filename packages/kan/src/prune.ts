// Node pruning (pykan's `prune` / `prune_node`, KAN paper section 2.5.1): from the edge scales
// s_l [out, in] of the last cached forward pass (pykan's `acts_scale`, std-normalized, numeric +
// symbolic; see regularization.ts), hidden node j between layers l and l+1 has
//
//   incoming score = max_i s_l[j, i],   outgoing score = max_o s_{l+1}[o, j],
//
// and is kept when both exceed `threshold`. Inputs and outputs are never removed. The pruned
// layers are new modules holding the kept rows/columns of every parameter and symbolic edge;
// the removed nodes' edges are dropped (their contribution is lost, which is what makes pruning
// exact only when it removes nodes that carry nothing). At least one node per hidden layer is
// kept (the best-scoring) so every layer keeps a width >= 1.
import { ConfigError, tf } from '@basiskit/tensor';
import { KANLinear } from './kan_linear';
import { edgeScales } from './regularization';

/** Options of {@link pruneLayers}. */
export interface PruneOptions {
  /** Score a node needs in both directions to be kept. Default 1e-2. */
  threshold?: number;
}

/** Incoming and outgoing scores of the hidden nodes after each layer but the last. */
export interface NodeScores {
  incoming: Float32Array;
  outgoing: Float32Array;
}

/** Scores of every hidden layer's nodes (see the file header); needs cached activations. */
export function nodeScores(layers: readonly KANLinear[]): NodeScores[] {
  const scales = layers.map((l) => {
    const s = edgeScales(l, 'edge_forward_sum');
    const data = s.dataSync() as Float32Array;
    s.dispose();
    return { data, out: l.outFeatures, in: l.inFeatures };
  });
  const out: NodeScores[] = [];
  for (let l = 0; l + 1 < scales.length; l++) {
    const a = scales[l];
    const b = scales[l + 1];
    const incoming = new Float32Array(a.out).fill(-Infinity);
    const outgoing = new Float32Array(b.in).fill(-Infinity);
    for (let j = 0; j < a.out; j++) for (let i = 0; i < a.in; i++) incoming[j] = Math.max(incoming[j], a.data[j * a.in + i]);
    for (let o = 0; o < b.out; o++) for (let j = 0; j < b.in; j++) outgoing[j] = Math.max(outgoing[j], b.data[o * b.in + j]);
    out.push({ incoming, outgoing });
  }
  return out;
}

/** A new layer with the inputs `keepIn` and outputs `keepOut` of `layer` (every parameter, grid and symbolic edge). */
export function subsetLayer(layer: KANLinear, keepIn: readonly number[], keepOut: readonly number[]): KANLinear {
  const fresh = new KANLinear({ ...layer.config(), inFeatures: keepIn.length, outFeatures: keepOut.length });
  const inIdx = tf.tensor1d(Int32Array.from(keepIn), 'int32');
  const outIdx = tf.tensor1d(Int32Array.from(keepOut), 'int32');
  const pick = (t: tf.Tensor) => tf.tidy(() => tf.gather(tf.gather(t, outIdx, 0), inIdx, 1));
  const sd: Record<string, tf.Tensor> = {
    base_weight: pick(layer.base_weight.value),
    spline_weight: pick(layer.spline_weight.value),
    grid: tf.gather(layer.grid, inIdx, 0),
  };
  if (layer.spline_scaler) sd.spline_scaler = pick(layer.spline_scaler.value);
  try {
    fresh.loadStateDict(sd);
  } finally {
    tf.dispose([inIdx, outIdx, ...Object.values(sd)]);
  }
  if (layer.symbolic) fresh.symbolic = layer.symbolic.subset(keepIn, keepOut);
  fresh.cacheActivations = layer.cacheActivations;
  return fresh;
}

/**
 * Prunes hidden nodes (see the file header). Returns the new layers and, per node layer
 * (inputs, hidden..., outputs), the indices of the kept nodes in the old network.
 */
export function pruneLayers(layers: readonly KANLinear[], options: PruneOptions = {}): { layers: KANLinear[]; keptNodes: number[][] } {
  const threshold = options.threshold ?? 1e-2;
  if (typeof threshold !== 'number' || !Number.isFinite(threshold)) {
    throw new ConfigError('invalid value', { where: 'prune', argument: 'threshold', expected: 'a finite number', got: String(threshold) });
  }
  const scores = nodeScores(layers);
  const all = (n: number) => Array.from({ length: n }, (_, i) => i);
  const kept: number[][] = [all(layers[0].inFeatures)];
  for (const { incoming, outgoing } of scores) {
    const keep = all(incoming.length).filter((j) => incoming[j] > threshold && outgoing[j] > threshold);
    if (keep.length === 0) {
      let best = 0;
      for (let j = 1; j < incoming.length; j++) if (Math.min(incoming[j], outgoing[j]) > Math.min(incoming[best], outgoing[best])) best = j;
      keep.push(best);
    }
    kept.push(keep);
  }
  kept.push(all(layers[layers.length - 1].outFeatures));
  const out: KANLinear[] = [];
  try {
    layers.forEach((l, i) => out.push(subsetLayer(l, kept[i], kept[i + 1])));
  } catch (e) {
    for (const l of out) l.dispose();
    throw e;
  }
  return { layers: out, keptNodes: kept };
}
