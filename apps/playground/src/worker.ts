// The playground's training worker: holds the data and the network, trains with Adam (full batch)
// and posts snapshots (losses, every edge's curve, the fit or decision surface) while it trains, so
// the page stays responsive. B-spline networks also take pykan's tools: grid refinement, pruning
// and symbolic fitting. Models cross to the page as safetensors bytes (tensor's saveSafetensors /
// loadSafetensors), with the architecture in the file's metadata.
import { KAN, symbolicNames } from '@basiskit/kan';
import { postSnapshot, serveRequests, startWorkerBackend } from '@basiskit/app-shell/worker';
import { loadSafetensors, readSafetensorsHeader, saveSafetensors, tf } from '@basiskit/tensor';
import { functionSuiteNames } from '@basiskit/datasets';
import { prepareData, type PreparedData } from './data';
import { buildNetwork, edgePlots, efficientKanConfig, type ModelConfig, type Network } from './models';
import type { BackendSummary, LossPoint, Request, SetupArgs, Snapshot, Surface, SymbolicResult } from './protocol';

const SURFACE_N = 40;
const CONFIG_KEY = 'basiskit.playground.config';
/** Symbolic fitting in the page: pykan's common functions and a coarser (a, b) search than pykan's 101x101x3, ~1 s for 15 edges. */
const SYMBOLIC_LIB = ['x', 'x^2', 'x^3', 'x^4', 'exp', 'sin', 'tanh', 'sqrt', 'log', 'abs', '0'].filter((n) => symbolicNames.includes(n));
const SYMBOLIC_SEARCH = { gridNumber: 31, iteration: 2, maxSamples: 128 };

let data: PreparedData | null = null;
let model: Network | null = null;
let config: ModelConfig | null = null;
let setup: SetupArgs | null = null;
let optimizer: tf.Optimizer | null = null;
let losses: LossPoint[] = [];
let step = 0;
let msPerStep = 0;
let stopRequested = false;

function need<T>(v: T | null, what: string): T {
  if (v === null) throw new Error(`${what}: build a model first`);
  return v;
}

async function startBackend(requested?: string): Promise<BackendSummary> {
  return { ...(await startWorkerBackend(requested)), functions: functionSuiteNames() };
}

function resetOptimizer(): void {
  optimizer?.dispose();
  optimizer = tf.train.adam(need(setup, 'train').learningRate);
}

function replaceModel(next: Network, nextConfig: ModelConfig): void {
  model?.dispose();
  model = next;
  config = nextConfig;
  resetOptimizer();
}

function lossOf(pred: tf.Tensor, y: tf.Tensor, task: PreparedData['task']): tf.Scalar {
  return task === 'classification' ? tf.losses.softmaxCrossEntropy(y, pred) : tf.losses.meanSquaredError(y, pred);
}

/** Test RMSE or accuracy of predictions [n, out] against the test labels. */
function metricOf(pred: tf.Tensor, d: PreparedData): { name: string; value: number } {
  const v = tf.tidy(() =>
    d.task === 'classification'
      ? tf.mean(tf.cast(tf.equal(tf.argMax(pred, 1), tf.argMax(d.yTest, 1)), 'float32'))
      : tf.sqrt(tf.losses.meanSquaredError(d.yTest, pred)),
  );
  const value = v.dataSync()[0];
  v.dispose();
  return { name: d.task === 'classification' ? 'test accuracy' : 'test RMSE', value };
}

function gridRows(n: number): number[][] {
  const rows: number[][] = [];
  for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) rows.push([-1 + (2 * c) / (n - 1), 1 - (2 * r) / (n - 1)]);
  return rows;
}

function predictRows(rows: number[][]): { values: Float32Array; cols: number } {
  const m = need(model, 'predict');
  const out = tf.tidy(() => m.forward(tf.tensor2d(rows)));
  const values = out.dataSync() as Float32Array;
  const cols = out.shape[1] as number;
  out.dispose();
  return { values, cols };
}

