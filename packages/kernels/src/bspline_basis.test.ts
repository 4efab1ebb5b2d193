import { ConfigError, initBackend, setWasmSimd, tf } from '@basiskit/tensor';
import { assertClose, loadCase, specTensor } from '@basiskit/test-utils';
import { gradCheck } from '@basiskit/training';
import { describe, expect, it } from 'vitest';
import { bsplineBasis } from './bspline_basis';
import { BSPLINE_BASIS_KERNEL } from './bspline_basis_kernel';
import { bsplineBasisReference } from './bspline_basis_reference';
import { onBackendWithoutFusedKernels, testGrid, testInputs } from './bspline_basis_test_data';
import { uniformGrid } from './bspline_grid';

const exact = { rtol: 0, atol: 0 };
const tight = { rtol: 2e-6, atol: 1e-7 };
const data = (t: tf.Tensor) => ({ shape: t.shape, data: t.dataSync() });

/** values and d(sum(B * r))/dx of one implementation */
function valueAndGrad(impl: 'fused' | 'reference', x: tf.Tensor, grid: tf.Tensor, k: number, r: tf.Tensor) {
  const y = bsplineBasis(x, grid, { splineOrder: k, impl });
  const dx = tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(bsplineBasis(xx, grid, { splineOrder: k, impl }), r)))(x);
  return { y, dx };
}

