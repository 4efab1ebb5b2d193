// First derivatives by finite differences along one axis of a tensor, as neuraloperator's
// FiniteDiff (neuraloperator/neuraloperator, neuralop/losses/differentiation.py, `_dx_1st_*d`):
//   periodic:      (u_{i+1} - u_{i-1}) / (2h), indices wrapped (torch.roll)
//   non-periodic:  interior (u_{i+1} - u_{i-1}) / (2h);
//                  left edge  (-11 u_0 + 18 u_1 - 9 u_2 + 2 u_3) / (6h)          (3rd order, one-sided)
//                  right edge (-2 u_{n-4} + 9 u_{n-3} - 18 u_{n-2} + 11 u_{n-1}) / (6h)
// Built from slice/concat so tfjs differentiates it.
import { tf, ShapeError, formatShape } from '@basiskit/tensor';

function sliceAxis(x: tf.Tensor, axis: number, start: number, size: number): tf.Tensor {
  const begin = new Array<number>(x.rank).fill(0);
  const sizes = x.shape.slice();
  begin[axis] = start;
  sizes[axis] = size;
  return tf.slice(x, begin, sizes);
}

/**
 * du/dx along `axis` of `u` with grid spacing `h`, periodic (wrapped central differences) or
 * not (central inside, third-order one-sided at the two edges; needs >= 4 points). Call inside
 * a tidy.
 */
export function firstDerivative(u: tf.Tensor, axis: number, h: number, periodic: boolean, where: string, argument = 'pred'): tf.Tensor {
  const n = u.shape[axis];
  if (periodic) {
    if (n < 3) return tf.zerosLike(u); // u_{i+1} = u_{i-1} after wrapping
    const next = tf.concat([sliceAxis(u, axis, 1, n - 1), sliceAxis(u, axis, 0, 1)], axis);
    const prev = tf.concat([sliceAxis(u, axis, n - 1, 1), sliceAxis(u, axis, 0, n - 1)], axis);
    return tf.div(tf.sub(next, prev), 2 * h);
  }
  if (n < 4) {
    throw new ShapeError('too few points for non-periodic finite differences', {
      where,
      argument,
      expected: `>= 4 points along dim ${axis - u.rank}`,
      got: `shape ${formatShape(u.shape)}`,
    });
  }
  const at = (i: number) => sliceAxis(u, axis, i, 1);
  const interior = tf.div(tf.sub(sliceAxis(u, axis, 2, n - 2), sliceAxis(u, axis, 0, n - 2)), 2 * h);
  const left = tf.div(tf.addN([tf.mul(at(0), -11), tf.mul(at(1), 18), tf.mul(at(2), -9), tf.mul(at(3), 2)]), 6 * h);
  const right = tf.div(tf.addN([tf.mul(at(n - 4), -2), tf.mul(at(n - 3), 9), tf.mul(at(n - 2), -18), tf.mul(at(n - 1), 11)]), 6 * h);
  return tf.concat([left, interior, right], axis);
}
