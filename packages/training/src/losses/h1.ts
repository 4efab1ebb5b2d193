// neuraloperator's H1Loss: the relative (default) or absolute H1 error (L2 norm of the function
// plus the L2 norms of its first derivatives) of functions sampled on a regular grid, over the
// last d dims, derivatives by finite differences, reduced over the leading dims by a sum
// (default) or a mean.
//
// Followed: neuraloperator/neuraloperator, neuralop/losses/data_losses.py, class H1Loss (the
// version with `measure`, `eps` and `periodic_in_x/y/z`, using FiniteDiff from
// neuralop/losses/differentiation.py; the older finite_diff.central_diff_*d with `fix_*_bnd`
// differ only at non-periodic edges, where they used first-order one-sided differences):
//   q_j = measure_j / n_j (uniform quadrature), also the finite-difference spacing h_j
//   terms: e = x - y and D_j e for each spatial dim j (D_j: FiniteDiff(h = q_j).d/dx_j)
//   rel(x, y) = sqrt(sum e^2 + sum_j sum (D_j e)^2) / (sqrt(sum y^2 + sum_j sum (D_j y)^2) + eps)
//   abs(x, y) = sqrt(prod(q) * (sum e^2 + sum_j sum (D_j e)^2))
//   reduce_all: sum (default) or mean over every remaining (batch, channel) dim; __call__ = rel.
// neuraloperator supports d = 1, 2, 3; the same formulas are used here for any d >= 1.
import { tf, ShapeError, formatShape } from '@basiskit/tensor';
import {
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
import { firstDerivative } from './finite_diff';

/** Options of {@link H1Loss} (neuraloperator's constructor arguments, camelCase). */
export interface H1LossOptions {
  /** Number of trailing spatial dims; default 1. */
  d?: number;
  /** Measure (length) of the domain along each spatial dim: one number or `d`; default 1. */
  measure?: number | number[];
  /** Reduction over the batch (and channel) dims: 'sum' (default, as neuraloperator) or 'mean'. */
  reduction?: BatchReduction;
  /** Added to the denominator of the relative error; default 1e-8 (neuraloperator's). */
  eps?: number;
  /**
   * Periodic finite differences (wrapped) or not (one-sided third-order at the edges), for all
   * spatial dims or one flag per dim in order (neuraloperator's `periodic_in_x/y/z`); default true.
   */
  periodic?: boolean | boolean[];
}

/**
 * neuraloperator's `H1Loss`: the **relative** H1 error per sample,
 * `sqrt(||e||^2 + sum_j ||D_j e||^2) / (sqrt(||y||^2 + sum_j ||D_j y||^2) + eps)` with
 * `e = pred - y`, `||.||` the Euclidean norm over the last `d` dims and `D_j` the finite-difference
 * derivative along spatial dim j with spacing `h_j = measure_j / n_j` (central differences,
 * wrapped when `periodic`, one-sided third-order at the edges otherwise); **summed over the
 * batch** (and other leading dims) by default. `abs` gives the absolute version
 * `sqrt(prod_j h_j * (||e||^2 + sum_j ||D_j e||^2))`.
 *
 * `call(pred, y)` (bound, so `loss.call` can be passed around) is `rel`, as neuraloperator's
 * `__call__`.
 *
 * Source: neuraloperator/neuraloperator, neuralop/losses/data_losses.py (`H1Loss`) and
 * neuralop/losses/differentiation.py (`FiniteDiff`).
 */
export class H1Loss {
  /** Number of trailing spatial dims. */
  readonly d: number;
  /** Domain measure per spatial dim (length `d`). */
  readonly measure: number[];
  /** Batch reduction. */
  readonly reduction: BatchReduction;
  /** Denominator guard of the relative error. */
  readonly eps: number;
  /** Periodicity per spatial dim (length `d`). */
  readonly periodic: boolean[];

  /** Creates the loss; throws a ConfigError on an invalid option. */
  constructor(options: H1LossOptions = {}) {
    const where = 'H1Loss';
    const d = options.d ?? 1;
    checkD(d, where);
    const reduction = options.reduction ?? 'sum';
    checkOneOf(reduction, BATCH_REDUCTIONS, where, 'reduction');
    const eps = options.eps ?? 1e-8;
    checkPositive(eps, where, 'eps', true);
    const measure = perDim(options.measure ?? 1, d, where, 'measure');
    measure.forEach((m) => checkPositive(m, where, 'measure'));
    this.d = d;
    this.measure = measure;
    this.reduction = reduction;
    this.eps = eps;
    this.periodic = perDim(options.periodic ?? true, d, where, 'periodic').map(Boolean);
  }

  /** neuraloperator's name, `H1_{d}DLoss`. */
  get name(): string {
    return `H1_${this.d}DLoss`;
  }

  /** The loss (relative error), as neuraloperator's `__call__`; bound to this instance. */
  readonly call = (pred: tf.Tensor, y: tf.Tensor): tf.Scalar => this.rel(pred, y);

  /** Uniform quadrature weights (and grid spacings) `measure_j / n_j` for the last `d` dims of `x`. */
  uniformQuadrature(x: tf.Tensor): number[] {
    return this.measure.map((m, j) => m / x.shape[x.rank - this.d + j]);
  }

  /**
   * Relative H1 error per sample over the last `d` dims, summed (default) or averaged over the
   * leading dims; a scalar. `quadrature` (the grid spacings, one number or `d`) defaults to
   * `measure_j / n_j`.
   */
  rel(pred: tf.Tensor, y: tf.Tensor, quadrature?: number | number[]): tf.Scalar {
    const where = 'H1Loss.rel';
    const q = this.prepare(where, pred, y, quadrature);
    return tf.tidy(() => {
      const diff = this.squaredH1(tf.sub(pred, y), q, where);
      const ynorm = this.squaredH1(y, q, where);
      return reduceBatch(tf.div(tf.sqrt(diff), tf.add(tf.sqrt(ynorm), this.eps)), this.reduction);
    });
  }

  /**
   * Absolute H1 error `sqrt(prod_j q_j * (||e||^2 + sum_j ||D_j e||^2))` per sample, summed
   * (default) or averaged over the leading dims. `quadrature` as in {@link H1Loss.rel}.
   */
  abs(pred: tf.Tensor, y: tf.Tensor, quadrature?: number | number[]): tf.Scalar {
    const where = 'H1Loss.abs';
    const q = this.prepare(where, pred, y, quadrature);
    const c = q.reduce((a, b) => a * b, 1);
    return tf.tidy(() => reduceBatch(tf.sqrt(tf.mul(this.squaredH1(tf.sub(pred, y), q, where), c)), this.reduction));
  }

  /** ||u||^2 + sum_j ||D_j u||^2 per sample, as `[prod(lead)]`. */
  private squaredH1(u: tf.Tensor, q: number[], where: string): tf.Tensor {
    const terms = [tf.sum(tf.square(flattenSpatial(u, this.d)), -1)];
    for (let j = 0; j < this.d; j++) {
      const du = firstDerivative(u, u.rank - this.d + j, q[j], this.periodic[j], where);
      terms.push(tf.sum(tf.square(flattenSpatial(du, this.d)), -1));
    }
    return tf.addN(terms);
  }

  private prepare(where: string, pred: tf.Tensor, y: tf.Tensor, quadrature?: number | number[]): number[] {
    checkSpatialRank(pred, this.d, where, 'pred');
    checkSameShape(pred, y, where, 'pred', 'y');
    if (pred.size === 0) throw new ShapeError('empty input', { where, argument: 'pred', expected: 'at least one element', got: 'size 0' });
    for (let j = 0; j < this.d; j++) {
      const axis = pred.rank - this.d + j;
      if (!this.periodic[j] && pred.shape[axis] < 4) {
        throw new ShapeError('too few points for non-periodic finite differences', {
          where,
          argument: 'pred',
          expected: `>= 4 points along spatial dim ${j} (dim ${axis})`,
          got: `shape ${formatShape(pred.shape)}`,
        });
      }
    }
    const q = quadrature === undefined ? this.uniformQuadrature(pred) : perDim(quadrature, this.d, where, 'quadrature');
    q.forEach((v) => checkPositive(v, where, 'quadrature'));
    return q;
  }
}
