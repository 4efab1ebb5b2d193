import { initBackend, tf } from '@basiskit/tensor';
import { assertClose, loadCase, specTensor } from '@basiskit/test-utils';
import { gradCheck } from '@basiskit/training';
import { describe, expect, it } from 'vitest';
import { BSPLINE_BASIS_KERNEL } from './bspline_basis_kernel';
import { onBackendWithoutFusedKernels, testGrid, testInputs } from './bspline_basis_test_data';
import { uniformGrid } from './bspline_grid';
import { splineLinear } from './spline_linear';
import { SPLINE_LINEAR_LOCAL_KERNEL } from './spline_linear_kernel';
import { splineLinearReference } from './spline_linear_reference';
import { BSPLINE_WASM } from './generated/bspline_wasm';
import { setWasmSimd, simdModule, tfjsWasmMemory } from '@basiskit/tensor';

const impls = ['local', 'dense', 'reference'] as const;
type Impl = (typeof impls)[number] | 'auto';
const data = (t: tf.Tensor) => ({ shape: t.shape, data: t.dataSync() });

/** y and the gradients of sum(y * r) with respect to x and weight */
function valueAndGrads(impl: Impl, x: tf.Tensor, grid: tf.Tensor, w: tf.Tensor, k: number, r: tf.Tensor) {
  const f = (xx: tf.Tensor, ww: tf.Tensor) => splineLinear(xx, grid, ww, { splineOrder: k, impl });
  const y = f(x, w);
  const [dx, dw] = tf.grads((xx: tf.Tensor, ww: tf.Tensor) => tf.sum(tf.mul(f(xx, ww), r)))([x, w]);
  return [y, dx, dw];
}

