// Grid extension (pykan's `refine` / `KANLayer.initialize_grid_from_parent`): a layer with G'
// intervals whose grid is uniform over the parent's range [grid[:, k], grid[:, G+k]] per feature
// (extended by k knots of the new step on each side), and whose spline coefficients are the
// least-squares fit (curve2coef) of the parent's splines on samples: x when given (pykan fits on
// the training inputs), else S evenly spaced points per feature across the range. The base
// weights, spline scalers and symbolic edges are copied. A new layer is returned, as pykan's
// `refine` returns a new model; the parent is left as it was. When G' is a multiple of G and the
// parent grid is uniform, the old splines lie in the new space and are kept exactly (up to
// float32 rounding).
import { ConfigError, tf } from '@basiskit/tensor';
import { curve2coef } from './curve_fit';
import { assignScaledSplineWeight, splineEdgeValues } from './grid_update';
import { KANLinear } from './kan_linear';

/** Options of {@link refineLayer}. */
export interface RefineOptions {
  /** Samples [N, in] to fit on (default: evenly spaced points across each feature's grid range). */
  x?: tf.Tensor;
  /** Points per feature when `x` is not given. Default max(8 (G' + k), 64). */
  samples?: number;
}

/** Evenly spaced points across each feature's inner grid range [grid[:, k], grid[:, G+k]]: [S, in]. */
export function gridRangeSamples(layer: KANLinear, samples: number): tf.Tensor2D {
  return tf.tidy(() => {
    const k = layer.splineOrder;
    const lo = tf.slice(layer.grid, [0, k], [-1, 1]); // [in, 1]
    const hi = tf.slice(layer.grid, [0, k + layer.gridSize], [-1, 1]);
    const t = tf.reshape(tf.linspace(0, 1, samples), [1, samples]);
    return tf.transpose(tf.add(lo, tf.mul(tf.sub(hi, lo), t))) as tf.Tensor2D;
  });
}

/** The uniform extended grid with `gridSize` intervals over each feature's inner range of `layer`. */
function refinedGrid(layer: KANLinear, gridSize: number): tf.Tensor2D {
  return tf.tidy(() => {
    const k = layer.splineOrder;
    const lo = tf.slice(layer.grid, [0, k], [-1, 1]);
    const hi = tf.slice(layer.grid, [0, k + layer.gridSize], [-1, 1]);
    const h = tf.div(tf.sub(hi, lo), gridSize);
    const j = tf.reshape(tf.range(-k, gridSize + k + 1, 1, 'float32'), [1, -1]);
    return tf.add(lo, tf.mul(h, j)) as tf.Tensor2D;
  });
}

/** A copy of `layer` with `newGridSize` intervals computing the same edge functions (see the file header). */
export function refineLayer(layer: KANLinear, newGridSize: number, options: RefineOptions = {}): KANLinear {
  if (!Number.isInteger(newGridSize) || newGridSize < 1) {
    throw new ConfigError('invalid value', { where: 'refine', argument: 'newGridSize', expected: 'an integer >= 1', got: String(newGridSize) });
  }
  const fresh = new KANLinear({ ...layer.config(), gridSize: newGridSize });
  try {
    const samples = options.samples ?? Math.max(8 * (newGridSize + layer.splineOrder), 64);
    const x = options.x ? (tf.reshape(options.x, [-1, layer.inFeatures]) as tf.Tensor2D) : gridRangeSamples(layer, samples);
    const y = splineEdgeValues(layer, x);
    fresh.setGrid(refinedGrid(layer, newGridSize));
    const coef = curve2coef(x, y, fresh.grid, fresh.splineOrder);
    tf.dispose([x, y]);
    fresh.base_weight.assign(layer.base_weight.value);
    if (layer.spline_scaler && fresh.spline_scaler) fresh.spline_scaler.assign(layer.spline_scaler.value);
    assignScaledSplineWeight(fresh, coef);
    if (layer.symbolic) {
      const all = (n: number) => Array.from({ length: n }, (_, i) => i);
      fresh.symbolic = layer.symbolic.subset(all(layer.inFeatures), all(layer.outFeatures));
    }
    fresh.cacheActivations = layer.cacheActivations;
    return fresh;
  } catch (e) {
    fresh.dispose();
    throw e;
  }
}
