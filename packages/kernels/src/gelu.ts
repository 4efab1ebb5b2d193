// The exact GELU op: argument checks and dispatch.
//
//   gelu(x) = x Phi(x),   d/dx = Phi(x) + x phi(x)
//
// On cpu and wasm it runs the fused kernels of gelu_kernel.ts (one pass forward, one backward;
// wasm SIMD erf accurate to ~1e-7); elsewhere the plain-ops reference (gelu_reference.ts).
// Second derivatives: the backward kernel dx = dy gelu'(x) gets a gradient of its own,
//   d/d dy = g gelu'(x)  (the backward kernel again),   d/dx = g dy gelu''(x),
//   gelu''(x) = phi(x) (2 - x^2)  (plain ops, x clamped to ±40 where phi is already 0, so no 0 * Inf).
import { checkTensor, tf } from '@basiskit/tensor';
import { GELU_GRAD_KERNEL, GELU_KERNEL, geluKernel } from './gelu_kernel';
import { geluReference } from './gelu_reference';
import { runFusedKernel, useFusedKernel } from './kernel_dispatch';

/** Options of {@link gelu}. */
export interface GeluKernelOptions {
  /** Force the plain-ops reference (`'reference'`) or the fused kernel (`'fused'`, default `'auto'`). */
  impl?: 'auto' | 'fused' | 'reference';
}

/**
 * The exact (erf) GELU `x Phi(x)` of a float32 tensor, differentiable (`Phi(x) + x phi(x)`),
 * in one fused pass on cpu and wasm. Finite for every finite x (0 or x in the tails).
 * Source: Hendrycks & Gimpel, "Gaussian error linear units (GELUs)", arXiv:1606.08415.
 */
export function gelu(x: tf.Tensor, options: GeluKernelOptions = {}): tf.Tensor {
  const where = 'gelu';
  checkTensor(x, { where, dtype: 'float32' });
  if (!useFusedKernel(options.impl, where, geluKernel)) return geluReference(x);
  registerSecondDerivative();
  return runFusedKernel(GELU_KERNEL, { x }) as tf.Tensor;
}

/** gelu''(x) = phi(x) (2 - x^2), finite for every finite x (used by bias_gelu.ts too; not re-exported). */
export function geluSecondDerivative(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const xc = tf.clipByValue(x, -40, 40);
    const x2 = tf.square(xc);
    return tf.mul(tf.mul(1 / Math.sqrt(2 * Math.PI), tf.exp(tf.mul(-0.5, x2))), tf.sub(2, x2));
  });
}

/** The gradient of the backward kernel (see the file header), registered once. */
function registerSecondDerivative(): void {
  if (tf.getGradient(GELU_GRAD_KERNEL)) return;
  tf.registerGradient({
    kernelName: GELU_GRAD_KERNEL,
    inputsToSave: ['dy', 'x'],
    gradFunc: (g, [dy, x]) => ({
      dy: () => runFusedKernel(GELU_GRAD_KERNEL, { dy: g as tf.Tensor, x }) as tf.Tensor,
      x: () => tf.mul(tf.mul(g as tf.Tensor, dy), geluSecondDerivative(x)),
    }),
  });
}
