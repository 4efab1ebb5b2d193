// Grid update from samples (efficient-kan's `KANLinear.update_grid`, pykan's
// `KANLayer.update_grid_from_samples`): per input feature, sort the samples and take G+1 of them
// at evenly spaced ranks (adaptive knots), blend with a uniform grid over [min - margin,
// max + margin],
//
//   grid = grid_eps * uniform + (1 - grid_eps) * adaptive,
//
// extend by k knots of the uniform step on each side, then refit spline_weight by least squares
// (curve2coef) so every edge's spline keeps its values on the samples. Differences from
// efficient-kan: the refit coefficients are divided by spline_scaler before being stored (efficient-kan
// stores scaled coefficients in spline_weight, so its function changes when spline_scaler != 1);
// where |spline_scaler| < 1e-8 the coefficients are set to 0.
import { tf } from '@basiskit/tensor';
import { curve2coef, splineBases } from './curve_fit';
import type { KANLinear } from './kan_linear';
import { checkLastDim } from './checks';

/** Options of {@link updateGrid}. */
export interface UpdateGridOptions {
  /** Margin added on both sides of the sample range (efficient-kan's `margin`). Default 0.01. */
  margin?: number;
}

/** Per-edge values of the spline branch (unmasked, scaled weights): x [N, in] -> [N, in, out]. */
export function splineEdgeValues(layer: KANLinear, x: tf.Tensor2D): tf.Tensor3D {
  return tf.tidy(() => {
    const w = layer.scaledSplineWeight(); // [out, in, nb]
    const b = tf.transpose(splineBases(x, layer.grid, layer.splineOrder), [1, 0, 2]); // [in, N, nb]
    return tf.transpose(tf.matMul(b, tf.transpose(w, [1, 2, 0])), [1, 0, 2]) as tf.Tensor3D; // [N, in, out]
  });
}

/**
 * Stores `coef` [out, in, G+k] (the wanted scaled spline weights) in the layer's spline_weight,
 * dividing by spline_scaler when the layer has one. Takes ownership of `coef`.
 */
export function assignScaledSplineWeight(layer: KANLinear, coef: tf.Tensor): void {
  const w = tf.tidy(() => {
    if (!layer.spline_scaler) return tf.clone(coef);
    const s = tf.expandDims(layer.spline_scaler.value, -1);
    const ok = tf.greaterEqual(tf.abs(s), 1e-8);
    return tf.where(tf.broadcastTo(ok, coef.shape), tf.div(coef, tf.where(ok, s, tf.onesLike(s))), tf.zerosLike(coef));
  });
  coef.dispose();
  layer.spline_weight.assign(w);
  w.dispose();
}

/** The extended grid [in, G+2k+1] from samples x [N, in] (see the file header). */
export function gridFromSamples(x: tf.Tensor2D, gridSize: number, splineOrder: number, gridEps: number, margin: number): tf.Tensor2D {
  const [n, inF] = x.shape;
  const ids = Array.from({ length: gridSize + 1 }, (_, i) => Math.floor((i * (n - 1)) / gridSize));
  const picked = tf.tidy(() => {
    const desc = tf.topk(tf.transpose(x), n).values; // [in, N], descending
    return tf.gather(desc, ids.map((r) => n - 1 - r), 1); // ascending ranks -> [in, G+1]
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

/**
 * Moves the layer's grid to the distribution of `x` [N, in] (or [..., in]) and refits its spline
 * weights so each edge function is kept on the samples (in place; see the file header).
 */
export function updateGrid(layer: KANLinear, x: tf.Tensor, options: UpdateGridOptions = {}): void {
  const where = `${layer.path ? `${layer.path} (KANLinear)` : 'KANLinear'}.updateGrid`;
  checkLastDim(x, layer.inFeatures, where, 'inFeatures');
  const margin = options.margin ?? 0.01;
  const x2 = tf.reshape(x, [-1, layer.inFeatures]) as tf.Tensor2D;
  try {
    const y = splineEdgeValues(layer, x2);
    const grid = gridFromSamples(x2, layer.gridSize, layer.splineOrder, layer.gridEps, margin);
    const coef = curve2coef(x2, y, grid, layer.splineOrder);
    y.dispose();
    layer.setGrid(grid);
    assignScaledSplineWeight(layer, coef);
    layer.clearActivations();
  } finally {
    x2.dispose();
  }
}
