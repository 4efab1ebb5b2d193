// What the browser test pages share: a check's record, a kernel case, seeded random tensors and
// the largest absolute difference of two tensors (with the reference's scale).
import * as tf from '@tensorflow/tfjs-core';

/** One check of one kernel: the error, its tolerance and the verdict. */
export interface Check {
  kernel: string;
  check: string;
  err: number;
  tol: number;
  ok: boolean;
}

/** A kernel run through tfjs by name, beside its plain-ops reference. */
export interface Case {
  name: string;
  kernel: string;
  inputs: () => Record<string, tf.Tensor>;
  attrs: Record<string, number>;
  reference: (inputs: Record<string, tf.Tensor>) => tf.Tensor;
  differentiates: string[];
}

/** Uniform random numbers in [-1, 1) from a seeded linear congruential generator. */
export function seededRandom(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
}

/** Random tensors uniform in [shift - scale, shift + scale) drawn from `rand`. */
export function randomTensors(rand: () => number): (shape: number[], scale?: number, shift?: number) => tf.Tensor {
  return (shape, scale = 1, shift = 0) =>
    tf.tensor(
      Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rand() * scale + shift),
      shape,
    );
}

/** [max |a - b|, max |b|] (Infinity when the sizes differ). */
export async function maxErr(a: tf.Tensor, b: tf.Tensor): Promise<[number, number]> {
  const [x, y] = [await a.data(), await b.data()];
  let err = x.length === y.length ? 0 : Infinity;
  let scale = 0;
  for (let i = 0; i < y.length; i++) {
    err = Math.max(err, Math.abs(x[i] - y[i]));
    scale = Math.max(scale, Math.abs(y[i]));
  }
  return [err, scale];
}
