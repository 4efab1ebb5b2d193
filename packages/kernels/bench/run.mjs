// Benchmark: KATGroupRational forward + backward on [8, 197, 768], 8 groups (a ViT-B block's
// hidden activations), fused kernel vs the plain-ops reference, on wasm and cpu, measured in
// the same run. KAT's PyTorch CPU fallback takes ~100 ms for this on a 2-core machine.
import { ratioLine, timeIt } from '@basiskit/bench';
import { groupRational, setGroupRationalSimd } from '@basiskit/kernels';
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
    setGroupRationalSimd(false);
    const js = await timeIt(step('fused'), { runs });
    setGroupRationalSimd(true);
    console.log(ratioLine(`wasm forward+backward, SIMD kernel vs the same kernel in JavaScript`, fused, js, 'simd', 'js'));
  }
  tf.dispose([x, a, b, dy]);
}

await bench('wasm');
await bench('cpu');
