// Grid extension (pykan's `refine` / `KANLayer.initialize_grid_from_parent`), the grid-side math
// of `KANLinear.refine`: a layer with G' intervals whose grid is uniform over the parent's range
// [grid[:, k], grid[:, G+k]] per feature (extended by k knots of the new step on each side), and
// whose spline coefficients are the least-squares fit (curve2coef) of the parent's splines on
// samples: x when given (pykan fits on the training inputs), else S evenly spaced points per
// feature across the range. When G' is a multiple of G and the parent grid is uniform, the old
// splines lie in the new space and are kept exactly (up to float32 rounding).
import { tf } from '@basiskit/tensor';

/** Options of `KANLinear.refine` and `KAN.refine`. */
export interface RefineOptions {
  /** Samples [N, in] (or [..., in]) to fit on (default: evenly spaced points across each feature's grid range). */
  x?: tf.Tensor;
  /** Points per feature when `x` is not given. Default max(8 (G' + k), 64). */
  samples?: number;
}

/** Evenly spaced points across each row's inner range [grid[:, k], grid[:, G+k]] of a knot grid [in, G+2k+1]: [S, in]. */
export function gridRangePoints(grid: tf.Tensor, splineOrder: number, gridSize: number, samples: number): tf.Tensor2D {
  return tf.tidy(() => {
    const lo = tf.slice(grid, [0, splineOrder], [-1, 1]); // [in, 1]
    const hi = tf.slice(grid, [0, splineOrder + gridSize], [-1, 1]);
    const t = tf.reshape(tf.linspace(0, 1, samples), [1, samples]);
    return tf.transpose(tf.add(lo, tf.mul(tf.sub(hi, lo), t))) as tf.Tensor2D;
  });
}

/** The uniform extended grid with `newGridSize` intervals over each row's inner range of `grid` [in, G+2k+1]. */
export function refinedGrid(grid: tf.Tensor, splineOrder: number, gridSize: number, newGridSize: number): tf.Tensor2D {
  return tf.tidy(() => {
    const k = splineOrder;
    const lo = tf.slice(grid, [0, k], [-1, 1]);
    const hi = tf.slice(grid, [0, k + gridSize], [-1, 1]);
    const h = tf.div(tf.sub(hi, lo), newGridSize);
    const j = tf.reshape(tf.range(-k, newGridSize + k + 1, 1, 'float32'), [1, -1]);
    return tf.add(lo, tf.mul(h, j)) as tf.Tensor2D;
  });
}