describe.each(['cpu', 'wasm'] as const)('splineLinear on %s', (backend) => {
  it.each(impls)('%s reproduces efficient-kan KANLinear (conformance case: y and every gradient, by composition)', async (impl) => {
    await initBackend({ backend });
    const c = loadCase('efficient_kan_linear_i5_o3_g5_k3');
    const [x, baseWeight, splineWeight, splineScaler, r] = [c.inputs.x, c.params.base_weight, c.params.spline_weight, c.params.spline_scaler, c.r].map(
      specTensor,
    );
    const grid = uniformGrid(5, 5, 3, [-1, 1]);
    // y = silu(x) base_weight^T + splineLinear(x, grid, spline_weight * spline_scaler[..., None])
    const layer = (xx: tf.Tensor, bw: tf.Tensor, sw: tf.Tensor, sc: tf.Tensor) =>
      tf.add(tf.matMul(tf.mul(xx, tf.sigmoid(xx)), bw, false, true), splineLinear(xx, grid, tf.mul(sw, tf.expandDims(sc, -1)), { splineOrder: 3, impl }));
    const y = tf.tidy(() => layer(x, baseWeight, splineWeight, splineScaler));
    const grads = tf.grads((...a: tf.Tensor[]) => tf.sum(tf.mul(layer(a[0], a[1], a[2], a[3]), r)))([x, baseWeight, splineWeight, splineScaler]);
    assertClose(y, c.outputs.y as never, c.tolerance, `${impl} y`);
    ['x', 'base_weight', 'spline_weight', 'spline_scaler'].forEach((name, i) => assertClose(grads[i], c.grads[name] as never, c.tolerance, `${impl} d${name}`));
    tf.dispose([x, baseWeight, splineWeight, splineScaler, r, grid, y, ...grads]);
  });

  it.each([
    { n: 33, inF: 5, out: 7, g: 5, k: 3, kind: 'uniform' },
    { n: 20, inF: 3, out: 17, g: 10, k: 3, kind: 'random' },
    { n: 17, inF: 6, out: 1, g: 4, k: 2, kind: 'random' },
    { n: 9, inF: 2, out: 37, g: 7, k: 1, kind: 'uniform' },
    { n: 12, inF: 4, out: 5, g: 3, k: 1, kind: 'random' },
    { n: 70, inF: 3, out: 16, g: 2, k: 0, kind: 'uniform' },
    { n: 8, inF: 3, out: 6, g: 1, k: 3, kind: 'random' },
    { n: 24, inF: 2, out: 5, g: 40, k: 3, kind: 'random' }, // long rows: the span search falls back to bisection
  ] as const)('local and dense equal the reference (values, dx, dW; knots, last knot, +-1e6 included): %o', async ({ n, inF, out, g, k, kind }) => {
    await initBackend({ backend });
    const grid = testGrid(inF, g, k, kind, 30 + g);
    const x = testInputs(grid, n, 40 + k);
    const w = tf.randomNormal([out, inF, g + k], 0, 1, 'float32', 6);
    const r = tf.randomNormal([n, out], 0, 1, 'float32', 7);
    const ref = valueAndGrads('reference', x, grid, w, k, r);
    for (const impl of ['local', 'dense'] as const) {
      const got = valueAndGrads(impl, x, grid, w, k, r);
      ['y', 'dx', 'dW'].forEach((label, i) => assertClose(got[i], data(ref[i]), { rtol: 1e-4, atol: 1e-4 }, `${impl} ${label}`));
      for (const t of got) expect(Array.from(t.dataSync()).some(Number.isNaN)).toBe(false);
      tf.dispose(got);
    }
    tf.dispose([grid, x, w, r, ...ref]);
  });

  it.each(impls)('%s gradients pass a finite-difference check (non-uniform knots)', async (impl) => {
    await initBackend({ backend });
    const grid = testGrid(3, 4, 3, 'random', 8);
    // inside the grid, away from knots (FD straddling a knot sees only C^{k-1} smoothness)
    const x = tf.tensor2d([
      [-0.81, 0.33, 0.11],
      [0.42, -0.57, 0.76],
    ]);
    const w = tf.randomNormal([2, 3, 7], 0, 1, 'float32', 9);
    gradCheck((xx, ww) => splineLinear(xx, grid, ww, { splineOrder: 3, impl }), [x, w], { eps: 1e-3, rtol: 2e-2, atol: 2e-3 });
    tf.dispose([grid, x, w]);
  });

  it.each(impls)('%s: inputs far outside the grid give 0 (no NaN in y or gradients); NaN in x gives a NaN row', async (impl) => {
    await initBackend({ backend });
    const grid = uniformGrid(2, 5, 3, [-1, 1]);
    const x = tf.tensor2d([
      [1e6, -1e6],
      [-1e6, 0.25],
      [2.2, 2.2000000001], // the last knot: 0
    ]);
    const w = tf.randomNormal([4, 2, 8], 0, 1, 'float32', 2);
    const r = tf.ones([3, 4]);
    const [y, dx, dw] = valueAndGrads(impl, x, grid, w, 3, r);
    const yv = y.dataSync();
    expect(Array.from(yv.slice(0, 4))).toEqual([0, 0, 0, 0]);
    expect(Array.from(yv.slice(8, 12))).toEqual([0, 0, 0, 0]);
    expect(Array.from(yv.slice(4, 8)).every((v) => v !== 0 && Number.isFinite(v))).toBe(true);
    expect(Array.from(dx.dataSync()).every(Number.isFinite)).toBe(true);
    expect(Array.from(dw.dataSync()).every(Number.isFinite)).toBe(true);
    const xn = tf.tensor2d([
      [NaN, 0.1],
      [0.3, 0.2],
    ]);
    const yn = splineLinear(xn, grid, w, { splineOrder: 3, impl });
    const v = yn.dataSync();
    expect(Array.from(v.slice(0, 4)).every(Number.isNaN)).toBe(true);
    expect(Array.from(v.slice(4)).some(Number.isNaN)).toBe(false);
    tf.dispose([grid, x, w, r, y, dx, dw, xn, yn]);
  });

  it.each(impls)('%s handles an empty batch (N = 0): empty y, zero dW', async (impl) => {
    await initBackend({ backend });
    const grid = uniformGrid(3, 5, 3, [-1, 1]);
    const x = tf.zeros([0, 3]);
    const w = tf.ones([2, 3, 8]);
    const r = tf.zeros([0, 2]);
    const [y, dx, dw] = valueAndGrads(impl, x, grid, w, 3, r);
    expect([y.shape, dx.shape, dw.shape]).toEqual([
      [0, 2],
      [0, 3],
      [2, 3, 8],
    ]);
    expect(Array.from(dw.dataSync()).every((v) => v === 0)).toBe(true);
    tf.dispose([grid, x, w, r, y, dx, dw]);
  });

  it("'local' never creates an [N, in, G+k] tensor (forward + backward); 'dense' does", async () => {
    await initBackend({ backend });
    const [n, inF, out, g, k] = [256, 8, 4, 5, 3];
    const dense = n * inF * (g + k);
    const grid = uniformGrid(inF, g, k, [-1, 1]);
    const x = tf.randomUniform([n, inF], -1, 1, 'float32', 3);
    const w = tf.randomNormal([out, inF, g + k], 0, 1, 'float32', 4);
    const step = (impl: Impl) => () => tf.grads((xx: tf.Tensor, ww: tf.Tensor) => splineLinear(xx, grid, ww, { splineOrder: k, impl }))([x, w]);
    const sizes = async (impl: Impl) => {
      const info = await tf.profile(step(impl));
      tf.dispose(info.result as tf.Tensor[]);
      return {
        largest: Math.max(...info.kernels.flatMap((kn) => kn.outputShapes.map((s) => (s ?? []).reduce((a, b) => a * b, 1)))),
        names: info.kernels.map((kn) => kn.name),
        peakBytes: info.peakBytes - tf.memory().numBytes,
      };
    };
    const local = await sizes('local');
    expect(local.names).toContain(SPLINE_LINEAR_LOCAL_KERNEL);
    expect(local.largest).toBeLessThan(dense);
    expect(local.peakBytes).toBeLessThan(dense * 4);
    const viaDense = await sizes('dense');
    expect(viaDense.names).toContain(BSPLINE_BASIS_KERNEL);
    expect(viaDense.largest).toBeGreaterThanOrEqual(dense);
    // 'auto' takes the local kernel on cpu and wasm
    expect((await sizes('auto')).names).toContain(SPLINE_LINEAR_LOCAL_KERNEL);
    tf.dispose([grid, x, w]);
  });
});

