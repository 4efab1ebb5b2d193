// Cases of test/webgpu/page.ts for the WGSL local spline contraction (with and without the fused
// base branch) and matMulTN: each against its plain-ops reference (page.ts's runCase), plus the
// rules the generic case cannot see: the cpu kernel's NaN and out-of-grid results, and the
// backward's `skipInputGradient` (dx zero, the same dW).
//
// Through autograd the spline cases differentiate the weight only: the registered gradient of a
// kernel with a skippable input (fused_kernel.ts, lazyGradients) keeps the gradients computed
// beyond the one asked for with `dataSync()` (x's with the weight's, the base weight's with the
// weight's), and a synchronous read on tfjs-backend-webgpu destroys the device under SwiftShader
// (and stalls a real GPU). Every output of the backward kernels (dx, dweightT, dbaseWeightT) is
// checked from the kernel run directly (runSplineBackwardChecks): against the reference's
// autograd and by finite differences.
import * as tf from '@tensorflow/tfjs-core';
import { randomTensors, seededRandom, type Case, type Check } from './checks';
import { directionalCheck } from './directional_derivative';
import '@tensorflow/tfjs-backend-cpu'; // the cpu kernels the rule checks compare with
import { uniformGrid } from '../../src/bspline_grid';
import { splineLinear } from '../../src/spline_linear';
import { KAN_LINEAR_LOCAL_GRAD_KERNEL, KAN_LINEAR_LOCAL_KERNEL } from '../../src/spline_linear_kernel';
import * as T from '../../src/testing';

const t = randomTensors(seededRandom(424242));

/** efficient-kan's KANLinear from the kernels' inputs: spline(x) + silu(x) baseWeightT. */
function kanReference(x: tf.Tensor, grid: tf.Tensor, weightT: tf.Tensor, baseWeightT: tf.Tensor | undefined, k: number): tf.Tensor {
  return tf.tidy(() => {
    const y = T.splineLinearReference(x, grid, tf.transpose(weightT, [2, 0, 1]), k);
    return baseWeightT ? tf.add(y, tf.matMul(tf.mul(x, tf.sigmoid(x)), baseWeightT)) : y;
  });
}

/** Spline inputs: x spread past the extended grid (|x| up to 2.2 on [-1, 1] with k = 3, G = 5). */
const splineInputs = (n: number, inF: number, out: number, base: boolean, g = 5, k = 3) => {
  const ins: Record<string, tf.Tensor> = { x: t([n, inF], 2.2), grid: uniformGrid(inF, g, k), weightT: t([inF, g + k, out]) };
  if (base) ins.baseWeightT = t([inF, out]);
  return ins;
};

/** The fused KANLinear's cases (backward checked from the kernel run directly: see the top). */
const KAN_CASES: Case[] = [
  {
    name: 'kanLinearLocal',
    kernel: KAN_LINEAR_LOCAL_KERNEL,
    inputs: () => splineInputs(9, 4, 5, true),
    attrs: { splineOrder: 3 },
    reference: (i: Record<string, tf.Tensor>) => kanReference(i.x, i.grid, i.weightT, i.baseWeightT, 3),
    differentiates: ['weightT', 'baseWeightT'],
  },
  {
    name: 'kanLinearLocal 300 rows, 2 features, 65 outputs',
    kernel: KAN_LINEAR_LOCAL_KERNEL,
    inputs: () => splineInputs(300, 2, 65, true),
    attrs: { splineOrder: 3 },
    reference: (i: Record<string, tf.Tensor>) => kanReference(i.x, i.grid, i.weightT, i.baseWeightT, 3),
    differentiates: ['weightT', 'baseWeightT'],
  },
];

/** Cases in page.ts's form. */
export const SPLINE_CASES: Case[] = [
  {
    name: 'splineLinearLocal',
    kernel: T.SPLINE_LINEAR_LOCAL_KERNEL,
    inputs: () => splineInputs(7, 5, 6, false),
    attrs: { splineOrder: 3 },
    reference: (i: Record<string, tf.Tensor>) => kanReference(i.x, i.grid, i.weightT, undefined, 3),
    differentiates: ['weightT'],
  },
  {
    // several dW chunks (300 rows), two output tiles (70 outputs), quadratic
    name: 'splineLinearLocal 300 rows, 70 outputs, k = 2',
    kernel: T.SPLINE_LINEAR_LOCAL_KERNEL,
    inputs: () => splineInputs(300, 2, 70, false, 4, 2),
    attrs: { splineOrder: 2 },
    reference: (i: Record<string, tf.Tensor>) => kanReference(i.x, i.grid, i.weightT, undefined, 2),
    differentiates: ['weightT'],
  },
  {
    // more features than a workgroup (the forward's feature tiles)
    name: 'splineLinearLocal 70 features',
    kernel: T.SPLINE_LINEAR_LOCAL_KERNEL,
    inputs: () => splineInputs(5, 70, 3, false),
    attrs: { splineOrder: 3 },
    reference: (i: Record<string, tf.Tensor>) => kanReference(i.x, i.grid, i.weightT, undefined, 3),
    differentiates: ['weightT'],
  },
  {
    name: 'matMulTN',
    kernel: T.MATMUL_TN_KERNEL,
    inputs: () => ({ a: t([45, 19]), b: t([45, 33]) }),
    attrs: {},
    reference: (i: Record<string, tf.Tensor>) => tf.matMul(i.a, i.b, true, false),
    differentiates: ['a', 'b'],
  },
  {
    // a long reduction: row chunks added by the second pass
    name: 'matMulTN 2000 rows (row sums)',
    kernel: T.MATMUL_TN_KERNEL,
    inputs: () => ({ a: t([2000, 1]), b: t([2000, 7]) }),
    attrs: {},
    reference: (i: Record<string, tf.Tensor>) => tf.matMul(i.a, i.b, true, false),
    differentiates: ['a', 'b'],
  },
];

