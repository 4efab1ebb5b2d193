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
  // where the step's time goes: per tfjs kernel ('unnamed scope' is a custom gradient's op and
  // includes the kernels it runs), then by component: the spectral convs, GELU, the rest
  const info = await tf.profile(() => tf.tidy(step));
  const byKernel = new Map();
  for (const k of info.kernels) byKernel.set(k.name, (byKernel.get(k.name) ?? 0) + k.kernelTimeMs);
  console.log(`profile of one step (${info.kernels.length} kernel calls), top kernels:`);
  for (const [name, ms] of [...byKernel].sort((a, b) => b[1] - a[1]).slice(0, 12)) console.log(`  ${name.padEnd(24)} ${ms.toFixed(1).padStart(8)} ms`);
  const relu = new FNO({ nModes: [12, 12], inChannels: 1, outChannels: 1, hiddenChannels: 32, nonLinearity: 'relu' });
  const reluOpt = new Adam(relu.parameters(), { lr: 1e-3 });
  const reluMs = await timeIt(() => reluOpt.step(() => loss.call(relu.forward(x), y)), { warmup: 2, runs: 5 });
  reluOpt.dispose();
  relu.dispose();
  const conv = model.fno_blocks.convs.at(0);
  const h = rng.normalTensor([8, 32, 64, 64]);
  const convMs = await timeIt(() => tf.grads((a) => tf.sum(conv.forward(a)))([h]), { warmup: 2, runs: 5 });
  h.dispose();
  const stepMs = await timeIt(step, { warmup: 1, runs: 5 });
  const pct = (ms) => `${ms.toFixed(0)} ms (${((100 * ms) / stepMs).toFixed(0)}%)`;
  console.log(
    `components of the ${stepMs.toFixed(0)} ms step: 4 spectral convs fwd+bwd ${pct(4 * convMs)}, GELU (step minus the same step with ReLU) ${pct(stepMs - reluMs)}, the rest (1x1 convs, layout moves, loss, Adam) ${pct(stepMs - 4 * convMs - (stepMs - reluMs))}`,
  );
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
