// Benchmark: KAN Adam training steps (forward, MSE, backward, update), G = 5, k = 3, against
// efficient-kan's math on PyTorch CPU (bench/efficient_kan_step.py, all cores unless --threads)
// measured in the same run when python3-torch is installed (ratio = torch_ms / basiskit_ms).
//
// Default: the headline, KAN([64, 64, 64]) batch 1024 on wasm with the local (fused) path, beside
// the machine's wasm matMul GFLOP/s (tf.matMul 1024x1024, median) and the step's achieved GFLOP/s
// by two counts: dense-equivalent (efficient-kan's F.linear contractions: base + all G+k bases)
// and local-actual (the k+1 nonzero bases per input); then each spline path (local, dense
// = fused bases + backend matMul, reference = plain ops) on wasm and cpu (median of 20 after 10
// warm-up steps; the cpu dense and reference paths, which take seconds, median of 3).
// --scaling (pnpm bench:scaling): a Markdown table on wasm for widths 16, 64, 256 ([w, w, w])
// x batch 64, 1024, 8192 and pykan-sized [2, 5, 1] batch 1000: step ms each side, ratio,
// tfjs kernels per step (tf.profile), peak memory each side (tfjs: tf.profile's peakBytes over
// the tensor bytes held before the model was built; PyTorch: peak RSS growth). Runs per case
// follow a time budget so the table takes a few minutes on 2 cores.
// --threads N: initBackend({ threads: N }) and PyTorch on N threads.
import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { ratioLine, timeIt } from '@basiskit/bench';
import { KAN } from '@basiskit/kan';
import { createRng, initBackend, tf } from '@basiskit/tensor';
import { Adam, mse } from '@basiskit/training';

const G = 5;
const K = 3;
const args = process.argv.slice(2);
const scaling = args.includes('--scaling');
const threadsArg = args.includes('--threads') ? Number(args[args.indexOf('--threads') + 1]) : undefined;
if (threadsArg !== undefined && !(Number.isInteger(threadsArg) && threadsArg >= 1)) throw new Error('--threads takes an integer >= 1');
const torchThreads = threadsArg ?? availableParallelism();

/** initBackend with `threads` when given (an initBackend without that option is retried without it); prints the threads. */
async function startBackend(backend) {
  let info;
  if (threadsArg === undefined) info = await initBackend({ backend });
  else {
    try {
      info = await initBackend({ backend, threads: threadsArg });
    } catch (e) {
      console.log(`initBackend({ threads: ${threadsArg} }) failed (${e.message}); starting ${backend} without it`);
      info = await initBackend({ backend });
    }
  }
  const kt = info.kernelThreads;
  console.log(
    `backend ${info.name}${info.simd !== undefined ? ` (simd ${info.simd}, tfjs-wasm threads ${info.threads})` : ''}; ` +
      `basiskit kernel threads: ${kt ? `${kt.threads} of ${kt.requested} asked${kt.note ? ` (${kt.note})` : ''}` : 'not reported by this initBackend (one thread)'}`,
  );
  return info;
}

