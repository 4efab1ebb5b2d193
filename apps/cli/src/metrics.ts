// Test metrics the CLI reports: for a KAN, RMSE, RMSE relative to the labels' RMS, and R^2 on the test split; for an
// FNO, neuraloperator's relative L2 (LpLoss, mean over samples) and the MSE.
import { tf, type Module } from '@basiskit/tensor';
import { LpLoss, r2Score } from '@basiskit/training';

/** Test metrics of a function-fitting model. */
export function kanMetrics(model: Module, x: tf.Tensor, y: tf.Tensor): Record<string, number> {
  const pred = model.forward(x) as tf.Tensor;
  try {
    const [rmse, rms] = tf.tidy(() => [Math.sqrt(tf.mean(tf.square(tf.sub(pred, y))).dataSync()[0]!), Math.sqrt(tf.mean(tf.square(y)).dataSync()[0]!)]);
    return { rmse: rmse!, relativeRmse: rmse! / rms!, r2: r2Score(pred, y) };
  } finally {
    pred.dispose();
  }
}

/** Test metrics of an operator on `[N, 1, ...S]` data (`outputShape` for another resolution is the data's own). */
export function fnoMetrics(model: Module, x: tf.Tensor, y: tf.Tensor): Record<string, number> {
  const pred = model.forward(x) as tf.Tensor;
  try {
    const lp = new LpLoss({ d: x.rank - 2, reduction: 'mean' });
    return tf.tidy(() => ({ relativeL2: lp.call(pred, y).dataSync()[0]!, mse: tf.mean(tf.square(tf.sub(pred, y))).dataSync()[0]! }));
  } finally {
    pred.dispose();
  }
}