describe("splineLinear 'auto'", () => {
  it.each([
    { backend: 'cpu', out: 64, want: SPLINE_LINEAR_LOCAL_KERNEL },
    { backend: 'cpu', out: 1024, want: SPLINE_LINEAR_LOCAL_KERNEL },
    { backend: 'wasm', out: 64, want: SPLINE_LINEAR_LOCAL_KERNEL },
    { backend: 'wasm', out: 1023, want: SPLINE_LINEAR_LOCAL_KERNEL },
    { backend: 'wasm', out: 1024, want: BSPLINE_BASIS_KERNEL }, // out (k+1) >= 512 (G+k), no tape
    { backend: 'wasm', out: 1024, tape: true, want: SPLINE_LINEAR_LOCAL_KERNEL },
  ] as const)('picks the measured faster fused path: %o', async ({ backend, out, want, ...rest }) => {
    await initBackend({ backend });
    const grid = uniformGrid(2, 5, 3, [-1, 1]);
    const x = tf.tensor2d([[0.3, -0.2]]);
    const w = tf.ones([out, 2, 8]);
    const run = () => splineLinear(x, grid, w, { splineOrder: 3 });
    // under a gradient tape (training), dense is not faster: local is kept
    const info = await tf.profile(() => ('tape' in rest ? tf.grads((xx: tf.Tensor) => tf.sum(splineLinear(xx, grid, w, { splineOrder: 3 })))([x])[0] : run()));
    (info.result as tf.Tensor).dispose();
    const names = info.kernels.map((kn) => kn.name);
    expect(names).toContain(want);
    expect(names).not.toContain(want === BSPLINE_BASIS_KERNEL ? SPLINE_LINEAR_LOCAL_KERNEL : BSPLINE_BASIS_KERNEL);
    tf.dispose([grid, x, w]);
  });
});

