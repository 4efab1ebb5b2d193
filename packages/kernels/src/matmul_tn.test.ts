import { createRng, initBackend, setWasmSimd, tf } from '@basiskit/tensor';
import { gradCheck } from '@basiskit/training';
import { describe, expect, it } from 'vitest';
import { matMulTN } from './matmul_tn';

/** a^T b in float64. */
function exact(a: Float32Array, b: Float32Array, n: number, p: number, q: number): Float64Array {
  const c = new Float64Array(p * q);
  for (let r = 0; r < n; r++) for (let i = 0; i < p; i++) for (let j = 0; j < q; j++) c[i * q + j] += a[r * p + i] * b[r * q + j];
  return c;
}

const modes = [
  { backend: 'cpu', simd: true },
  { backend: 'wasm', simd: true },
  { backend: 'wasm', simd: false },
] as const;

describe.each(modes)('matMulTN on $backend (simd $simd)', ({ backend, simd }) => {
  // shapes: both tile sizes and remainders, Q a multiple of 4 or only P (swapped), neither (JS),
  // more rows than one chunk, row sums (P = 1)
  it.each([
    [300, 32, 32],
    [300, 7, 12],
    [130, 6, 4],
    [257, 8, 3],
    [50, 3, 5],
    [1000, 1, 64],
    [1, 5, 8],
  ])('N=%i P=%i Q=%i equals the float64 a^T b', async (n, p, q) => {
    await initBackend({ backend });
    setWasmSimd(simd);
    try {
      const rng = createRng(n + p + q);
      const a = rng.normalTensor([n, p]);
      const b = rng.normalTensor([n, q]);
      const c = matMulTN(a, b, { impl: 'fused' });
      expect(c.shape).toEqual([p, q]);
      const want = exact(a.dataSync() as Float32Array, b.dataSync() as Float32Array, n, p, q);
      const got = c.dataSync();
      want.forEach((v, i) => expect(Math.abs(got[i] - v)).toBeLessThan(1e-5 * Math.sqrt(n) * (1 + Math.abs(v))));
      tf.dispose([a, b, c]);
    } finally {
      setWasmSimd(true);
    }
  });
});

describe.each(['cpu', 'wasm'] as const)('matMulTN on %s', (backend) => {
  it('equals tf.matMul(a, b, true) (the reference) in value and gradient', async () => {
    await initBackend({ backend });
    const rng = createRng(1);
    const a = rng.normalTensor([20, 8]);
    const b = rng.normalTensor([20, 12]);
    const g = rng.normalTensor([8, 12]);
    const run = (impl: 'fused' | 'reference') => {
      const c = matMulTN(a, b, { impl });
      const [da, db] = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(matMulTN(x, y, { impl }), g)))([a, b]);
      return [c, da, db];
    };
    const f = run('fused');
    const r = run('reference');
    f.forEach((t, k) => {
      const want = r[k].dataSync();
      t.dataSync().forEach((v, i) => expect(Math.abs(v - want[i])).toBeLessThan(1e-4 * (1 + Math.abs(want[i]))));
    });
    tf.dispose([a, b, g, ...f, ...r]);
  });

  it('gradient matches finite differences', async () => {
    await initBackend({ backend });
    const rng = createRng(2);
    const a = rng.normalTensor([6, 4]);
    const b = rng.normalTensor([6, 5]);
    expect(gradCheck((x, y) => matMulTN(x, y, { impl: 'fused' }), [a, b], { eps: 1e-2, rtol: 1e-2, atol: 1e-3 }).ok).toBe(true);
    tf.dispose([a, b]);
  });

  it('rejects operands with different row counts or ranks, naming matMulTN', async () => {
    await initBackend({ backend });
    const a = tf.zeros([4, 3]);
    const b = tf.zeros([5, 3]);
    const v = tf.zeros([4]);
    expect(() => matMulTN(a, b)).toThrow(/matMulTN.*b/s);
    expect(() => matMulTN(v, a)).toThrow(/matMulTN/);
    tf.dispose([a, b, v]);
  });
});