/** efficient-kan's step on PyTorch CPU (all cores unless told); null without PyTorch. */
function torchStep(dims, batch, extra = [], threads = torchThreads) {
  const script = fileURLToPath(new URL('./efficient_kan_step.py', import.meta.url));
  const argv = [script, String(threads), '--dims', dims.join(','), '--batch', String(batch), ...extra];
  // Debian's python3-torch installs into the system python; a pyenv shim may shadow it
  for (const python of [process.env.BASISKIT_PYTHON, '/usr/bin/python3', 'python3'].filter(Boolean)) {
    try {
      const out = execFileSync(python, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      const ms = Number(/step ([\d.]+) ms/.exec(out)?.[1]);
      const rssMb = Number(/RSS growth ([\d.]+) MB/.exec(out)?.[1]);
      if (Number.isFinite(ms)) return { ms, rssMb, line: out.trim() };
    } catch {
      /* no PyTorch with this interpreter */
    }
  }
  return null;
}

/** Flops of one step's contractions (forward + backward: weight and input gradients of every layer). */
function stepFlops(dims, batch) {
  let dense = 0;
  let local = 0;
  let firstDx = 0;
  for (let l = 0; l + 1 < dims.length; l++) {
    const mac = 2 * batch * dims[l] * dims[l + 1];
    dense += 3 * mac * (1 + G + K); // base + G+k bases, each forward, dW and dx
    local += 3 * mac * (1 + K + 1); // base + the k+1 nonzero bases
    if (l === 0) firstDx = mac * (1 + K + 1);
  }
  return { dense, local, localNoFirstDx: local - firstDx };
}

/** The machine's wasm matMul rate: tf.matMul of two 1024x1024 matrices, median. */
async function matMulGflops() {
  const rng = createRng(1);
  const a = rng.normalTensor([1024, 1024]);
  const b = rng.normalTensor([1024, 1024]);
  const ms = await timeIt(() => tf.matMul(a, b), { warmup: 3, runs: 10 });
  tf.dispose([a, b]);
  return { ms, gflops: (2 * 1024 ** 3) / ms / 1e6 };
}

/** A model, data and step for `dims` x `batch`; the caller disposes via `dispose`. */
function buildStep(dims, batch, impl) {
  const rng = createRng(0);
  const x = rng.uniformTensor([batch, dims[0]], -1, 1);
  const y = rng.normalTensor([batch, dims.at(-1)]);
  const model = new KAN({ layers: dims, gridSize: G, splineOrder: K, impl, seed: 0 });
  const opt = new Adam(model.parameters(), { lr: 1e-3 });
  return {
    step: () => opt.step(() => mse(model.forward(x), y)),
    dispose: () => {
      opt.dispose();
      model.dispose();
      tf.dispose([x, y]);
    },
  };
}

const fmtG = (flops) => `${(flops / 1e9).toFixed(3)} GFLOP`;

if (!scaling) {
  const dims = [64, 64, 64];
  const N = 1024;
  const torch = torchStep(dims, N);
  console.log(torch ? torch.line : 'PyTorch not installed: no efficient-kan time (the issue quotes ~125-150 ms on this 2-core machine)');
  // on a busy machine PyTorch's OpenMP threads wait on each other: one thread can be faster
  const torch1 = torch && torchThreads > 1 ? torchStep(dims, N, [], 1) : null;
  if (torch1) console.log(`${torch1.line}${torch1.ms < torch.ms ? ' <- faster than all cores: the machine is busy, the all-core ratio is overstated' : ''}`);
  for (const backend of ['wasm', 'cpu']) {
    await startBackend(backend);
    const mm = backend === 'wasm' ? await matMulGflops() : null;
    const times = {};
    for (const impl of ['local', 'dense', 'reference']) {
      const { step, dispose } = buildStep(dims, N, impl);
      // steady state: wasm code tiers up and the heap settles over the first steps
      const slow = backend === 'cpu' && impl !== 'local';
      times[impl] = await timeIt(step, slow ? { warmup: 1, runs: 3 } : { warmup: 10, runs: 20 });
      dispose();
    }
    console.log(ratioLine(`${backend} KAN([64,64,64]) b1024 Adam step`, times.local, times.reference, 'local', 'reference'));
    console.log(ratioLine(`${backend} KAN([64,64,64]) b1024 Adam step`, times.dense, times.reference, 'dense', 'reference'));
    if (torch)
      console.log(
        `${backend} local vs efficient-kan (PyTorch, ${torchThreads} threads, this run): ratio = torch_ms / basiskit_ms = ${torch.ms.toFixed(2)} / ${times.local.toFixed(2)} = ${(torch.ms / times.local).toFixed(1)}x`,
      );
    if (torch1) console.log(`${backend} local vs efficient-kan (PyTorch, 1 thread, this run): ${(torch1.ms / times.local).toFixed(1)}x`);
    if (mm) {
      const f = stepFlops(dims, N);
      const rate = (flops) => (flops / times.local / 1e6).toFixed(1);
      console.log(`wasm matMul 1024x1024: ${mm.ms.toFixed(2)} ms = ${mm.gflops.toFixed(1)} GFLOP/s (this machine's wasm limit for dense contractions)`);
      console.log(
        `wasm KAN step flops: dense-equivalent ${fmtG(f.dense)} (efficient-kan's F.linear count) -> ${rate(f.dense)} GFLOP/s achieved; ` +
          `local-actual ${fmtG(f.local)} (${fmtG(f.localNoFirstDx)} without the first layer's input gradient) -> ${rate(f.local)} GFLOP/s`,
      );
      console.log(
        `headline: wasm KAN([64,64,64]) b1024 Adam step (local) ${times.local.toFixed(2)} ms${torch ? `; efficient-kan ${torch.ms.toFixed(2)} ms; ratio ${(torch.ms / times.local).toFixed(1)}x` : ''}`,
      );
    }
  }
} else {
  const t0 = performance.now();
  const info = await startBackend('wasm');
  const mm = await matMulGflops();
  console.log(`wasm matMul 1024x1024: ${mm.gflops.toFixed(1)} GFLOP/s`);
  const cases = [];
  for (const w of [16, 64, 256]) for (const batch of [64, 1024, 8192]) cases.push({ dims: [w, w, w], batch });
  cases.push({ dims: [2, 5, 1], batch: 1000 });
  const rows = [];
  for (const { dims, batch } of cases) {
    const before = tf.memory().numBytes;
    const { step, dispose } = buildStep(dims, batch, 'local');
    // warm up, then as many runs as fit in ~2.5 s (3 to 20; one when a step takes longer; a step
    // over 4x that is timed once, cold: its set-up is small beside it)
    const t = performance.now();
    tf.dispose(step());
    const first = performance.now() - t;
    const warmup = first < 2500 ? Math.max(1, Math.min(10, Math.floor(1000 / first))) : 0;
    const runs = first < 2500 ? Math.max(3, Math.min(20, Math.floor(2500 / first))) : first < 10000 ? 1 : 0;
    const ms = runs > 0 ? await timeIt(step, { warmup, runs }) : first;
    const prof = await tf.profile(() => step());
    tf.dispose(prof.result);
    const kernels = prof.kernels.length;
    const peakMb = (prof.peakBytes - before) / 2 ** 20;
    dispose();
    const torch = torchStep(dims, batch, ['--budget', '2.5']);
    // one PyTorch thread as a check on contention (all-core OpenMP stalls on a busy machine), where a step is cheap
    const torch1 = torch && torchThreads > 1 && torch.ms < 2000 ? torchStep(dims, batch, ['--budget', '2.5'], 1) : null;
    const f = stepFlops(dims, batch);
    rows.push({ dims, batch, ms, kernels, peakMb, torch, torch1, gflops: f.local / ms / 1e6 });
    console.log(
      `  [${dims}] b${batch}: ${ms.toFixed(2)} ms (${runs > 0 ? `${runs} runs` : 'first step'}), ${kernels} kernels, peak ${peakMb.toFixed(1)} MB; torch ${torch ? `${torch.ms.toFixed(2)} ms` : '-'}${torch1 ? `, 1 thread ${torch1.ms.toFixed(2)} ms` : ''}`,
    );
  }
  const kt = info.kernelThreads?.threads ?? 1;
  console.log(
    `\nKAN Adam step, G=5, k=3; basiskit wasm (local path, ${kt} kernel thread${kt > 1 ? 's' : ''}) vs efficient-kan on PyTorch CPU (${torchThreads} threads), same run; wasm matMul ${mm.gflops.toFixed(1)} GFLOP/s\n`,
  );
  console.log(
    `| KAN | batch | basiskit ms | efficient-kan ms (${torchThreads} threads) | ratio | efficient-kan ms (1 thread) | ratio vs faster PyTorch | basiskit GFLOP/s (local count) | tfjs kernels / step | tfjs peak MB | PyTorch RSS growth MB |`,
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    const na = 'n/a';
    const best = r.torch1 ? Math.min(r.torch.ms, r.torch1.ms) : r.torch?.ms;
    const cells = [
      `[${r.dims.join(',')}]`,
      r.batch,
      r.ms.toFixed(2),
      r.torch ? r.torch.ms.toFixed(2) : na,
      r.torch ? `${(r.torch.ms / r.ms).toFixed(1)}x` : na,
      r.torch1 ? r.torch1.ms.toFixed(2) : '-',
      best !== undefined ? `${(best / r.ms).toFixed(1)}x` : na,
      r.gflops.toFixed(1),
      r.kernels,
      r.peakMb.toFixed(1),
      r.torch && Number.isFinite(r.torch.rssMb) ? r.torch.rssMb.toFixed(1) : na,
    ];
    console.log(`| ${cells.join(' | ')} |`);
  }
  if (!rows[0].torch) console.log('\nPyTorch not installed: basiskit side only.');
  console.log(`\n(total ${((performance.now() - t0) / 1000).toFixed(0)} s)`);
}
