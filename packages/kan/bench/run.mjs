// Benchmark: KAN([64, 64, 64]), batch 1024, G = 5, k = 3, one Adam training step (forward,
// MSE, backward, update) on wasm and cpu, for each spline path: fused local kernels, fused
// bases + backend matMul (dense), and the plain-ops reference — measured in the same run
// (median of 20 after 10 warm-up steps; the cpu dense and reference paths, which take
// seconds, median of 3).
// efficient-kan on PyTorch CPU takes ~147 ms for this step on a 2-core machine (the issue's
// figure); bench/efficient_kan_step.py measures it on this machine when PyTorch is installed.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ratioLine, timeIt } from '@basiskit/bench';
import { KAN } from '@basiskit/kan';
import { createRng, initBackend, tf } from '@basiskit/tensor';
import { Adam, mse } from '@basiskit/training';

const N = 1024;
const dims = [64, 64, 64];
const PYTORCH_QUOTED_MS = 147;

function torchStep() {
  const script = fileURLToPath(new URL('./efficient_kan_step.py', import.meta.url));
  // Debian's python3-torch installs into the system python; a pyenv shim may shadow it
  for (const python of [process.env.BASISKIT_PYTHON, '/usr/bin/python3', 'python3'].filter(Boolean)) {
    try {
      const out = execFileSync(python, [script, '2'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      const ms = Number(/step ([\d.]+) ms/.exec(out)?.[1]);
      if (Number.isFinite(ms)) return { ms, line: out.trim() };
    } catch {
      /* no PyTorch with this interpreter */
    }
  }
  return null;
}

const torch = torchStep();
if (torch) console.log(torch.line);
else console.log(`PyTorch not installed here: using the quoted ${PYTORCH_QUOTED_MS} ms for efficient-kan's step`);
const torchMs = torch?.ms ?? PYTORCH_QUOTED_MS;

for (const backend of ['wasm', 'cpu']) {
  await initBackend({ backend });
  const rng = createRng(0);
  const x = rng.uniformTensor([N, dims[0]], -1, 1);
  const y = rng.normalTensor([N, dims.at(-1)]);
  const times = {};
  for (const impl of ['local', 'dense', 'reference']) {
    const model = new KAN({ layers: dims, gridSize: 5, splineOrder: 3, impl, seed: 0 });
    const opt = new Adam(model.parameters(), { lr: 1e-3 });
    const step = () => opt.step(() => mse(model.forward(x), y));
    // steady state: wasm code tiers up and the heap settles over the first steps
    const slow = backend === 'cpu' && impl !== 'local';
    times[impl] = await timeIt(step, slow ? { warmup: 1, runs: 3 } : { warmup: 10, runs: 20 });
    opt.dispose();
    model.dispose();
  }
  const best = Math.min(times.local, times.dense);
  const bestName = times.local <= times.dense ? 'local' : 'dense';
  console.log(ratioLine(`${backend} KAN([64,64,64]) b1024 Adam step`, times.local, times.reference, 'local', 'reference'));
  console.log(ratioLine(`${backend} KAN([64,64,64]) b1024 Adam step`, times.dense, times.reference, 'dense', 'reference'));
  console.log(
    `${backend} step with the faster path (${bestName}): ${best.toFixed(2)} ms; vs efficient-kan on PyTorch CPU (${torchMs.toFixed(1)} ms${torch ? ', measured here' : ', quoted'}): ${(torchMs / best).toFixed(1)}x`,
  );
  tf.dispose([x, y]);
}
