// Plain-ops reference of the B-spline bases, efficient-kan's `b_splines` line for line:
//
//   B_{j,0}(x) = [t_j <= x < t_{j+1}]                          (half-open intervals)
//   B_{j,p}(x) = (x - t_j) / (t_{j+p} - t_j) B_{j,p-1}(x) + (t_{j+p+1} - x) / (t_{j+p+1} - t_{j+1}) B_{j+1,p-1}(x)
//
// (Cox-de Boor). Dense: it builds the whole [N, in, G+k] tensor at every order, which is what
// the fused kernels avoid; kept as the reference they are tested against and as the path of
// backends without a fused kernel. Differentiated by tfjs's autograd (in x and in the grid).
// The order-0 indicator is built from `step` (zero gradient) rather than comparisons and a cast:
// tfjs's Cast gradient passes dy on to the boolean LogicalAnd, which cannot be differentiated.
// [t_j <= x] = 1 - step(t_j - x) and [x < t_{j+1}] = step(t_{j+1} - x) exactly (a float32
// difference of two distinct values is never 0).
import { tf } from '@basiskit/tensor';

/** B-spline bases by plain ops: x [N, in], grid [in, G+2k+1] -> [N, in, G+k]. */
export function bsplineBasisReference(x: tf.Tensor, grid: tf.Tensor, splineOrder: number): tf.Tensor {
  return tf.tidy(() => {
    const m = grid.shape[1] as number;
    const xe = tf.expandDims(x, -1); // [N, in, 1]
    const g = (start: number, end: number) => tf.slice(grid, [0, start], [-1, end - start]); // knots [start, end)
    let bases: tf.Tensor = tf.mul(tf.sub(1, tf.step(tf.sub(g(0, m - 1), xe))), tf.step(tf.sub(g(1, m), xe)));
    for (let p = 1; p <= splineOrder; p++) {
      const n = m - 1 - p; // bases of order p
      const left = tf.div(tf.sub(xe, g(0, n)), tf.sub(g(p, p + n), g(0, n)));
      const right = tf.div(tf.sub(g(p + 1, p + 1 + n), xe), tf.sub(g(p + 1, p + 1 + n), g(1, 1 + n)));
      const b0 = tf.slice(bases, [0, 0, 0], [-1, -1, n]);
      const b1 = tf.slice(bases, [0, 0, 1], [-1, -1, n]);
      bases = tf.add(tf.mul(left, b0), tf.mul(right, b1));
    }
    return bases;
  });
}
