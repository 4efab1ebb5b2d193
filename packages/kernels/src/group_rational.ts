// The group rational op (KAT's GR-KAN activation, version A): argument checks and dispatch.
//
//   y = P(x) / Q(x),  P = sum_{j=0..m} a[g,j] x^j,  Q = 1 + sum_{j=1..n} |b[g,j-1]| |x|^j
//
// channels last, channel c in group g = floor(c / (C/G)). On cpu and wasm it runs the fused
// kernels of group_rational_kernel.ts (forward, and one backward pass for x, numerator and
// denominator); elsewhere the plain-ops reference (group_rational_reference.ts).
import { ConfigError, ShapeError, checkTensor, formatShape, tf } from '@basiskit/tensor';
import { GROUP_RATIONAL_KERNEL, groupRationalKernel } from './group_rational_kernel';
import { groupRationalReference } from './group_rational_reference';
import { runFusedKernel, useFusedKernel } from './kernel_dispatch';

function validate(x: tf.Tensor, numerator: tf.Tensor, denominator: tf.Tensor, where: string): number {
  checkTensor(x, { where, dtype: 'float32', minRank: 1 });
  checkTensor(numerator, { where, argument: 'numerator', dtype: 'float32' });
  checkTensor(denominator, { where, argument: 'denominator', dtype: 'float32' });
  if (denominator.rank !== 2 || (denominator.shape[0] as number) < 1) {
    throw new ShapeError('wrong shape', { where, argument: 'denominator', expected: '[groups, n]', got: formatShape(denominator.shape) });
  }
  const groups = denominator.shape[0] as number;
  if (numerator.rank !== 2 || (numerator.shape[0] !== 1 && numerator.shape[0] !== groups) || (numerator.shape[1] as number) < 1) {
    throw new ShapeError('wrong shape', {
      where,
      argument: 'numerator',
      expected: `[${groups} or 1, m+1] (groups from denominator ${formatShape(denominator.shape)})`,
      got: formatShape(numerator.shape),
    });
  }
  const channels = x.shape[x.rank - 1] as number;
  if (channels % groups !== 0) {
    throw new ConfigError('channels not divisible by groups', {
      where,
      argument: 'x',
      expected: `last dim a multiple of ${groups}`,
      got: `shape ${formatShape(x.shape)}`,
    });
  }
  return groups;
}

/** Options of {@link groupRational}. */
export interface GroupRationalOptions {
  /** Force the plain-ops reference (`'reference'`) or the fused kernel (`'fused'`, default `'auto'`). */
  impl?: 'auto' | 'fused' | 'reference';
}

/**
 * KAT's group rational activation (version A): `P(x)/Q(x)` with per-group coefficients,
 * channels last. `x` [..., C]; `numerator` [G, m+1] or [1, m+1] (shared across groups, KAT's
 * default); `denominator` [G, n]. Differentiable in all three. Finite inputs give finite
 * outputs and gradients wherever the true values are within float32's range (±Infinity where
 * they are not).
 */
export function groupRational(x: tf.Tensor, numerator: tf.Tensor, denominator: tf.Tensor, options: GroupRationalOptions = {}): tf.Tensor {
  const where = 'groupRational';
  const groups = validate(x, numerator, denominator, where);
  if (!useFusedKernel(options.impl, where, groupRationalKernel)) return groupRationalReference(x, numerator, denominator);
  return runFusedKernel(GROUP_RATIONAL_KERNEL, { x, numerator, denominator }, { groups }) as tf.Tensor;
}
