import { ConfigError, DTypeError, ShapeError, createRng, initBackend, tf } from '@basiskit/tensor';
import { assertClose } from '@basiskit/test-utils';
import { gradCheck } from '@basiskit/training';
import { describe, expect, it } from 'vitest';
import { chebyshevBasis } from './chebyshev_basis';
import { chebyshevBasisDerivativeReference } from './chebyshev_basis_reference';

type Impl = 'fused' | 'reference';

function valueAndGrad(impl: Impl, x: tf.Tensor, degree: number, r: tf.Tensor) {
  const y = chebyshevBasis(x, { degree, impl });
  const dx = tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(chebyshevBasis(xx, { degree, impl }), r)))(x);
  return [y, dx];
}

const near = (t: tf.Tensor) => ({ shape: t.shape, data: t.dataSync() });

describe.each(['cpu', 'wasm'] as const)('chebyshevBasis on %s', (backend) => {
  it.each([
    { shape: [5, 3], degree: 4 },
    { shape: [2, 3, 4], degree: 7 },
    { shape: [6], degree: 1 },
    { shape: [4, 2], degree: 0 },
    { shape: [0, 3], degree: 3 },
  ])('fused equals the plain-ops reference (values, dx): %o', async ({ shape, degree }) => {
    await initBackend({ backend });
    const rng = createRng(4);
    const x = rng.uniformTensor(shape, -3, 3);
    const r = rng.normalTensor([...shape, degree + 1]);
    const f = valueAndGrad('fused', x, degree, r);
    const ref = valueAndGrad('reference', x, degree, r);
    const tol = { rtol: 1e-5, atol: 1e-5 };
    assertClose(f[0], near(ref[0]), tol, 'y');
    assertClose(f[1], near(ref[1]), tol, 'dx');
    tf.dispose([x, r, ...f, ...ref]);
  });

  it("equals cos(d acos(tanh x)) (ChebyKAN's first formula)", async () => {
    await initBackend({ backend });
    const xs = [-2, -0.7, 0, 0.3, 1.1];
    const degree = 5;
    const x = tf.tensor1d(xs);
    const y = chebyshevBasis(x, { degree, impl: 'fused' });
    const want = xs.flatMap((v) => Array.from({ length: degree + 1 }, (_, d) => Math.cos(d * Math.acos(Math.tanh(v)))));
    assertClose(y, { shape: [5, degree + 1], data: want }, { rtol: 1e-5, atol: 1e-6 }, 'T_d');
    tf.dispose([x, y]);
  });

  it('fused gradient passes a finite-difference check', async () => {
    await initBackend({ backend });
    const x = createRng(5).uniformTensor([3, 3], -1.5, 1.5);
    gradCheck((xx) => chebyshevBasis(xx, { degree: 5, impl: 'fused' }), [x], { eps: 1e-2, rtol: 2e-2, atol: 2e-3 });
    tf.dispose(x);
  });

  it.each(['fused', 'reference'] as const)('%s: huge inputs (±1e6) give T_d(±1) = (±1)^d and a zero gradient', async (impl) => {
    await initBackend({ backend });
    const x = tf.tensor1d([1e6, -1e6, 20]);
    const r = tf.ones([3, 5]);
    const [y, dx] = valueAndGrad(impl, x, 4, r);
    expect(Array.from(y.dataSync())).toEqual([1, 1, 1, 1, 1, 1, -1, 1, -1, 1, 1, 1, 1, 1, 1]);
    expect(Array.from(dx.dataSync()).map((v) => Math.abs(v))).toEqual([0, 0, 0]);
    tf.dispose([x, r, y, dx]);
  });
});

describe('chebyshevBasis derivative', () => {
  it("the closed form (1 - tanh^2 x) T'_d(tanh x) equals the fused kernel's gradient (0 for degree 0)", async () => {
    await initBackend({ backend: 'cpu' });
    const rng = createRng(6);
    const x = rng.uniformTensor([4, 2], -2, 2);
    const r = rng.normalTensor([4, 2, 4]);
    const y = chebyshevBasis(x, { degree: 3 });
    const want = chebyshevBasis(x, { degree: 3, impl: 'reference' });
    assertClose(y, near(want), { rtol: 1e-5, atol: 1e-6 }, 'values');
    const d = tf.tidy(() => tf.sum(tf.mul(chebyshevBasisDerivativeReference(x, 3), r), -1));
    const g = tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(chebyshevBasis(xx, { degree: 3, impl: 'fused' }), r)))(x);
    assertClose(d, near(g), { rtol: 1e-5, atol: 1e-5 }, 'derivative');
    const d0 = chebyshevBasisDerivativeReference(x, 0);
    expect(d0.shape).toEqual([4, 2, 1]);
    expect(Array.from(d0.dataSync()).every((v) => v === 0)).toBe(true);
    tf.dispose([x, r, y, want, d, g, d0]);
  });
});

describe('chebyshevBasis errors', () => {
  it('name the argument, the expectation and what came', async () => {
    await initBackend({ backend: 'cpu' });
    const x = tf.zeros([2, 3]);
    const xi = tf.zeros([2, 3], 'int32');
    const s = tf.scalar(1);
    expect(() => chebyshevBasis(xi, { degree: 2 })).toThrow(DTypeError);
    expect(() => chebyshevBasis(s, { degree: 2 })).toThrow(ShapeError);
    expect(() => chebyshevBasis(x, { degree: -1 })).toThrow(/chebyshevBasis: argument degree: invalid value \(expected an integer >= 0, got -1\)/);
    expect(() => chebyshevBasis(x, { degree: 1.5 })).toThrow(ConfigError);
    expect(() => chebyshevBasis(x, undefined as never)).toThrow(/argument options: options are required/);
    expect(() => chebyshevBasis(x, { degree: 2, impl: 'x' as never })).toThrow(/argument impl/);
    expect(() => chebyshevBasis(x, { degree: NaN })).toThrow(/chebyshevBasis: argument degree/);
    tf.dispose([x, xi, s]);
  });
});
