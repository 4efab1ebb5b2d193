import { ConfigError, DTypeError, ShapeError, createRng, initBackend, tf } from '@basiskit/tensor';
import { assertClose } from '@basiskit/test-utils';
import { gradCheck } from '@basiskit/training';
import { describe, expect, it } from 'vitest';
import { fourierBasis } from './fourier_basis';
import { fourierBasisDerivativeReference } from './fourier_basis_reference';

type Impl = 'fused' | 'reference';

function valueAndGrad(impl: Impl, x: tf.Tensor, gridSize: number, r: tf.Tensor) {
  const y = fourierBasis(x, { gridSize, impl });
  const dx = tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(fourierBasis(xx, { gridSize, impl }), r)))(x);
  return [y, dx];
}

const near = (t: tf.Tensor) => ({ shape: t.shape, data: t.dataSync() });

describe.each(['cpu', 'wasm'] as const)('fourierBasis on %s', (backend) => {
  it.each([
    { shape: [5, 3], gridSize: 5 },
    { shape: [2, 3, 4], gridSize: 12 },
    { shape: [6], gridSize: 1 },
    { shape: [0, 3], gridSize: 3 },
  ])('fused equals the plain-ops reference (values, dx): %o', async ({ shape, gridSize }) => {
    await initBackend({ backend });
    const rng = createRng(7);
    const x = rng.uniformTensor(shape, -4, 4);
    const r = rng.normalTensor([...shape, 2 * gridSize]);
    const f = valueAndGrad('fused', x, gridSize, r);
    const ref = valueAndGrad('reference', x, gridSize, r);
    // float32 k*x in the reference: error grows with k |x|
    const tol = { rtol: 2e-5, atol: 2e-5 * gridSize };
    assertClose(f[0], near(ref[0]), tol, 'y');
    assertClose(f[1], near(ref[1]), { rtol: 2e-5, atol: 2e-5 * gridSize * gridSize }, 'dx');
    tf.dispose([x, r, ...f, ...ref]);
  });

  it('layout: cos(k x) block, then sin(k x) block (float64 truth)', async () => {
    await initBackend({ backend });
    const xs = [-3.1, -0.5, 0, 0.25, 2.9];
    const G = 4;
    const x = tf.tensor1d(xs);
    const y = fourierBasis(x, { gridSize: G, impl: 'fused' });
    const want = xs.flatMap((v) => [
      ...Array.from({ length: G }, (_, k) => Math.cos((k + 1) * v)),
      ...Array.from({ length: G }, (_, k) => Math.sin((k + 1) * v)),
    ]);
    assertClose(y, { shape: [5, 2 * G], data: want }, { rtol: 1e-6, atol: 1e-6 }, 'basis');
    tf.dispose([x, y]);
  });

  it('fused gradient passes a finite-difference check', async () => {
    await initBackend({ backend });
    const x = createRng(8).uniformTensor([3, 3], -3, 3);
    gradCheck((xx) => fourierBasis(xx, { gridSize: 4, impl: 'fused' }), [x], { eps: 1e-3, rtol: 2e-2, atol: 2e-2 });
    tf.dispose(x);
  });

  it('fused: huge inputs (±1e6) stay accurate (float64 harmonics) with finite gradients', async () => {
    await initBackend({ backend });
    const xs = [1e6, -1e6];
    const G = 3;
    const x = tf.tensor1d(xs);
    const r = tf.ones([2, 2 * G]);
    const [y, dx] = valueAndGrad('fused', x, G, r);
    const want = xs.flatMap((v) => [1, 2, 3].map((k) => Math.cos(k * v)).concat([1, 2, 3].map((k) => Math.sin(k * v))));
    assertClose(y, { shape: [2, 2 * G], data: want }, { rtol: 1e-5, atol: 1e-5 }, 'huge');
    const wantDx = xs.map((v) => [1, 2, 3].reduce((s, k) => s + k * (Math.cos(k * v) - Math.sin(k * v)), 0));
    assertClose(dx, { shape: [2], data: wantDx }, { rtol: 1e-4, atol: 1e-4 }, 'huge dx');
    tf.dispose([x, r, y, dx]);
  });

  it('reference: huge inputs (±1e6) stay NaN-free', async () => {
    await initBackend({ backend });
    const x = tf.tensor1d([1e6, -1e6]);
    const r = tf.ones([2, 6]);
    const [y, dx] = valueAndGrad('reference', x, 3, r);
    for (const t of [y, dx]) expect(Array.from(t.dataSync()).every(Number.isFinite)).toBe(true);
    tf.dispose([x, r, y, dx]);
  });
});

describe('fourierBasis derivative', () => {
  it("the closed form -k sin(kx), k cos(kx) equals the fused kernel's gradient", async () => {
    await initBackend({ backend: 'cpu' });
    const rng = createRng(9);
    const x = rng.uniformTensor([4, 2], -3, 3);
    const r = rng.normalTensor([4, 2, 6]);
    const y = fourierBasis(x, { gridSize: 3 });
    const want = fourierBasis(x, { gridSize: 3, impl: 'reference' });
    assertClose(y, near(want), { rtol: 1e-5, atol: 1e-5 }, 'values');
    const d = tf.tidy(() => tf.sum(tf.mul(fourierBasisDerivativeReference(x, 3), r), -1));
    const g = tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(fourierBasis(xx, { gridSize: 3, impl: 'fused' }), r)))(x);
    assertClose(d, near(g), { rtol: 1e-4, atol: 1e-4 }, 'derivative');
    tf.dispose([x, r, y, want, d, g]);
  });
});

describe('fourierBasis errors', () => {
  it('name the argument, the expectation and what came', async () => {
    await initBackend({ backend: 'cpu' });
    const x = tf.zeros([2, 3]);
    const xi = tf.zeros([2, 3], 'int32');
    const s = tf.scalar(1);
    expect(() => fourierBasis(xi, { gridSize: 2 })).toThrow(DTypeError);
    expect(() => fourierBasis(s, { gridSize: 2 })).toThrow(ShapeError);
    expect(() => fourierBasis(x, { gridSize: 0 })).toThrow(/fourierBasis: argument gridSize: invalid value \(expected an integer >= 1, got 0\)/);
    expect(() => fourierBasis(x, { gridSize: 2.5 })).toThrow(ConfigError);
    expect(() => fourierBasis(x, undefined as never)).toThrow(/argument options: options are required/);
    expect(() => fourierBasis(x, { gridSize: 2, impl: 'x' as never })).toThrow(/argument impl/);
    expect(() => fourierBasis(x, { gridSize: -1 })).toThrow(/fourierBasis: argument gridSize/);
    tf.dispose([x, xi, s]);
  });
});
