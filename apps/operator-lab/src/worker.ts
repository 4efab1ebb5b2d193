// The operator lab's worker: generates Burgers or Darcy data with @basiskit/datasets' solvers at
// twice the training resolution, trains a small FNO (@basiskit/fourier-operators) on every other
// grid point with Adam and neuraloperator's relative L2 loss (@basiskit/training's LpLoss), and
// evaluates the same network on the full grid: zero-shot super-resolution (Li et al., FNO, sec. 5.4).
//   Burgers: u0 -> u(t = 1), nu = 0.01, solved on 256 points (ETDRK4), kept at 128; train on 64.
//   Darcy:   a -> u, -div(a grad u) = 1 on 65 x 65 nodes; train on the 33 x 33 nodes of every other one.
// Inputs are standardised by the training mean and std, outputs scaled by the training std.
import { generateBurgers, generateDarcy } from '@basiskit/datasets';
import { FNO } from '@basiskit/fourier-operators';
import { postSnapshot, serveRequests, startWorkerBackend } from '@basiskit/app-shell/worker';
import { createRng, tf } from '@basiskit/tensor';
import { LpLoss } from '@basiskit/training';
import type { FieldSet, GenerateArgs, GenerateSummary, LossPoint, ModelArgs, Request, Snapshot } from './protocol';

/** Test samples shown as rows of the 1-D heatmaps. */
const ROWS_1D = 16;

interface Data {
  problem: GenerateArgs['problem'];
  dims: 1 | 2;
  /** [N, 1, ...] at the training resolution, normalised. */
  xTrain: tf.Tensor;
  yTrain: tf.Tensor;
  xTest: tf.Tensor;
  yTest: tf.Tensor;
  /** The test set at twice the resolution. */
  xTestHi: tf.Tensor;
  yTestHi: tf.Tensor;
  summary: GenerateSummary;
}

let data: Data | null = null;
let model: FNO | null = null;
let modelArgs: ModelArgs | null = null;
let optimizer: tf.Optimizer | null = null;
let losses: LossPoint[] = [];
let step = 0;
let msPerStep = 0;
let stopRequested = false;
const lp = { 1: new LpLoss({ d: 1, p: 2, reduction: 'mean' }), 2: new LpLoss({ d: 2, p: 2, reduction: 'mean' }) };

function need<T>(v: T | null, what: string): T {
  if (v === null) throw new Error(`${what}: ${what === 'build' || what === 'train' ? 'generate data first' : 'not ready'}`);
  return v;
}

/** Every other point along each spatial axis of [N, C, ...spatial]. */
function everyOther(t: tf.Tensor, dims: 1 | 2): tf.Tensor {
  const begin = Array(t.rank).fill(0);
  const end = t.shape.slice();
  const strides = [1, 1, ...Array(dims).fill(2)];
  return tf.stridedSlice(t, begin, end, strides);
}

function generate(args: GenerateArgs): GenerateSummary {
  const t0 = performance.now();
  const count = args.nTrain + args.nTest;
  const dims = args.problem === 'burgers' ? 1 : 2;
  const raw =
    args.problem === 'burgers'
      ? generateBurgers({ count, seed: args.seed, resolution: 256, subsample: 2, nu: 0.01, dt: 0.01 })
      : generateDarcy({ count, seed: args.seed, resolution: 65 });
  const next = tf.tidy(() => {
    const xHi = tf.expandDims(raw.x, 1); // [N, 1, ...]
    const yHi = tf.expandDims(raw.y, 1);
    const split = (t: tf.Tensor) => [tf.slice(t, 0, args.nTrain), tf.slice(t, args.nTrain)];
    const [xTrainHi, xTestHi] = split(xHi);
    const [yTrainHi, yTestHi] = split(yHi);
    const xTrainRaw = everyOther(xTrainHi, dims);
    const yTrainRaw = everyOther(yTrainHi, dims);
    const { mean, variance } = tf.moments(xTrainRaw);
    const xStd = tf.sqrt(tf.add(variance, 1e-12));
    const yStd = tf.sqrt(tf.add(tf.moments(yTrainRaw).variance, 1e-12));
    const nx = (t: tf.Tensor) => tf.div(tf.sub(t, mean), xStd);
    const ny = (t: tf.Tensor) => tf.div(t, yStd);
    return {
      xTrain: nx(xTrainRaw),
      yTrain: ny(yTrainRaw),
      xTest: nx(everyOther(xTestHi, dims)),
      yTest: ny(everyOther(yTestHi, dims)),
      xTestHi: nx(xTestHi),
      yTestHi: ny(yTestHi),
    };
  });
  tf.dispose([raw.x, raw.y]);
  if (data) tf.dispose([data.xTrain, data.yTrain, data.xTest, data.yTest, data.xTestHi, data.yTestHi]);
  const summary: GenerateSummary = {
    problem: args.problem,
    nTrain: args.nTrain,
    nTest: args.nTest,
    trainResolution: next.xTrain.shape[2] as number,
    superResolution: next.xTestHi.shape[2] as number,
    ms: performance.now() - t0,
  };
  data = { problem: args.problem, dims, ...next, summary };
  model?.dispose();
  model = null;
  return summary;
}

