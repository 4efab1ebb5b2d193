// Benchmark: symbolic regression with the pipeline of src/kan_pipeline.test.ts (pykan's tutorial)
// over a suite of targets from the KAN paper (Liu et al. 2024, sec. 3.1 toy functions and the
// dimensionless Feynman equations of its table 2) and model seeds: train the target's starting
// width with L-BFGS, grid updates and sparsity regularization, prune (up to three rounds, while a
// hidden layer is wider than 1), train, autoSymbolic, train the symbolic affine parameters, print
// the formula and its held-out relative RMSE (200 points from another seed); "recovered" means
// < 1e-2. Uses the built dist (run `npx tsup` first).
//
//   node bench/symbolic.mjs --list
//   node bench/symbolic.mjs --target xy --seeds 0-9      (default: --target tutorial --seeds 0-9)
//   node bench/symbolic.mjs --target all --seeds 0-4     (every target; a summary table at the end)
//   node bench/symbolic.mjs --target xy --layers 2,5,1   (another starting width)
//   LAMBS=0.001,0.001,0.001 / TOPK=3 node bench/symbolic.mjs ...  (sparsity per prune round / top-k edge choice, see README)
//
// The target functions are written here (kan does not depend on @basiskit/datasets).
import { KAN } from '@basiskit/kan';
import { createRng, initBackend, tf } from '@basiskit/tensor';
import { LBFGS } from '@basiskit/training';

const LIB = ['x', 'x^2', 'x^3', 'x^4', 'exp', 'log', 'sqrt', 'tanh', 'sin', 'abs'];
const PI = Math.PI;
const sq = (v) => v * v;

/**
 * The suite: inputs' ranges, starting widths (the KAN paper's / pykan examples' shapes, with room
 * for pruning where they start wider), extra library functions, and the rare option a target
 * needs (J0(20x): a finer grid and an `aRange` that contains 20).
 */
const TARGETS = {
  tutorial: {
    text: 'exp(sin(pi x) + y^2)',
    ranges: [
      [-1, 1],
      [-1, 1],
    ],
    layers: [2, 5, 1],
    f: (x, y) => Math.exp(Math.sin(PI * x) + y * y),
  },
  xy: {
    text: 'x y',
    ranges: [
      [-1, 1],
      [-1, 1],
    ],
    layers: [2, 2, 1],
    f: (x, y) => x * y,
  },
  'x/y': {
    text: 'x / y, x, y in [0.5, 2]',
    ranges: [
      [0.5, 2],
      [0.5, 2],
    ],
    layers: [2, 2, 1],
    lib: ['1/x'],
    f: (x, y) => x / y,
  },
  j0: {
    text: 'J0(20 x)',
    ranges: [[-1, 1]],
    layers: [1, 1],
    gridSize: 40,
    lib: ['J0'],
    symbolic: { aRange: [-25, 25] },
    f: (x) => besselJ0(20 * x),
  },
  '4d': {
    text: 'exp((sin(pi(x1^2+x2^2)) + sin(pi(x3^2+x4^2)))/2)',
    ranges: [
      [-1, 1],
      [-1, 1],
      [-1, 1],
      [-1, 1],
    ],
    layers: [4, 2, 1, 1],
    f: (a, b, c, d) => Math.exp((Math.sin(PI * (a * a + b * b)) + Math.sin(PI * (c * c + d * d))) / 2),
  },
  'I.6.2': {
    text: 'exp(-(theta/sigma)^2/2) / sqrt(2 pi sigma^2), theta in [-1, 1], sigma in [0.5, 2]',
    ranges: [
      [-1, 1],
      [0.5, 2],
    ],
    layers: [2, 2, 1, 1],
    lib: ['1/x'],
    f: (theta, sigma) => Math.exp(-sq(theta / sigma) / 2) / Math.sqrt(2 * PI * sigma * sigma),
  },
  'I.12.11': {
    text: '1 + a sin(theta), a in [-1, 1], theta in [-pi, pi]',
    ranges: [
      [-1, 1],
      [-PI, PI],
    ],
    layers: [2, 2, 1],
    f: (a, theta) => 1 + a * Math.sin(theta),
  },
  'I.27.6': {
    text: '1 / (1 + a b), a, b in [0.5, 2]',
    ranges: [
      [0.5, 2],
      [0.5, 2],
    ],
    layers: [2, 2, 1],
    lib: ['1/x'],
    f: (a, b) => 1 / (1 + a * b),
  },
  'II.2.42': {
    text: '(a - 1) b, a, b in [-1, 1]',
    ranges: [
      [-1, 1],
      [-1, 1],
    ],
    layers: [2, 2, 1],
    f: (a, b) => (a - 1) * b,
  },
  'III.17.37': {
    text: 'beta (1 + alpha cos(theta)), beta, alpha in [-1, 1], theta in [-pi, pi]',
    ranges: [
      [-1, 1],
      [-1, 1],
      [-PI, PI],
    ],
    layers: [3, 3, 1],
    f: (beta, alpha, theta) => beta * (1 + alpha * Math.cos(theta)),
  },
};

