// The machinery every activation with a hand-written derivative shares: an element-wise op
// built on tf.customGrad (its input checked by @basiskit/tensor's checkTensor), and the
// reduction of parameter gradients to the parameter's shape. Internal: not re-exported from the
// package.
//
// How the derivative is attached. `value(x, p)` computes y = f(x; p); `derivative(x, p)`
// returns the local derivatives dy/dx and dy/dp_k (as getters, asked for only when p_k is a
// tensor). Both take the tensors from tf.customGrad's `save`, so the backward pass uses nothing
// but x and the parameters: the forward's intermediates are freed at once, and because the
// saved copies stay connected to x on the tape, a gradient of the gradient (second
// derivatives, as physics-informed losses need) is taken through `derivative`'s own ops.
import { tf, ShapeError, checkTensor, formatShape } from '@basiskit/tensor';
import type { Tensor } from '@basiskit/tensor';
import type { Param } from './options';

/**
 * Throws unless tensor parameter `p` broadcasts over x channels-last: rank <= x's rank and
 * each of its dims equal to x's matching trailing dim or 1 (shape [C] for x [..., C]; [] or [1]
 * for one shared value). The result then has x's shape.
 */
export function checkParamShape(x: Tensor, p: Tensor, where: string, name: string): void {
  const off = x.rank - p.rank;
  const ok = off >= 0 && p.shape.every((d, i) => d === 1 || d === x.shape[off + i]);
  if (!ok) {
    throw new ShapeError('parameter does not broadcast over the input', {
      where,
      argument: name,
      expected: `a shape broadcasting to the trailing dims of x ${formatShape(x.shape)} (e.g. [${x.shape[x.rank - 1] ?? 1}] or [1])`,
      got: `shape ${formatShape(p.shape)}`,
    });
  }
}

/** Sums `g` over the axes along which a tensor of `shape` was broadcast to g's shape. */
export function sumToShape(g: Tensor, shape: readonly number[]): Tensor {
  const off = g.rank - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < g.rank; i++) {
    if (i < off || (shape[i - off] === 1 && g.shape[i] !== 1)) axes.push(i);
  }
  const summed = axes.length ? tf.sum(g, axes) : g;
  return tf.reshape(summed, [...shape]);
}

/** Local derivatives returned by an op's `derivative`: dy/dx, and a getter of dy/dp per parameter. */
export type Derivatives<P> = { x: Tensor } & { [K in keyof P]?: () => Tensor };

/**
 * y = f(x; p) element-wise, with the derivative given in closed form. Tensor-valued parameters
 * are inputs of the op (their gradient is the sum of dy·dy/dp over the broadcast axes); numbers
 * are constants. The derivative's formulas must be finite for every finite x.
 */
export function elementwise<P extends Record<string, Param>>(
  where: string,
  x: Tensor,
  params: P,
  value: (x: Tensor, p: P) => Tensor,
  derivative: (x: Tensor, p: P) => Derivatives<P>,
): Tensor {
  checkTensor(x, { where, dtype: 'float32' });
  const tensorKeys = (Object.keys(params) as (keyof P & string)[]).filter((k) => params[k] instanceof tf.Tensor);
  for (const k of tensorKeys) checkParamShape(x, params[k] as Tensor, where, k);

  const withTensors = (ts: Tensor[]): P => {
    const p = { ...params };
    tensorKeys.forEach((k, i) => {
      (p as Record<string, Param>)[k] = ts[i];
    });
    return p;
  };

  const op = tf.customGrad((...args: (Tensor | tf.GradSaveFunc)[]) => {
    const save = args.pop() as tf.GradSaveFunc;
    const inputs = args as Tensor[];
    save(inputs);
    return {
      value: value(inputs[0], withTensors(inputs.slice(1))),
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const sx = saved[0];
        const sp = withTensors(saved.slice(1));
        const d = derivative(sx, sp);
        const grads = [tf.mul(dy, d.x)];
        for (const k of tensorKeys) {
          const get = d[k];
          if (!get) throw new Error(`${where}: no derivative for parameter ${k}`);
          grads.push(sumToShape(tf.mul(dy, get()), (sp[k] as Tensor).shape));
        }
        return grads;
      },
    };
  });
  return op(x, ...tensorKeys.map((k) => params[k] as Tensor));
}

// ---------------------------------------------------------------------------------------------
// Stable building blocks (plain tfjs ops, used inside `value` and `derivative`).

/** softplus(z) = log(1 + e^z) = max(z, 0) + log1p(e^{-|z|}): no overflow for any z. */
export function softplusStable(z: Tensor): Tensor {
  return tf.add(tf.relu(z), tf.log1p(tf.exp(tf.neg(tf.abs(z)))));
}

/** The standard normal CDF Φ(x) = (1 + erf(x/√2)) / 2. */
export function normalCdf(x: Tensor): Tensor {
  return tf.mul(0.5, tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2))));
}

/** The standard normal density φ(x) = e^{-x²/2} / √(2π) (0 for huge |x|, never NaN). */
export function normalPdf(x: Tensor): Tensor {
  return tf.mul(1 / Math.sqrt(2 * Math.PI), tf.exp(tf.mul(-0.5, tf.square(x))));
}

/** σ(z)·σ(-z) = σ'(z), accurate in both tails (no 1 - σ cancellation). */
export function sigmoidSlope(z: Tensor): Tensor {
  return tf.mul(tf.sigmoid(z), tf.sigmoid(tf.neg(z)));
}

/** 1 where lo < x < hi, else 0 (float32): the derivative mask of a clamp, 0 on the kinks as in PyTorch. */
export function openInterval(x: Tensor, lo: number, hi: number): Tensor {
  return tf.cast(tf.logicalAnd(tf.greater(x, lo), tf.less(x, hi)), 'float32');
}

/**
 * sign(v) as −1, 0 or 1 (float32), by comparisons: the wasm backend's `tf.sign` gives 0 for
 * subnormal v (|v| < 1.2e-38), the cpu backend's ±1.
 */
export function signOf(v: Tensor): Tensor {
  return tf.sub(tf.cast(tf.greater(v, 0), 'float32'), tf.cast(tf.less(v, 0), 'float32'));
}

/** 1 where x > 0, else 0 (float32). */
export function positive(x: Tensor): Tensor {
  return tf.cast(tf.greater(x, 0), 'float32');
}
