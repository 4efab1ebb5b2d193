// The main job (`basiskit` with no arguments, `npm start`): pykan's tutorial on
// f(x, y) = exp(sin(pi x) + y^2) (Liu et al. 2024, "KAN", sec. 3.1; pykan's hello-KAN notebook)
// with an efficient-kan network: train [2, 5, 1] with L-BFGS, grid updates and sparsity
// regularization, prune (up to three rounds), train, fit a library function to every edge
// (auto-symbolic), train the symbolic affine parameters, print the simplified formula and its
// test RMSE, and write the HTML report.
import { join } from 'node:path';
import { initBackend, tf } from '@basiskit/tensor';
import { KAN, type EdgeCurve } from '@basiskit/kan';
import { createDataset, functionSuite } from '@basiskit/datasets';
import { trainPhase, type LossPoint } from './lbfgs_train';
import { saveModel, type ModelConfig } from './model_files';
import { fmt, type Output } from './output';
import { writeReport, type EdgePlot, type NetworkDrawing } from './report';
import { EXIT_INTERRUPTED } from './errors';

/** Options of the main job (the CLI's top-level options). */
export interface MainJobOptions {
  /** L-BFGS steps per training phase. Default 20. */
  steps: number;
  /** Training points. Default 1000 (pykan's create_dataset). */
  nTrain: number;
  /** Test points. Default 1000. */
  nTest: number;
  /** Seed of the data and the initial weights. Default 1. */
  seed: number;
  /** Output folder (report.html, kan.safetensors, kan.json). */
  out: string;
  /** tfjs backend ('wasm' or 'cpu'); default: basiskit's choice. */
  backend?: string;
}

/** pykan's symbolic library for this tutorial (the functions auto_symbolic tries). */
export const MAIN_JOB_LIBRARY = ['x', 'x^2', 'x^3', 'x^4', 'exp', 'log', 'sqrt', 'tanh', 'sin', 'abs'];

const SUITE = 'pykan exp_sin_y2';

const rowsOf = (t: tf.Tensor): number[][] => t.arraySync() as number[][];
const rmse = (pred: number[], truth: number[]) => Math.sqrt(pred.reduce((s, p, i) => s + (p - truth[i]!) ** 2, 0) / pred.length);

