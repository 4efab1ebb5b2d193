import { ConfigError, DTypeError, ShapeError, createRng, initBackend, tf } from '@basiskit/tensor';
import { assertClose } from '@basiskit/test-utils';
import { gradCheck } from '@basiskit/training';
import { describe, expect, it } from 'vitest';
import { rbfBasis, type RBFBasisOptions } from './rbf_basis';
import { rbfBasisDerivativeReference, rbfBasisReference } from './rbf_basis_reference';

type Impl = 'fused' | 'reference';

/** y and the gradients of sum(y * r) with respect to x and the grid. */
function valueAndGrads(impl: Impl, x: tf.Tensor, grid: tf.Tensor, opts: RBFBasisOptions, r: tf.Tensor) {
  const y = rbfBasis(x, { ...opts, grid, impl });
  const grads = tf.grads((xx: tf.Tensor, gg: tf.Tensor) => tf.sum(tf.mul(rbfBasis(xx, { ...opts, grid: gg, impl }), r)))([x, grid]);
  return [y, ...grads];
}

const near = (t: tf.Tensor) => ({ shape: t.shape, data: t.dataSync() });

describe.each(['cpu', 'wasm'] as const)('rbfBasis on %s', (backend) => {
  it.each([
    { shape: [5, 3], opts: {} },
    { shape: [2, 3, 4], opts: { gridMin: -1, gridMax: 3, numGrids: 5 } },
    { shape: [7], opts: { numGrids: 3, denominator: 0.4 } },
    { shape: [0, 4], opts: {} },
  ])('fused equals the plain-ops reference (values, dx, dgrid): %o', async ({ shape, opts }) => {
    await initBackend({ backend });
    const rng = createRng(1);
    const x = rng.uniformTensor(shape, -3, 3);
    const K = (opts as RBFBasisOptions).numGrids ?? 8;
    const grid = tf.tidy(() =>
      tf.add(tf.linspace((opts as RBFBasisOptions).gridMin ?? -2, (opts as RBFBasisOptions).gridMax ?? 2, K), rng.uniformTensor([K], -0.1, 0.1)),
    );
    const r = rng.normalTensor([...shape, K]);
    const f = valueAndGrads('fused', x, grid, opts, r);
    const ref = valueAndGrads('reference', x, grid, opts, r);
    const tol = { rtol: 1e-5, atol: 1e-6 };
    ['y', 'dx', 'dgrid'].forEach((label, i) => assertClose(f[i], near(ref[i]), tol, label));
    tf.dispose([x, grid, r, ...f, ...ref]);
  });

  it.each([
    { K: 8, lo: -2, hi: 2, h: undefined, label: 'FastKAN default (uniform-grid recurrence and direct tails)' },
    { K: 24, lo: -1, hi: 1, h: 0.05, label: 'many points, narrow Gaussians' },
    { K: 5, lo: -2, hi: 2, h: 0.1, label: 'step/h = 10 (direct path)' },
    { K: 6, lo: 0, hi: 5, h: 3, label: 'wide Gaussians' },
  ])('fused values, dx and dgrid equal the float64 formula on a linspace grid: $label', async ({ K, lo, hi, h }) => {
    await initBackend({ backend });
    const den = h ?? (hi - lo) / (K - 1);
    const rng = createRng(21);
    const xs = Array.from(rng.fillUniform(new Float32Array(300), lo - 40 * den, hi + 40 * den));
    xs.push(lo, hi, (lo + hi) / 2, lo - 26 * den, hi + 26 * den);
    const x = tf.tensor1d(xs);
    const grid = tf.linspace(lo, hi, K);
    const g = Array.from(grid.dataSync());
    const r = rng.normalTensor([xs.length, K]);
    const rv = r.dataSync();
    const [y, dx, dgrid] = valueAndGrads('fused', x, grid, { denominator: den }, r);
    const want = xs.flatMap((v) => g.map((gk) => Math.exp(-(((v - gk) / den) ** 2))));
    const db = (v: number, gk: number) => ((-2 * (v - gk)) / (den * den)) * Math.exp(-(((v - gk) / den) ** 2));
    const wantDx = xs.map((v, m) => g.reduce((s, gk, k) => s + rv[m * K + k] * db(v, gk), 0));
    const wantDg = g.map((gk, k) => -xs.reduce((s, v, m) => s + rv[m * K + k] * db(v, gk), 0));
    assertClose(y, { shape: [xs.length, K], data: want }, { rtol: 1e-6, atol: 1e-7 }, 'y');
    assertClose(dx, { shape: [xs.length], data: wantDx }, { rtol: 1e-5, atol: 1e-5 / den }, 'dx');
    assertClose(dgrid, { shape: [K], data: wantDg }, { rtol: 1e-5, atol: 1e-5 / den }, 'dgrid');
    tf.dispose([x, grid, r, y, dx, dgrid]);
  });

  it('default grid is linspace(-2, 2, 8) with h = 4/7: b_k(g_k) = 1, b_k(g_k + h) = 1/e', async () => {
    await initBackend({ backend });
    const h = 4 / 7;
    const x = tf.tensor1d([-2, -2 + h]);
    const y = rbfBasis(x, { impl: 'fused' });
    expect(y.shape).toEqual([2, 8]);
    const v = y.arraySync() as number[][];
    expect(v[0][0]).toBeCloseTo(1, 6);
    expect(v[1][1]).toBeCloseTo(1, 6);
    expect(v[1][0]).toBeCloseTo(Math.exp(-1), 6);
    expect(v[0][2]).toBeCloseTo(Math.exp(-4), 6);
    tf.dispose([x, y]);
  });

  it('fused gradients pass a finite-difference check (x and grid)', async () => {
    await initBackend({ backend });
    const rng = createRng(2);
    const x = rng.uniformTensor([3, 2], -2.5, 2.5);
    const grid = tf.linspace(-2, 2, 5);
    gradCheck((xx, gg) => rbfBasis(xx, { grid: gg, impl: 'fused' }), [x, grid], { eps: 1e-2, rtol: 2e-2, atol: 2e-3 });
    tf.dispose([x, grid]);
  });

  it.each(['fused', 'reference'] as const)('%s: huge inputs (±1e6) give zeros and finite gradients', async (impl) => {
    await initBackend({ backend });
    const x = tf.tensor2d([[1e6, -1e6, 0.5]]);
    const grid = tf.linspace(-2, 2, 8);
    const r = tf.ones([1, 3, 8]);
    const [y, dx, dgrid] = valueAndGrads(impl, x, grid, {}, r);
    const yv = y.dataSync();
    expect(Array.from(yv.slice(0, 16)).every((v) => v === 0)).toBe(true);
    for (const t of [y, dx, dgrid]) expect(Array.from(t.dataSync()).every(Number.isFinite)).toBe(true);
    expect(dx.dataSync()[0]).toBe(0);
    tf.dispose([x, grid, r, y, dx, dgrid]);
  });
});

