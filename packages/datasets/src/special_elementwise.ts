// Shared plumbing of the special functions: a float64 scalar function applied to a number, or
// elementwise to a tensor's values (read back, evaluated in float64, written as a new float32
// tensor). Data generators, not differentiable ops: the result has no gradient.
import { ConfigError, ShapeError, checkTensor, formatShape, show, tf } from '@basiskit/tensor';

/** A number or a tensor, as the special functions take. */
export type NumberOrTensor = number | tf.Tensor;

function checkInput(x: unknown, where: string, argument: string): void {
  if (typeof x === 'number') return;
  if (x instanceof tf.Tensor) {
    checkTensor(x, { where, argument, dtype: ['float32', 'int32'] });
    return;
  }
  throw new ConfigError('invalid input', { where, argument, expected: 'a number or a float32/int32 tensor', got: show(x) });
}

/** `f(x)` for a number; `f` of every element (float32 tensor of x's shape) for a tensor. @internal */
export function mapUnary(x: NumberOrTensor, f: (v: number) => number, where: string, argument = 'x'): NumberOrTensor {
  checkInput(x, where, argument);
  if (typeof x === 'number') return f(x);
  const v = x.dataSync();
  const out = new Float32Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = f(v[i] as number);
  return tf.tensor(out, x.shape, 'float32');
}

/** `f(a, b)` for numbers; elementwise over two tensors of one shape (or a tensor and a number). @internal */
export function mapBinary(a: NumberOrTensor, b: NumberOrTensor, f: (u: number, v: number) => number, where: string, names: [string, string]): NumberOrTensor {
  checkInput(a, where, names[0]);
  checkInput(b, where, names[1]);
  if (typeof a === 'number' && typeof b === 'number') return f(a, b);
  const shape = a instanceof tf.Tensor ? a.shape : (b as tf.Tensor).shape;
  if (a instanceof tf.Tensor && b instanceof tf.Tensor && (a.rank !== b.rank || a.shape.some((d, i) => d !== b.shape[i]))) {
    throw new ShapeError('shapes differ', {
      where,
      argument: names[1],
      expected: `the shape of ${names[0]}, ${formatShape(a.shape)}`,
      got: formatShape(b.shape),
    });
  }
  const av = typeof a === 'number' ? null : a.dataSync();
  const bv = typeof b === 'number' ? null : b.dataSync();
  const n = shape.reduce((s, d) => s * d, 1);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = f(av ? (av[i] as number) : (a as number), bv ? (bv[i] as number) : (b as number));
  return tf.tensor(out, shape, 'float32');
}

/** Throws unless `v` is an integer >= `min`. @internal */
export function checkOrder(v: unknown, min: number, where: string, argument: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
    throw new ConfigError('invalid order', { where, argument, expected: `an integer >= ${min}`, got: show(v) });
  }
  return v;
}
