// The finite-difference check of the browser tests: the central difference of a scalar loss
// along a direction v, (L(x + h v) - L(x - h v)) / 2h, against <grad L, v> from autograd.
import * as tf from '@tensorflow/tfjs-core';

/**
 * |central difference - <grads, v>| and its scale 1 + sum |grad * v| (tolerances are relative
 * to it). `loss` takes the tensors `at` (shifted along `v` by +-h); nothing is left allocated.
 */
export async function directionalCheck(
  loss: (...x: tf.Tensor[]) => tf.Tensor,
  at: tf.Tensor[],
  grads: tf.Tensor[],
  v: tf.Tensor[],
  h: number,
): Promise<{ err: number; scale: number }> {
  const shift = (sgn: number) => loss(...at.map((d, i) => tf.add(d, tf.mul(v[i], sgn * h))));
  const [lp, lm] = tf.tidy(() => [shift(1), shift(-1)]);
  const fd = ((await lp.data())[0] - (await lm.data())[0]) / (2 * h);
  tf.dispose([lp, lm]);
  let dir = 0;
  let mag = 0;
  for (let i = 0; i < at.length; i++) {
    const [gd, vd] = [await grads[i].data(), await v[i].data()];
    for (let j = 0; j < gd.length; j++) {
      dir += gd[j] * vd[j];
      mag += Math.abs(gd[j] * vd[j]);
    }
  }
  return { err: Math.abs(fd - dir), scale: 1 + mag };
}
