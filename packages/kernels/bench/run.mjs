// Benchmarks, each path measured in the same run, on wasm and cpu:
// 1. KATGroupRational forward + backward on [8, 197, 768], 8 groups (a ViT-B block's hidden
//    activations), fused kernel vs the plain-ops reference. KAT's PyTorch CPU fallback takes
//    ~100 ms for this on a 2-core machine.
// 2. splineLinear (efficient-kan KANLinear's spline branch), N=1024, in=out=64, G=5, k=3:
//    forward and forward + backward of the local kernel (SIMD and JavaScript), the dense path
//    (fused bases + matMul) and the plain-ops reference.
// 3. rfft and fft of [64, 1024] along the last axis and rfft of [1024, 64] along axis 0: the
//    fused kernel (on wasm its SIMD and its JavaScript version) vs fft.js (realTransform /
//    transform of the same lines, in plain JavaScript) vs tf.spectral.rfft (cpu only: tfjs-wasm
//    has no FFT), in ms and GFLOP/s (2.5 N log2 N per real line, 5 N log2 N per complex one).
// 4. (only as `node bench/run.mjs truncated`) truncatedRfft / truncatedIrfft by matMul vs by
//    the FFT, n = 32..1024, 96, 1000 and modes 4..n/2+1, on 256 lines (or `truncated <lines>`),
//    forward and forward + backward
//    (fastest of several runs): the crossover that 'auto' uses.
// `node bench/run.mjs spline` runs only the second, `node bench/run.mjs fft` only the third.
import { createRequire } from 'node:module';
import { ratioLine, timeIt } from '@basiskit/bench';
import { fft, groupRational, rfft, setWasmSimd, splineLinear, truncatedIrfft, truncatedRfft, uniformGrid } from '@basiskit/kernels';
import { createRng, initBackend, tf } from '@basiskit/tensor';

const FFT = createRequire(import.meta.url)('fft.js');

const shape = [8, 197, 768];
const groups = 8;

async function bench(backend) {
  await initBackend({ backend });
  const rng = createRng(0);
  const x = rng.normalTensor(shape);
  const a = rng.normalTensor([1, 6], 0, 0.5);
  const b = rng.normalTensor([groups, 4], 0, 0.5);
  const dy = rng.normalTensor(shape);
  // forward, then backward from an upstream gradient dy (as y.backward(dy) in PyTorch)
  const step = (impl) => () => tf.grads((xx, aa, bb) => groupRational(xx, aa, bb, { impl }))([x, a, b], dy);
  const fwd = (impl) => () => groupRational(x, a, b, { impl });
  const runs = backend === 'cpu' ? 3 : 10;
  const fusedF = await timeIt(fwd('fused'), { runs });
  const refF = await timeIt(fwd('reference'), { runs });
  const fused = await timeIt(step('fused'), { runs });
  const ref = await timeIt(step('reference'), { runs });
  console.log(ratioLine(`${backend} forward [${shape}] G=${groups}`, fusedF, refF));
  console.log(ratioLine(`${backend} forward+backward [${shape}] G=${groups}`, fused, ref));
  if (backend === 'wasm') {
    setWasmSimd(false);
    const js = await timeIt(step('fused'), { runs });
    setWasmSimd(true);
    console.log(ratioLine(`wasm forward+backward, SIMD kernel vs the same kernel in JavaScript`, fused, js, 'simd', 'js'));
  }
  tf.dispose([x, a, b, dy]);
}

async function benchSpline(backend) {
  await initBackend({ backend });
  const [n, inF, out, g, k] = [1024, 64, 64, 5, 3];
  const rng = createRng(0);
  const x = rng.uniformTensor([n, inF], -1, 1);
  const grid = uniformGrid(inF, g, k, [-1, 1]);
  const w = rng.normalTensor([out, inF, g + k], 0, 0.1);
  const dy = rng.normalTensor([n, out]);
  const fwd = (impl) => () => splineLinear(x, grid, w, { splineOrder: k, impl });
  const step = (impl) => () => tf.grads((xx, ww) => splineLinear(xx, grid, ww, { splineOrder: k, impl }))([x, w], dy);
  const label = `${backend} splineLinear N=${n} in=${inF} out=${out} G=${g} k=${k}`;
  const paths = backend === 'wasm' ? ['local', 'local (JS)', 'dense', 'reference'] : ['local', 'dense', 'reference'];
  const t = {};
  for (const path of paths) {
    const impl = path === 'local (JS)' ? 'local' : path;
    setWasmSimd(path !== 'local (JS)');
    const runs = backend === 'cpu' && path === 'reference' ? 3 : 10;
    t[path] = { fwd: await timeIt(fwd(impl), { runs }), step: await timeIt(step(impl), { runs }) };
  }
  setWasmSimd(true);
  for (const [kind, name] of [
    ['fwd', 'forward'],
    ['step', 'forward+backward'],
  ]) {
    console.log(`${label} ${name}: ` + paths.map((p) => `${p} ${t[p][kind].toFixed(2)} ms`).join(', '));
    for (const p of paths.slice(1)) console.log(`  ${ratioLine(`${name}, local vs ${p}`, t.local[kind], t[p][kind], 'local', p)}`);
  }
  tf.dispose([x, grid, w, dy]);
}

