// The fused KANLinear on efficient-kan's own parameters (kan_linear_kernel.ts): the same bits as
// the kernel on transposed, pre-scaled weights (what splineLinear ran before: Multiply,
// Transpose, kanLinearLocalKernel), close to the plain-ops reference, finite differences in x,
// weight, scaler and baseWeight, NaN rules, the JavaScript kernel without SIMD, skipped dx.
import { initBackend, tf } from '@basiskit/tensor';
import { assertClose } from '@basiskit/test-utils';
import { gradCheck } from '@basiskit/training';
import { describe, expect, it } from 'vitest';
import { testGrid, testInputs } from './bspline_basis_test_data';
import { KAN_LINEAR_PARAMS_KERNEL, KAN_LINEAR_SCALED_KERNEL } from './kan_linear_kernel';
import { ensureRegistered, runFusedKernel } from './kernel_dispatch';
import { splineLinear } from './spline_linear';
import { KAN_LINEAR_LOCAL_KERNEL, kanLinearLocalKernel } from './spline_linear_kernel';
import { setWasmSimd } from '@basiskit/tensor';

/** float32 bits, every NaN as one value (NaN payloads and signs differ between tf ops and the kernels). */
const bits = (t: tf.Tensor) =>
  Array.from(t.dataSync() as Float32Array).map((v) => (Number.isNaN(v) ? 'NaN' : new Uint32Array(new Float32Array([v]).buffer)[0]));
const data = (t: tf.Tensor) => ({ shape: t.shape, data: t.dataSync() });

type Layer = (x: tf.Tensor, w: tf.Tensor, s: tf.Tensor | null, bw: tf.Tensor) => tf.Tensor;

/** The new path: splineLinear with baseWeight and (optional) splineScaler. */
const direct =
  (grid: tf.Tensor, k: number, impl: 'local' | 'reference' = 'local'): Layer =>
  (x, w, s, bw) =>
    splineLinear(x, grid, w, { splineOrder: k, impl, baseWeight: bw, ...(s ? { splineScaler: s } : {}) });

/** The previous path: w * s[..., None], transposes, the kernel on transposed weights. */
const previous =
  (grid: tf.Tensor, k: number): Layer =>
  (x, w, s, bw) => {
    ensureRegistered(kanLinearLocalKernel);
    const ws = s ? tf.mul(w, tf.expandDims(s, -1)) : w;
    return runFusedKernel(
      KAN_LINEAR_LOCAL_KERNEL,
      { x, grid, weightT: tf.transpose(ws, [1, 2, 0]), baseWeightT: tf.transpose(bw) },
      { splineOrder: k },
    ) as tf.Tensor;
  };

/** y and the gradients of sum(y * r) in x, w, (s,) bw. */
function run(f: Layer, x: tf.Tensor, w: tf.Tensor, s: tf.Tensor | null, bw: tf.Tensor, r: tf.Tensor): tf.Tensor[] {
  const y = tf.tidy(() => f(x, w, s, bw));
  if (s) return [y, ...tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor, d: tf.Tensor) => tf.sum(tf.mul(f(a, b, c, d), r)))([x, w, s, bw])];
  return [y, ...tf.grads((a: tf.Tensor, b: tf.Tensor, d: tf.Tensor) => tf.sum(tf.mul(f(a, b, null, d), r)))([x, w, bw])];
}

const CASES = [
  { n: 41, inF: 5, out: 37, g: 5, k: 3, kind: 'uniform' },
  { n: 30, inF: 3, out: 16, g: 10, k: 2, kind: 'random' },
  { n: 9, inF: 2, out: 3, g: 2, k: 0, kind: 'uniform' },
] as const;