describe.each(['cpu', 'wasm'] as const)('bsplineBasis on %s', (backend) => {
  it.each(['fused', 'reference'] as const)('%s matches efficient-kan b_splines (conformance case outputs.bases)', async (impl) => {
    await initBackend({ backend });
    const c = loadCase('efficient_kan_linear_i5_o3_g5_k3');
    const x = specTensor(c.inputs.x);
    const grid = uniformGrid(5, 5, 3, [-1, 1]);
    const bases = bsplineBasis(x, grid, { splineOrder: 3, impl });
    assertClose(bases, c.outputs.bases as never, c.tolerance, `${impl} bases`);
    tf.dispose([x, grid, bases]);
  });

  it.each([
    { k: 0, g: 4, kind: 'uniform' },
    { k: 1, g: 3, kind: 'random' },
    { k: 2, g: 7, kind: 'uniform' },
    { k: 2, g: 5, kind: 'random' },
    { k: 3, g: 5, kind: 'uniform' },
    { k: 3, g: 10, kind: 'random' },
    { k: 3, g: 1, kind: 'uniform' },
    { k: 5, g: 2, kind: 'random' },
  ] as const)('fused equals the reference to rounding (values and gradient): %o', async ({ k, g, kind }) => {
    await initBackend({ backend });
    const inF = 4;
    const grid = testGrid(inF, g, k, kind, 10 + k);
    const x = testInputs(grid, 40, 20 + g);
    const r = tf.randomNormal([40, inF, g + k], 0, 1, 'float32', 5);
    const f = valueAndGrad('fused', x, grid, k, r);
    const ref = valueAndGrad('reference', x, grid, k, r);
    assertClose(f.y, data(ref.y), tight, 'bases');
    assertClose(f.dx, data(ref.dx), { rtol: 1e-4, atol: 1e-4 }, 'dx');
    tf.dispose([grid, x, r, f.y, f.dx, ref.y, ref.dx]);
  });

  it('gradient passes a finite-difference check (uniform and non-uniform knots)', async () => {
    await initBackend({ backend });
    for (const kind of ['uniform', 'random'] as const) {
      const grid = testGrid(3, 4, 3, kind, 3);
      // inputs inside the grid, away from knots (the bases are C^2 there, FD is accurate)
      const x = tf.tensor2d([
        [-0.93, 0.12, 0.57],
        [0.31, -0.44, 0.86],
      ]);
      gradCheck((xx) => bsplineBasis(xx, grid, { splineOrder: 3, impl: 'fused' }), [x], { eps: 1e-3, rtol: 2e-2, atol: 2e-3 });
      tf.dispose([grid, x]);
    }
  });

  it('vanishes outside the extended grid: x = last knot, beyond it, +-1e6 and +-Infinity give 0, no NaN', async () => {
    await initBackend({ backend });
    const grid = uniformGrid(2, 5, 3, [-1, 1]); // knots -2.2 .. 2.2
    const t = grid.dataSync();
    const x = tf.tensor2d([
      [t[11], -1e6],
      [1e6, t[0] - 1e-3],
      [Infinity, -Infinity],
      [2.5, -2.5],
    ]);
    const r = tf.ones([4, 2, 8]);
    const { y, dx } = valueAndGrad('fused', x, grid, 3, r);
    expect(Array.from(y.dataSync()).every((v) => v === 0)).toBe(true);
    expect(Array.from(dx.dataSync()).every((v) => v === 0)).toBe(true);
    // the reference agrees on the finite ones
    const xf = tf.slice(x, [0, 0], [2, 2]);
    const r2 = tf.ones([2, 2, 8]);
    const ref = valueAndGrad('reference', xf, grid, 3, r2);
    expect(Array.from(ref.y.dataSync()).every((v) => v === 0)).toBe(true);
    expect(Array.from(ref.dx.dataSync()).every((v) => v === 0)).toBe(true);
    // the first knot starts B_0 (half-open on the left)
    const x0 = tf.tensor2d([[t[0], t[0]]]);
    const b0 = bsplineBasis(x0, grid, { splineOrder: 0, impl: 'fused' });
    expect(b0.dataSync()[0]).toBe(1);
    tf.dispose([grid, x, r, r2, y, dx, xf, ref.y, ref.dx, x0, b0]);
  });

  it('NaN in x gives NaN bases and gradient for that entry only', async () => {
    await initBackend({ backend });
    const grid = uniformGrid(2, 5, 3, [-1, 1]);
    const x = tf.tensor2d([[NaN, 0.3]]);
    const r = tf.ones([1, 2, 8]);
    const { y, dx } = valueAndGrad('fused', x, grid, 3, r);
    const v = y.dataSync();
    expect(Array.from(v.slice(0, 8)).every(Number.isNaN)).toBe(true);
    expect(Array.from(v.slice(8)).some(Number.isNaN)).toBe(false);
    expect(Number.isNaN(dx.dataSync()[0])).toBe(true);
    expect(Number.isNaN(dx.dataSync()[1])).toBe(false);
    tf.dispose([grid, x, r, y, dx]);
  });

  it('repeated knots give finite bases (the reference 0/0 recursion gives NaN there)', async () => {
    await initBackend({ backend });
    // a triple knot at 0 (pykan-style grids after updates on clustered data can repeat knots)
    const grid = tf.tensor2d([[-2, -1.5, -1, -0.5, 0, 0, 0, 0.5, 1, 1.5, 2]]);
    const x = tf.tensor2d([[-0.5], [-0.25], [0], [0.25], [0.49]]);
    const y = bsplineBasis(x, grid, { splineOrder: 3, impl: 'fused' });
    const v = y.dataSync();
    expect(Array.from(v).some(Number.isNaN)).toBe(false);
    // partition of unity holds in the fully supported range [t_k, t_{M-1-k})
    const sums = tf.sum(y, -1);
    for (const s of sums.dataSync()) expect(s).toBeCloseTo(1, 6);
    tf.dispose([grid, x, y, sums]);
  });

  it("the derivative B'_j = k B_{j,k-1}/(t_{j+k}-t_j) - k B_{j+1,k-1}/(t_{j+k+1}-t_{j+1}) (from order k-1) matches the fused gradient and central differences", async () => {
    await initBackend({ backend });
    const k = 3;
    const grid = uniformGrid(3, 6, k, [-2, 2]); // [3, 13], nb = 9
    const nb = 9;
    const x = tf.randomUniform([10, 3], -2.5, 2.5, 'float32', 4);
    const d = tf.tidy(() => {
      const lower = bsplineBasis(x, grid, { splineOrder: k - 1 }); // [N, in, nb + 1]
      const knots = (start: number) => tf.slice(grid, [0, start], [-1, nb]);
      const scale = (den: tf.Tensor) => tf.where(tf.greater(den, 0), tf.div(k, den), tf.zerosLike(den));
      const c0 = scale(tf.sub(knots(k), knots(0)));
      const c1 = scale(tf.sub(knots(k + 1), knots(1)));
      return tf.sub(tf.mul(tf.slice(lower, [0, 0, 0], [-1, -1, nb]), c0), tf.mul(tf.slice(lower, [0, 0, 1], [-1, -1, nb]), c1));
    });
    expect(d.shape).toEqual([10, 3, 9]);
    // sum_j r_j B'_j(x) = d/dx sum_j r_j B_j(x)
    const r = tf.randomNormal([10, 3, 9], 0, 1, 'float32', 5);
    const dr = tf.tidy(() => tf.sum(tf.mul(d, r), -1));
    const viaGrad = tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(bsplineBasis(xx, grid, { splineOrder: k, impl: 'fused' }), r)))(x);
    assertClose(dr, data(viaGrad), { rtol: 1e-4, atol: 1e-4 }, 'derivative vs gradient');
    // each B'_j: central differences of B_j
    const h = 1e-3;
    const fd = tf.tidy(() => tf.div(tf.sub(bsplineBasis(tf.add(x, h), grid, { splineOrder: k }), bsplineBasis(tf.sub(x, h), grid, { splineOrder: k })), 2 * h));
    assertClose(d, data(fd), { rtol: 2e-2, atol: 2e-2 }, 'derivative vs central differences');
    tf.dispose([grid, x, d, r, dr, viaGrad, fd]);
  });
});

