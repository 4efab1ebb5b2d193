// pykan's sparsification regularization (MultKAN.get_reg; KAN paper section 2.5.1), on the edge
// activations of the last forward pass with `cache: true`. Per layer, the edge scale
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
import { ConfigError, tf } from '@basiskit/tensor';
import type { KANLinear } from './kan_linear';

/** Options of {@link regularizationLoss} (pykan's `get_reg` arguments). */
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
  regMetric?: 'edge_forward_spline_n' | 'edge_forward_sum';
}

/** Unbiased standard deviation over axis 0 with a zero (not NaN) gradient where it is 0. */
function stdAxis0(t: tf.Tensor): tf.Tensor {
  const n = t.shape[0] as number;
  const c = tf.sub(t, tf.mean(t, 0, true));
  const v = tf.div(tf.sum(tf.square(c), 0), Math.max(n - 1, 1));
  const pos = tf.greater(v, 0);
  return tf.where(pos, tf.sqrt(tf.where(pos, v, tf.onesLike(v))), tf.zerosLike(v));
}

/**
 * Edge scales [out, in] of a layer from its cached activations (see the file header); the
 * `'edge_forward_sum'` scales are pykan's `acts_scale`, used for pruning.
 */
export function edgeScales(layer: KANLinear, metric: RegularizationOptions['regMetric'] = 'edge_forward_spline_n'): tf.Tensor2D {
  const acts = layer.activations;
  if (!acts) {
    throw new ConfigError('no cached activations', {
      where: `${layer.path ? `${layer.path} (KANLinear)` : 'KANLinear'}.edgeScales`,
      argument: 'activations',
      expected: 'a forward pass with { cache: true } (or cacheActivations = true) first',
      got: 'none',
    });
  }
  return tf.tidy(() => {
    const post = metric === 'edge_forward_sum' ? acts.postacts : acts.postactsNumeric;
    return tf.div(stdAxis0(post), tf.add(stdAxis0(acts.preacts), 0.1)) as tf.Tensor2D; // [out, in] / [in]
  });
}

/** pykan's regularization over `layers` (see the file header): a scalar, differentiable. */
export function regularizationLoss(layers: readonly KANLinear[], options: RegularizationOptions = {}): tf.Scalar {
  const { lambL1 = 1, lambEntropy = 2, lambCoef = 0, lambCoefdiff = 0, regMetric = 'edge_forward_spline_n' } = options;
  if (regMetric !== 'edge_forward_spline_n' && regMetric !== 'edge_forward_sum') {
    throw new ConfigError('unknown regularization metric', {
      where: 'regularizationLoss',
      argument: 'regMetric',
      expected: "'edge_forward_spline_n' or 'edge_forward_sum'",
      got: JSON.stringify(regMetric),
    });
  }
  return tf.tidy(() => {
    const terms: tf.Tensor[] = [];
    for (const layer of layers) {
      const s = edgeScales(layer, regMetric); // [out, in]
      const entropy = (p: tf.Tensor, axis: number) => tf.neg(tf.mean(tf.sum(tf.mul(p, tf.div(tf.log(tf.add(p, 1e-4)), Math.LN2)), axis)));
      const pRow = tf.div(s, tf.add(tf.sum(s, 1, true), 1));
      const pCol = tf.div(s, tf.add(tf.sum(s, 0, true), 1));
      terms.push(tf.add(tf.mul(lambL1, tf.sum(s)), tf.mul(lambEntropy, tf.add(entropy(pRow, 1), entropy(pCol, 0)))));
      if (lambCoef !== 0 || lambCoefdiff !== 0) {
        const c = layer.spline_weight.value; // [out, in, nb]; pykan's coef is [in, out, nb]: mean over out
        const nb = c.shape[2] as number;
        const diff = tf.sub(tf.slice(c, [0, 0, 1], [-1, -1, nb - 1]), tf.slice(c, [0, 0, 0], [-1, -1, nb - 1]));
        terms.push(tf.mul(lambCoef, tf.sum(tf.mean(tf.abs(c), 0))), tf.mul(lambCoefdiff, tf.sum(tf.mean(tf.abs(diff), 0))));
      }
    }
    return (terms.length ? tf.addN(terms) : tf.scalar(0)) as tf.Scalar;
  });
}
