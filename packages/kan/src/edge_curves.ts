// Plotting data of a KAN layer's edge functions (what pykan's `plot` draws per edge), assembled
// for `KANLinear.edgeCurves`: for edge i -> j, `samples` evenly spaced inputs across feature i's
// grid range [grid[i, k], grid[i, G+k]] and the edge's value phi_ji(x) there (numeric + symbolic
// parts), as plain arrays.
import { tf } from '@basiskit/tensor';

/** Options of `KANLinear.edgeCurves`. */
export interface EdgeCurvesOptions {
  /** Points per edge, >= 2. Default 100. */
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

/** The curves of every edge, ordered by i then j, from inputs xs [S, in] and edge values post [S, out, in]. */
export function curvesFrom(xs: tf.Tensor, post: tf.Tensor, symbolic: (i: number, j: number) => string | null): EdgeCurve[] {
  const [samples, inF] = xs.shape as [number, number];
  const outF = post.shape[1] as number;
  const [xt, yt] = tf.tidy(() => [tf.transpose(xs), tf.transpose(post, [2, 1, 0])]); // [in, S], [in, out, S]
  const xd = xt.dataSync() as Float32Array;
  const yd = yt.dataSync() as Float32Array;
  tf.dispose([xt, yt]);
  const out: EdgeCurve[] = [];
  for (let i = 0; i < inF; i++) {
    for (let j = 0; j < outF; j++) {
      const o = (i * outF + j) * samples;
      out.push({ i, j, x: xd.slice(i * samples, (i + 1) * samples), y: yd.slice(o, o + samples), symbolic: symbolic(i, j) });
    }
  }
  return out;
}
