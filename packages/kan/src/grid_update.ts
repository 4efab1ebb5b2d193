// Grid update from samples (efficient-kan's `KANLinear.update_grid`, pykan's
// `KANLayer.update_grid_from_samples`), the grid-side math of `KANLinear.updateGrid`: per input
// feature, sort the samples and take G+1 of them at evenly spaced ranks (adaptive knots), blend
// with a uniform grid over [min - margin, max + margin],
//
//   grid = grid_eps * uniform + (1 - grid_eps) * adaptive,
//
// extend by k knots of the uniform step on each side; the layer then refits spline_weight by
// least squares (curve2coef) so every edge's spline keeps its values on the samples. Difference
// from efficient-kan: the refit coefficients are divided by spline_scaler before being stored
// (efficient-kan stores scaled coefficients in spline_weight, so its function changes when
// spline_scaler != 1); where |spline_scaler| < 1e-8 the coefficients are set to 0.
import { ShapeError, checkNumber, checkTensor, formatShape, tf } from '@basiskit/tensor';

/** Options of `KANLinear.updateGrid` and `KAN.updateGrid`. */
export interface UpdateGridOptions {
  /** Margin added on both sides of the sample range (efficient-kan's `margin`), >= 0. Default 0.01. */
  margin?: number;
}

/**
 * The spline_weight that gives the scaled coefficients `coef` [out, in, G+k] under
 * `scaler` [out, in] (coef / scaler, 0 where |scaler| < 1e-8), or a copy of `coef` without a scaler.
 */
export function unscaledSplineWeight(coef: tf.Tensor, scaler: tf.Tensor | null): tf.Tensor {
  return tf.tidy(() => {
    if (!scaler) return tf.clone(coef);
    const s = tf.expandDims(scaler, -1);
    const ok = tf.greaterEqual(tf.abs(s), 1e-8);
    return tf.where(tf.broadcastTo(ok, coef.shape), tf.div(coef, tf.where(ok, s, tf.onesLike(s))), tf.zerosLike(coef));
  });
}

/** The extended grid [in, G+2k+1] from samples x [N, in], N >= 1 (see the file header). */
export function gridFromSamples(x: tf.Tensor2D, gridSize: number, splineOrder: number, gridEps: number, margin: number): tf.Tensor2D {
  const where = 'gridFromSamples';
  checkTensor(x, { where, dtype: 'float32', rank: 2 });
  checkNumber(gridSize, { where, argument: 'gridSize', integer: true, min: 1 });
  checkNumber(splineOrder, { where, argument: 'splineOrder', integer: true, min: 0 });
  checkNumber(gridEps, { where, argument: 'gridEps', min: 0, max: 1 });
  checkNumber(margin, { where, argument: 'margin', min: 0 });
  const [n, inF] = x.shape;
  if (n < 1)
    throw new ShapeError('no samples to place the knots at', { where, argument: 'x', expected: '[N, in] with N >= 1', got: `shape ${formatShape(x.shape)}` });
  const ids = Array.from({ length: gridSize + 1 }, (_, i) => Math.floor((i * (n - 1)) / gridSize));
  const picked = tf.tidy(() => {
    const desc = tf.topk(tf.transpose(x), n).values; // [in, N], descending
    return tf.gather(
      desc,
      ids.map((r) => n - 1 - r),
      1,
    ); // ascending ranks -> [in, G+1]
  });
  const adaptive = picked.dataSync();
  picked.dispose();
  const m = gridSize + 2 * splineOrder + 1;
  const out = new Float32Array(inF * m);
  for (let i = 0; i < inF; i++) {
    const row = adaptive.subarray(i * (gridSize + 1), (i + 1) * (gridSize + 1));
    const lo = row[0];
    const step = (row[gridSize] - lo + 2 * margin) / gridSize;
    const g = (j: number) => gridEps * (j * step + lo - margin) + (1 - gridEps) * row[j];
    const first = g(0);
    const last = g(gridSize);
    for (let j = 0; j < m; j++) {
      const t = j - splineOrder;
      out[i * m + j] = t < 0 ? first + t * step : t > gridSize ? last + (t - gridSize) * step : g(t);
    }
  }
  return tf.tensor2d(out, [inF, m]);
}