describe('bsplineBasis wasm kernels', () => {
  it.each([0, 1, 2, 3])('the wasm module and the JavaScript heap kernel agree (k = %i, non-uniform knots, NaN)', async (k) => {
    await initBackend({ backend: 'wasm' });
    const grid = testGrid(5, 6, k, 'random', 70 + k);
    const x = tf.tidy(() => tf.concat([testInputs(grid, 30, 80 + k), tf.tensor2d([[NaN, 0, 0, 0, 0]])]));
    const r = tf.randomNormal([31, 5, 6 + k], 0, 1, 'float32', 9);
    const wasm = valueAndGrad('fused', x, grid, k, r);
    setWasmSimd(false);
    const js = valueAndGrad('fused', x, grid, k, r);
    setWasmSimd(true);
    assertClose(wasm.y, data(js.y), tight, 'bases');
    assertClose(wasm.dx, data(js.dx), { rtol: 1e-5, atol: 1e-5 }, 'dx');
    tf.dispose([grid, x, r, wasm.y, wasm.dx, js.y, js.dx]);
  });
});

describe('bsplineBasis on a backend without the fused kernels', () => {
  it("'auto' runs the reference and 'fused' throws a ConfigError", async () => {
    await initBackend({ backend: 'cpu' });
    const name = 'cpu-nofused-basis';
    await onBackendWithoutFusedKernels(name, () => {
      const grid = uniformGrid(2, 5, 3, [-1, 1]);
      const x = tf.tensor2d([[0.1, -0.4]]);
      expect(tf.getKernel(BSPLINE_BASIS_KERNEL, name)).toBeUndefined();
      expect(() => bsplineBasis(x, grid, { splineOrder: 3, impl: 'fused' })).toThrow(ConfigError);
      expect(() => bsplineBasis(x, grid, { splineOrder: 3, impl: 'fused' })).toThrow(/no fused kernel on this backend.*'fused' on cpu-nofused-basis/);
      const auto = bsplineBasis(x, grid, { splineOrder: 3 });
      const ref = bsplineBasisReference(x, grid, 3);
      assertClose(auto, data(ref), exact, 'auto');
      tf.dispose([grid, x, auto, ref]);
    });
  });
});

describe('bsplineBasis errors', () => {
  it('names the argument, the expectation and what came', async () => {
    await initBackend({ backend: 'cpu' });
    const grid = uniformGrid(3, 5, 3, [-1, 1]);
    const x = tf.zeros([4, 3]);
    const x1 = tf.zeros([4]);
    const x2 = tf.zeros([4, 2]);
    const xi = tf.zeros([4, 3], 'int32');
    expect(() => bsplineBasis(x1, grid, { splineOrder: 3 })).toThrow(/bsplineBasis: argument x: wrong rank \(expected \[N, in\], got \[4\]\)/);
    expect(() => bsplineBasis(x2, grid, { splineOrder: 3 })).toThrow(/argument grid: wrong shape \(expected \[2, G \+ 7\] with G >= 1, got \[3, 12\]\)/);
    expect(() => bsplineBasis(x, grid, { splineOrder: 6 })).toThrow(/argument grid: wrong shape \(expected \[3, G \+ 13\]/);
    expect(() => bsplineBasis(x, grid, { splineOrder: -1 })).toThrow(/argument splineOrder: invalid value/);
    expect(() => bsplineBasis(xi, grid, { splineOrder: 3 })).toThrow(/argument x: wrong dtype \(expected float32, got int32\)/);
    expect(() => bsplineBasis(x, grid, { splineOrder: 3, impl: 'fast' as never })).toThrow(/argument impl: invalid value/);
    expect(() => bsplineBasis(x, grid, undefined as never)).toThrow(/bsplineBasis: argument options: options are required/);
    // the fused op is not differentiable in the knots, and says so
    // (called directly: a throw inside tf.grad leaves the tape's saved tensors behind)
    bsplineBasis(x, grid, { splineOrder: 3, impl: 'fused' }).dispose(); // registers the gradient
    // (in a tidy: the gradient runs the backward kernel for dx before handing out the closures)
    let gradGrid: Record<string, () => tf.Tensor> = {};
    tf.tidy(() => {
      gradGrid = tf.getGradient(BSPLINE_BASIS_KERNEL)!.gradFunc(x, [x, grid], { splineOrder: 3 }) as Record<string, () => tf.Tensor>;
    });
    expect(gradGrid.grid).toThrow(/bsplineBasis: argument grid: not differentiable in grid/);
    tf.dispose([grid, x, x1, x2, xi]);
  });
});
