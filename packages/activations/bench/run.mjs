// Benchmark: KATGroupRational (8 groups, shared numerator) forward + backward on
// [8, 197, 768] — a ViT-B block's hidden activations — on wasm and cpu: the module (fused
// kernel) vs the same math as plain tfjs ops, measured in the same run. KAT's PyTorch CPU
// fallback takes ~100 ms for this on a 2-core machine (its authors' figure; not run here).
import { ratioLine, timeIt } from '@basiskit/bench';
import { KATGroupRational } from '@basiskit/activations';
import { groupRationalReference } from '@basiskit/kernels/testing';
import { createRng, initBackend, tf } from '@basiskit/tensor';

const shape = [8, 197, 768];

for (const backend of ['wasm', 'cpu']) {
  await initBackend({ backend });
  const act = new KATGroupRational({ channels: 768, groups: 8, init: 'gelu' });
  const rng = createRng(0);
  const x = rng.normalTensor(shape);
  const dy = rng.normalTensor(shape);
  const vars = [act.weight_numerator.value, act.weight_denominator.value];
  // forward, then backward from the upstream gradient dy for x and both coefficient tables
  const fused = () => tf.grads((xx, _a, _b) => act.forward(xx))([x, ...vars], dy);
  const reference = () => tf.grads((xx, a, b) => groupRationalReference(xx, a, b))([x, ...vars], dy);
  const runs = backend === 'cpu' ? 3 : 10;
  const tf_ = await timeIt(fused, { runs });
  const tr = await timeIt(reference, { runs });
  console.log(ratioLine(`${backend} KATGroupRational fwd+bwd [${shape}]`, tf_, tr));
  console.log(`${backend} KATGroupRational fwd+bwd: ${tf_.toFixed(2)} ms per step; vs KAT's ~100 ms PyTorch CPU fallback: ${(100 / tf_).toFixed(1)}x`);
  tf.dispose([x, dy]);
  act.dispose();
}
