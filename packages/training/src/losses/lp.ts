// neuraloperator's LpLoss: the relative (default) or absolute Lp error of functions sampled on
// a regular grid, over the last d dims, reduced over the batch (and channel) dims by a sum
// (default) or a mean.
//
// Followed: neuraloperator/neuraloperator, neuralop/losses/data_losses.py, class LpLoss
// (the version with `measure`, `reduction` and `eps`, i.e. neuraloperator >= 1.0):
//   rel(x, y) = ||flat(x) - flat(y)||_p / (||flat(y)||_p + eps)   per sample, flat = last d dims
//     (p = 1: sum|e| / (sum|y| + eps); even p: sum e^p without abs; else sum |e|^p)
//   abs(x, y) = (prod(q) * sum |e|^p)^(1/p),  q_j = measure_j / n_j (uniform quadrature;
//     p = 1: prod(q) * sum |e|)
//   reduce_all: torch.sum (default) or torch.mean over every remaining (batch, channel) dim.
//   __call__ = rel.
import { tf, ShapeError } from '@basiskit/tensor';
import {
  absZeroGrad,
  checkD,
  checkOneOf,
  checkPositive,
  checkSameShape,
  checkSpatialRank,
  flattenSpatial,
  perDim,
  reduceBatch,
  BATCH_REDUCTIONS,
  type BatchReduction,
} from './common';

/** Options of {@link LpLoss} (neuraloperator's constructor arguments, camelCase). */
export interface LpLossOptions {
  /** Number of trailing spatial dims the norm runs over; default 1. */
  d?: number;
  /** Order p of the norm (> 0); default 2. */
  p?: number;
  /** Measure (length) of the domain along each spatial dim: one number or `d`; default 1. */
  measure?: number | number[];
  /** Reduction over the batch (and channel) dims: 'sum' (default, as neuraloperator) or 'mean'. */
  reduction?: BatchReduction;
  /** Added to the denominator of the relative error; default 1e-8 (neuraloperator's). */
  eps?: number;
}

/**
 * neuraloperator's `LpLoss`: the **relative** Lp error per sample,
 * `||pred - y||_p / (||y||_p + eps)` over the last `d` dims, **summed over the batch** (and any
 * other leading dims) by default (`reduction: 'mean'` averages instead). `abs` gives the
 * absolute error with uniform quadrature weights `measure_j / n_j`, so that it approximates the
 * Lp norm of the error function on the domain.
 *
 * `call(pred, y)` (a bound function, so `loss.call` can be passed around) is `rel`, as
 * neuraloperator's `__call__`.
 *
 * Source: neuraloperator/neuraloperator, neuralop/losses/data_losses.py (`LpLoss`).
 */
export class LpLoss {
  /** Number of trailing spatial dims. */
  readonly d: number;
  /** Order of the norm. */
  readonly p: number;
  /** Domain measure per spatial dim (length `d`). */
  readonly measure: number[];
  /** Batch reduction. */
  readonly reduction: BatchReduction;
  /** Denominator guard of the relative error. */
  readonly eps: number;

  /** Creates the loss; throws a ConfigError on an invalid option. */
  constructor(options: LpLossOptions = {}) {
    const where = 'LpLoss';
    const d = options.d ?? 1;
    checkD(d, where);
    const p = options.p ?? 2;
    checkPositive(p, where, 'p');
    const reduction = options.reduction ?? 'sum';
    checkOneOf(reduction, BATCH_REDUCTIONS, where, 'reduction');
    const eps = options.eps ?? 1e-8;
    checkPositive(eps, where, 'eps', true);
    const measure = perDim(options.measure ?? 1, d, where, 'measure');
    measure.forEach((m) => checkPositive(m, where, 'measure'));
    this.d = d;
    this.p = p;
    this.measure = measure;
    this.reduction = reduction;
    this.eps = eps;
  }

  /** neuraloperator's name, `L{p}_{d}Dloss`. */
  get name(): string {
    return `L${this.p}_${this.d}Dloss`;
  }

  /** The loss (relative error), as neuraloperator's `__call__`; bound to this instance. */
  readonly call = (pred: tf.Tensor, y: tf.Tensor): tf.Scalar => this.rel(pred, y);

  /** Uniform quadrature weights `measure_j / n_j` for the last `d` dims of `x`. */
  uniformQuadrature(x: tf.Tensor): number[] {
    return this.measure.map((m, j) => m / x.shape[x.rank - this.d + j]);
  }

  /**
   * Relative error `||pred - y||_p / (||y||_p + eps)` per sample over the last `d` dims, then
   * summed (default) or averaged over the leading dims; a scalar.
   */
  rel(pred: tf.Tensor, y: tf.Tensor): tf.Scalar {
    this.check('LpLoss.rel', pred, y);
    return tf.tidy(() => {
      const e = flattenSpatial(tf.sub(pred, y), this.d);
      const yf = flattenSpatial(y, this.d);
      const diff = this.powerSum(e);
      const ynorm = this.powerSum(yf);
      const ratio = this.p === 1 ? tf.div(diff, tf.add(ynorm, this.eps)) : tf.div(this.root(diff), tf.add(this.root(ynorm), this.eps));
      return reduceBatch(ratio, this.reduction);
    });
  }

  /**
   * Absolute error `(prod_j q_j * sum |pred - y|^p)^(1/p)` per sample (q: `quadrature`, by
   * default `measure_j / n_j`), then summed (default) or averaged over the leading dims.
   * `quadrature` may be one number for every spatial dim or `d` numbers.
   */
  abs(pred: tf.Tensor, y: tf.Tensor, quadrature?: number | number[]): tf.Scalar {
    const where = 'LpLoss.abs';
    this.check(where, pred, y);
    const q = quadrature === undefined ? this.uniformQuadrature(pred) : perDim(quadrature, this.d, where, 'quadrature');
    q.forEach((v) => checkPositive(v, where, 'quadrature'));
    const c = q.reduce((a, b) => a * b, 1);
    return tf.tidy(() => {
      const diff = tf.mul(this.powerSum(flattenSpatial(tf.sub(pred, y), this.d)), c);
      return reduceBatch(this.p === 1 ? diff : this.root(diff), this.reduction);
    });
  }

  /** x^(1/p) (sqrt for p = 2). */
  private root(x: tf.Tensor): tf.Tensor {
    return this.p === 2 ? tf.sqrt(x) : tf.pow(x, 1 / this.p);
  }

  /** sum_i |x_i|^p along the last axis of a `[B, N]` tensor (no abs for even integer p). */
  private powerSum(x: tf.Tensor): tf.Tensor {
    const p = this.p;
    if (p === 1) return tf.sum(absZeroGrad(x), -1);
    if (p === 2) return tf.sum(tf.square(x), -1);
    if (Number.isInteger(p) && p % 2 === 0) return tf.sum(tf.pow(x, p), -1);
    return tf.sum(tf.pow(absZeroGrad(x), p), -1);
  }

  private check(where: string, pred: tf.Tensor, y: tf.Tensor): void {
    checkSpatialRank(pred, this.d, where, 'pred');
    checkSameShape(pred, y, where, 'pred', 'y');
    if (pred.size === 0) throw new ShapeError('empty input', { where, argument: 'pred', expected: 'at least one element', got: 'size 0' });
  }
}
