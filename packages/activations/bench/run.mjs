// Benchmark: KATGroupRational (8 groups, shared numerator, degrees (5, 4), gelu init) forward +
// backward on [8, 197, 768] — a ViT-B block's hidden activations — on wasm and cpu: the module
// (fused kernel) vs the same math as plain tfjs ops, and vs KAT's own PyTorch path
// (KAT_Group_Torch, bench/kat_group_torch.py, all cores) measured in the same run when
// python3-torch is installed (ratio = torch_ms / basiskit_ms). Also the fused step's memory
// throughput: bytes read + written by forward + backward (x, y; x, dy, dx: 5 tensors) over its
// time, beside a memcpy (Float32Array.prototype.set) moving the same bytes.
// Options: --threads N (initBackend's thread count; default: its own, all cores).
import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { ratioLine, timeIt } from '@basiskit/bench';
import { KATGroupRational } from '@basiskit/activations';
import { groupRationalReference } from '@basiskit/kernels/testing';
import { createRng, initBackend, tf } from '@basiskit/tensor';

const shape = [8, 197, 768];
const size = shape.reduce((a, b) => a * b, 1);
const args = process.argv.slice(2);
const threadsArg = args.includes('--threads') ? Number(args[args.indexOf('--threads') + 1]) : undefined;
if (threadsArg !== undefined && !(Number.isInteger(threadsArg) && threadsArg >= 1)) throw new Error('--threads takes an integer >= 1');

/** initBackend with `threads` when given; an initBackend without that option is retried without it. */
async function startBackend(backend) {
  if (threadsArg === undefined) return initBackend({ backend });
  try {
    return await initBackend({ backend, threads: threadsArg });
  } catch (e) {
    console.log(`initBackend({ threads: ${threadsArg} }) failed (${e.message}); starting ${backend} without it`);
    return initBackend({ backend });
  }
}

/** KAT's PyTorch path on all cores (or --threads), from the given coefficients; null without PyTorch. */
function torchStep(coefs, threads = String(threadsArg ?? availableParallelism())) {
  const script = fileURLToPath(new URL('./kat_group_torch.py', import.meta.url));
  // Debian's python3-torch installs into the system python; a pyenv shim may shadow it
  for (const python of [process.env.BASISKIT_PYTHON, '/usr/bin/python3', 'python3'].filter(Boolean)) {
    try {
      const out = execFileSync(python, [script, threads, JSON.stringify(coefs)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      const ms = Number(/\] ([\d.]+) ms/.exec(out)?.[1]);
      if (Number.isFinite(ms)) return { ms, line: out.trim() };
    } catch {
      /* no PyTorch with this interpreter */
    }
  }
  return null;
}

/** Median ms of copying `bytes` bytes (half read, half written) with Float32Array.prototype.set. */
function memcpyMs(bytes) {
  const n = Math.round(bytes / 8);
  const src = new Float32Array(n).fill(1);
  const dst = new Float32Array(n);
  const times = [];
  for (let i = 0; i < 23; i++) {
    const t0 = performance.now();
    dst.set(src);
    times.push(performance.now() - t0);
  }
  times.splice(0, 3);
  times.sort((a, b) => a - b);
  return times[times.length >> 1];
}

// forward reads x, writes y; backward reads x and dy, writes dx (coefficient tables: negligible)
const bytes = 5 * size * 4;
const gbps = (ms) => bytes / ms / 1e6;
const copyMs = memcpyMs(bytes);

let torch;
let torch1;
const results = [];
for (const backend of ['wasm', 'cpu']) {
  const info = await startBackend(backend);
  const kt = info.kernelThreads;
  console.log(
    `backend ${info.name}${info.simd !== undefined ? ` (simd ${info.simd}, tfjs-wasm threads ${info.threads})` : ''}; ` +
      `basiskit kernel threads: ${kt ? `${kt.threads} of ${kt.requested} asked${kt.note ? ` (${kt.note})` : ''}` : 'not reported by this initBackend (one thread)'}`,
  );
  const act = new KATGroupRational({ channels: 768, groups: 8, init: 'gelu' });
  if (torch === undefined) {
    // the same starting coefficients on both sides: basiskit's gelu fit (all groups start alike)
    const coefs = {
      numerator: Array.from(act.weight_numerator.value.dataSync()),
      denominator: Array.from(act.weight_denominator.value.dataSync().slice(0, 4)),
    };
    torch = torchStep(coefs);
    console.log(torch ? torch.line : "PyTorch not installed: no KAT_Group_Torch time (its authors' figure for this on a 2-core machine is ~100 ms)");
    // on a busy machine PyTorch's OpenMP threads wait on each other: one thread can be faster
    torch1 = torch && Number(threadsArg ?? availableParallelism()) > 1 ? torchStep(coefs, '1') : null;
    if (torch1) console.log(`${torch1.line}${torch1.ms < torch.ms ? ' <- faster than all cores: the machine is busy, the all-core ratio is overstated' : ''}`);
  }
  const rng = createRng(0);
  const x = rng.normalTensor(shape);
  const dy = rng.normalTensor(shape);
  const vars = [act.weight_numerator.value, act.weight_denominator.value];
  // forward, then backward from the upstream gradient dy for x and both coefficient tables
  const fused = () => tf.grads((xx, _a, _b) => act.forward(xx))([x, ...vars], dy);
  const reference = () => tf.grads((xx, a, b) => groupRationalReference(xx, a, b))([x, ...vars], dy);
  // steady state: the SIMD module's instances (the heap's, and the pool's on every thread) tier
  // up to optimized code over the first ~15 calls
  const tFused = await timeIt(fused, { warmup: 20, runs: 15 });
  // the plain-ops reference takes ~17 s per step on cpu: one warm-up, one run there
  const tRef = await timeIt(reference, backend === 'cpu' ? { warmup: 1, runs: 1 } : { runs: 10 });
  console.log(ratioLine(`${backend} KATGroupRational fwd+bwd [${shape}]`, tFused, tRef));
  console.log(
    `${backend} fused fwd+bwd ${tFused.toFixed(2)} ms: ${gbps(tFused).toFixed(1)} GB/s over ${(bytes / 1e6).toFixed(1)} MB read+written; ` +
      `memcpy of the same bytes ${copyMs.toFixed(2)} ms (${gbps(copyMs).toFixed(1)} GB/s): ${((100 * copyMs) / tFused).toFixed(0)}% of memcpy speed`,
  );
  if (torch) console.log(`${backend} ratio = torch_ms / basiskit_ms = ${torch.ms.toFixed(2)} / ${tFused.toFixed(2)} = ${(torch.ms / tFused).toFixed(1)}x`);
  if (torch1) console.log(`${backend} ratio vs PyTorch on 1 thread = ${(torch1.ms / tFused).toFixed(1)}x`);
  results.push([backend, tFused]);
  tf.dispose([x, dy]);
  act.dispose();
}
if (torch)
  console.log(
    `summary: KAT_Group_Torch ${torch.ms.toFixed(1)} ms; ${results.map(([b, ms]) => `${b} ${ms.toFixed(2)} ms (${(torch.ms / ms).toFixed(1)}x)`).join(', ')}`,
  );
