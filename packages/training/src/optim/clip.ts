// Gradient clipping, as torch.nn.utils.clip_grad_norm_ and clip_grad_value_.
import { ConfigError, numberOk, show, tf } from '@basiskit/tensor';

/** What {@link clipGradNorm} returns. */
export interface ClipGradNormResult {
  /** The clipped gradients: new tensors, in the order given; the caller disposes them. */
  grads: tf.Tensor[];
  /** The total L2 norm of the gradients before clipping (a scalar the caller disposes). */
  totalNorm: tf.Scalar;
}

function checkPositive(value: unknown, where: string, argument: string): asserts value is number {
  if (!numberOk(value, { gt: 0, infinite: true })) {
    throw new ConfigError('invalid value', { where, argument, expected: 'a number > 0', got: show(value) });
  }
}

/**
 * Rescales gradients so that their total L2 norm is at most `maxNorm`, as PyTorch's
 * `torch.nn.utils.clip_grad_norm_(parameters, max_norm)` (norm_type 2):
 *
 * ```
 * total = ‖(‖g_1‖₂, …, ‖g_n‖₂)‖₂
 * coef  = min(maxNorm / (total + 1e-6), 1)
 * g_i  ← g_i · coef
 * ```
 *
 * (torch multiplies by the clamped coefficient always, so values already within the norm
 * are multiplied by exactly 1.) Non-finite gradients propagate (torch's default
 * `error_if_nonfinite=False`). An empty list gives `totalNorm = 0`.
 *
 * The inputs stay the caller's; the returned tensors (`grads` and `totalNorm`) are new and
 * the caller disposes them (or calls this inside `tf.tidy`).
 *
 * Source: torch/nn/utils/clip_grad.py (`clip_grad_norm_`).
 */
export function clipGradNorm(grads: tf.Tensor[], maxNorm: number): ClipGradNormResult {
  checkPositive(maxNorm, 'clipGradNorm', 'maxNorm');
  if (!Array.isArray(grads)) {
    throw new ConfigError('invalid gradients', { where: 'clipGradNorm', argument: 'grads', expected: 'an array of tensors', got: show(grads) });
  }
  if (grads.length === 0) return { grads: [], totalNorm: tf.scalar(0) };
  const out = tf.tidy(() => {
    const norms = grads.map((g) => tf.sqrt(tf.sum(tf.square(g))));
    const total = tf.sqrt(tf.sum(tf.square(tf.stack(norms)))) as tf.Scalar;
    const coef = tf.minimum(tf.div(maxNorm, tf.add(total, 1e-6)), 1);
    return [total, ...grads.map((g) => tf.mul(g, coef))];
  });
  return { grads: out.slice(1), totalNorm: out[0] as tf.Scalar };
}

/**
 * Clamps every gradient element to `[-clipValue, clipValue]`, as PyTorch's
 * `torch.nn.utils.clip_grad_value_(parameters, clip_value)`: `g ← clamp(g, -v, v)`.
 * Returns new tensors the caller disposes; the inputs stay the caller's.
 *
 * Source: torch/nn/utils/clip_grad.py (`clip_grad_value_`).
 */
export function clipGradValue(grads: tf.Tensor[], clipValue: number): tf.Tensor[] {
  checkPositive(clipValue, 'clipGradValue', 'clipValue');
  if (!Array.isArray(grads)) {
    throw new ConfigError('invalid gradients', { where: 'clipGradValue', argument: 'grads', expected: 'an array of tensors', got: show(grads) });
  }
  return grads.map((g) => tf.clipByValue(g, -clipValue, clipValue));
}
