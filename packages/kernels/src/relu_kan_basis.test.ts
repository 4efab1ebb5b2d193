import { ConfigError, DTypeError, ShapeError, createRng, initBackend, tf } from '@basiskit/tensor';
import { assertClose } from '@basiskit/test-utils';
import { gradCheck } from '@basiskit/training';
import { describe, expect, it } from 'vitest';
import { reluKanBasis, reluKanPhases, reluKanScale } from './relu_kan_basis';
import { reluKanBasisDerivativeReference } from './relu_kan_basis_reference';

type Impl = 'fused' | 'reference';

/** y and the gradients of sum(y * r) with respect to x, phaseLow, phaseHeight. */
function valueAndGrads(impl: Impl, x: tf.Tensor, low: tf.Tensor, high: tf.Tensor, gridSize: number, k: number, r: tf.Tensor) {
  const f = (xx: tf.Tensor, ll: tf.Tensor, hh: tf.Tensor) => reluKanBasis(xx, { gridSize, k, phaseLow: ll, phaseHeight: hh, impl });
  const y = f(x, low, high);
  const grads = tf.grads((xx: tf.Tensor, ll: tf.Tensor, hh: tf.Tensor) => tf.sum(tf.mul(f(xx, ll, hh), r)))([x, low, high]);
  return [y, ...grads];
}

const near = (t: tf.Tensor) => ({ shape: t.shape, data: t.dataSync() });

/** Phases [rows, G+k]: ReLU-KAN's defaults, jittered per row (as after training them). */
function phases(gridSize: number, k: number, rows: number, seed: number): [tf.Tensor, tf.Tensor] {
  const { phaseLow, phaseHeight } = reluKanPhases(gridSize, k);
  const rng = createRng(seed);
  const jitter = () => ((rng.uniform() - 0.5) * 0.2) / gridSize;
  const low = Array.from({ length: rows }, () => phaseLow.map((s) => s + jitter())).flat();
  const high = Array.from({ length: rows }, () => phaseHeight.map((e) => e + jitter())).flat();
  return [tf.tensor2d(low, [rows, gridSize + k]), tf.tensor2d(high, [rows, gridSize + k])];
}

describe.each(['cpu', 'wasm'] as const)('reluKanBasis on %s', (backend) => {
  it.each([
    { shape: [6, 3], gridSize: 5, k: 3, perFeature: true },
    { shape: [2, 3, 4], gridSize: 4, k: 2, perFeature: false },
    { shape: [9], gridSize: 3, k: 0, perFeature: true },
    { shape: [0, 2], gridSize: 3, k: 1, perFeature: true },
  ])('fused equals the plain-ops reference (values, dx, dphaseLow, dphaseHeight): %o', async ({ shape, gridSize, k, perFeature }) => {
    await initBackend({ backend });
    const rng = createRng(10);
    const x = rng.uniformTensor(shape, -0.2, 1.2);
    const [low, high] = phases(gridSize, k, perFeature ? shape[shape.length - 1] : 1, 11);
    const r = rng.normalTensor([...shape, gridSize + k]);
    const f = valueAndGrads('fused', x, low, high, gridSize, k, r);
    const ref = valueAndGrads('reference', x, low, high, gridSize, k, r);
    const tol = { rtol: 1e-4, atol: 1e-4 };
    ['y', 'dx', 'dphaseLow', 'dphaseHeight'].forEach((label, i) => assertClose(f[i], near(ref[i]), tol, label));
    tf.dispose([x, low, high, r, ...f, ...ref]);
  });

  it('default layout: s_i = (i-k)/G, e_i = s_i + (k+1)/G, each bump peaks at 1 in its middle, at most k+1 nonzero', async () => {
    await initBackend({ backend });
    const G = 5;
    const k = 3;
    const { phaseLow, phaseHeight } = reluKanPhases(G, k);
    expect(phaseLow.length).toBe(G + k);
    expect(phaseLow[0]).toBeCloseTo(-k / G, 12);
    expect(phaseHeight[G + k - 1]).toBeCloseTo(1 + k / G, 12);
    expect(reluKanScale(G, k)).toBeCloseTo((4 * G * G) / 16, 12);
    const mids = phaseLow.map((s, i) => (s + phaseHeight[i]) / 2);
    const xm = tf.tensor1d(mids);
    const y = reluKanBasis(xm, { gridSize: G, k, impl: 'fused' });
    const v = y.arraySync() as number[][];
    mids.forEach((_, i) => expect(v[i][i]).toBeCloseTo(1, 5));
    const xs = createRng(12).uniformTensor([200], 0, 1);
    const b = reluKanBasis(xs, { gridSize: G, k });
    const counts = (b.arraySync() as number[][]).map((row) => row.filter((t) => t !== 0).length);
    expect(Math.max(...counts)).toBeLessThanOrEqual(k + 1);
    expect(Math.max(...counts)).toBe(k + 1);
    tf.dispose([xm, y, xs, b]);
  });

  it('fused gradients pass a finite-difference check (x, phaseLow, phaseHeight)', async () => {
    await initBackend({ backend });
    const x = createRng(13).uniformTensor([3, 2], 0.05, 0.95);
    const [low, high] = phases(3, 2, 2, 14);
    gradCheck((xx, ll, hh) => reluKanBasis(xx, { gridSize: 3, k: 2, phaseLow: ll, phaseHeight: hh, impl: 'fused' }), [x, low, high], {
      eps: 1e-3,
      rtol: 3e-2,
      atol: 5e-3,
    });
    tf.dispose([x, low, high]);
  });

  it.each(['fused', 'reference'] as const)('%s: huge inputs (±1e6) give zeros and zero gradients', async (impl) => {
    await initBackend({ backend });
    const x = tf.tensor2d([[1e6, -1e6]]);
    const [low, high] = phases(4, 2, 2, 15);
    const r = tf.ones([1, 2, 6]);
    const out = valueAndGrads(impl, x, low, high, 4, 2, r);
    for (const t of out) expect(Array.from(t.dataSync()).every((v) => v === 0)).toBe(true);
    tf.dispose([x, low, high, r, ...out]);
  });
});