function surfaceOf(d: PreparedData): Surface {
  if (d.task === 'classification') {
    const rows = gridRows(SURFACE_N);
    const probs = tf.tidy(() => tf.softmax(need(model, 'surface').forward(tf.tensor2d(rows))));
    const p = probs.dataSync();
    const k = probs.shape[1] as number;
    probs.dispose();
    const cls: number[] = [];
    const confidence: number[] = [];
    for (let n = 0; n < rows.length; n++) {
      let best = 0;
      for (let c = 1; c < k; c++) if (p[n * k + c] > p[n * k + best]) best = c;
      cls.push(best);
      confidence.push(p[n * k + best]);
    }
    const x = d.xTest.arraySync();
    const y = tf.tidy(() => tf.argMax(d.yTest, 1)).arraySync() as number[];
    return { kind: 'decision', n: SURFACE_N, cls, confidence, points: x.map((r, n) => ({ x1: r[0], x2: r[1], label: y[n] })) };
  }
  if (d.nIn === 1) {
    const xs = Array.from({ length: 200 }, (_, s) => -1 + (2 * s) / 199);
    const pred = Array.from(predictRows(xs.map((v) => [v])).values);
    const tx = d.xTrain.dataSync();
    const ty = d.yTrain.dataSync();
    const points = Array.from({ length: Math.min(200, tx.length) }, (_, n) => ({ x: tx[n], y: ty[n] }));
    return { kind: 'curve', x: xs, pred, truth: d.target ? d.target(xs.map((v) => [v])) : [], points };
  }
  if (d.nIn === 2 && d.target) {
    const rows = gridRows(SURFACE_N);
    return { kind: 'grid', n: SURFACE_N, pred: Array.from(predictRows(rows).values), truth: d.target(rows) };
  }
  const pred = tf.tidy(() => need(model, 'surface').forward(d.xTest));
  const out: Surface = { kind: 'scatter', truth: Array.from(d.yTest.dataSync()), pred: Array.from(pred.dataSync()) };
  pred.dispose();
  return out;
}

function snapshot(): Snapshot {
  const d = need(data, 'snapshot');
  const m = need(model, 'snapshot');
  const pred = tf.tidy(() => m.forward(d.xTest));
  const testLoss = tf.tidy(() => lossOf(pred, d.yTest, d.task));
  losses.push({ step, split: 'test', loss: testLoss.dataSync()[0] });
  const metric = metricOf(pred, d);
  tf.dispose([pred, testLoss]);
  return {
    step,
    config: { ...need(config, 'snapshot') },
    task: d.task,
    label: d.label,
    variables: d.variables,
    losses: losses.slice(),
    metric,
    edges: edgePlots(m, d.xTrain),
    surface: surfaceOf(d),
    msPerStep,
    parameters: m.numParameters(),
  };
}

function doSetup(args: SetupArgs): Snapshot {
  // the data stay the same across model seeds (seed 0), so models built with different seeds compare
  const next = prepareData(args.task, 0);
  if (data) tf.dispose([data.xTrain, data.yTrain, data.xTest, data.yTest]);
  data = next;
  setup = args;
  const c: ModelConfig = { basis: args.basis, widths: [next.nIn, ...args.hidden, next.nOut], gridSize: args.gridSize, seed: args.seed };
  const net = buildNetwork(c);
  // pykan starts by fitting the grids to the data's range
  if (net instanceof KAN) net.updateGrid(next.xTrain);
  replaceModel(net, c);
  losses = [];
  step = 0;
  msPerStep = 0;
  return snapshot();
}

async function doTrain(steps: number, every: number): Promise<Snapshot> {
  const d = need(data, 'train');
  const m = need(model, 'train');
  const opt = need(optimizer, 'train');
  const lamb = need(setup, 'train').lamb;
  const vars = m.trainableVariables();
  stopRequested = false;
  const t0 = performance.now();
  let done = 0;
  for (let s = 0; s < steps && !stopRequested; s++) {
    const loss = opt.minimize(
      () => {
        if (m instanceof KAN && lamb > 0) {
          const base = lossOf(m.forward(d.xTrain, { cache: true }), d.yTrain, d.task);
          return tf.add(base, tf.mul(m.regularizationLoss(), lamb)) as tf.Scalar;
        }
        return lossOf(m.forward(d.xTrain), d.yTrain, d.task);
      },
      true,
      vars,
    );
    const value = loss!.dataSync()[0];
    loss!.dispose();
    step += 1;
    done += 1;
    losses.push({ step, split: 'train', loss: value });
    if (step % every === 0 || s === steps - 1) {
      msPerStep = (performance.now() - t0) / done;
      postSnapshot(snapshot());
      // let 'stop' and other messages in
      await new Promise((r) => setTimeout(r, 0));
    }
  }
  msPerStep = done ? (performance.now() - t0) / done : msPerStep;
  return snapshot();
}