describe.each(['cpu', 'wasm'] as const)('splineLinear with baseWeight and splineScaler (efficient-kan parameters) on %s', (backend) => {
  it.each(CASES.flatMap((c) => [true, false].flatMap((scaled) => [true, false].map((simd) => ({ ...c, scaled, simd })))))(
    'the same bits as the transposed, pre-scaled kernel; close to the reference: %o',
    async ({ n, inF, out, g, k, kind, scaled, simd }) => {
      await initBackend({ backend });
      setWasmSimd(simd);
      try {
        const grid = testGrid(inF, g, k, kind, 30 + g);
        const x = testInputs(grid, n, 40 + k);
        const w = tf.randomNormal([out, inF, g + k], 0, 1, 'float32', 6);
        const s = scaled ? tf.randomNormal([out, inF], 0, 1, 'float32', 8) : null;
        const bw = tf.randomNormal([out, inF], 0, 1, 'float32', 9);
        const r = tf.randomNormal([n, out], 0, 1, 'float32', 7);
        const got = run(direct(grid, k), x, w, s, bw, r);
        const before = run(previous(grid, k), x, w, s, bw, r);
        const labels = scaled ? ['y', 'dx', 'dW', 'dS', 'dBaseW'] : ['y', 'dx', 'dW', 'dBaseW'];
        got.forEach((t, i) => expect(t.shape, labels[i]).toEqual(before[i].shape));
        for (const [i, label] of labels.entries()) {
          // dS: the kernel sums over j in float64, tf's Sum in float32
          if (label === 'dS') assertClose(got[i], data(before[i]), { rtol: 1e-5, atol: 1e-4 }, label);
          else expect(bits(got[i]), label).toEqual(bits(before[i]));
        }
        // the reference (plain ops); the inputs at +-1e6 make silu(x) dy sums large: relative tolerance
        const ref = run(direct(grid, k, 'reference'), x, w, s, bw, r);
        labels.forEach((label, i) => assertClose(got[i], data(ref[i]), { rtol: 1e-4, atol: 1e-3 }, `reference ${label}`));
        tf.dispose([grid, x, w, bw, r, ...(s ? [s] : []), ...got, ...before, ...ref]);
      } finally {
        setWasmSimd(true);
      }
    },
  );

  it('passes finite-difference checks in x, weight, scaler and baseWeight; a NaN input makes its row and its feature NaN', async () => {
    await initBackend({ backend });
    const grid = testGrid(3, 5, 3, 'random', 91);
    const x = testInputs(grid, 4, 92, false);
    const w = tf.randomNormal([6, 3, 8], 0, 1, 'float32', 93);
    const s = tf.randomNormal([6, 3], 1, 0.3, 'float32', 96);
    const bw = tf.randomNormal([6, 3], 0, 1, 'float32', 94);
    const f = direct(grid, 3);
    gradCheck((a, b, c, d) => f(a, b, c, d), [x, w, s, bw], { eps: 1e-2, rtol: 3e-2, atol: 5e-3, names: ['x', 'weight', 'scaler', 'baseWeight'] });
    gradCheck((a, b, d) => f(a, b, null, d), [x, w, bw], { eps: 1e-2, rtol: 3e-2, atol: 5e-3, names: ['x', 'weight', 'baseWeight'] });
    // NaN at x[1, 2]: y[1, :], dx[1, 2] and feature 2's dW, dS, dBaseW are NaN, nothing else
    const xn = tf.tidy(() => tf.add(x, tf.scatterND([[1, 2]], [NaN], [4, 3])));
    const r = tf.ones([4, 6]);
    const [y, dx, dw, ds, dbw] = run(f, xn, w, s, bw, r);
    const nanAt = (t: tf.Tensor) =>
      Array.from(t.dataSync())
        .map((v, i) => (Number.isNaN(v) ? i : -1))
        .filter((i) => i >= 0);
    expect(nanAt(y)).toEqual([6, 7, 8, 9, 10, 11]);
    expect(nanAt(dx)).toEqual([5]);
    expect(nanAt(dw)).toEqual([...Array(6).keys()].flatMap((o) => [...Array(8).keys()].map((j) => (o * 3 + 2) * 8 + j)));
    expect(nanAt(ds)).toEqual([2, 5, 8, 11, 14, 17]);
    expect(nanAt(dbw)).toEqual([2, 5, 8, 11, 14, 17]);
    tf.dispose([grid, x, w, s, bw, xn, r, y, dx, dw, ds, dbw]);
  });

  it('skips dx when only the parameters need gradients, with the same bits; runs one kernel each way', async () => {
    await initBackend({ backend });
    const grid = testGrid(4, 5, 3, 'uniform');
    const x = testInputs(grid, 50, 5);
    const w = tf.randomNormal([7, 4, 8], 0, 1, 'float32', 1);
    const s = tf.randomNormal([7, 4], 0, 1, 'float32', 2);
    const bw = tf.randomNormal([7, 4], 0, 1, 'float32', 3);
    const r = tf.randomNormal([50, 7], 0, 1, 'float32', 4);
    const f = direct(grid, 3);
    const loss = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor, d: tf.Tensor) => tf.sum(tf.mul(f(a, b, c, d), r));
    const all = tf.grads(loss)([x, w, s, bw]);
    const params = tf.grads((b: tf.Tensor, c: tf.Tensor, d: tf.Tensor) => loss(x, b, c, d))([w, s, bw]);
    params.forEach((t, i) => expect(bits(t)).toEqual(bits(all[i + 1])));
    // the kernels a forward and a forward + backward run (run()): no Transpose, ExpandDims, Multiply or Sum around the fused kernel
    const names = async (layer: Layer, scaled: boolean) => {
      const profile = await tf.profile(() => tf.dispose(run(layer, x, w, scaled ? s : null, bw, r)));
      return profile.kernels.map((kn) => kn.name);
    };
    const now = await names(f, true);
    const then = await names(previous(grid, 3), true);
    expect(now.filter((kn) => kn.startsWith('Basiskit'))).toEqual([KAN_LINEAR_SCALED_KERNEL, KAN_LINEAR_SCALED_KERNEL, `${KAN_LINEAR_SCALED_KERNEL}Grad`]);
    expect(now.filter((kn) => ['Transpose', 'ExpandDims'].includes(kn))).toEqual([]);
    // the previous path: Multiply, ExpandDims, two Transposes forward; two Transposes, Multiplies, Casts and a Sum backward
    expect(then.length - now.length).toBeGreaterThanOrEqual(10);
    const plain = await names(f, false);
    expect(plain.filter((kn) => kn.startsWith('Basiskit'))).toEqual([KAN_LINEAR_PARAMS_KERNEL, KAN_LINEAR_PARAMS_KERNEL, `${KAN_LINEAR_PARAMS_KERNEL}Grad`]);
    const bad = tf.zeros([4, 7]);
    expect(() => splineLinear(x, grid, w, { splineOrder: 3, baseWeight: bw, splineScaler: bad })).toThrow(
      /argument splineScaler: wrong shape \(expected \[7, 4\]/,
    );
    tf.dispose([grid, x, w, s, bw, r, bad, ...all, ...params]);
  });
});