describe('reluKanBasis derivative', () => {
  it("the closed form 2 p r (b - a) equals the fused kernel's gradient; at most k + 1 bumps are nonzero", async () => {
    await initBackend({ backend: 'cpu' });
    const rng = createRng(16);
    const x = rng.uniformTensor([5, 2], 0, 1);
    const r = rng.normalTensor([5, 2, 6]);
    const y = reluKanBasis(x, { gridSize: 4, k: 2 });
    const want = reluKanBasis(x, { gridSize: 4, k: 2, impl: 'reference' });
    assertClose(y, near(want), { rtol: 1e-5, atol: 1e-5 }, 'values');
    const nonzero = tf.tidy(() => tf.max(tf.sum(tf.cast(tf.greater(y, 0), 'float32'), -1)));
    expect(nonzero.dataSync()[0]).toBeLessThanOrEqual(3);
    const d = tf.tidy(() => {
      const { phaseLow, phaseHeight } = reluKanPhases(4, 2);
      const dr = reluKanBasisDerivativeReference(x, tf.tensor2d(phaseLow, [1, 6]), tf.tensor2d(phaseHeight, [1, 6]), reluKanScale(4, 2));
      return tf.sum(tf.mul(dr, r), -1);
    });
    const g = tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(reluKanBasis(xx, { gridSize: 4, k: 2, impl: 'fused' }), r)))(x);
    assertClose(d, near(g), { rtol: 1e-4, atol: 1e-4 }, 'derivative');
    tf.dispose([x, r, y, want, nonzero, d, g]);
  });
});

describe('reluKanBasis errors', () => {
  it('name the argument, the expectation and what came', async () => {
    await initBackend({ backend: 'cpu' });
    const x = tf.zeros([2, 3]);
    const xi = tf.zeros([2, 3], 'int32');
    const s = tf.scalar(1);
    const p = tf.zeros([3, 8]);
    const p2 = tf.zeros([2, 8]);
    const p1 = tf.zeros([1, 8]);
    const pi = tf.zeros([3, 8], 'int32');
    expect(() => reluKanBasis(xi, { gridSize: 5, k: 3 })).toThrow(DTypeError);
    expect(() => reluKanBasis(s, { gridSize: 5, k: 3 })).toThrow(ShapeError);
    expect(() => reluKanBasis(x, { gridSize: 0, k: 3 })).toThrow(/reluKanBasis: argument gridSize: invalid value \(expected an integer >= 1, got 0\)/);
    expect(() => reluKanBasis(x, { gridSize: 5, k: -1 })).toThrow(/argument k: invalid value/);
    expect(() => reluKanBasis(x, { gridSize: 5, k: 3, phaseLow: p })).toThrow(/argument phaseHeight: give both or neither/);
    expect(() => reluKanBasis(x, { gridSize: 5, k: 3, phaseLow: p2, phaseHeight: p2 })).toThrow(
      /argument phaseLow: wrong shape \(expected \[3 or 1, 8\] \(in, G \+ k\), got \[2, 8\]\)/,
    );
    expect(() => reluKanBasis(x, { gridSize: 5, k: 3, phaseLow: p, phaseHeight: p1 })).toThrow(/argument phaseHeight: wrong shape/);
    expect(() => reluKanBasis(x, { gridSize: 5, k: 3, phaseLow: pi, phaseHeight: p })).toThrow(DTypeError);
    expect(() => reluKanBasis(x, { gridSize: 5, k: 3, impl: 'x' as never })).toThrow(ConfigError);
    expect(() => reluKanBasis(x, undefined as never)).toThrow(/argument options: options are required/);
    expect(() => reluKanBasis(x, { gridSize: 5, k: 1.5 })).toThrow(/reluKanBasis: argument k/);
    tf.dispose([x, xi, s, p, p2, p1, pi]);
  });
});