/** Float64 Bessel J0 (A&S 9.4.1 / 9.4.3, error < 5e-8), for the data. */
function besselJ0(v) {
  const a = Math.abs(v);
  const horner = (c, t) => c.reduceRight((s, k) => s * t + k, 0);
  if (a <= 3) return horner([1, -2.2499997, 1.2656208, -0.3163866, 0.0444479, -0.0039444, 0.00021], sq(a / 3));
  const t = 3 / a;
  const f0 = horner([0.79788456, -0.00000077, -0.0055274, -0.00009512, 0.00137237, -0.00072805, 0.00014476], t);
  const th = horner([-0.78539816, -0.04166397, -0.00003954, 0.00262573, -0.00054125, -0.00029333, 0.00013558], t);
  return (f0 * Math.cos(a + th)) / Math.sqrt(a);
}

function dataset(target, n, seed) {
  const d = target.ranges.length;
  const unit = target.ranges.every(([lo, hi]) => lo === -1 && hi === 1);
  const u = createRng(seed).uniformTensor([n, d], unit ? -1 : 0, 1);
  const raw = u.arraySync();
  u.dispose();
  const rows = unit ? raw : raw.map((r) => r.map((v, k) => target.ranges[k][0] + v * (target.ranges[k][1] - target.ranges[k][0])));
  const labels = rows.map((r) => target.f(...r));
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

const relRmse = (pred, labels) =>
  Math.sqrt(
    pred.reduce((s, p, i) => s + (p - labels[i]) ** 2, 0) /
      Math.max(
        labels.reduce((s, v) => s + v * v, 0),
        1e-300,
      ),
  );

function run(target, seed) {
  const t0 = performance.now();
  const data = dataset(target, 200, 100 + seed);
  const test = dataset(target, 200, 200 + seed);
  const check = dataset(target, 200, 300 + seed);
  let model = new KAN({
    layers: opt('--layers') ? opt('--layers').split(',').map(Number) : target.layers,
    gridSize: target.gridSize ?? 5,
    splineOrder: 3,
    seed,
  });
  const lambs = (process.env.LAMBS ?? '0.01,0.01,0.01').split(',').map(Number);
  const wide = () => model.widths.slice(1, -1).some((w) => w > 1);
  for (let round = 0; round < lambs.length && wide(); round++) {
    train(model, model.parameters(), data.x, data.y, 15, { lamb: lambs[round], gridEvery: 5 });
    const pruned = model.prune({ x: data.x });
    model.dispose();
    model = pruned;
  }
  const widths = model.widths;
  train(model, model.parameters(), data.x, data.y, 20, { gridEvery: 5 });
  tf.dispose(model.forward(data.x, { cache: true }));
  const symOptions = { maxSamples: 100, lib: [...LIB, ...(target.lib ?? [])], ...target.symbolic };
  const topk = Number(process.env.TOPK ?? 1);
  if (topk > 1) {
    // experiment (README): top-k candidates per edge, each edge in turn set to the one with the
    // smallest error on the check data (before the affine training); autoSymbolic otherwise
    const edges = [];
    for (let l = 0; l + 1 < model.widths.length; l++)
      for (let i = 0; i < model.widths[l]; i++)
        for (let j = 0; j < model.widths[l + 1]; j++) edges.push({ l, i, j, list: model.suggestSymbolic(l, i, j, { ...symOptions, topk }) });
    const fix = (e, k) => model.fixSymbolic(e.l, e.i, e.j, e.list[k].name, { fit: false, params: e.list[k].params });
    for (const e of edges) fix(e, 0);
    const heldOut = () => tf.tidy(() => tf.mean(tf.square(tf.sub(model.forward(check.x), check.y))).dataSync()[0]);
    for (const e of edges) {
      let best = 0;
      let bestErr = heldOut();
      for (let k = 1; k < e.list.length; k++) {
        fix(e, k);
        const err = heldOut();
        if (err < bestErr) [best, bestErr] = [k, err];
      }
      fix(e, best);
    }
  } else model.autoSymbolic(symOptions);
  train(model, model.symbolicParameters(), data.x, data.y, 20);
  const names = target.ranges.length === 1 ? ['x'] : undefined;
  const formula = model.symbolicFormula({
    digits: 4,
    variables: names,
    fit: { x: data.rows, y: data.labels.map((v) => [v]) },
    snap: { x: check.rows, y: check.labels.map((v) => [v]) },
  });
  const exact = model
    .symbolicFormula({ digits: 17, simplify: false })
    .evaluate(test.rows)
    .map((r) => r[0]);
  const pred = formula.evaluate(test.rows).map((r) => r[0]);
  tf.dispose([data.x, data.y, test.x, test.y, check.x, check.y]);
  model.dispose();
  return { seed, widths, formula: formula.formulas[0], rel: relRmse(pred, test.labels), rawRel: relRmse(exact, test.labels), ms: performance.now() - t0 };
}

function parseSeeds(text) {
  return text.split(',').flatMap((part) => {
    const m = /^(\d+)-(\d+)$/.exec(part);
    if (!m) return [Number(part)];
    return Array.from({ length: Number(m[2]) - Number(m[1]) + 1 }, (_, k) => Number(m[1]) + k);
  });
}

const args = process.argv.slice(2);
const opt = (name) => {
  const k = args.indexOf(name);
  return k >= 0 ? args[k + 1] : undefined;
};
if (args.includes('--list')) {
  for (const [name, t] of Object.entries(TARGETS)) console.log(`${name.padEnd(10)} [${t.layers}]  ${t.text}`);
  process.exit(0);
}
// `node bench/symbolic.mjs [target] [seeds]` (positional, the first version's form) still works
const targetArg = opt('--target') ?? (args[0] && !args[0].startsWith('--') ? args[0] : 'tutorial');
const seeds = parseSeeds(opt('--seeds') ?? (args[1] && !args[1].startsWith('--') ? args[1] : '0-9'));
const names = targetArg === 'all' ? Object.keys(TARGETS) : targetArg.split(',');
for (const n of names) {
  if (!TARGETS[n]) {
    console.error(`unknown target ${n}; --list lists them`);
    process.exit(1);
  }
}

await initBackend({ backend: 'wasm' });
const summary = [];
for (const name of names) {
  const target = TARGETS[name];
  console.log(`\n### ${name}: ${target.text}, start [${target.layers}]\n`);
  console.log('| seed | width | held-out rel. RMSE | recovered | time | formula |');
  console.log('|---|---|---|---|---|---|');
  let ok = 0;
  const times = [];
  for (const s of seeds) {
    const r = run(target, s);
    const rec = r.rel < 1e-2;
    if (rec) ok++;
    times.push(r.ms / 1000);
    console.log(
      `| ${r.seed} | [${r.widths}] | ${r.rel.toExponential(2)} (unrounded ${r.rawRel.toExponential(2)}) | ${rec ? 'yes' : 'no'} | ${(r.ms / 1000).toFixed(1)} s | \`${r.formula}\` |`,
    );
  }
  times.sort((a, b) => a - b);
  summary.push(`| \`${name}\` | ${target.text} | [${target.layers}] | ${ok}/${seeds.length} | ${times[times.length >> 1].toFixed(1)} s |`);
  console.log(`recovered ${ok}/${seeds.length}; tf tensors alive: ${tf.memory().numTensors}`);
}
console.log('\n| target | function | start width | recovered (< 1e-2) | median time per seed |');
console.log('|---|---|---|---|---|');
for (const line of summary) console.log(line);
