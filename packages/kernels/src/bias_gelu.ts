// The fused epilogue gelu(x + bias + skip): argument checks and dispatch.
//
//   pre = x + bias + skip   (x, skip [..., C]; bias [C] over the last axis; skip optional)
//   y = gelu(pre),  dx = dskip = dy gelu'(pre),  dbias = sum of dx over all but the last axis
//
// On cpu and wasm it runs the kernels of bias_gelu_kernel.ts (one pass forward, one backward);
// elsewhere the plain-ops reference (bias_gelu_reference.ts). Second derivatives: the backward
// kernel's outputs (dx, dbias) get a gradient of their own, with h = g_dx + g_dbias (broadcast):
//   d/d dy = h gelu'(pre)  (gelu's backward kernel),   d/d pre = h dy gelu''(pre)  (plain ops),
// d/d pre going to x and skip as it is and to bias summed over the rows.
import { ShapeError, checkTensor, formatShape, tf } from '@basiskit/tensor';
import {
  BIAS_GELU_GRAD_KERNEL,
  BIAS_GELU_KERNEL,
  BIAS_SKIP_GELU_GRAD_KERNEL,
  BIAS_SKIP_GELU_KERNEL,
  biasGeluKernel,
  biasSkipGeluKernel,
} from './bias_gelu_kernel';
import { biasGeluReference } from './bias_gelu_reference';
import { geluSecondDerivative } from './gelu';
import { GELU_GRAD_KERNEL, geluKernel } from './gelu_kernel';
import { runFusedKernel, useFusedKernel } from './kernel_dispatch';

/** Options of {@link biasGelu}. */
export interface BiasGeluOptions {
  /** A term added before the GELU, of x's shape (the FNO block's skip connection). Default none. */
  skip?: tf.Tensor | null;
  /** Force the plain-ops reference (`'reference'`) or the fused kernel (`'fused'`, default `'auto'`). */
  impl?: 'auto' | 'fused' | 'reference';
}

/**
 * `gelu(x + bias + skip)` (the exact, erf GELU) with `bias` [C] over the last axis of `x`
 * [..., C] and an optional `skip` of x's shape, in one fused pass on cpu and wasm (and the
 * gradients dx = dskip and dbias in one backward pass): the epilogue of a layer whose bias and
 * skip feed a GELU, as in neuralop's FNO blocks and channel MLPs. Differentiable twice.
 * Source: Hendrycks & Gimpel, "Gaussian error linear units (GELUs)", arXiv:1606.08415.
 */
export function biasGelu(x: tf.Tensor, bias: tf.Tensor, options: BiasGeluOptions = {}): tf.Tensor {
  const where = 'biasGelu';
  checkTensor(x, { where, dtype: 'float32', minRank: 1 });
  const c = x.shape[x.rank - 1];
  checkTensor(bias, { where, argument: 'bias', dtype: 'float32', shape: [c] });
  const skip = options.skip ?? null;
  if (skip) {
    checkTensor(skip, { where, argument: 'skip', dtype: 'float32' });
    if (skip.shape.length !== x.rank || skip.shape.some((d, i) => d !== x.shape[i])) {
      throw new ShapeError('skip must have the shape of x', { where, argument: 'skip', expected: formatShape(x.shape), got: formatShape(skip.shape) });
    }
  }
  if (!useFusedKernel(options.impl, where, [skip ? biasSkipGeluKernel : biasGeluKernel, geluKernel])) return biasGeluReference(x, bias, skip);
  registerSecondDerivatives();
  return (skip ? runFusedKernel(BIAS_SKIP_GELU_KERNEL, { x, bias, skip }) : runFusedKernel(BIAS_GELU_KERNEL, { x, bias })) as tf.Tensor;
}

/** The gradients of the two backward kernels (see the file header), registered once. */
function registerSecondDerivatives(): void {
  for (const [kernelName, withSkip] of [
    [BIAS_GELU_GRAD_KERNEL, false],
    [BIAS_SKIP_GELU_GRAD_KERNEL, true],
  ] as const) {
    if (tf.getGradient(kernelName)) continue;
    tf.registerGradient({
      kernelName,
      inputsToSave: withSkip ? ['dy', 'x', 'bias', 'skip'] : ['dy', 'x', 'bias'],
      gradFunc: (g, saved) => {
        const [gdx, gdbias] = g as tf.Tensor[];
        const [dy, x, bias, skip] = saved;
        const c = bias.shape[0] as number;
        const pre = () => (withSkip ? tf.add(tf.add(x, bias), skip) : tf.add(x, bias));
        const h = () => tf.add(gdx, gdbias);
        const dpre = () => tf.mul(tf.mul(h(), dy), geluSecondDerivative(pre()));
        const grads: Record<string, () => tf.Tensor> = {
          dy: () => runFusedKernel(GELU_GRAD_KERNEL, { dy: h(), x: pre() }) as tf.Tensor,
          x: dpre,
          bias: () => tf.sum(tf.reshape(dpre(), [-1, c]), 0),
        };
        if (withSkip) grads.skip = dpre;
        return grads;
      },
    });
  }
}
