// Element-wise regression losses with PyTorch's semantics (torch.nn.MSELoss, L1Loss, HuberLoss):
// pred and target of one shape, `reduction` 'mean' (default) | 'sum' | 'none'.
import { tf } from '@basiskit/tensor';
import { absZeroGrad, checkOneOf, checkPositive, checkSameShape, reduce, type Reduction } from './common';

const REDUCTIONS: readonly Reduction[] = ['mean', 'sum', 'none'];

/** Options of {@link mse}, {@link rmse} and {@link mae}. */
export interface ReductionOptions<R extends Reduction = Reduction> {
  /** 'mean' (default): mean over all elements; 'sum': their sum; 'none': the element-wise loss. */
  reduction?: R;
}

/** Options of {@link huber}. */
export interface HuberOptions<R extends Reduction = Reduction> extends ReductionOptions<R> {
  /** Where the loss turns from quadratic to linear (> 0); default 1, as torch.nn.HuberLoss. */
  delta?: number;
}

function errorOf(where: string, pred: tf.Tensor, target: tf.Tensor, reduction: unknown): tf.Tensor {
  checkSameShape(pred, target, where);
  checkOneOf(reduction, REDUCTIONS, where, 'reduction');
  return tf.sub(pred, target);
}

/**
 * Mean squared error, as torch.nn.MSELoss: `l_i = (pred_i - target_i)^2`, then the mean
 * (default), the sum, or none (`reduction: 'none'` returns the element-wise tensor).
 *
 * Source: PyTorch, torch.nn.MSELoss documentation.
 */
export function mse(pred: tf.Tensor, target: tf.Tensor, options?: ReductionOptions<'mean' | 'sum'>): tf.Scalar;
export function mse(pred: tf.Tensor, target: tf.Tensor, options: ReductionOptions<'none'>): tf.Tensor;
export function mse(pred: tf.Tensor, target: tf.Tensor, options?: ReductionOptions): tf.Tensor;
export function mse(pred: tf.Tensor, target: tf.Tensor, options: ReductionOptions = {}): tf.Tensor {
  const reduction = options.reduction ?? 'mean';
  return tf.tidy(() => reduce(tf.square(errorOf('mse', pred, target, reduction)), reduction));
}

/**
 * Root mean squared error: `sqrt(mse(pred, target, { reduction }))`, i.e.
 * `sqrt(mean_i (pred_i - target_i)^2)` by default; `'sum'` gives the Euclidean norm of the error
 * and `'none'` the element-wise `|pred_i - target_i|`. PyTorch has no RMSE loss; this is the
 * usual definition (e.g. torchmetrics' MeanSquaredError(squared=False)). Its gradient is
 * undefined where the error is exactly zero (as `torch.sqrt(mse)`'s).
 */
export function rmse(pred: tf.Tensor, target: tf.Tensor, options?: ReductionOptions<'mean' | 'sum'>): tf.Scalar;
export function rmse(pred: tf.Tensor, target: tf.Tensor, options: ReductionOptions<'none'>): tf.Tensor;
export function rmse(pred: tf.Tensor, target: tf.Tensor, options?: ReductionOptions): tf.Tensor;
export function rmse(pred: tf.Tensor, target: tf.Tensor, options: ReductionOptions = {}): tf.Tensor {
  const reduction = options.reduction ?? 'mean';
  return tf.tidy(() => {
    const e = errorOf('rmse', pred, target, reduction);
    return reduction === 'none' ? absZeroGrad(e) : tf.sqrt(reduce(tf.square(e), reduction));
  });
}

/**
 * Mean absolute error, as torch.nn.L1Loss: `l_i = |pred_i - target_i|`, then the mean (default),
 * sum or none. The gradient at a zero error is 0, as PyTorch's `sign(0)`.
 *
 * Source: PyTorch, torch.nn.L1Loss documentation.
 */
export function mae(pred: tf.Tensor, target: tf.Tensor, options?: ReductionOptions<'mean' | 'sum'>): tf.Scalar;
export function mae(pred: tf.Tensor, target: tf.Tensor, options: ReductionOptions<'none'>): tf.Tensor;
export function mae(pred: tf.Tensor, target: tf.Tensor, options?: ReductionOptions): tf.Tensor;
export function mae(pred: tf.Tensor, target: tf.Tensor, options: ReductionOptions = {}): tf.Tensor {
  const reduction = options.reduction ?? 'mean';
  return tf.tidy(() => reduce(absZeroGrad(errorOf('mae', pred, target, reduction)), reduction));
}

/**
 * Huber loss, as torch.nn.HuberLoss(delta): with `e = pred - target`,
 * `l_i = 0.5 e_i^2` if `|e_i| < delta`, else `delta (|e_i| - 0.5 delta)`; then the mean
 * (default), sum or none. (For delta = 1 this equals torch's SmoothL1Loss with beta = 1.)
 *
 * Source: PyTorch, torch.nn.HuberLoss documentation.
 */
export function huber(pred: tf.Tensor, target: tf.Tensor, options?: HuberOptions<'mean' | 'sum'>): tf.Scalar;
export function huber(pred: tf.Tensor, target: tf.Tensor, options: HuberOptions<'none'>): tf.Tensor;
export function huber(pred: tf.Tensor, target: tf.Tensor, options?: HuberOptions): tf.Tensor;
export function huber(pred: tf.Tensor, target: tf.Tensor, options: HuberOptions = {}): tf.Tensor {
  const reduction = options.reduction ?? 'mean';
  const delta = options.delta ?? 1;
  checkPositive(delta, 'huber', 'delta');
  return tf.tidy(() => {
    const e = errorOf('huber', pred, target, reduction);
    const a = absZeroGrad(e);
    const quadratic = tf.mul(0.5, tf.square(e));
    const linear = tf.mul(delta, tf.sub(a, 0.5 * delta));
    return reduce(tf.where(tf.less(a, delta), quadratic, linear), reduction);
  });
}