describe('rbfBasis derivative', () => {
  it("the closed form b_k'(x) = -2 (x - g_k)/h^2 b_k(x) equals the fused kernel's gradient; defaults are FastKAN's linspace", async () => {
    await initBackend({ backend: 'cpu' });
    const rng = createRng(3);
    const x = rng.uniformTensor([4, 3], -1.5, 1.5);
    const r = rng.normalTensor([4, 3, 6]);
    const opts = { gridMin: -1, gridMax: 1, numGrids: 6 };
    const y = rbfBasis(x, opts);
    const want = tf.tidy(() => rbfBasisReference(x, tf.linspace(-1, 1, 6), 0.4));
    assertClose(y, near(want), { rtol: 1e-5, atol: 1e-6 }, 'values');
    const d = tf.tidy(() => tf.sum(tf.mul(rbfBasisDerivativeReference(x, tf.linspace(-1, 1, 6), 0.4), r), -1));
    const g = tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(rbfBasis(xx, { ...opts, impl: 'fused' }), r)))(x);
    assertClose(d, near(g), { rtol: 1e-5, atol: 1e-6 }, 'derivative');
    tf.dispose([x, r, y, want, d, g]);
  });
});

describe('rbfBasis errors', () => {
  it('name the argument, the expectation and what came', async () => {
    await initBackend({ backend: 'cpu' });
    const x = tf.zeros([2, 3]);
    const xi = tf.zeros([2, 3], 'int32');
    const s = tf.scalar(1);
    const g2 = tf.zeros([2, 2]);
    const g5 = tf.zeros([5]);
    expect(() => rbfBasis(xi)).toThrow(DTypeError);
    expect(() => rbfBasis(xi)).toThrow(/rbfBasis: argument x: wrong dtype \(expected float32, got int32\)/);
    expect(() => rbfBasis(s)).toThrow(ShapeError);
    expect(() => rbfBasis(x, { gridMin: 2, gridMax: -2 })).toThrow(/argument gridMin, gridMax: invalid grid range/);
    expect(() => rbfBasis(x, { numGrids: 1 })).toThrow(/argument numGrids: invalid value \(expected an integer >= 2, got 1\)/);
    expect(() => rbfBasis(x, { numGrids: 2.5 })).toThrow(ConfigError);
    expect(() => rbfBasis(x, { denominator: 0 })).toThrow(/argument denominator/);
    expect(() => rbfBasis(x, { grid: g2 })).toThrow(/argument grid: wrong shape/);
    expect(() => rbfBasis(x, { grid: g5, numGrids: 8 })).toThrow(/argument grid: wrong shape \(expected \[8\] \(numGrids\), got \[5\]\)/);
    expect(() => rbfBasis(x, { impl: 'fast' as never })).toThrow(/argument impl/);
    expect(() => rbfBasis(x, { numGrids: 0 })).toThrow(/rbfBasis: argument numGrids/);
    const one = rbfBasis(x, { numGrids: 1, denominator: 0.5 });
    expect(one.shape).toEqual([2, 3, 1]);
    tf.dispose([x, xi, s, g2, g5, one]);
  });
});
