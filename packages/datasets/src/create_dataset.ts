// createDataset: pykan's `kan.utils.create_dataset(f, n_var, ranges, train_num, test_num,
// normalize_input, normalize_label, seed)` -- inputs drawn uniformly in per-variable ranges (one
// column at a time, train then test), labels f(x) as [n, k] (a rank-1 result becomes [n, 1]),
// optional standardisation by the training set's mean and unbiased std (torch.std), applied to both
// splits. Added here: seeded by basiskit's RNG (same seed -> same data on every backend), Gaussian
// label noise on the training split, a clear error when f returns non-finite values.
import {
  ConfigError,
  ShapeError,
  checkOptions,
  collectBool,
  collectNumber,
  createRng,
  formatShape,
  show,
  tf,
  throwProblems,
  type Problem,
} from '@basiskit/tensor';

/** A target function: inputs `[n, nVar]` (float32) to labels `[n]` or `[n, k]`. */
export type DatasetFunction = (x: tf.Tensor2D) => tf.Tensor;

/** A target with its own variable count and ranges (a named suite entry, see `functionSuite`). */
export interface DatasetSpec {
  /** The target function. */
  fn: DatasetFunction;
  /** Number of input variables. */
  nVar: number;
  /** Range of each variable, `[low, high]` per variable. */
  ranges: readonly (readonly [number, number])[];
}

/** Options of {@link createDataset} (pykan's `create_dataset` arguments in camelCase). */
export interface CreateDatasetOptions {
  /** Number of input variables. Default 2 (pykan's `n_var`), or the spec's when given a {@link DatasetSpec}. */
  nVar?: number;
  /**
   * Input ranges: one `[low, high]` for every variable, or one per variable. Default `[-1, 1]`, or
   * the spec's when given a {@link DatasetSpec}.
   */
  ranges?: readonly [number, number] | readonly (readonly [number, number])[];
  /** Number of training samples. Default 1000. */
  nTrain?: number;
  /** Number of test samples (may be 0). Default 1000. */
  nTest?: number;
  /** Seed (a safe integer or a bigint). Default 0, as pykan. */
  seed?: number | bigint;
  /**
   * Standard deviation of Gaussian noise added to the training labels (before normalisation).
   * The test labels stay exact, so test error measures the fit to `fn`. Default 0.
   */
  noise?: number;
  /** Standardise inputs by the training inputs' per-column mean and unbiased std. Default false. */
  normalizeInput?: boolean;
  /** Standardise labels by the training labels' per-column mean and unbiased std. Default false. */
  normalizeLabel?: boolean;
}

/** The statistics a normalised dataset was standardised with (`(v - mean) / std`, per column). */
export interface DatasetNormalization {
  /** Per-variable mean of the raw training inputs (with `normalizeInput`). */
  inputMean?: number[];
  /** Per-variable unbiased std of the raw training inputs (with `normalizeInput`). */
  inputStd?: number[];
  /** Per-output mean of the raw training labels (with `normalizeLabel`). */
  labelMean?: number[];
  /** Per-output unbiased std of the raw training labels (with `normalizeLabel`). */
  labelStd?: number[];
}

/** What {@link createDataset} returns: float32 tensors the caller disposes. */
export interface FunctionDataset {
  /** `[nTrain, nVar]`. */
  trainInput: tf.Tensor2D;
  /** `[nTrain, k]`. */
  trainLabel: tf.Tensor2D;
  /** `[nTest, nVar]`. */
  testInput: tf.Tensor2D;
  /** `[nTest, k]`. */
  testLabel: tf.Tensor2D;
  /** Present when `normalizeInput` or `normalizeLabel` is set. */
  normalization?: DatasetNormalization;
}

const KNOWN = ['nVar', 'ranges', 'nTrain', 'nTest', 'seed', 'noise', 'normalizeInput', 'normalizeLabel'];
const WHERE = 'createDataset';

function isPair(r: unknown): r is [number, number] {
  return Array.isArray(r) && r.length === 2 && r.every((v) => typeof v === 'number' && Number.isFinite(v)) && r[0] <= r[1];
}

function resolveRanges(ranges: unknown, nVar: number): [number, number][] {
  if (isPair(ranges)) return Array.from({ length: nVar }, () => [ranges[0], ranges[1]]);
  if (Array.isArray(ranges) && ranges.length === nVar && ranges.every(isPair)) return ranges.map((r: [number, number]) => [r[0], r[1]]);
  throw new ConfigError('invalid ranges', {
    where: WHERE,
    argument: 'ranges',
    expected: `[low, high] or ${nVar} such pairs (finite, low <= high)`,
    got: show(ranges),
  });
}

