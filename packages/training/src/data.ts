// Datasets for `fit`: in-memory tensors (batched and shuffled here, with a seeded RNG) or any
// (async) iterable of batches the caller produces.
import { ConfigError, ShapeError, checkTensor, formatShape, isRecord, show, tf, type Rng } from '@basiskit/tensor';

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

/** `{x, y}` given as a dataset (tensors or not): checked as tensors, not as an iterable. */
function looksLikeTensorDataset(d: unknown): d is { x: unknown; y: unknown } {
  return isRecord(d) && ('x' in d || 'y' in d) && !(Symbol.iterator in d) && !(Symbol.asyncIterator in d);
}

/**
 * Checks a dataset up front: tensor datasets need live tensors `x` and `y` of rank >= 1 with the
 * same first dimension (samples), and at least one sample; an array of batches must not be
 * empty. (Other iterables are checked as they are read: see {@link epochBatches}.)
 */
export function checkDataset(d: Dataset, where: string, argument: string): void {
  if (looksLikeTensorDataset(d)) {
    checkTensor(d.x, { where, argument: `${argument}.x`, minRank: 1 });
    checkTensor(d.y, { where, argument: `${argument}.y`, minRank: 1 });
    if (d.x.shape[0] !== d.y.shape[0]) {
      throw new ShapeError('x and y must have the same first dimension (samples)', {
        where,
        argument,
        got: `x ${formatShape(d.x.shape)}, y ${formatShape(d.y.shape)}`,
      });
    }
    if (d.x.shape[0] === 0) {
      throw new ConfigError('empty dataset', {
        where,
        argument,
        expected: 'at least one sample',
        got: `x ${formatShape(d.x.shape)}, y ${formatShape(d.y.shape)}`,
      });
    }
    return;
  }
  if (Array.isArray(d) && d.length === 0) {
    throw new ConfigError('empty dataset', { where, argument, expected: 'at least one batch', got: '[]' });
  }
  const ok = typeof d === 'function' || (typeof d === 'object' && d !== null && (Symbol.iterator in d || Symbol.asyncIterator in d));
  if (!ok) {
    throw new ConfigError('not a dataset', {
      where,
      argument,
      expected: '{x, y} tensors, an (async) iterable of batches, or a function returning one',
      got: show(d),
    });
  }
}

/**
 * Checks one batch read from an iterable: `{x, y}` live tensors. On failure, disposes the
 * tensors it holds (batches are handed over to `fit`) and throws a ConfigError naming the batch.
 */
function checkBatch(b: unknown, where: string, argument: string, index: number): asserts b is Batch {
  const bad = (problem: string, expected: string, got: string): never => {
    if (isRecord(b)) for (const v of [b.x, b.y]) if (v instanceof tf.Tensor && !v.isDisposed) v.dispose();
    throw new ConfigError(problem, { where, argument: `${argument} (batch ${index})`, expected, got });
  };
  if (!isRecord(b)) bad('not a batch', '{x, y} tensors', show(b));
  const { x, y } = b as Record<string, unknown>;
  for (const [name, v] of [
    ['x', x],
    ['y', y],
  ] as const) {
    if (!(v instanceof tf.Tensor) || v.isDisposed) bad(`batch ${name} is not a live tensor`, `${name}: a live tf.Tensor`, show(v));
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
 * Batches read from an iterable are checked (`{x, y}` live tensors; `where`/`argument` name
 * the dataset in the error).
 */
export async function* epochBatches(
  d: Dataset,
  options: { batchSize: number; shuffle: boolean; rng: Rng; where: string; argument: string },
): AsyncGenerator<Batch> {
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
  if (typeof source !== 'object' || source === null || !(Symbol.iterator in source || Symbol.asyncIterator in source)) {
    throw new ConfigError('not an iterable of batches', {
      where: options.where,
      argument: options.argument,
      expected: 'the dataset function to return an (async) iterable of batches',
      got: show(source),
    });
  }
  let index = 0;
  for await (const b of source as AsyncIterable<Batch>) {
    checkBatch(b, options.where, options.argument, index++);
    yield b;
  }
}
