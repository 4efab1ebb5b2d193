// Node pruning (pykan's `prune` / `prune_node`, KAN paper section 2.5.1), the scoring of
// `KAN.prune`: from the edge scales s_l [out, in] of the last cached forward pass (pykan's
// `acts_scale`, std-normalized, numeric + symbolic; see regularization.ts), hidden node j between
// layers l and l+1 has
//
//   incoming score = max_i s_l[j, i],   outgoing score = max_o s_{l+1}[o, j],
//
// and is kept when both exceed `threshold`. Inputs and outputs are never removed. The pruned
// layers are new modules holding the kept rows/columns of every parameter and symbolic edge
// (`KANLinear.subset`); the removed nodes' edges are dropped (their contribution is lost, which
// is what makes pruning exact only when it removes nodes that carry nothing). At least one node
// per hidden layer is kept (the best-scoring) so every layer keeps a width >= 1.

/** Options of `KAN.prune`. */
export interface PruneOptions {
  /** Score a node needs in both directions to be kept. Default 1e-2. */
  threshold?: number;
}

/** Incoming and outgoing scores of the hidden nodes after each layer but the last. */
export interface NodeScores {
  incoming: Float32Array;
  outgoing: Float32Array;
}

/** One layer's edge scales [out, in] as a flat array. */
export interface EdgeScaleData {
  data: Float32Array;
  out: number;
  in: number;
}

/** Scores of every hidden layer's nodes from the layers' edge scales (see the file header). */
export function nodeScoresFrom(scales: readonly EdgeScaleData[]): NodeScores[] {
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

/** The kept node indices per node layer (inputs, hidden..., outputs) for `threshold` (see the file header). */
export function keptNodes(scores: readonly NodeScores[], inputs: number, outputs: number, threshold: number): number[][] {
  const all = (n: number) => Array.from({ length: n }, (_, i) => i);
  const kept: number[][] = [all(inputs)];
  for (const { incoming, outgoing } of scores) {
    const keep = all(incoming.length).filter((j) => incoming[j] > threshold && outgoing[j] > threshold);
    if (keep.length === 0) {
      let best = 0;
      for (let j = 1; j < incoming.length; j++) if (Math.min(incoming[j], outgoing[j]) > Math.min(incoming[best], outgoing[best])) best = j;
      keep.push(best);
    }
    kept.push(keep);
  }
  kept.push(all(outputs));
  return kept;
}