function isSpec(v: unknown): v is DatasetSpec {
  return typeof v === 'object' && v !== null && typeof (v as DatasetSpec).fn === 'function';
}

/** Column means and unbiased stds of a row-major `[n, c]` array (float64 sums). */
function columnStats(data: Float32Array, n: number, c: number, argument: string): { mean: number[]; std: number[] } {
  const mean = new Array<number>(c).fill(0);
  const std = new Array<number>(c).fill(0);
  for (let i = 0; i < n; i++) for (let j = 0; j < c; j++) mean[j] += data[i * c + j];
  for (let j = 0; j < c; j++) mean[j] /= n;
  for (let i = 0; i < n; i++) for (let j = 0; j < c; j++) std[j] += (data[i * c + j] - mean[j]) ** 2;
  for (let j = 0; j < c; j++) {
    std[j] = Math.sqrt(std[j] / (n - 1));
    if (!(std[j] > 0)) {
      throw new ConfigError('cannot standardise a constant column', {
        where: WHERE,
        argument,
        expected: 'a column with nonzero spread',
        got: `column ${j} constant`,
      });
    }
  }
  return { mean, std };
}

function standardise(data: Float32Array, c: number, mean: number[], std: number[]): void {
  for (let i = 0; i < data.length; i++) data[i] = (data[i] - mean[i % c]) / std[i % c];
}

/** Evaluates `fn` on `x` and returns its labels as a row-major `[n, k]` float32 array. */
function evaluate(fn: DatasetFunction, x: tf.Tensor2D, split: string): { data: Float32Array; k: number } {
  const n = x.shape[0];
  const y = tf.tidy(() => fn(x));
  if (!(y instanceof tf.Tensor))
    throw new ConfigError('fn did not return a tensor', { where: WHERE, argument: 'fn', expected: 'a tf.Tensor [n] or [n, k]', got: show(y) });
  try {
    if (!((y.rank === 1 || y.rank === 2) && y.shape[0] === n) || (y.rank === 2 && (y.shape[1] ?? 0) < 1)) {
      throw new ShapeError(`fn returned the wrong shape on the ${split} inputs`, {
        where: WHERE,
        argument: 'fn',
        expected: `[${n}] or [${n}, k]`,
        got: formatShape(y.shape),
      });
    }
    const k = y.rank === 1 ? 1 : (y.shape[1] as number);
    const data = Float32Array.from(y.dataSync());
    const bad = data.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) {
      const nVar = x.shape[1];
      const row = Array.from(x.dataSync().slice(Math.floor(bad / k) * nVar, (Math.floor(bad / k) + 1) * nVar));
      throw new ConfigError(`fn returned a non-finite value on the ${split} inputs`, {
        where: WHERE,
        argument: 'fn',
        expected: 'finite labels',
        got: `${data[bad]} at input ${show(row)}`,
      });
    }
    return { data, k };
  } finally {
    y.dispose();
  }
}

/**
 * Makes a function-fitting dataset the way pykan's `create_dataset` does: `nTrain` and `nTest`
 * inputs drawn uniformly in `ranges` (column by column, the training column then the test
 * column), labels `fn(x)` reshaped to `[n, k]`, optionally standardised by the training split's
 * statistics. `fn` may also be a {@link DatasetSpec} (a named suite such as `feynman['I.6.2']`),
 * whose `nVar` and `ranges` are then the defaults. Seeded: the same seed gives the same data.
 * Returns float32 tensors; the caller disposes them.
 *
 * @example
 * const { trainInput, trainLabel } = createDataset((x) => tf.exp(tf.add(tf.sin(tf.mul(Math.PI, x.slice([0, 0], [-1, 1]))), tf.square(x.slice([0, 1], [-1, 1])))), { nVar: 2, seed: 0 });
 */