describe('splineLinear wasm SIMD kernels', () => {
  it('instantiate on the tfjs wasm heap in Node', async () => {
    await initBackend({ backend: 'wasm' });
    const memory = tfjsWasmMemory((tf.backend() as unknown as { wasm: unknown }).wasm);
    expect(memory).toBeInstanceOf(WebAssembly.Memory);
    const exports = simdModule(BSPLINE_WASM, memory);
    expect(Object.keys(exports ?? {}).sort()).toEqual([
      'basisBackward',
      'basisForward',
      'localBackward',
      'localForward',
      'paramsBackward',
      'prepareParams',
      'tables',
    ]);
  });

  it.each([
    { n: 50, inF: 6, out: 37, g: 5, k: 3, kind: 'uniform' },
    { n: 64 * 3 + 5, inF: 3, out: 16, g: 10, k: 2, kind: 'random' },
    { n: 7, inF: 4, out: 3, g: 3, k: 1, kind: 'random' },
    { n: 9, inF: 2, out: 21, g: 2, k: 0, kind: 'uniform' },
  ] as const)('SIMD and the JavaScript heap kernel agree (out tails, tiles, k = 0..3): %o', async ({ n, inF, out, g, k, kind }) => {
    await initBackend({ backend: 'wasm' });
    const grid = testGrid(inF, g, k, kind, 50 + g);
    const x = testInputs(grid, n, 60 + k);
    const w = tf.randomNormal([out, inF, g + k], 0, 1, 'float32', 11);
    const r = tf.randomNormal([n, out], 0, 1, 'float32', 12);
    const simd = valueAndGrads('local', x, grid, w, k, r);
    setWasmSimd(false);
    const js = valueAndGrads('local', x, grid, w, k, r);
    setWasmSimd(true);
    ['y', 'dx', 'dW'].forEach((label, i) => assertClose(simd[i], data(js[i]), { rtol: 2e-5, atol: 2e-5 }, label));
    tf.dispose([grid, x, w, r, ...simd, ...js]);
  });

  it('NaN inputs propagate the same way in SIMD', async () => {
    await initBackend({ backend: 'wasm' });
    const grid = uniformGrid(2, 5, 3, [-1, 1]);
    const x = tf.tensor2d([
      [NaN, 0.1],
      [0.3, 0.2],
    ]);
    const w = tf.randomNormal([5, 2, 8], 0, 1, 'float32', 2);
    const r = tf.ones([2, 5]);
    const simd = valueAndGrads('local', x, grid, w, 3, r);
    setWasmSimd(false);
    const js = valueAndGrads('local', x, grid, w, 3, r);
    setWasmSimd(true);
    ['y', 'dx', 'dW'].forEach((label, i) => assertClose(simd[i], data(js[i]), { rtol: 1e-6, atol: 1e-6 }, label));
    expect(Array.from(simd[0].dataSync().slice(0, 5)).every(Number.isNaN)).toBe(true);
    tf.dispose([grid, x, w, r, ...simd, ...js]);
  });
});

describe('splineLinear on a backend without the fused kernels', () => {
  it("'auto' runs the reference; 'local' and 'dense' throw a ConfigError", async () => {
    await initBackend({ backend: 'cpu' });
    const name = 'cpu-nofused-spline';
    await onBackendWithoutFusedKernels(name, () => {
      const grid = uniformGrid(2, 5, 3, [-1, 1]);
      const x = tf.tensor2d([[0.1, -0.4]]);
      const w = tf.ones([3, 2, 8]);
      for (const impl of ['local', 'dense'] as const) {
        expect(() => splineLinear(x, grid, w, { splineOrder: 3, impl })).toThrow(
          new RegExp(`splineLinear: argument impl: no fused kernel on this backend \\(expected 'auto' or 'reference' here, got '${impl}' on ${name}\\)`),
        );
      }
      const auto = splineLinear(x, grid, w, { splineOrder: 3 });
      const ref = splineLinearReference(x, grid, w, 3);
      assertClose(auto, data(ref), { rtol: 0, atol: 0 }, 'auto');
      tf.dispose([grid, x, w, auto, ref]);
    });
  });
});

