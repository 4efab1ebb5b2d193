// Classification losses with PyTorch's semantics: torch.nn.CrossEntropyLoss (class indices or
// class probabilities, label_smoothing) and torch.nn.BCEWithLogitsLoss (pos_weight, weight),
// both computed from logits in a numerically stable form.
import { ConfigError, DTypeError, ShapeError, formatShape, numberOk, show, tf } from '@basiskit/tensor';
import { checkOneOf, checkPositive, checkSameShape, reduce, type Reduction } from './common';

const REDUCTIONS: readonly Reduction[] = ['mean', 'sum', 'none'];

/** Options of {@link crossEntropy}. */
export interface CrossEntropyOptions<R extends Reduction = Reduction> {
  /** ε in [0, 1]: the target becomes `(1 - ε) t + ε / C` (torch's `label_smoothing`); default 0. */
  labelSmoothing?: number;
  /** 'mean' (default): mean over the N samples; 'sum'; 'none': the `[N]` per-sample losses. */
  reduction?: R;
}

/**
 * Cross entropy of logits `[N, C]` against labels, as torch.nn.CrossEntropyLoss:
 * labels are either int32 class indices `[N]` or class probabilities / one-hot rows `[N, C]`.
 * With `t` the one-hot (or given) target and ε = `labelSmoothing`,
 *
 *   `l_n = -sum_c ((1 - ε) t_{n,c} + ε / C) log_softmax(logits_n)_c`
 *
 * which for class indices is torch's `(1 - ε)(-log p_{n,y_n}) + (ε / C) sum_c (-log p_{n,c})`.
 * Then the mean over N (default), the sum, or none. `log_softmax` is computed stably
 * (max-shifted), so large logits do not overflow. Class indices outside `[0, C)` are not checked
 * (checking would read the labels back); they contribute only the smoothing term. torch's
 * `weight` and `ignore_index` are not supported.
 *
 * Source: PyTorch, torch.nn.CrossEntropyLoss documentation (the label_smoothing formula).
 */
export function crossEntropy(logits: tf.Tensor, labels: tf.Tensor, options?: CrossEntropyOptions<'mean' | 'sum'>): tf.Scalar;
export function crossEntropy(logits: tf.Tensor, labels: tf.Tensor, options: CrossEntropyOptions<'none'>): tf.Tensor;
export function crossEntropy(logits: tf.Tensor, labels: tf.Tensor, options?: CrossEntropyOptions): tf.Tensor;
export function crossEntropy(logits: tf.Tensor, labels: tf.Tensor, options: CrossEntropyOptions = {}): tf.Tensor {
  const where = 'crossEntropy';
  const reduction = options.reduction ?? 'mean';
  const eps = options.labelSmoothing ?? 0;
  checkOneOf(reduction, REDUCTIONS, where, 'reduction');
  if (!numberOk(eps, { min: 0, max: 1 })) {
    throw new ConfigError('invalid value', { where, argument: 'labelSmoothing', expected: 'a number in [0, 1]', got: show(eps) });
  }
  if (logits.rank !== 2) {
    throw new ShapeError('wrong rank', { where, argument: 'logits', expected: 'shape [N, C]', got: `shape ${formatShape(logits.shape)}` });
  }
  const [n, c] = logits.shape;
  if (labels.rank === 1) {
    if (labels.shape[0] !== n) {
      throw new ShapeError('wrong number of labels', {
        where,
        argument: 'labels',
        expected: `shape [${n}] (class indices) or [${n}, ${c}]`,
        got: `shape ${formatShape(labels.shape)}`,
      });
    }
    if (labels.dtype !== 'int32') {
      throw new DTypeError('class indices must be int32', {
        where,
        argument: 'labels',
        expected: 'int32 [N] or float32 [N, C]',
        got: `${labels.dtype} ${formatShape(labels.shape)}`,
      });
    }
  } else {
    checkSameShape(logits, labels, where, 'logits', 'labels');
  }
  return tf.tidy(() => {
    const logp = tf.logSoftmax(logits, -1);
    let t: tf.Tensor = labels.rank === 1 ? tf.oneHot(labels as tf.Tensor1D, c) : labels;
    if (eps > 0) t = tf.add(tf.mul(t, 1 - eps), eps / c);
    const perSample = tf.neg(tf.sum(tf.mul(t, logp), -1));
    return reduce(perSample, reduction);
  });
}

