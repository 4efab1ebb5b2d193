// Benchmark: one Adam training step (forward, neuralop's relative L2 loss, backward, update) of
// neuralop's default 2-D FNO (nModes [12, 12], 1 -> 1 channel, hidden 32: 701,281 parameters),
// batch 8, 64x64, on wasm, against the same model in plain PyTorch on all CPU cores
// (bench/fno_torch.py), measured in the same run: median of 10 steps after 3 warm-up steps.
// `node bench/run.mjs --profile` adds the wasm step's time per tfjs kernel.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { timeIt } from '@basiskit/bench';
import { FNO } from '@basiskit/fourier-operators';
import { createRng, initBackend, tf } from '@basiskit/tensor';
import { Adam, LpLoss } from '@basiskit/training';

function torchStep() {
  const script = fileURLToPath(new URL('./fno_torch.py', import.meta.url));
  // Debian's python3-torch installs into the system python; a pyenv shim may shadow it
  for (const python of [process.env.BASISKIT_PYTHON, '/usr/bin/python3', 'python3'].filter(Boolean)) {
    try {
      const out = execFileSync(python, [script, '10'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      const ms = Number(/step ([\d.]+) ms/.exec(out)?.[1]);
      if (Number.isFinite(ms)) return { ms, line: out.trim() };
    } catch {
      /* no PyTorch with this interpreter */
    }
  }
  return null;
}

await initBackend({ backend: 'wasm' });
const rng = createRng(0);
const x = rng.normalTensor([8, 1, 64, 64]);
const y = rng.normalTensor([8, 1, 64, 64]);
const model = new FNO({ nModes: [12, 12], inChannels: 1, outChannels: 1, hiddenChannels: 32 });
const opt = new Adam(model.parameters(), { lr: 1e-3 });
const loss = new LpLoss({ d: 2 });
const step = () => opt.step(() => loss.call(model.forward(x), y));
const wasmMs = await timeIt(step, { warmup: 3, runs: 10 });
const line = `wasm FNO-2D (${model.numParameters()} parameters) b8 64x64 Adam step ${wasmMs.toFixed(2)} ms`;
console.log(line);

if (process.argv.includes('--profile')) {
  const info = await tf.profile(() => tf.tidy(step));
  const byKernel = new Map();
  for (const k of info.kernels) byKernel.set(k.name, (byKernel.get(k.name) ?? 0) + k.kernelTimeMs);
  const total = [...byKernel.values()].reduce((a, b) => a + b, 0);
  console.log(`profile (one step, ${info.kernels.length} kernel calls, ${total.toFixed(1)} ms in kernels):`);
  for (const [name, ms] of [...byKernel].sort((a, b) => b[1] - a[1]).slice(0, 15))
    console.log(`  ${name.padEnd(28)} ${ms.toFixed(1).padStart(8)} ms ${((100 * ms) / total).toFixed(1).padStart(5)}%`);
}

const torch = torchStep();
if (torch) {
  console.log(torch.line);
  console.log(`wasm ${wasmMs.toFixed(2)} ms vs PyTorch ${torch.ms.toFixed(2)} ms: ${(torch.ms / wasmMs).toFixed(2)}x (> 1: wasm faster)`);
} else {
  console.log('PyTorch not installed here (python3-torch): no baseline measured');
}
opt.dispose();
model.dispose();
tf.dispose([x, y]);
