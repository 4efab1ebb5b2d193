// pykan's sparsification regularization (MultKAN.get_reg; KAN paper section 2.5.1), the math of
// `KANLinear.edgeScales`, `KANLinear.regularizationLoss` and `KAN.regularizationLoss`, on the
// edge activations of the last forward pass with `cache: true`. Per layer, the edge scale
//
//   s[j, i] = std_n(phi_ji(x[n, i])) / (std_n(x[n, i]) + 0.1)          (unbiased std, as torch.std)
//
// ('edge_forward_spline_n': numeric edges only, pykan's default for training; 'edge_forward_sum':
// numeric + symbolic), then
//
//   reg = sum_layers [ lamb_l1 * sum(s) + lamb_entropy * (H_row + H_col) ]
//       + sum_layers [ lamb_coef * sum_i mean_j |c| + lamb_coefdiff * sum_i mean_j |diff(c)| ]
//   p_row = s / (sum_i s + 1),  H_row = -mean_j sum_i p_row log2(p_row + 1e-4)   (and columns alike)
//
// with c the spline coefficients (spline_weight, pykan's `coef`). Differentiable; add
// `lamb * reg` to the loss (pykan's `fit(lamb=...)`).
import { ConfigError, checkNumber, checkOptions, show, tf } from '@basiskit/tensor';

/** Which edge scale: numeric edges only (pykan's training default) or numeric + symbolic (pykan's `acts_scale`). */
export type RegMetric = 'edge_forward_spline_n' | 'edge_forward_sum';

/** Options of `KANLinear.regularizationLoss` and `KAN.regularizationLoss` (pykan's `get_reg` arguments). */
export interface RegularizationOptions {
  /** Weight of the L1 term. Default 1. */
  lambL1?: number;
  /** Weight of the entropy terms. Default 2. */
  lambEntropy?: number;
  /** Weight of the coefficient L1 term. Default 0. */
  lambCoef?: number;
  /** Weight of the coefficient-smoothness term. Default 0. */
  lambCoefdiff?: number;
  /** Which edge scale: 'edge_forward_spline_n' (numeric part, default) or 'edge_forward_sum'. */
  regMetric?: RegMetric;
}

const KNOWN = ['lambL1', 'lambEntropy', 'lambCoef', 'lambCoefdiff', 'regMetric'];

/** `metric` if it names a {@link RegMetric}, else a ConfigError naming `where` and `argument`. */
export function checkRegMetric(metric: unknown, where: string, argument: string): RegMetric {
  if (metric !== 'edge_forward_spline_n' && metric !== 'edge_forward_sum') {
    throw new ConfigError('unknown regularization metric', {
      where,
      argument,
      expected: "'edge_forward_spline_n' or 'edge_forward_sum'",
      got: show(metric),
    });
  }
  return metric;
}

/** The options with their defaults, checked (a ConfigError naming `where` otherwise). */
export function regularizationSettings(options: RegularizationOptions | undefined, where: string): Required<RegularizationOptions> {
  const o = checkOptions(options, { where, known: KNOWN });
  const lamb = (k: keyof RegularizationOptions, d: number) => checkNumber(o[k] ?? d, { where, argument: k });
  const regMetric = checkRegMetric(o.regMetric ?? 'edge_forward_spline_n', where, 'regMetric');
  return { lambL1: lamb('lambL1', 1), lambEntropy: lamb('lambEntropy', 2), lambCoef: lamb('lambCoef', 0), lambCoefdiff: lamb('lambCoefdiff', 0), regMetric };
}

/** Unbiased standard deviation over axis 0 with a zero (not NaN) gradient where it is 0. */
function stdAxis0(t: tf.Tensor): tf.Tensor {
  const n = t.shape[0] as number;
  const c = tf.sub(t, tf.mean(t, 0, true));
  const v = tf.div(tf.sum(tf.square(c), 0), Math.max(n - 1, 1));
  const pos = tf.greater(v, 0);
  return tf.where(pos, tf.sqrt(tf.where(pos, v, tf.onesLike(v))), tf.zerosLike(v));
}

/** Edge scales [out, in] from a layer's inputs x [N, in] and edge outputs post [N, out, in] (see the file header). */
export function edgeScalesFrom(preacts: tf.Tensor, postacts: tf.Tensor): tf.Tensor2D {
  return tf.tidy(() => tf.div(stdAxis0(postacts), tf.add(stdAxis0(preacts), 0.1)) as tf.Tensor2D); // [out, in] / [in]
}

/** One layer's regularization from its edge scales s [out, in] and spline coefficients c [out, in, nb] (see the file header). */
export function layerRegularization(s: tf.Tensor, c: tf.Tensor, o: Required<RegularizationOptions>): tf.Scalar {
  return tf.tidy(() => {
    const entropy = (p: tf.Tensor, axis: number) => tf.neg(tf.mean(tf.sum(tf.mul(p, tf.div(tf.log(tf.add(p, 1e-4)), Math.LN2)), axis)));
    const pRow = tf.div(s, tf.add(tf.sum(s, 1, true), 1));
    const pCol = tf.div(s, tf.add(tf.sum(s, 0, true), 1));
    let reg = tf.add(tf.mul(o.lambL1, tf.sum(s)), tf.mul(o.lambEntropy, tf.add(entropy(pRow, 1), entropy(pCol, 0))));
    if (o.lambCoef !== 0 || o.lambCoefdiff !== 0) {
      // c [out, in, nb]; pykan's coef is [in, out, nb]: mean over out
      const nb = c.shape[2] as number;
      const diff = tf.sub(tf.slice(c, [0, 0, 1], [-1, -1, nb - 1]), tf.slice(c, [0, 0, 0], [-1, -1, nb - 1]));
      reg = tf.addN([reg, tf.mul(o.lambCoef, tf.sum(tf.mean(tf.abs(c), 0))), tf.mul(o.lambCoefdiff, tf.sum(tf.mean(tf.abs(diff), 0)))]);
    }
    return reg as tf.Scalar;
  });
}
