// The playground's data, from @basiskit/datasets: a function suite (createDataset over the entry's
// ranges), a classification set (sklearn-style generators) or an uploaded CSV (parseCsv; the last
// column is the target). Inputs are mapped linearly to [-1, 1] per variable (by the suite's ranges,
// else the training rows' min and max) so every basis sees the range its grid starts on; CSV
// targets are standardised. Plain arrays describe the data to the page.
import { createDataset, functionSuite, makeBlobs, makeCircles, makeMoons, makeSpirals, makeXor, parseCsv, type ClassificationData } from '@basiskit/datasets';
import { ConfigError, createRng, tf } from '@basiskit/tensor';
import type { ClassificationName } from './choices';

/** Where the data come from. */
export type TaskSpec =
  { kind: 'function'; name: string } | { kind: 'classification'; name: ClassificationName } | { kind: 'csv'; text: string; fileName: string };

/** The generators of the classification sets offered. */
const CLASSIFICATION_SETS: Record<ClassificationName, typeof makeMoons> = {
  moons: makeMoons,
  circles: makeCircles,
  spirals: makeSpirals,
  xor: makeXor,
  blobs: makeBlobs,
};

/** Prepared data: tensors the worker owns, and what the page needs to draw them. */
export interface PreparedData {
  task: 'regression' | 'classification';
  /** Input names (after scaling to [-1, 1]). */
  variables: string[];
  nIn: number;
  nOut: number;
  nClasses: number;
  xTrain: tf.Tensor2D;
  yTrain: tf.Tensor2D;
  xTest: tf.Tensor2D;
  yTest: tf.Tensor2D;
  /** For function targets: the target on scaled inputs (surface plots draw it). */
  target?: (rows: number[][]) => number[];
  /** Description shown on the page. */
  label: string;
}

function minMax(data: ArrayLike<number>, rows: number, cols: number): [number, number][] {
  const r: [number, number][] = Array.from({ length: cols }, () => [Infinity, -Infinity]);
  for (let n = 0; n < rows; n++) {
    for (let c = 0; c < cols; c++) {
      const v = data[n * cols + c];
      if (v < r[c][0]) r[c][0] = v;
      if (v > r[c][1]) r[c][1] = v;
    }
  }
  return r.map(([lo, hi]) => (hi - lo > 0 ? [lo, hi] : [lo - 1, hi + 1]));
}

/** Maps columns of x [n, d] from per-column [lo, hi] to [-1, 1]. */
function scaleTo(x: tf.Tensor2D, ranges: readonly (readonly [number, number])[]): tf.Tensor2D {
  return tf.tidy(() => {
    const lo = tf.tensor1d(ranges.map((r) => r[0]));
    const span = tf.tensor1d(ranges.map((r) => r[1] - r[0]));
    return tf.sub(tf.mul(tf.div(tf.sub(x, lo), span), 2), 1) as tf.Tensor2D;
  });
}

