import { createRng, initBackend, setWasmSimd, tf } from '@basiskit/tensor';
import { gradCheck } from '@basiskit/training';
import { describe, expect, it } from 'vitest';
import { biasGelu } from './bias_gelu';

const modes = [
  { backend: 'cpu', simd: true },
  { backend: 'wasm', simd: true },
  { backend: 'wasm', simd: false },
] as const;

// C = 8 and 12 take the SIMD kernel on wasm, C = 5 the JavaScript one; 600 rows span chunks of dbias sums
const shapes = [
  [2, 3, 8],
  [600, 12],
  [7, 5],
];

describe.each(modes)('biasGelu on $backend (simd $simd)', ({ backend, simd }) => {
  it('equals the plain-ops reference in value and in the gradients of x, bias and skip', async () => {
    await initBackend({ backend });
    setWasmSimd(simd);
    try {
      const rng = createRng(11);
      for (const shape of shapes) {
        for (const withSkip of [false, true]) {
          const c = shape[shape.length - 1];
          const x = rng.normalTensor(shape, 0, 2);
          const b = rng.normalTensor([c]);
          const s = rng.normalTensor(shape);
          const r = rng.normalTensor(shape);
          const run = (impl: 'fused' | 'reference') => {
            const f = (xx: tf.Tensor, bb: tf.Tensor, ss: tf.Tensor) => biasGelu(xx, bb, { skip: withSkip ? ss : null, impl });
            const y = f(x, b, s);
            // tfjs refuses a gradient for an unused input: without a skip, only x and bias
            const grads = withSkip
              ? tf.grads((xx: tf.Tensor, bb: tf.Tensor, ss: tf.Tensor) => tf.sum(tf.mul(f(xx, bb, ss), r)))([x, b, s])
              : tf.grads((xx: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(f(xx, bb, s), r)))([x, b]);
            return [y, ...grads];
          };
          const fused = run('fused');
          const ref = run('reference');
          const names = ['y', 'dx', 'dbias', 'dskip'];
          fused.forEach((t, i) => {
            const got = t.dataSync();
            const want = ref[i].dataSync();
            // dbias sums `rows` terms: its tolerance grows with them
            const scale = i === 2 ? shape.slice(0, -1).reduce((p, d) => p * d, 1) : 1;
            for (let k = 0; k < got.length; k++) {
              const tol = 2e-6 * scale * (1 + Math.abs(want[k]));
              if (!(Math.abs(got[k] - want[k]) <= tol)) throw new Error(`${names[i]}[${k}] of ${shape} (skip ${withSkip}): ${got[k]} vs ${want[k]}`);
            }
          });
          expect(fused.length).toBe(withSkip ? 4 : 3);
          tf.dispose([x, b, s, r, ...fused, ...ref]);
        }
      }
    } finally {
      setWasmSimd(true);
    }
  });
});

describe.each(['cpu', 'wasm'] as const)('biasGelu on %s', (backend) => {
  it('gradients match finite differences (x, bias, skip)', async () => {
    await initBackend({ backend });
    const rng = createRng(5);
    const x = rng.uniformTensor([6, 4], -3, 3);
    const b = rng.uniformTensor([4], -1, 1);
    const s = rng.uniformTensor([6, 4], -1, 1);
    const res = gradCheck((xx, bb, ss) => biasGelu(xx, bb, { skip: ss, impl: 'fused' }), [x, b, s], { eps: 1e-2, rtol: 1e-2, atol: 1e-3 });
    expect(res.ok).toBe(true);
    tf.dispose([x, b, s]);
  });

  it('second derivatives match the reference and finite differences', async () => {
    await initBackend({ backend });
    const rng = createRng(9);
    const x = rng.normalTensor([5, 4]);
    const b = rng.normalTensor([4], 0, 0.5);
    const s = rng.normalTensor([5, 4]);
    const r = rng.normalTensor([5, 4]);
    // the gradient of sum(r * biasGelu) in all three inputs, then its weighted sum, differentiated again
    const inner = (impl: 'fused' | 'reference') => (xx: tf.Tensor, bb: tf.Tensor, ss: tf.Tensor) => {
      const [gx, gb, gs] = tf.grads((a: tf.Tensor, c: tf.Tensor, d: tf.Tensor) => tf.sum(tf.mul(biasGelu(a, c, { skip: d, impl }), r)))([xx, bb, ss]);
      return tf.add(tf.add(tf.sum(tf.mul(gx, gx)), tf.sum(tf.mul(gb, 0.3))), tf.sum(tf.mul(gs, xx)));
    };
    const second = (impl: 'fused' | 'reference') => tf.grads(inner(impl))([x, b, s]);
    const gf = second('fused');
    const gr = second('reference');
    gf.forEach((t, i) => {
      const got = t.dataSync();
      const want = gr[i].dataSync();
      for (let k = 0; k < got.length; k++) expect(Math.abs(got[k] - want[k])).toBeLessThan(2e-4 * (1 + Math.abs(want[k])));
    });
    const res = gradCheck((xx, dy) => tf.grad((u: tf.Tensor) => tf.sum(tf.mul(biasGelu(u, b, { skip: s, impl: 'fused' }), dy)))(xx), [x, r], {
      eps: 1e-2,
      rtol: 2e-2,
      atol: 2e-3,
    });
    expect(res.ok).toBe(true);
    tf.dispose([x, b, s, r, ...gf, ...gr]);
  });

  it('leaves no tensors behind (forward and backward, with and without skip)', async () => {
    await initBackend({ backend });
    const x = tf.tensor2d([-2, -0.5, 0, 0.5, 2, 1, -1, 3], [2, 4]);
    const b = tf.tensor1d([0.1, -0.2, 0.3, 0]);
    const before = tf.memory().numTensors;
    const y = biasGelu(x, b, { skip: x });
    const g = tf.grads((a: tf.Tensor, c: tf.Tensor) => tf.sum(biasGelu(a, c, { skip: a })))([x, b]);
    const g2 = tf.grads((a: tf.Tensor, c: tf.Tensor) => tf.sum(biasGelu(a, c)))([x, b]);
    expect(tf.memory().numTensors).toBe(before + 5);
    tf.dispose([x, b, y, ...g, ...g2]);
  });

  it('rejects a bias of the wrong size, a skip of the wrong shape and an unknown impl, naming biasGelu', async () => {
    await initBackend({ backend });
    const x = tf.zeros([3, 4]);
    const b = tf.zeros([4]);
    const bad = tf.zeros([3]);
    const s = tf.zeros([4, 3]);
    expect(() => biasGelu(x, bad)).toThrow(/biasGelu.*bias/s);
    expect(() => biasGelu(x, b, { skip: s })).toThrow(/biasGelu.*skip.*\[3, ?4\]/s);
    expect(() => biasGelu(x, b, { impl: 'fast' as never })).toThrow(/biasGelu.*impl/s);
    tf.dispose([x, b, bad, s]);
  });
});