describe('splineLinear errors', () => {
  it('names the argument, the expectation and what came', async () => {
    await initBackend({ backend: 'cpu' });
    const grid = uniformGrid(3, 5, 3, [-1, 1]);
    const x = tf.zeros([4, 3]);
    const w = tf.zeros([2, 3, 8]);
    const bad = [tf.zeros([2, 3, 7]), tf.zeros([2, 4, 8]), tf.zeros([3, 8])];
    const x2 = tf.zeros([4, 2]);
    for (const b of bad) {
      expect(() => splineLinear(x, grid, b, { splineOrder: 3 })).toThrow(
        /splineLinear: argument weight: wrong shape \(expected \[out, 3, 8\] \(G \+ k = 8 from grid \[3, 12\]\)/,
      );
    }
    expect(() => splineLinear(x2, grid, w, { splineOrder: 3 })).toThrow(/argument grid: wrong shape/);
    expect(() => splineLinear(x, grid, w, { splineOrder: 3, impl: 'fused' as never })).toThrow(
      /argument impl: invalid value \(expected 'auto', 'local', 'dense' or 'reference', got fused\)/,
    );
    expect(() => splineLinear(x, grid, w, { splineOrder: 2.5 })).toThrow(/argument splineOrder: invalid value/);
    tf.dispose([grid, x, w, x2, ...bad]);
  });
});

describe.each(['cpu', 'wasm'] as const)('splineLinear with baseWeight (fused KANLinear) on %s', (backend) => {
  it.each(impls)('%s equals linear(silu(x), baseWeight) + splineLinear (values and gradients), and passes a finite-difference check', async (impl) => {
    await initBackend({ backend });
    const grid = testGrid(3, 5, 3, 'random', 91);
    const x = testInputs(grid, 19, 92, false);
    const w = tf.randomNormal([6, 3, 8], 0, 1, 'float32', 93);
    const bw = tf.randomNormal([6, 3], 0, 1, 'float32', 94);
    const r = tf.randomNormal([19, 6], 0, 1, 'float32', 95);
    const fused = (xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) => splineLinear(xx, grid, ww, { splineOrder: 3, impl, baseWeight: bb });
    const composed = (xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) =>
      tf.add(tf.matMul(tf.mul(xx, tf.sigmoid(xx)), bb, false, true), splineLinearReference(xx, grid, ww, 3));
    const run = (f: typeof fused) => [
      tf.tidy(() => f(x, w, bw)),
      ...tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => tf.sum(tf.mul(f(a, b, c), r)))([x, w, bw]),
    ];
    const got = run(fused);
    const want = run(composed);
    ['y', 'dx', 'dW', 'dBaseW'].forEach((label, i) => assertClose(got[i], data(want[i]), { rtol: 1e-4, atol: 1e-4 }, `${impl} ${label}`));
    const xs = tf.tidy(() => tf.slice(x, [0, 0], [4, 3]));
    gradCheck((a, b, c) => fused(a, b, c), [xs, w, bw], { eps: 1e-2, rtol: 3e-2, atol: 5e-3 });
    const bad = tf.zeros([3, 6]);
    expect(() => splineLinear(x, grid, w, { splineOrder: 3, impl, baseWeight: bad })).toThrow(/argument baseWeight: wrong shape \(expected \[6, 3\]/);
    tf.dispose([grid, x, w, bw, r, xs, bad, ...got, ...want]);
  });
});
