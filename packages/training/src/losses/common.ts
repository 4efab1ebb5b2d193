// Shared pieces of the losses: argument checks that name the loss, the argument, what was
// expected and what came (as @basiskit/tensor's checks do), reductions, and small ops whose
// gradients follow PyTorch's conventions where tfjs's differ.
import { ConfigError, ShapeError, checkInt, checkNumber, collectChoice, formatShape, tf, throwProblems, type Problem } from '@basiskit/tensor';

/** PyTorch's `reduction` of an element-wise loss: mean or sum of all elements, or none. */
export type Reduction = 'mean' | 'sum' | 'none';

/** neuraloperator's batch `reduction` of per-sample losses: sum (its default) or mean. */
export type BatchReduction = 'sum' | 'mean';

/** The values of {@link BatchReduction}, for option checks. */
export const BATCH_REDUCTIONS: readonly BatchReduction[] = ['sum', 'mean'];

/** Throws a ShapeError unless `b` has the same shape as `a`. */
export function checkSameShape(a: tf.Tensor, b: tf.Tensor, where: string, argA = 'pred', argB = 'target'): void {
  if (a.rank !== b.rank || a.shape.some((d, i) => d !== b.shape[i])) {
    throw new ShapeError(`shape differs from ${argA}`, {
      where,
      argument: argB,
      expected: `shape ${formatShape(a.shape)} (as ${argA})`,
      got: `shape ${formatShape(b.shape)}`,
    });
  }
}

/** Throws a ShapeError unless `x.rank >= d` (the loss works on the last `d` dims). */
export function checkSpatialRank(x: tf.Tensor, d: number, where: string, argument: string): void {
  if (x.rank < d) {
    throw new ShapeError('too few dims for the spatial dims', {
      where,
      argument,
      expected: `rank >= d = ${d}`,
      got: `shape ${formatShape(x.shape)}`,
    });
  }
}

/** Throws a ConfigError unless `value` is one of `allowed`. */
export function checkOneOf<T extends string>(value: unknown, allowed: readonly T[], where: string, argument: string): asserts value is T {
  const problems: Problem[] = [];
  collectChoice({ [argument]: value }, argument, allowed, problems);
  throwProblems(problems, { where });
}

/** Throws a ConfigError unless `value` is a finite number > 0 (or >= 0 when `allowZero`). */
export function checkPositive(value: unknown, where: string, argument: string, allowZero = false): asserts value is number {
  checkNumber(value, allowZero ? { where, argument, min: 0 } : { where, argument, gt: 0 });
}

/** The spatial dimension count `d` (an integer >= 1). */
export function checkD(d: unknown, where: string): asserts d is number {
  checkInt(d, 1, where, 'd');
}

/**
 * A per-dim option given as one value or as `d` values (one per spatial dim, in order), as
 * neuraloperator's `measure`; returns `d` values.
 */
export function perDim<T>(value: T | readonly T[], d: number, where: string, argument: string): T[] {
  if (Array.isArray(value)) {
    if (value.length !== d) {
      throw new ConfigError('wrong number of values', {
        where,
        argument,
        expected: `one value or ${d} (one per spatial dim)`,
        got: `${value.length} values`,
      });
    }
    return [...value];
  }
  return new Array<T>(d).fill(value as T);
}

/** Applies PyTorch's reduction to an element-wise loss. */
export function reduce(x: tf.Tensor, reduction: Reduction): tf.Tensor {
  if (reduction === 'mean') return tf.mean(x);
  if (reduction === 'sum') return tf.sum(x);
  return x;
}

/** Sum (neuraloperator's default) or mean of per-sample losses, as a scalar. */
export function reduceBatch(perSample: tf.Tensor, reduction: BatchReduction): tf.Scalar {
  return (reduction === 'sum' ? tf.sum(perSample) : tf.mean(perSample)) as tf.Scalar;
}

/**
 * |x| whose gradient is sign(x), 0 at x = 0 as in PyTorch (tfjs's `abs` gradient is -1 there):
 * computed as x * sign(x), sign having a zero gradient.
 */
export function absZeroGrad(x: tf.Tensor): tf.Tensor {
  return tf.mul(x, tf.sign(x));
}

/** Collapses all but the last `d` dims into one: `[...lead, n_1..n_d]` → `[prod(lead), prod(n)]`. */
export function flattenSpatial(x: tf.Tensor, d: number): tf.Tensor2D {
  const spatial = x.shape.slice(x.rank - d).reduce((a, b) => a * b, 1);
  const lead = x.shape.slice(0, x.rank - d).reduce((a, b) => a * b, 1);
  return tf.reshape(x, [lead, spatial]);
}