export function createDataset(fn: DatasetFunction | DatasetSpec, options?: CreateDatasetOptions): FunctionDataset {
  const spec = isSpec(fn) ? fn : undefined;
  const target = spec ? spec.fn : fn;
  if (typeof target !== 'function') {
    throw new ConfigError('invalid target', {
      where: WHERE,
      argument: 'fn',
      expected: 'a function [n, nVar] -> [n] or [n, k], or a suite entry',
      got: show(fn),
    });
  }
  const o = checkOptions(options, { where: WHERE, known: KNOWN }) as Record<string, unknown>;
  const p: Problem[] = [];
  if ('nVar' in o) collectNumber(o, 'nVar', { integer: true, min: 1 }, p);
  if ('nTrain' in o) collectNumber(o, 'nTrain', { integer: true, min: 1 }, p);
  if ('nTest' in o) collectNumber(o, 'nTest', { integer: true, min: 0 }, p);
  if ('noise' in o) collectNumber(o, 'noise', { min: 0 }, p);
  if ('normalizeInput' in o) collectBool(o, 'normalizeInput', p);
  if ('normalizeLabel' in o) collectBool(o, 'normalizeLabel', p);
  const seed = o.seed ?? 0;
  if (!(typeof seed === 'bigint' || (typeof seed === 'number' && Number.isSafeInteger(seed))))
    p.push({ argument: 'seed', expected: 'a safe integer or a bigint', got: show(seed) });
  throwProblems(p, { where: WHERE });
  const nVar = (o.nVar as number | undefined) ?? spec?.nVar ?? 2;
  if (spec && nVar !== spec.nVar)
    throw new ConfigError('nVar differs from the suite', { where: WHERE, argument: 'nVar', expected: String(spec.nVar), got: String(nVar) });
  const ranges = resolveRanges(o.ranges ?? spec?.ranges ?? [-1, 1], nVar);
  const nTrain = (o.nTrain as number | undefined) ?? 1000;
  const nTest = (o.nTest as number | undefined) ?? 1000;
  const noise = (o.noise as number | undefined) ?? 0;
  const normalizeInput = (o.normalizeInput as boolean | undefined) ?? false;
  const normalizeLabel = (o.normalizeLabel as boolean | undefined) ?? false;
  if ((normalizeInput || normalizeLabel) && nTrain < 2) {
    throw new ConfigError('cannot standardise one sample', {
      where: WHERE,
      argument: 'nTrain',
      expected: '>= 2 with normalizeInput or normalizeLabel',
      got: String(nTrain),
    });
  }

  // inputs: column by column, train then test (pykan's order), rounded to float32
  const rng = createRng(seed as number | bigint);
  const trainX = new Float32Array(nTrain * nVar);
  const testX = new Float32Array(nTest * nVar);
  for (let j = 0; j < nVar; j++) {
    const [lo, hi] = ranges[j];
    for (let i = 0; i < nTrain; i++) trainX[i * nVar + j] = lo + (hi - lo) * rng.uniform();
    for (let i = 0; i < nTest; i++) testX[i * nVar + j] = lo + (hi - lo) * rng.uniform();
  }
  const trainInputRaw = tf.tensor2d(trainX, [nTrain, nVar]);
  const testInputRaw = tf.tensor2d(testX, [nTest, nVar]);
  let train: { data: Float32Array; k: number };
  let test: { data: Float32Array; k: number };
  try {
    train = evaluate(target, trainInputRaw, 'training');
    test = nTest > 0 ? evaluate(target, testInputRaw, 'test') : { data: new Float32Array(0), k: train.k };
    if (test.k !== train.k) {
      throw new ShapeError('fn returned different label widths on the two splits', {
        where: WHERE,
        argument: 'fn',
        expected: `k = ${train.k}`,
        got: `k = ${test.k}`,
      });
    }
  } finally {
    trainInputRaw.dispose();
    testInputRaw.dispose();
  }
  const k = train.k;
  if (noise > 0) for (let i = 0; i < train.data.length; i++) train.data[i] += noise * rng.normal();

  const normalization: DatasetNormalization = {};
  if (normalizeInput) {
    const { mean, std } = columnStats(trainX, nTrain, nVar, 'normalizeInput');
    standardise(trainX, nVar, mean, std);
    standardise(testX, nVar, mean, std);
    normalization.inputMean = mean;
    normalization.inputStd = std;
  }
  if (normalizeLabel) {
    const { mean, std } = columnStats(train.data, nTrain, k, 'normalizeLabel');
    standardise(train.data, k, mean, std);
    standardise(test.data, k, mean, std);
    normalization.labelMean = mean;
    normalization.labelStd = std;
  }
  return {
    trainInput: tf.tensor2d(trainX, [nTrain, nVar]),
    trainLabel: tf.tensor2d(train.data, [nTrain, k]),
    testInput: tf.tensor2d(testX, [nTest, nVar]),
    testLabel: tf.tensor2d(test.data, [nTest, k]),
    ...(normalizeInput || normalizeLabel ? { normalization } : {}),
  };
}
