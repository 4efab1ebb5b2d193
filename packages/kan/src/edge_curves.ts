// Plotting data of a KAN layer's edge functions (what pykan's `plot` draws per edge): for edge
// i -> j, `samples` evenly spaced inputs across feature i's grid range [grid[i, k], grid[i, G+k]]
// and the edge's value phi_ji(x) there (numeric + symbolic parts), as plain arrays.
import { ConfigError, tf } from '@basiskit/tensor';
import type { KANLinear } from './kan_linear';
import { gridRangeSamples } from './refine';

/** Options of {@link edgeCurves}. */
export interface EdgeCurvesOptions {
  /** Points per edge. Default 100. */
  samples?: number;
}

/** One edge's sampled curve. */
export interface EdgeCurve {
  /** Input feature (edge start). */
  i: number;
  /** Output feature (edge end). */
  j: number;
  x: Float32Array;
  y: Float32Array;
  /** The symbolic function the edge is fixed to, or null when numeric. */
  symbolic: string | null;
}

/** Sampled curves of every edge of `layer`, ordered by i then j. */
export function edgeCurves(layer: KANLinear, options: EdgeCurvesOptions = {}): EdgeCurve[] {
  const samples = options.samples ?? 100;
  if (!Number.isInteger(samples) || samples < 2) {
    throw new ConfigError('invalid value', { where: 'edgeCurves', argument: 'samples', expected: 'an integer >= 2', got: String(samples) });
  }
  const [xt, yt] = tf.tidy(() => {
    const xs = gridRangeSamples(layer, samples); // [S, in]
    const post = layer.edgeActivations(xs).postacts; // [S, out, in]
    return [tf.transpose(xs), tf.transpose(post, [2, 1, 0])]; // [in, S], [in, out, S]
  });
  const xd = xt.dataSync() as Float32Array;
  const yd = yt.dataSync() as Float32Array;
  tf.dispose([xt, yt]);
  const out: EdgeCurve[] = [];
  for (let i = 0; i < layer.inFeatures; i++) {
    for (let j = 0; j < layer.outFeatures; j++) {
      const o = (i * layer.outFeatures + j) * samples;
      out.push({ i, j, x: xd.slice(i * samples, (i + 1) * samples), y: yd.slice(o, o + samples), symbolic: layer.symbolic?.name(i, j) ?? null });
    }
  }
  return out;
}