/** Options of {@link bceWithLogits}. */
export interface BceWithLogitsOptions<R extends Reduction = Reduction> {
  /**
   * Weight of the positive term (torch's `pos_weight`): a number or a tensor broadcast against
   * the logits (typically `[C]`, one per class on the last dim). Default: none (1).
   */
  posWeight?: number | tf.Tensor;
  /** Rescaling weight of each element's loss (torch's `weight`), broadcast against the logits. */
  weight?: number | tf.Tensor;
  /** 'mean' (default): mean over all elements; 'sum'; 'none': the element-wise loss. */
  reduction?: R;
}

/** softplus(x) = log(1 + e^x) = max(x, 0) + log1p(e^{-|x|}), with the exact gradient sigmoid(x). */
const softplusStable = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const x = args[0] as tf.Tensor;
  const save = args[1] as tf.GradSaveFunc;
  save([x]);
  return {
    value: tf.add(tf.relu(x), tf.log1p(tf.exp(tf.neg(tf.abs(x))))),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, tf.sigmoid(saved[0])),
  };
}) as (x: tf.Tensor) => tf.Tensor;

function checkBroadcast(w: tf.Tensor, x: tf.Tensor, where: string, argument: string): void {
  const ok = w.rank <= x.rank && w.shape.every((d, i) => d === 1 || d === x.shape[x.rank - w.rank + i]);
  if (!ok) {
    throw new ShapeError('does not broadcast against the logits', {
      where,
      argument,
      expected: `a shape broadcastable to ${formatShape(x.shape)}`,
      got: `shape ${formatShape(w.shape)}`,
    });
  }
}

/**
 * Binary cross entropy on logits, as torch.nn.BCEWithLogitsLoss. With x the logits, y the
 * targets in [0, 1], p = `posWeight` and w = `weight`:
 *
 *   `l = -w [p y log σ(x) + (1 - y) log(1 - σ(x))]`
 *
 * computed stably as `w [(1 + (p - 1) y) softplus(x) - p y x]`, where
 * `softplus(x) = max(x, 0) + log1p(exp(-|x|))`; without `posWeight` this is
 * `max(x, 0) - x y + log1p(exp(-|x|))`. The gradient in x is exactly
 * `w [(1 + (p - 1) y) σ(x) - p y]` (σ(x) - y without weights). Then the mean over all elements
 * (default), the sum, or none.
 *
 * Source: PyTorch, torch.nn.BCEWithLogitsLoss documentation (pos_weight formula) and its
 * log-sum-exp form.
 */
export function bceWithLogits(logits: tf.Tensor, targets: tf.Tensor, options?: BceWithLogitsOptions<'mean' | 'sum'>): tf.Scalar;
export function bceWithLogits(logits: tf.Tensor, targets: tf.Tensor, options: BceWithLogitsOptions<'none'>): tf.Tensor;
export function bceWithLogits(logits: tf.Tensor, targets: tf.Tensor, options?: BceWithLogitsOptions): tf.Tensor;
export function bceWithLogits(logits: tf.Tensor, targets: tf.Tensor, options: BceWithLogitsOptions = {}): tf.Tensor {
  const where = 'bceWithLogits';
  const reduction = options.reduction ?? 'mean';
  checkOneOf(reduction, REDUCTIONS, where, 'reduction');
  checkSameShape(logits, targets, where, 'logits', 'targets');
  const { posWeight, weight } = options;
  if (posWeight instanceof tf.Tensor) checkBroadcast(posWeight, logits, where, 'posWeight');
  else if (posWeight !== undefined) checkPositive(posWeight, where, 'posWeight', true);
  if (weight instanceof tf.Tensor) checkBroadcast(weight, logits, where, 'weight');
  else if (weight !== undefined) checkPositive(weight, where, 'weight', true);
  return tf.tidy(() => {
    const sp = softplusStable(logits);
    let loss: tf.Tensor;
    if (posWeight === undefined) {
      loss = tf.sub(sp, tf.mul(logits, targets));
    } else {
      const py = tf.mul(targets, posWeight);
      // 1 + (p - 1) y = 1 - y + p y
      const logWeight = tf.add(tf.sub(1, targets), py);
      loss = tf.sub(tf.mul(logWeight, sp), tf.mul(py, logits));
    }
    if (weight !== undefined) loss = tf.mul(loss, weight);
    return reduce(loss, reduction);
  });
}