/** Runs the main job; returns its summary (also the --json output). */
export async function runMainJob(o: MainJobOptions, out: Output): Promise<Record<string, unknown>> {
  const t0 = performance.now();
  const backend = await initBackend(o.backend ? { backend: o.backend as 'wasm' | 'cpu' } : {});
  const suite = functionSuite(SUITE);
  const variables = suite.variables.map((v) => v.name);
  const data = createDataset(suite, { nTrain: o.nTrain, nTest: o.nTest, seed: o.seed });
  const check = createDataset(suite, { nTrain: 200, nTest: 0, seed: o.seed + 1000 });
  out.info(`basiskit main job: a KAN learns f(${variables.join(', ')}) = ${suite.formula} (@basiskit/datasets '${SUITE}')`);
  out.info(`  ${o.nTrain} training / ${o.nTest} test points, seed ${o.seed}, backend ${backend.name}, ${o.steps} L-BFGS steps per phase`);
  let model = new KAN({ layers: [2, 5, 1], gridSize: 5, splineOrder: 3, seed: o.seed });
  const curve: LossPoint[] = [];
  const x = data.trainInput;
  const y = data.trainLabel;
  // node positions of the original network kept by pruning: kept[l] = original indices of layer l's nodes
  let kept: number[][] = [[0, 1], [0, 1, 2, 3, 4], [0]];
  let initialScales: number[][][] | null = null;
  const interrupted = async (): Promise<never> => {
    const config = mainJobConfig(model, o, { interrupted: true, steps: curve.length });
    const paths = await saveModel(join(o.out, 'interrupted'), model, config);
    out.info(`interrupted: checkpoint saved to ${paths.weights} (+ ${paths.json})`);
    out.result({ interrupted: true, checkpoint: paths });
    process.exit(EXIT_INTERRUPTED);
  };
  try {
    // 1. sparsify with grid updates, prune; up to three rounds until one hidden node remains
    for (let round = 0; round < 3 && model.widths[1]! > 1; round++) {
      if (!(await trainPhase(model, model.parameters(), x, y, { phase: `sparsify ${round + 1}`, steps: o.steps, lamb: 0.01, gridEvery: 5 }, curve, out)))
        await interrupted();
      if (!initialScales) initialScales = edgeScalesOf(model, x);
      const { model: pruned, keptNodes } = model.pruneWithMap({ x });
      kept = kept.map((k, l) => keptNodes[l]!.map((i) => k[i]!));
      model.dispose();
      model = pruned;
      out.info(`  pruned to [${model.widths.join(', ')}]`);
    }
    // 2. train the pruned network
    if (!(await trainPhase(model, model.parameters(), x, y, { phase: 'fine-tune', steps: o.steps, gridEvery: 5 }, curve, out))) await interrupted();
    const numeric = model.layerArray().map((_, l) => model.edgeCurves(l, { samples: 101 }));
    const finalScales = edgeScalesOf(model, x);
    // 3. symbolic: the best library function per edge, then train the affine parameters
    tf.dispose(model.forward(x, { cache: true }));
    const fits = model.autoSymbolic({ maxSamples: 100, lib: MAIN_JOB_LIBRARY });
    model.layerArray().forEach((layer) => layer.clearActivations());
    if (!(await trainPhase(model, model.symbolicParameters(), x, y, { phase: 'symbolic', steps: o.steps }, curve, out))) await interrupted();
    const symbolic = model.layerArray().map((_, l) => model.edgeCurves(l, { samples: 101 }));
    // 4. the formula: simplified, constants refitted on the training data, snapped on held-out data
    const asData = (inp: tf.Tensor, lab: tf.Tensor) => ({ x: rowsOf(inp), y: rowsOf(lab) });
    const formula = model.symbolicFormula({ digits: 4, variables, fit: asData(x, y), snap: asData(check.trainInput, check.trainLabel) });
    const testRows = rowsOf(data.testInput);
    const truth = rowsOf(data.testLabel).map((r) => r[0]!);
    const formulaPred = formula.evaluate(testRows).map((r) => r[0]!);
    const netPred = tf.tidy(() => model.forward(data.testInput).arraySync() as number[][]).map((r) => r[0]!);
    const scale = Math.sqrt(truth.reduce((s, v) => s + v * v, 0) / truth.length);
    const metrics = { formulaRmse: rmse(formulaPred, truth), networkRmse: rmse(netPred, truth), relativeFormulaRmse: rmse(formulaPred, truth) / scale };
    out.info(`recovered formula: f = ${formula.formulas[0]}`);
    out.info(
      `test RMSE (${o.nTest} points): formula ${fmt(metrics.formulaRmse)} (relative ${fmt(metrics.relativeFormulaRmse)}), symbolic network ${fmt(metrics.networkRmse)}`,
    );
    // 5. the checkpoint and the report
    const config = mainJobConfig(model, o, { steps: curve.length });
    config.metrics = metrics;
    config.notes = { formula: formula.formulas[0], latex: formula.latex[0] };
    const paths = await saveModel(join(o.out, 'kan'), model, config);
    const edges: EdgePlot[] = [];
    model.layerArray().forEach((_, l) =>
      numeric[l]!.forEach((c: EdgeCurve, k) => {
        const s = symbolic[l]![k]!;
        const fit = fits.find((f) => f.layer === l && f.i === c.i && f.j === c.j);
        edges.push({
          layer: l,
          i: c.i,
          j: c.j,
          x: Array.from(c.x),
          learned: Array.from(c.y),
          symbolic: Array.from(s.y),
          name: s.symbolic ?? 'numeric',
          r2: fit?.r2 ?? NaN,
        });
      }),
    );
    const network: NetworkDrawing = {
      widths: [2, 5, 1],
      kept,
      initialScales: initialScales ?? [],
      finalScales,
      names: fits.map((f) => ({ layer: f.layer, i: f.i, j: f.j, name: f.name })),
    };
    const seconds = (performance.now() - t0) / 1000;
    const reportPath = join(o.out, 'report.html');
    await writeReport(reportPath, {
      title: `basiskit: a KAN recovers ${suite.formula}`,
      target: suite.formula,
      formula: formula.formulas[0]!,
      latex: formula.latex[0]!,
      widths: model.widths,
      metrics,
      curve,
      edges,
      network,
      test: testRows.map((r, i) => ({ truth: truth[i]!, formula: formulaPred[i]! })),
      facts: { backend: backend.name, seed: o.seed, nTrain: o.nTrain, nTest: o.nTest, stepsPerPhase: o.steps, seconds },
    });
    out.info(`report: ${reportPath}  (model: ${paths.weights})  [${seconds.toFixed(1)} s]`);
    const result = {
      formula: formula.formulas[0],
      latex: formula.latex[0],
      widths: model.widths,
      ...metrics,
      report: reportPath,
      checkpoint: paths,
      backend: backend.name,
      seconds,
      losses: curve.length,
    };
    out.result(result);
    return result;
  } finally {
    model.dispose();
    tf.dispose([data.trainInput, data.trainLabel, data.testInput, data.testLabel, check.trainInput, check.trainLabel, check.testInput, check.testLabel]);
  }
}

/** Edge scales [layer][out][in] of the model on x (pykan's node/edge attribution for the drawing). */
function edgeScalesOf(model: KAN, x: tf.Tensor): number[][][] {
  tf.dispose(model.forward(x, { cache: true }));
  const scales = model.layerArray().map((layer) => tf.tidy(() => layer.edgeScales().arraySync() as number[][]));
  model.layerArray().forEach((layer) => layer.clearActivations());
  return scales;
}

function mainJobConfig(model: KAN, o: MainJobOptions, extra: { interrupted?: boolean; steps: number }): ModelConfig {
  return {
    format: 'basiskit-cli-model',
    version: 1,
    kind: 'kan',
    model: { basis: 'bspline', layers: model.widths, gridSize: 5, splineOrder: 3 },
    data: { suite: SUITE, nTrain: o.nTrain, nTest: o.nTest, seed: o.seed },
    training: { optimizer: 'lbfgs', stepsPerPhase: o.steps, stepsDone: extra.steps, lamb: 0.01, gridEvery: 5, library: MAIN_JOB_LIBRARY },
    ...(extra.interrupted ? { interrupted: true } : {}),
  };
}