function build(args: ModelArgs): Snapshot {
  const d = need(data, 'build');
  model?.dispose();
  optimizer?.dispose();
  model = new FNO({ nModes: Array(d.dims).fill(args.modes), inChannels: 1, outChannels: 1, hiddenChannels: args.width, nLayers: args.layers, seed: args.seed });
  optimizer = tf.train.adam(args.learningRate);
  modelArgs = args;
  losses = [];
  step = 0;
  msPerStep = 0;
  return snapshot();
}

function relL2(pred: tf.Tensor, y: tf.Tensor, dims: 1 | 2): tf.Scalar {
  return lp[dims].rel(pred, y);
}

function fieldsOf(x: tf.Tensor, y: tf.Tensor, pred: tf.Tensor, dims: 1 | 2): FieldSet {
  // 1-D: the first test samples as rows; 2-D: the first test sample
  const take = (t: tf.Tensor) =>
    tf.tidy(() =>
      dims === 1 ? tf.reshape(tf.slice(t, 0, Math.min(ROWS_1D, t.shape[0])), [-1, t.shape[2] as number]) : tf.reshape(tf.slice(t, 0, 1), t.shape.slice(2)),
    );
  const [xi, yi, pi] = [take(x), take(y), take(pred)];
  const err = tf.sub(pi, yi);
  const out: FieldSet = {
    rows: xi.shape[0],
    cols: xi.shape[1] as number,
    input: Array.from(xi.dataSync()),
    truth: Array.from(yi.dataSync()),
    prediction: Array.from(pi.dataSync()),
    error: Array.from(err.dataSync()),
  };
  tf.dispose([xi, yi, pi, err]);
  return out;
}

function snapshot(): Snapshot {
  const d = need(data, 'snapshot');
  const m = need(model, 'snapshot');
  const pred = m.forward(d.xTest);
  const predHi = m.forward(d.xTestHi);
  const [e, eHi] = tf.tidy(() => [relL2(pred, d.yTest, d.dims), relL2(predHi, d.yTestHi, d.dims)]);
  const testError = e.dataSync()[0];
  const superResolutionError = eHi.dataSync()[0];
  losses.push({ step, split: 'test', loss: testError }, { step, split: 'test at 2x resolution', loss: superResolutionError });
  const out: Snapshot = {
    step,
    problem: d.problem,
    parameters: m.numParameters(),
    losses: losses.slice(),
    testError,
    superResolutionError,
    trainResolution: d.summary.trainResolution,
    superResolution: d.summary.superResolution,
    fields: fieldsOf(d.xTest, d.yTest, pred, d.dims),
    superFields: fieldsOf(d.xTestHi, d.yTestHi, predHi, d.dims),
    msPerStep,
  };
  tf.dispose([pred, predHi, e, eHi]);
  return out;
}

async function train(steps: number, every: number): Promise<Snapshot> {
  const d = need(data, 'train');
  const m = need(model, 'train');
  const opt = need(optimizer, 'train');
  const batch = Math.min(need(modelArgs, 'train').batchSize, d.summary.nTrain);
  const rng = createRng(step + 1);
  const vars = m.trainableVariables();
  stopRequested = false;
  const t0 = performance.now();
  let done = 0;
  for (let s = 0; s < steps && !stopRequested; s++) {
    const idx = tf.tensor1d(
      Array.from({ length: batch }, () => Math.floor(rng.uniform() * d.summary.nTrain)),
      'int32',
    );
    const loss = opt.minimize(() => tf.tidy(() => relL2(m.forward(tf.gather(d.xTrain, idx)), tf.gather(d.yTrain, idx), d.dims)), true, vars);
    idx.dispose();
    const value = loss!.dataSync()[0];
    loss!.dispose();
    step += 1;
    done += 1;
    losses.push({ step, split: 'train', loss: value });
    if (step % every === 0 && s < steps - 1) {
      msPerStep = (performance.now() - t0) / done;
      postSnapshot(snapshot());
      await new Promise((r) => setTimeout(r, 0));
    }
  }
  msPerStep = done ? (performance.now() - t0) / done : msPerStep;
  return snapshot();
}

async function handle(req: Request): Promise<unknown> {
  switch (req.cmd) {
    case 'init':
      return startWorkerBackend(req.backend);
    case 'generate':
      return generate(req.args);
    case 'build':
      return build(req.args);
    case 'train':
      return train(req.steps, Math.max(1, req.every));
    case 'stop':
      stopRequested = true;
      return null;
  }
}

serveRequests(handle);
