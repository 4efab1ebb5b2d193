// Option and input checks shared by the KAN layers; each throws a ConfigError, DTypeError or
// ShapeError naming where, the argument, what was expected and what came.
import { ConfigError, DTypeError, ShapeError, checkInt, formatShape, tf } from '@basiskit/tensor';

/** Returns `v` when it is an integer >= `min` (a size or count option); throws otherwise. */
export function checkCount(v: unknown, min: number, where: string, argument: string): number {
  checkInt(v, min, where, argument);
  return v;
}

/** Checks a group count that must divide `channels` (the option named `channelsName`). */
export function checkGroups(v: unknown, channels: number, where: string, argument: string, channelsName: string): number {
  const g = checkCount(v, 1, where, argument);
  if (channels % g !== 0) {
    throw new ConfigError(`${channelsName} not divisible by groups`, { where, argument, expected: `a divisor of ${channelsName} (${channels})`, got: String(g) });
  }
  return g;
}

/** Checks a dropout probability in [0, 1). */
export function checkDrop(v: unknown, where: string, argument = 'drop'): number {
  if (typeof v !== 'number' || !(v >= 0 && v < 1)) {
    throw new ConfigError('invalid value', { where, argument, expected: 'a probability in [0, 1)', got: String(v) });
  }
  return v;
}

/** Checks that `x` is a float32 tensor whose last dim is `size` (the option named `name`). */
export function checkLastDim(x: unknown, size: number, where: string, name: string): asserts x is tf.Tensor {
  if (!(x instanceof tf.Tensor)) throw new ConfigError('invalid value', { where, argument: 'x', expected: 'a float32 tensor', got: typeof x });
  if (x.dtype !== 'float32') throw new DTypeError('wrong dtype', { where, argument: 'x', expected: 'float32', got: x.dtype });
  if (x.rank < 1 || x.shape[x.rank - 1] !== size) {
    throw new ShapeError('wrong size of the last dim', { where, argument: 'x', expected: `[..., ${size}] (${name})`, got: formatShape(x.shape) });
  }
}