/**
 * NaN and out-of-grid rows against the cpu kernel's results (computed on cpu, as the rules are
 * the cpu kernel's), and `skipInputGradient`: dx zero and the same weight gradients.
 */
export async function runSplineRuleChecks(out: Check[]): Promise<void> {
  const kernel = 'kanLinearLocal rules';
  const add = (check: string, err: number, tol: number) => out.push({ kernel, check, err, tol, ok: err <= tol });
  const ins = splineInputs(6, 3, 4, true);
  const xs = Array.from(await ins.x.data());
  xs[4] = NaN; // row 1, feature 1
  xs[6] = 50; // row 2, feature 0: far outside the grid (base branch only)
  xs[7] = -50;
  ins.x.dispose();
  ins.x = tf.tensor2d(xs, [6, 3]);
  const dy = t([6, 4]);
  const before = tf.memory().numTensors;
  const gpu = tf.engine().runKernel(KAN_LINEAR_LOCAL_KERNEL, ins, { splineOrder: 3 }) as tf.Tensor;
  const gpuGrads = tf.engine().runKernel(KAN_LINEAR_LOCAL_GRAD_KERNEL, { dy, ...ins }, { splineOrder: 3 }) as tf.Tensor[];
  const skipped = tf.engine().runKernel(KAN_LINEAR_LOCAL_GRAD_KERNEL, { dy, ...ins }, { splineOrder: 3, skipInputGradient: true }) as tf.Tensor[];
  const leaked = tf.memory().numTensors - before - 1 - gpuGrads.length - skipped.length;
  add('no leaked tensors (kernels run directly)', Math.abs(leaked), 0);
  // the cpu kernel on the same data
  const values = await Promise.all([gpu, ...gpuGrads, ...skipped, dy, ins.x, ins.grid, ins.weightT, ins.baseWeightT].map((v) => v.data()));
  const shapes = [gpu, ...gpuGrads, ...skipped, dy, ins.x, ins.grid, ins.weightT, ins.baseWeightT].map((v) => v.shape);
  await tf.setBackend('cpu');
  const c = (i: number) => tf.tensor(values[i] as Float32Array, shapes[i]);
  const cpuIns = { x: c(8), grid: c(9), weightT: c(10), baseWeightT: c(11) };
  const cpuDy = c(7);
  const cpu = [
    tf.engine().runKernel(KAN_LINEAR_LOCAL_KERNEL, cpuIns, { splineOrder: 3 }) as tf.Tensor,
    ...(tf.engine().runKernel(KAN_LINEAR_LOCAL_GRAD_KERNEL, { dy: cpuDy, ...cpuIns }, { splineOrder: 3 }) as tf.Tensor[]),
  ];
  const cpuValues = await Promise.all(cpu.map((v) => v.data()));
  tf.dispose([...cpu, cpuDy, ...Object.values(cpuIns)]);
  await tf.setBackend('webgpu');
  // same values where finite, NaN at the same places
  const compare = (name: string, g: ArrayLike<number>, r: ArrayLike<number>) => {
    let err = g.length === r.length ? 0 : Infinity;
    let nanMismatch = 0;
    let scale = 0;
    for (let i = 0; i < r.length; i++) {
      if (Number.isNaN(r[i]) || Number.isNaN(g[i])) nanMismatch += Number.isNaN(r[i]) === Number.isNaN(g[i]) ? 0 : 1;
      else err = Math.max(err, Math.abs(g[i] - r[i]));
      scale = Math.max(scale, Math.abs(r[i]) || 0);
    }
    add(`${name}: NaN where the cpu kernel's is`, nanMismatch, 0);
    add(`${name} vs the cpu kernel (finite entries)`, err, 2e-5 * (1 + scale));
  };
  compare('y', values[0], cpuValues[0]);
  compare('dx', values[1], cpuValues[1]);
  compare('dweightT', values[2], cpuValues[2]);
  compare('dbaseWeightT', values[3], cpuValues[3]);
  const nanCount = (a: ArrayLike<number>) => Array.from(a).filter(Number.isNaN).length;
  // the cpu kernel's rules themselves: y row 1 NaN, dx[1, 1] NaN, dW of feature 1 NaN
  add('y: one NaN row', Math.abs(nanCount(cpuValues[0]) - 4), 0);
  add('dweightT: one NaN feature', Math.abs(nanCount(cpuValues[2]) - 8 * 4), 0);
  // skipInputGradient: dx zero, same dW
  add('skipInputGradient: dx zero', Math.max(...Array.from(values[4]).map(Math.abs)), 0);
  const same = (a: ArrayLike<number>, b: ArrayLike<number>) =>
    Array.from(a).reduce((m, v, i) => (Number.isNaN(v) && Number.isNaN(b[i]) ? m : Math.max(m, Math.abs(v - b[i]))), 0);
  add('skipInputGradient: same dweightT', same(values[5], values[2]), 0);
  add('skipInputGradient: same dbaseWeightT', same(values[6], values[3]), 0);
  tf.dispose([gpu, ...gpuGrads, ...skipped, dy, ...Object.values(ins)]);
}