/** Median ms of a plain function over `runs` runs after `warmup`. */
function timePlain(fn, { warmup = 10, runs = 50 } = {}) {
  for (let i = 0; i < warmup; i++) fn();
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

/**
 * The FFT cases: rfft and fft of [64, 1024] along the last axis and rfft of [1024, 64] along
 * axis 0, each with fft.js on the same lines (copied into its float64 arrays: strided for axis 0).
 */
function fftCases(rows, n) {
  const rng = createRng(0);
  const x = rng.normalTensor([rows, n]);
  const xi = rng.normalTensor([rows, n]);
  const xt = rng.normalTensor([n, rows]);
  const [vx, vxi, vxt] = [x, xi, xt].map((t) => t.dataSync().slice());
  const f = new FFT(n);
  const line = new Float64Array(n);
  const cin = f.createComplexArray();
  const out = f.createComplexArray();
  const log = Math.log2(n);
  const cases = [
    {
      label: `rfft [${rows}, ${n}] last axis`,
      flop: rows * 2.5 * n * log,
      op: () => {
        const y = rfft(x);
        return [y.real, y.imag];
      },
      fftjs: () => {
        for (let r = 0; r < rows; r++) {
          for (let j = 0; j < n; j++) line[j] = vx[r * n + j];
          f.realTransform(out, line);
        }
      },
    },
    {
      label: `fft [${rows}, ${n}] last axis`,
      flop: rows * 5 * n * log,
      op: () => {
        const y = fft({ real: x, imag: xi });
        return [y.real, y.imag];
      },
      fftjs: () => {
        for (let r = 0; r < rows; r++) {
          for (let j = 0; j < n; j++) {
            cin[2 * j] = vx[r * n + j];
            cin[2 * j + 1] = vxi[r * n + j];
          }
          f.transform(out, cin);
        }
      },
    },
    {
      label: `rfft [${n}, ${rows}] axis 0`,
      flop: rows * 2.5 * n * log,
      op: () => {
        const y = rfft(xt, { axis: 0 });
        return [y.real, y.imag];
      },
      fftjs: () => {
        for (let c = 0; c < rows; c++) {
          for (let j = 0; j < n; j++) line[j] = vxt[j * rows + c];
          f.realTransform(out, line);
        }
      },
    },
  ];
  return { cases, x, dispose: () => tf.dispose([x, xi, xt]) };
}

async function benchFFT(backend) {
  await initBackend({ backend });
  const [rows, n] = [64, 1024];
  const { cases, x, dispose } = fftCases(rows, n);
  for (const c of cases) {
    const t = {};
    const opts = { warmup: 10, runs: 50 };
    if (backend === 'wasm') {
      t['SIMD kernel'] = await timeIt(c.op, opts);
      setWasmSimd(false);
      t['JS kernel'] = await timeIt(c.op, opts);
      setWasmSimd(true);
    } else t['JS kernel'] = await timeIt(c.op, opts);
    t['fft.js'] = timePlain(c.fftjs);
    if (backend === 'cpu' && c === cases[0]) t['tf.spectral.rfft'] = await timeIt(() => tf.spectral.rfft(x), { warmup: 3, runs: 10 });
    const gflops = (ms) => (c.flop / (ms * 1e6)).toFixed(2);
    console.log(
      `${backend} ${c.label}: ` +
        Object.entries(t)
          .map(([k, ms]) => `${k} ${ms.toFixed(3)} ms (${gflops(ms)} GFLOP/s)`)
          .join(', '),
    );
    const [first, ...rest] = Object.keys(t);
    for (const k of rest) console.log(`  ${ratioLine(`${c.label.split(' ')[0]}, ${first} vs ${k}`, t[first], t[k], first, k)}`);
  }
  dispose();
}

/**
 * truncatedRfft / truncatedIrfft, impl 'matmul' vs 'fft', on `lines` lines of length n, for each
 * n and modes m (m <= n/2 + 1; a sweep stops once the matMul path is 3x slower in both
 * directions): forward, and forward + backward (the gradient of sum(y * w)). Prints the times and,
 * per n, the largest m at which the matMul path was faster (the crossover, what
 * MATMUL_MAX_MODES in src/fft_truncated.ts records).
 */
/** Fastest of `runs` runs (after `warmup`) of `fn`, tidied: robust to other load on the machine. */
function timeMin(fn, { warmup = 3, runs = 15 } = {}) {
  let best = Infinity;
  for (let i = 0; i < warmup + runs; i++) {
    const t0 = performance.now();
    tf.dispose(tf.tidy(fn));
    if (i >= warmup) best = Math.min(best, performance.now() - t0);
  }
  return best;
}

async function benchTruncated(backend, lines = 256) {
  await initBackend({ backend });
  const rng = createRng(0);
  // powers of two (the SIMD FFT on wasm), then two other lengths (the JavaScript Bluestein FFT)
  const ns = [32, 64, 128, 256, 512, 1024, 96, 1000];
  const modes = [4, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512];
  const opts = { warmup: 3, runs: backend === 'cpu' ? 7 : 15 };
  console.log(`${backend} truncated DFTs, ${lines} lines, fastest of ${opts.runs}, ms matmul / fft (forward; forward + backward):`);
  const summary = [];
  for (const n of ns) {
    const x = rng.normalTensor([lines, n]);
    const cross = { forward: 0, inverse: 0, forwardTrain: 0, inverseTrain: 0 };
    const cells = [];
    for (const m of modes.filter((k) => k <= (n >> 1) + 1)) {
      const z = { real: rng.normalTensor([lines, m]), imag: rng.normalTensor([lines, m]) };
      const wf = [rng.normalTensor([lines, m]), rng.normalTensor([lines, m])];
      const wi = rng.normalTensor([lines, n]);
      const fwd = (impl) => () => {
        const y = truncatedRfft(x, { modes: m, impl });
        return [y.real, y.imag];
      };
      const inv = (impl) => () => truncatedIrfft(z, { n, impl });
      const fwdTrain = (impl) => () =>
        tf.grad((a) => {
          const y = truncatedRfft(a, { modes: m, impl });
          return tf.add(tf.sum(tf.mul(y.real, wf[0])), tf.sum(tf.mul(y.imag, wf[1])));
        })(x);
      const invTrain = (impl) => () => tf.grads((a, b) => tf.sum(tf.mul(truncatedIrfft({ real: a, imag: b }, { n, impl }), wi)))([z.real, z.imag]);
      const t = {};
      for (const [name, f] of [
        ['forward', fwd],
        ['inverse', inv],
        ['forwardTrain', fwdTrain],
        ['inverseTrain', invTrain],
      ]) {
        t[name] = { matmul: timeMin(f('matmul'), opts), fft: timeMin(f('fft'), opts) };
        if (t[name].matmul < t[name].fft) cross[name] = m;
      }
      tf.dispose([z.real, z.imag, ...wf, wi]);
      const r = (k) => `${t[k].matmul.toFixed(2)}/${t[k].fft.toFixed(2)}`;
      cells.push(`m=${m} ${r('forward')}; ${r('forwardTrain')} | inv ${r('inverse')}; ${r('inverseTrain')}`);
      if (t.forward.matmul > 3 * t.forward.fft && t.inverse.matmul > 3 * t.inverse.fft) break;
    }
    x.dispose();
    console.log(`  n=${n}: ${cells.join('  ')}`);
    summary.push(`n=${n}: forward ${cross.forward} (train ${cross.forwardTrain}), inverse ${cross.inverse} (train ${cross.inverseTrain})`);
  }
  console.log(`${backend} crossover, the largest modes at which matmul was faster (0: never):`);
  for (const line of summary) console.log(`  ${line}`);
}

const only = process.argv[2];
if (only === 'truncated') {
  const lines = Number(process.argv[3] ?? 256);
  for (const backend of ['wasm', 'cpu']) await benchTruncated(backend, lines);
  process.exit(0);
}
for (const backend of ['wasm', 'cpu']) {
  if (!only) await bench(backend);
  if (!only || only === 'spline') await benchSpline(backend);
  if (!only || only === 'fft') await benchFFT(backend);
}