/** Builds the data of a task (seeded). */
export function prepareData(spec: TaskSpec, seed: number): PreparedData {
  if (spec.kind === 'function') {
    const suite = functionSuite(spec.name);
    const d = createDataset(suite, { nTrain: 1000, nTest: 400, seed });
    const ranges = suite.ranges;
    const out: PreparedData = {
      task: 'regression',
      variables: suite.variables.map((v) => v.name),
      nIn: suite.nVar,
      nOut: 1,
      nClasses: 0,
      xTrain: scaleTo(d.trainInput, ranges),
      yTrain: d.trainLabel,
      xTest: scaleTo(d.testInput, ranges),
      yTest: d.testLabel,
      target: (rows) => rows.map((r) => suite.f(...r.map((v, i) => ranges[i][0] + ((v + 1) / 2) * (ranges[i][1] - ranges[i][0])))),
      label: `${suite.name}: ${suite.output} = ${suite.formula}`,
    };
    tf.dispose([d.trainInput, d.testInput]);
    return out;
  }
  if (spec.kind === 'classification') {
    const make = CLASSIFICATION_SETS[spec.name];
    if (!make)
      throw new ConfigError('unknown classification set', {
        where: 'playground',
        argument: 'name',
        expected: Object.keys(CLASSIFICATION_SETS).join(', '),
        got: String(spec.name),
      });
    const n = 600;
    const data: ClassificationData =
      spec.name === 'blobs'
        ? makeBlobs({ nSamples: n, centers: 3, clusterStd: 1.5, seed, oneHot: true })
        : make({ nSamples: n, noise: spec.name === 'xor' ? 0.05 : 0.12, seed, oneHot: true });
    const nClasses = data.y.shape[1] as number;
    const ranges = minMax(data.x.dataSync(), n, 2);
    const xs = scaleTo(data.x, ranges);
    const nTrain = 400;
    const out: PreparedData = {
      task: 'classification',
      variables: ['x_1', 'x_2'],
      nIn: 2,
      nOut: nClasses,
      nClasses,
      xTrain: tf.slice(xs, [0, 0], [nTrain, -1]),
      yTrain: tf.slice(data.y, [0, 0], [nTrain, -1]) as tf.Tensor2D,
      xTest: tf.slice(xs, [nTrain, 0], [-1, -1]),
      yTest: tf.slice(data.y, [nTrain, 0], [-1, -1]) as tf.Tensor2D,
      label: `${spec.name}: ${n} points, ${nClasses} classes`,
    };
    tf.dispose([data.x, data.y, xs]);
    return out;
  }
  const table = parseCsv(spec.text, { name: spec.fileName });
  const cols = table.columns.length;
  if (cols < 2 || table.rows < 10) {
    throw new ConfigError('CSV too small', {
      where: 'playground',
      argument: spec.fileName,
      expected: 'at least 2 numeric columns and 10 rows',
      got: `${cols} columns, ${table.rows} rows`,
    });
  }
  // every 5th row (in a seeded order) is a test row
  const order = Array.from({ length: table.rows }, (_, i) => i);
  const rng = createRng(seed);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rng.uniform() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const pick = (rows: number[], from: number, to: number) => {
    const a = new Float32Array(rows.length * (to - from));
    rows.forEach((r, n) => {
      for (let c = from; c < to; c++) a[n * (to - from) + c - from] = table.data[r * cols + c];
    });
    return a;
  };
  const testRows = order.filter((_, k) => k % 5 === 0);
  const trainRows = order.filter((_, k) => k % 5 !== 0);
  const nIn = cols - 1;
  const xTrainRaw = pick(trainRows, 0, nIn);
  const yTrainRaw = pick(trainRows, nIn, cols);
  const ranges = minMax(xTrainRaw, trainRows.length, nIn);
  let mean = 0;
  for (const v of yTrainRaw) mean += v / yTrainRaw.length;
  let variance = 0;
  for (const v of yTrainRaw) variance += (v - mean) ** 2 / Math.max(1, yTrainRaw.length - 1);
  const std = Math.sqrt(variance) || 1;
  const ys = (a: Float32Array) =>
    tf.tensor2d(
      a.map((v) => (v - mean) / std),
      [a.length, 1],
    );
  const xTrain = tf.tensor2d(xTrainRaw, [trainRows.length, nIn]);
  const xTest = tf.tensor2d(pick(testRows, 0, nIn), [testRows.length, nIn]);
  const out: PreparedData = {
    task: 'regression',
    variables: table.columns.slice(0, nIn),
    nIn,
    nOut: 1,
    nClasses: 0,
    xTrain: scaleTo(xTrain, ranges),
    yTrain: ys(yTrainRaw),
    xTest: scaleTo(xTest, ranges),
    yTest: ys(pick(testRows, nIn, cols)),
    label: `${spec.fileName}: ${table.rows} rows, target ${table.columns[nIn]} (standardised)`,
  };
  tf.dispose([xTrain, xTest]);
  return out;
}
