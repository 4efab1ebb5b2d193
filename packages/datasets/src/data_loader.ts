// Batching for @basiskit/training's `fit`: a DataLoader-like async iterable of `{x, y}` batches
// (PyTorch's torch.utils.data.DataLoader semantics: batchSize, shuffle, drop_last) and sklearn's
// train_test_split. Shuffling is stateless: epoch e's order is `permutation(n)` of an RNG seeded
// by (seed, e) (the same 64-bit mix as the generators' per-sample streams), so a resumed run or a
// second process sees exactly the same batches. (datasets does not depend on @basiskit/training;
// the batch shape is its `Batch` type: `{x, y}` of new tensors that `fit` disposes.)
import {
  ConfigError,
  ShapeError,
  checkTensor,
  collectBool,
  collectNumber,
  formatShape,
  isRecord,
  show,
  tf,
  throwProblems,
  type Problem,
} from '@basiskit/tensor';
import { sampleRng } from './sample_rng';

/** One batch (what `fit` consumes): new tensors, disposed by the consumer. */
export interface Batch {
  x: tf.Tensor;
  y: tf.Tensor;
}

/** Options of {@link DataLoader}. */
export interface DataLoaderOptions {
  /** Rows per batch. Default 1 (PyTorch's); fit-style training usually wants 32 or more. */
  batchSize?: number;
  /** A new random order every epoch. Default false (PyTorch's). */
  shuffle?: boolean;
  /** Seed of the shuffling (a safe integer or bigint). Default 0. */
  seed?: number | bigint;
  /** Drop the last batch when it is smaller than `batchSize`. Default false. */
  dropLast?: boolean;
}

function checkPair(data: unknown, where: string): { x: tf.Tensor; y: tf.Tensor } {
  if (!isRecord(data)) throw new ConfigError('not a dataset', { where, argument: 'data', expected: '{x, y} tensors', got: show(data) });
  checkTensor(data.x, { where, argument: 'data.x', minRank: 1 });
  checkTensor(data.y, { where, argument: 'data.y', minRank: 1 });
  const { x, y } = data as { x: tf.Tensor; y: tf.Tensor };
  if (x.shape[0] !== y.shape[0])
    throw new ShapeError('x and y must have the same first dimension (samples)', {
      where,
      argument: 'data',
      got: `x ${formatShape(x.shape)}, y ${formatShape(y.shape)}`,
    });
  return { x, y };
}

/**
 * Batches of `{x, y}` tensors for `fit` (pass the loader itself as `train`: each `for await`
 * is one epoch, and epoch e is shuffled by (seed, e)). The tensors stay the caller's; every
 * batch is new tensors the consumer disposes (`fit` does).
 *
 * @example
 * const loader = new DataLoader({ x, y }, { batchSize: 32, shuffle: true, seed: 1 });
 * await fit(model, { train: loader, loss: mse, optimizer, epochs: 10 });
 */
export class DataLoader implements AsyncIterable<Batch> {
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly seed: number | bigint;
  readonly dropLast: boolean;
  /** The next epoch that `[Symbol.asyncIterator]` will produce (counts up from 0). */
  epoch = 0;
  // not named x/y: fit treats an object with tensor properties x and y as a TensorDataset
  private readonly inputs: tf.Tensor;
  private readonly targets: tf.Tensor;

  constructor(data: { x: tf.Tensor; y: tf.Tensor }, options: DataLoaderOptions = {}) {
    const where = 'DataLoader';
    const { x, y } = checkPair(data, where);
    if (!isRecord(options as unknown)) throw new ConfigError('invalid options', { where, argument: 'options', expected: 'an object', got: show(options) });
    const known = ['batchSize', 'shuffle', 'seed', 'dropLast'];
    const o = options as Record<string, unknown>;
    const p: Problem[] = [];
    for (const k of Object.keys(o)) if (!known.includes(k)) p.push({ argument: k, expected: `one of ${known.join(', ')}`, got: 'an unknown option' });
    if (o.batchSize !== undefined) collectNumber(o, 'batchSize', { integer: true, min: 1 }, p);
    if (o.shuffle !== undefined) collectBool(o, 'shuffle', p);
    if (o.dropLast !== undefined) collectBool(o, 'dropLast', p);
    if (o.seed !== undefined && typeof o.seed !== 'bigint' && !Number.isSafeInteger(o.seed))
      p.push({ argument: 'seed', expected: 'a safe integer or a bigint', got: show(o.seed) });
    throwProblems(p, { where });
    this.inputs = x;
    this.targets = y;
    this.batchSize = options.batchSize ?? 1;
    this.shuffle = options.shuffle ?? false;
    this.seed = options.seed ?? 0;
    this.dropLast = options.dropLast ?? false;
  }