function requireKan(what: string): KAN {
  const m = need(model, what);
  if (!(m instanceof KAN)) throw new Error(`${what} is one of pykan's tools: choose the B-spline basis`);
  return m;
}

function doRefine(gridSize: number): Snapshot {
  const m = requireKan('grid refinement');
  const next = m.refine(gridSize, { x: need(data, 'refine').xTrain });
  replaceModel(next, { ...need(config, 'refine'), gridSize });
  return snapshot();
}

function doPrune(threshold: number): Snapshot {
  const m = requireKan('pruning');
  const next = m.prune({ x: need(data, 'prune').xTrain, threshold });
  replaceModel(next, { ...need(config, 'prune'), widths: next.widths });
  return snapshot();
}

function doSymbolic(): { symbolic: SymbolicResult; snapshot: Snapshot } {
  const m = requireKan('symbolic fitting');
  const d = need(data, 'symbolic');
  const report = m.autoSymbolic({ x: d.xTrain, lib: SYMBOLIC_LIB, ...SYMBOLIC_SEARCH });
  const formula = m.symbolicFormula({ variables: d.variables, digits: 4 });
  const rows = d.xTest.arraySync();
  const values = formula.evaluate(rows);
  const pred = tf.tensor2d(values);
  const metric = metricOf(pred, d);
  pred.dispose();
  return {
    symbolic: { formulas: formula.formulas, latex: formula.latex, edges: report.map(({ layer, i, j, name, r2 }) => ({ layer, i, j, name, r2 })), metric },
    snapshot: snapshot(),
  };
}

function doExport(): Uint8Array {
  const m = need(model, 'export');
  return saveSafetensors(m.stateDict(), { [CONFIG_KEY]: JSON.stringify(need(config, 'export')), 'basiskit.app': '@basiskit/app-playground' });
}

function doImport(bytes: Uint8Array): Snapshot {
  const d = need(data, 'import');
  const header = readSafetensorsHeader(bytes);
  const meta = header.metadata[CONFIG_KEY];
  const shapes = Object.fromEntries(Object.entries(header.tensors).map(([k, v]) => [k, v.shape]));
  const c: ModelConfig | null = meta ? (JSON.parse(meta) as ModelConfig) : efficientKanConfig(shapes, need(config, 'import').seed);
  if (!c)
    throw new Error(
      'import: the file has no playground metadata and is not an efficient-kan KAN checkpoint (layers.<l>.base_weight, layers.<l>.spline_weight)',
    );
  if (c.widths[0] !== d.nIn || c.widths[c.widths.length - 1] !== d.nOut) {
    throw new Error(`import: the model maps ${c.widths[0]} -> ${c.widths[c.widths.length - 1]} features, the data ${d.nIn} -> ${d.nOut}`);
  }
  const dict = loadSafetensors(bytes);
  const net = buildNetwork(c);
  try {
    net.loadStateDict(dict);
  } catch (e) {
    net.dispose();
    throw e;
  } finally {
    tf.dispose(Object.values(dict));
  }
  replaceModel(net, c);
  return snapshot();
}

async function handle(req: Request): Promise<unknown> {
  switch (req.cmd) {
    case 'init':
      return startBackend(req.backend);
    case 'setup':
      return doSetup(req.args);
    case 'train':
      return doTrain(req.steps, Math.max(1, req.every));
    case 'stop':
      stopRequested = true;
      return null;
    case 'refine':
      return doRefine(req.gridSize);
    case 'prune':
      return doPrune(req.threshold);
    case 'symbolic':
      return doSymbolic();
    case 'export':
      return doExport();
    case 'import':
      return doImport(req.bytes);
    case 'predict': {
      const d = need(data, 'predict');
      const p = tf.tidy(() => need(model, 'predict').forward(d.xTest));
      const out = Array.from(p.dataSync());
      p.dispose();
      return out;
    }
  }
}

serveRequests(handle);
