// Datasets for `fit`: in-memory tensors (batched and shuffled here, with a seeded RNG) or any
// (async) iterable of batches the caller produces.
import { ConfigError, ShapeError, formatShape, tf, type Rng } from '@basiskit/tensor';

/** One batch: inputs and targets. */
export interface Batch {
  x: tf.Tensor;
  y: tf.Tensor;
}

/** Tensors sliced into batches along their first axis. */
export interface TensorDataset {
  x: tf.Tensor;
  y: tf.Tensor;
}

/**
 * What `fit` trains or validates on: tensors, an (async) iterable of batches, or a function
 * returning a fresh one per epoch. Batches from iterables are the caller's: `fit` disposes
 * them after use.
 */
export type Dataset = TensorDataset | Iterable<Batch> | AsyncIterable<Batch> | (() => Iterable<Batch> | AsyncIterable<Batch>);

function isTensorDataset(d: Dataset): d is TensorDataset {
  return typeof d === 'object' && d !== null && 'x' in d && 'y' in d && (d as TensorDataset).x instanceof tf.Tensor;
}

/** Checks a dataset's shape up front (tensor datasets: same first dimension). */
export function checkDataset(d: Dataset, where: string, argument: string): void {
  if (isTensorDataset(d)) {
    if (d.x.rank < 1 || d.y.rank < 1 || d.x.shape[0] !== d.y.shape[0]) {
      throw new ShapeError('x and y must have the same first dimension (samples)', {
        where,
        argument,
        got: `x ${formatShape(d.x.shape)}, y ${formatShape(d.y.shape)}`,
      });
    }
    return;
  }
  const ok =
    typeof d === 'function' ||
    (typeof d === 'object' && d !== null && (Symbol.iterator in d || Symbol.asyncIterator in d));
  if (!ok) {
    throw new ConfigError('not a dataset', { where, argument, expected: '{x, y} tensors, an (async) iterable of batches, or a function returning one', got: typeof d });
  }
}

/** Number of samples of a tensor dataset (undefined for iterables). */
export function datasetSize(d: Dataset): number | undefined {
  return isTensorDataset(d) ? d.x.shape[0] : undefined;
}

/**
 * Batches of one epoch. For tensor datasets: `batchSize` rows (the last batch may be smaller),
 * in the order of `rng.permutation(n)` when `shuffle` (an RNG draw per epoch, so a run's order
 * depends only on its seed). Every yielded batch is new tensors the consumer disposes.
 */
export async function* epochBatches(d: Dataset, options: { batchSize: number; shuffle: boolean; rng: Rng }): AsyncGenerator<Batch> {
  if (isTensorDataset(d)) {
    const n = d.x.shape[0];
    const order = options.shuffle ? options.rng.permutation(n) : Int32Array.from({ length: n }, (_, i) => i);
    const bs = options.batchSize > 0 ? options.batchSize : n;
    for (let start = 0; start < n; start += bs) {
      const idx = order.subarray(start, Math.min(n, start + bs));
      if (!options.shuffle && idx.length === n) {
        yield { x: d.x.clone(), y: d.y.clone() };
        continue;
      }
      yield tf.tidy(() => {
        const i = tf.tensor1d(idx, 'int32');
        return { x: tf.gather(d.x, i), y: tf.gather(d.y, i) };
      });
    }
    return;
  }
  const source = typeof d === 'function' ? d() : d;
  for await (const b of source as AsyncIterable<Batch>) yield b;
}
