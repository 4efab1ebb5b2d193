// Benchmarks, each path measured in the same run, on wasm and cpu:
// 1. KATGroupRational forward + backward on [8, 197, 768], 8 groups (a ViT-B block's hidden
//    activations), fused kernel vs the plain-ops reference. KAT's PyTorch CPU fallback takes
//    ~100 ms for this on a 2-core machine.
// 2. splineLinear (efficient-kan KANLinear's spline branch), N=1024, in=out=64, G=5, k=3:
//    forward and forward + backward of the local kernel (SIMD and JavaScript), the dense path
//    (fused bases + matMul) and the plain-ops reference.
// `node bench/run.mjs spline` runs only the second.
import { ratioLine, timeIt } from '@basiskit/bench';
import { groupRational, setWasmSimd, splineLinear, uniformGrid } from '@basiskit/kernels';
import { createRng, initBackend, tf } from '@basiskit/tensor';

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

const only = process.argv[2];
for (const backend of ['wasm', 'cpu']) {
  if (only !== 'spline') await bench(backend);
  if (!only || only === 'spline') await benchSpline(backend);
}
