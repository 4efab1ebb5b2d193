// Test helpers for the layers (not exported by the package): conformance against a golden-vector
// case, flattening of leading dims, and (from @basiskit/test-utils) the finite-difference check
// of a module's gradients with respect to its input and its own parameters.
import { tf, type Module } from '@basiskit/tensor';
import { assertClose, specTensor, type ConformanceCase } from '@basiskit/test-utils';

export { checkModuleGradients } from '@basiskit/test-utils';

/**
 * Loads `dict` into `layer` (then disposes the dict) and asserts the case's `y` and the gradient
 * in x of `sum(y * r)`, within the case's tolerance.
 */
export function expectConformance(layer: Module, c: ConformanceCase, dict: Record<string, tf.Tensor>): void {
  layer.loadStateDict(dict);
  tf.dispose(Object.values(dict));
  const x = specTensor(c.inputs.x);
  const r = specTensor(c.r);
  const y = layer.forward(x);
  const dx = tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(layer.forward(xx), r)))(x);
  try {
    assertClose(y, c.outputs.y as never, c.tolerance, 'y');
    assertClose(dx, c.grads.x as never, c.tolerance, 'dx');
  } finally {
    tf.dispose([x, r, y, dx]);
  }
}

/** Asserts that `y = layer.forward(x)` (x [..., in]) equals the forward of x's rows, reshaped back. */
export function expectFlattensLeadingDims(layer: Module, x: tf.Tensor, y: tf.Tensor): void {
  const inF = x.shape[x.rank - 1];
  const flat = tf.tidy(() => tf.reshape(layer.forward(tf.reshape(x, [-1, inF])), y.shape));
  try {
    assertClose(y, { shape: flat.shape, data: flat.dataSync() }, { rtol: 1e-6, atol: 1e-6 }, 'flatten');
  } finally {
    flat.dispose();
  }
}
