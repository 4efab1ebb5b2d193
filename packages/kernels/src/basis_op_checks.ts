// Argument checks shared by the basis ops (rbf, chebyshev, fourier, relu-kan): the input tensor.
import { ConfigError, DTypeError, ShapeError, tf } from '@basiskit/tensor';

/** Throws unless `x` is a float32 tensor of rank >= 1 (`[..., in]`). */
export function checkBasisInput(x: tf.Tensor, where: string): void {
  if (!(x instanceof tf.Tensor)) throw new ConfigError('invalid value', { where, argument: 'x', expected: 'a float32 tensor [..., in]', got: typeof x });
  if (x.dtype !== 'float32') throw new DTypeError('wrong dtype', { where, argument: 'x', expected: 'float32', got: x.dtype });
  if (x.rank < 1) throw new ShapeError('wrong rank', { where, argument: 'x', expected: 'rank >= 1 ([..., in])', got: 'a scalar' });
}
