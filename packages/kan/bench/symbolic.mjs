// Benchmark: symbolic regression with the pipeline of src/kan_pipeline.test.ts (pykan's tutorial)
// for model seeds 0-9: train [2, 5, 1] with L-BFGS, grid updates and sparsity regularization,
// prune (up to three rounds), train, autoSymbolic, train the symbolic affine parameters, print
// the formula and its held-out relative RMSE (200 points from another seed); "recovered" means
// < 1e-2. Uses the built dist (run `npx tsup` first). `node bench/symbolic.mjs [target] [seeds]`
// with target one of the suite's names (default `tutorial`) runs one target.
import { KAN } from '@basiskit/kan';
import { createRng, initBackend, tf } from '@basiskit/tensor';
import { LBFGS } from '@basiskit/training';

const target = (x, y) => Math.exp(Math.sin(Math.PI * x) + y * y);

function dataset(n, seed) {
  const u = createRng(seed).uniformTensor([n, 2], -1, 1);
  const rows = u.arraySync();
  u.dispose();
  const labels = rows.map(([a, b]) => target(a, b));
  return { x: tf.tensor2d(rows), y: tf.tensor2d(labels, [n, 1]), rows, labels };
}

function train(model, params, x, y, steps, o = {}) {
  const opt = new LBFGS(params, { lr: 1, historySize: 10, maxIter: 20, toleranceGrad: 1e-32, toleranceChange: 1e-32 });
  const lamb = o.lamb ?? 0;
  let loss = NaN;
  for (let s = 0; s < steps; s++) {
    if (o.gridEvery && s % o.gridEvery === 0) model.updateGrid(x);
    const l = opt.step(() =>
      tf.tidy(() => {
        const mse = tf.mean(tf.square(tf.sub(model.forward(x, { cache: lamb > 0 }), y)));
        return lamb > 0 ? tf.add(mse, tf.mul(lamb, model.regularizationLoss({ lambL1: 1, lambEntropy: 2 }))) : mse;
      }),
    );
    loss = l.dataSync()[0];
    l.dispose();
  }
  opt.dispose();
  return loss;
}

function run(seed) {
  const t0 = performance.now();
  const data = dataset(200, 100 + seed);
  const test = dataset(200, 200 + seed);
  const check = dataset(200, 300 + seed);
  let model = new KAN({ layers: [2, 5, 1], gridSize: 5, splineOrder: 3, seed });
  const lambs = (process.env.LAMBS ?? '0.01,0.01,0.01').split(',').map(Number);
  for (let round = 0; round < lambs.length && model.widths[1] > 1; round++) {
    train(model, model.parameters(), data.x, data.y, 15, { lamb: lambs[round], gridEvery: 5 });
    const pruned = model.prune({ x: data.x });
    model.dispose();
    model = pruned;
  }
  const widths = model.widths;
  train(model, model.parameters(), data.x, data.y, 20, { gridEvery: 5 });
  tf.dispose(model.forward(data.x, { cache: true }));
  model.autoSymbolic({ maxSamples: 100, lib: ['x', 'x^2', 'x^3', 'x^4', 'exp', 'log', 'sqrt', 'tanh', 'sin', 'abs'] });
  train(model, model.symbolicParameters(), data.x, data.y, 20);
  const formula = model.symbolicFormula({
    digits: 4,
    fit: { x: data.rows, y: data.labels.map((v) => [v]) },
    snap: { x: check.rows, y: check.labels.map((v) => [v]) },
  });
  const exact = model
    .symbolicFormula({ digits: 17, simplify: false })
    .evaluate(test.rows)
    .map((r) => r[0]);
  const rawRel = Math.sqrt(
    exact.reduce((s, p, i) => s + (p - test.labels[i]) ** 2, 0) / exact.length / (test.labels.reduce((s, v) => s + v * v, 0) / exact.length),
  );
  const pred = formula.evaluate(test.rows).map((r) => r[0]);
  const rmse = Math.sqrt(pred.reduce((s, p, i) => s + (p - test.labels[i]) ** 2, 0) / pred.length);
  const scale = Math.sqrt(test.labels.reduce((s, v) => s + v * v, 0) / pred.length);
  tf.dispose([data.x, data.y, test.x, test.y, check.x, check.y]);
  model.dispose();
  return { seed, widths, formula: formula.formulas[0], rel: rmse / scale, rawRel, ms: performance.now() - t0 };
}

await initBackend({ backend: 'wasm' });
const seeds = process.argv[3] ? process.argv[3].split(',').map(Number) : [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
let ok = 0;
console.log('| seed | width | held-out rel. RMSE | recovered | time | formula |');
console.log('|---|---|---|---|---|---|');
for (const s of seeds) {
  const r = run(s);
  const rec = r.rel < 1e-2;
  if (rec) ok++;
  console.log(
    `| ${r.seed} | [${r.widths}] | ${r.rel.toExponential(2)} (unrounded ${r.rawRel.toExponential(2)}) | ${rec ? 'yes' : 'no'} | ${(r.ms / 1000).toFixed(1)} s | \`${r.formula}\` |`,
  );
}
console.log(`recovered ${ok}/${seeds.length}; tf tensors alive: ${tf.memory().numTensors}`);