/**
 * Every output of the backward kernels (spline and KANLinear cases), run directly with dy = a
 * random r: against the reference's autograd of sum(y * r), and by a central finite difference
 * along a random direction of all the inputs it differentiates.
 */
export async function runSplineBackwardChecks(out: Check[]): Promise<void> {
  const cases = [...SPLINE_CASES.filter((s) => s.kernel === T.SPLINE_LINEAR_LOCAL_KERNEL), ...KAN_CASES];
  for (const c of cases) {
    const kernel = `${c.name} backward kernel`;
    const add = (check: string, err: number, tol: number) => out.push({ kernel, check, err, tol, ok: err <= tol });
    const ins = c.inputs();
    const names = ['x', 'weightT', ...(ins.baseWeightT ? ['baseWeightT'] : [])];
    const y = c.reference(ins);
    const r = t(y.shape);
    const before = tf.memory().numTensors;
    const grads = tf.engine().runKernel(`${c.kernel}Grad`, { dy: r, ...ins }, c.attrs) as tf.Tensor[];
    add('no leaked tensors', Math.abs(tf.memory().numTensors - before - grads.length), 0);
    const loss = (...vals: tf.Tensor[]) => {
      const i2 = { ...ins };
      names.forEach((n, i) => (i2[n] = vals[i]));
      return tf.sum(tf.mul(c.reference(i2), r));
    };
    const diffs = names.map((n) => ins[n]);
    const refs = tf.grads(loss)(diffs);
    for (let g = 0; g < names.length; g++) {
      const [got, ref] = [await grads[g].data(), await refs[g].data()];
      let err = got.length === ref.length ? 0 : Infinity;
      let scale = 0;
      for (let i = 0; i < ref.length; i++) {
        err = Math.max(err, Math.abs(got[i] - ref[i]));
        scale = Math.max(scale, Math.abs(ref[i]));
      }
      add(`d${names[g]} vs reference autograd`, err, 1e-4 * (1 + scale));
    }
    const h = 1e-3;
    const v = diffs.map((d) => t(d.shape));
    const fdCheck = await directionalCheck(loss, diffs, grads, v, h);
    add('gradient vs finite difference', fdCheck.err, 1e-2 * fdCheck.scale);
    tf.dispose([y, r, ...v, ...refs, ...grads, ...Object.values(ins)]);
  }
}

/**
 * splineLinear on webgpu: 'local' runs the WGSL kernels and matches 'auto', which keeps the
 * reference there (kernel_dispatch.ts: the kernels' autograd would read back synchronously), so
 * autograd through 'auto' works (this run would lose the device otherwise).
 */
export async function runSplineDispatchChecks(out: Check[]): Promise<void> {
  const kernel = 'splineLinear dispatch on webgpu';
  const add = (check: string, err: number, tol: number) => out.push({ kernel, check, err, tol, ok: err <= tol });
  const ins = splineInputs(8, 3, 4, true);
  const weight = tf.transpose(ins.weightT, [2, 0, 1]);
  const baseWeight = tf.transpose(ins.baseWeightT);
  const f = (impl: 'auto' | 'local', x: tf.Tensor, w: tf.Tensor, bw: tf.Tensor) => splineLinear(x, ins.grid, w, { splineOrder: 3, baseWeight: bw, impl });
  const [local, auto] = [f('local', ins.x, weight, baseWeight), f('auto', ins.x, weight, baseWeight)];
  const [a, b] = [await local.data(), await auto.data()];
  add("'local' (WGSL) vs 'auto' (reference) forward", Math.max(...Array.from(a).map((v, i) => Math.abs(v - b[i]))), 1e-5);
  const r = t(local.shape);
  const grads = tf.grads((x: tf.Tensor, w: tf.Tensor, bw: tf.Tensor) => tf.sum(tf.mul(f('auto', x, w, bw), r)))([ins.x, weight, baseWeight]);
  const values = await Promise.all(grads.map((g) => g.data()));
  add("autograd through 'auto' gives finite gradients", values.flatMap((v) => Array.from(v)).filter((v) => !Number.isFinite(v)).length, 0);
  tf.dispose([local, auto, r, weight, baseWeight, ...grads, ...Object.values(ins)]);
}
