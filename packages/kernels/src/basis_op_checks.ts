// Argument checks shared by the basis ops (rbf, chebyshev, fourier, relu-kan): the input tensor
// and the `impl` switch between a fused kernel and the plain-ops reference.
import { ConfigError, DTypeError, ShapeError, tf } from '@basiskit/tensor';
import { hasKernel } from './typed_array_kernel';

/** Throws unless `x` is a float32 tensor of rank >= 1 (`[..., in]`). */
export function checkBasisInput(x: tf.Tensor, where: string): void {
  if (!(x instanceof tf.Tensor)) throw new ConfigError('invalid value', { where, argument: 'x', expected: 'a float32 tensor [..., in]', got: typeof x });
  if (x.dtype !== 'float32') throw new DTypeError('wrong dtype', { where, argument: 'x', expected: 'float32', got: x.dtype });
  if (x.rank < 1) throw new ShapeError('wrong rank', { where, argument: 'x', expected: 'rank >= 1 ([..., in])', got: 'a scalar' });
}

/**
 * Whether to run fused kernel `kernelName` for `impl` ('auto': when the backend has it); throws
 * for an unknown `impl`, and for 'fused' on a backend without the kernel.
 */
export function useFusedKernel(impl: 'auto' | 'fused' | 'reference' | undefined, kernelName: string, where: string): boolean {
  const mode = impl ?? 'auto';
  if (mode !== 'auto' && mode !== 'fused' && mode !== 'reference') {
    throw new ConfigError('invalid value', { where, argument: 'impl', expected: "'auto', 'fused' or 'reference'", got: String(impl) });
  }
  if (mode === 'reference') return false;
  const available = hasKernel(kernelName);
  if (mode === 'fused' && !available) {
    throw new ConfigError('no fused kernel on this backend', { where, argument: 'impl', expected: "'auto' or 'reference' here", got: `'fused' on ${tf.getBackend()}` });
  }
  return available;
}