  /** Samples in the dataset. */
  get size(): number {
    return this.inputs.shape[0];
  }

  /** Batches per epoch. */
  get length(): number {
    return this.dropLast ? Math.floor(this.size / this.batchSize) : Math.ceil(this.size / this.batchSize);
  }

  /** The sample order of epoch `epoch` (identity when not shuffling). */
  order(epoch: number): Int32Array {
    if (!Number.isSafeInteger(epoch) || epoch < 0)
      throw new ConfigError('invalid epoch', { where: 'DataLoader.order', argument: 'epoch', expected: 'an integer >= 0', got: show(epoch) });
    return this.shuffle ? sampleRng(this.seed, epoch).permutation(this.size) : Int32Array.from({ length: this.size }, (_, i) => i);
  }

  /** The batches of epoch `epoch` (does not advance {@link DataLoader.epoch}). */
  async *batches(epoch: number): AsyncGenerator<Batch> {
    if (this.inputs.isDisposed || this.targets.isDisposed)
      throw new ConfigError('the dataset tensors were disposed', {
        where: 'DataLoader',
        argument: 'data',
        expected: 'live tensors while the loader is used',
        got: 'a disposed tensor',
      });
    const order = this.order(epoch);
    for (let b = 0; b < this.length; b++) {
      const idx = order.subarray(b * this.batchSize, Math.min(this.size, (b + 1) * this.batchSize));
      yield tf.tidy(() => {
        const i = tf.tensor1d(idx, 'int32');
        return { x: tf.gather(this.inputs, i), y: tf.gather(this.targets, i) };
      });
    }
  }

  /** One epoch: the batches of {@link DataLoader.epoch}, which then counts up. */
  [Symbol.asyncIterator](): AsyncIterator<Batch> {
    return this.batches(this.epoch++);
  }
}

/** Options of {@link trainTestSplit} (sklearn's `train_test_split`). */
export interface TrainTestSplitOptions {
  /** Test share in (0, 1) or a count of samples. Default 0.25 (sklearn's). */
  testSize?: number;
  /** Shuffle before splitting. Default true. */
  shuffle?: boolean;
  /** Seed of the shuffle. Default 0. */
  seed?: number | bigint;
}

/**
 * Splits `{x, y}` into train and test sets (sklearn's `train_test_split`: `ceil(testSize * n)` test
 * samples, shuffled by `seed` unless `shuffle: false`). Returns new tensors; the inputs stay the caller's.
 *
 * @example
 * const { train, test } = trainTestSplit({ x, y }, { testSize: 0.2, seed: 0 });
 */
export function trainTestSplit(
  data: { x: tf.Tensor; y: tf.Tensor },
  options: TrainTestSplitOptions = {},
): { train: { x: tf.Tensor; y: tf.Tensor }; test: { x: tf.Tensor; y: tf.Tensor } } {
  const where = 'trainTestSplit';
  const { x, y } = checkPair(data, where);
  if (!isRecord(options as unknown)) throw new ConfigError('invalid options', { where, argument: 'options', expected: 'an object', got: show(options) });
  const n = x.shape[0];
  const testSize = options.testSize ?? 0.25;
  const nTest = Number.isInteger(testSize) && testSize >= 1 ? testSize : Math.ceil(testSize * n);
  if (!(typeof testSize === 'number' && ((testSize > 0 && testSize < 1) || Number.isInteger(testSize))) || nTest < 1 || nTest >= n) {
    throw new ConfigError('invalid testSize', {
      where,
      argument: 'testSize',
      expected: `a share in (0, 1) or a count in 1..${n - 1} leaving both sets non-empty`,
      got: show(testSize),
    });
  }
  const shuffle = options.shuffle ?? true;
  if (typeof shuffle !== 'boolean') throw new ConfigError('invalid option', { where, argument: 'shuffle', expected: 'a boolean', got: show(shuffle) });
  const seed = options.seed ?? 0;
  if (typeof seed !== 'bigint' && !Number.isSafeInteger(seed))
    throw new ConfigError('invalid option', { where, argument: 'seed', expected: 'a safe integer or a bigint', got: show(seed) });
  const order = shuffle ? sampleRng(seed, 0).permutation(n) : Int32Array.from({ length: n }, (_, i) => i);
  const nTrain = n - nTest;
  return tf.tidy(() => {
    const tr = tf.tensor1d(order.subarray(0, nTrain), 'int32');
    const te = tf.tensor1d(order.subarray(nTrain), 'int32');
    return { train: { x: tf.gather(x, tr), y: tf.gather(y, tr) }, test: { x: tf.gather(x, te), y: tf.gather(y, te) } };
  });
}
