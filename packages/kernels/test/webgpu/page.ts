// Page of test/webgpu.test.ts: in Chromium's WebGPU (SwiftShader), every WGSL kernel of
// @basiskit/kernels/webgpu against its plain-ops reference on the same backend (forward, and the
// gradient of sum(y * w) by autograd), the gradient by a central finite difference along a
// random direction, and no leaked tensors or GPU buffers. Results go to `window.__webgpuResults`.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-webgpu';
import { registerWebGPUKernels, WEBGPU_KERNELS } from '../../src/webgpu';
import { fusedKernelReport, hasFusedKernels } from '../../src/kernel_dispatch';
import { reluKanPhases, reluKanScale } from '../../src/relu_kan_basis';
import { uniformGrid } from '../../src/bspline_grid';
import * as T from '../../src/testing';
import { maxErr, randomTensors, seededRandom, type Case, type Check } from './checks';
import { directionalCheck } from './directional_derivative';
import { runFFTChecks } from './fft_cases';
import { runSplineBackwardChecks, runSplineDispatchChecks, runSplineRuleChecks, SPLINE_CASES } from './spline_cases';

const rand = seededRandom(12345);
const arr = (n: number, scale = 1, shift = 0) => Array.from({ length: n }, () => rand() * scale + shift);
const t = randomTensors(rand);

const phases = (perFeature: number) => {
  const { phaseLow, phaseHeight } = reluKanPhases(4, 2);
  const row = (p: number[]) => tf.tensor2d(Array.from({ length: perFeature }, () => p.map((v) => v + rand() * 0.05)).flat(), [perFeature, p.length]);
  return { x: t([6, 5], 0.6, 0.5), phaseLow: row(phaseLow), phaseHeight: row(phaseHeight) };
};

const CASES: Case[] = [
  { name: 'gelu', kernel: T.GELU_KERNEL, inputs: () => ({ x: t([4, 33], 4) }), attrs: {}, reference: (i) => T.geluReference(i.x), differentiates: ['x'] },
  {
    name: 'biasGelu',
    kernel: T.BIAS_GELU_KERNEL,
    inputs: () => ({ x: t([70, 24], 3), bias: t([24]) }),
    attrs: {},
    reference: (i) => T.biasGeluReference(i.x, i.bias),
    differentiates: ['x', 'bias'],
  },
  {
    name: 'biasSkipGelu',
    kernel: T.BIAS_SKIP_GELU_KERNEL,
    inputs: () => ({ x: t([9, 8], 3), bias: t([8]), skip: t([9, 8]) }),
    attrs: {},
    reference: (i) => T.biasGeluReference(i.x, i.bias, i.skip),
    differentiates: ['x', 'bias', 'skip'],
  },
  {
    name: 'groupRational',
    kernel: T.GROUP_RATIONAL_KERNEL,
    inputs: () => ({ x: t([3, 7, 16], 3), numerator: t([4, 6]), denominator: t([4, 4]) }),
    attrs: { groups: 4 },
    reference: (i) => T.groupRationalReference(i.x, i.numerator, i.denominator),
    differentiates: ['x', 'numerator', 'denominator'],
  },
  {
    name: 'groupRational shared numerator, zero in b',
    kernel: T.GROUP_RATIONAL_KERNEL,
    inputs: () => ({ x: t([40, 12], 3), numerator: t([1, 4]), denominator: tf.tensor2d([0.5, 0, -0.3, 0], [2, 2]) }),
    attrs: { groups: 2 },
    reference: (i) => T.groupRationalReference(i.x, i.numerator, i.denominator),
    differentiates: ['x', 'numerator', 'denominator'],
  },
  {
    // degrees 5/4 beyond the float32 bound of the direct form (|x| ~ 1e8, every 5th element): the scaled branch
    name: 'groupRational 5/4, |x| beyond the direct bound',
    kernel: T.GROUP_RATIONAL_KERNEL,
    inputs: () => ({
      x: tf.tensor(
        arr(96, 3).map((v, i) => (i % 5 === 0 ? v * 1e8 : v)),
        [6, 16],
      ),
      numerator: t([2, 6]),
      denominator: t([2, 4]),
    }),
    attrs: { groups: 2 },
    reference: (i) => T.groupRationalReference(i.x, i.numerator, i.denominator),
    differentiates: ['numerator', 'denominator'],
  },
  {
    name: 'rbfBasis',
    kernel: T.RBF_BASIS_KERNEL,
    inputs: () => ({ x: t([6, 5], 2), grid: tf.linspace(-2, 2, 8) }),
    attrs: { denominator: 0.5 },
    reference: (i) => T.rbfBasisReference(i.x, i.grid, 0.5),
    differentiates: ['x', 'grid'],
  },
  {
    name: 'chebyshevBasis',
    kernel: T.CHEBYSHEV_BASIS_KERNEL,
    inputs: () => ({ x: t([6, 5], 2) }),
    attrs: { degree: 4 },
    reference: (i) => T.chebyshevBasisReference(i.x, 4),
    differentiates: ['x'],
  },
  {
    name: 'fourierBasis',
    kernel: T.FOURIER_BASIS_KERNEL,
    inputs: () => ({ x: t([6, 5], 2) }),
    attrs: { gridSize: 3 },
    reference: (i) => T.fourierBasisReference(i.x, 3),
    differentiates: ['x'],
  },
  {
    name: 'reluKanBasis shared phases',
    kernel: T.RELU_KAN_BASIS_KERNEL,
    inputs: () => phases(1),
    attrs: { r: reluKanScale(4, 2) },
    reference: (i) => T.reluKanBasisReference(i.x, i.phaseLow, i.phaseHeight, reluKanScale(4, 2)),
    differentiates: ['x', 'phaseLow', 'phaseHeight'],
  },
  {
    name: 'reluKanBasis per-feature phases',
    kernel: T.RELU_KAN_BASIS_KERNEL,
    inputs: () => phases(5),
    attrs: { r: reluKanScale(4, 2) },
    reference: (i) => T.reluKanBasisReference(i.x, i.phaseLow, i.phaseHeight, reluKanScale(4, 2)),
    differentiates: ['x', 'phaseLow', 'phaseHeight'],
  },
  {
    name: 'bsplineBasis',
    kernel: T.BSPLINE_BASIS_KERNEL,
    inputs: () => ({ x: t([6, 5], 1.1), grid: uniformGrid(5, 5, 3) }),
    attrs: { splineOrder: 3 },
    reference: (i) => T.bsplineBasisReference(i.x, i.grid, 3),
    differentiates: ['x'],
  },
];

async function runCase(c: Case, out: Check[]): Promise<void> {
  const add = (check: string, err: number, tol: number) => out.push({ kernel: c.name, check, err, tol, ok: err <= tol });
  const inputs = c.inputs();
  const engineBackend = tf.engine().backend as unknown as { numDataIds(): number };
  const run = (ins: Record<string, tf.Tensor>) => tf.engine().runKernel(c.kernel, ins as tf.NamedTensorMap, c.attrs) as tf.Tensor;
  const y = run(inputs);
  const yRef = c.reference(inputs);
  const w = tf.randomUniform(y.shape, -1, 1, 'float32', 7);
  const [e, s] = await maxErr(y, yRef);
  add('forward vs reference', e, 2e-5 * (1 + s));
  // loss(diff inputs) = sum(f(inputs) * w)
  const loss =
    (f: (ins: Record<string, tf.Tensor>) => tf.Tensor) =>
    (...vals: tf.Tensor[]) => {
      const ins = { ...inputs };
      c.differentiates.forEach((n, i) => (ins[n] = vals[i]));
      return tf.sum(tf.mul(f(ins), w));
    };
  const diffs = c.differentiates.map((n) => inputs[n]);
  // leaks of the WGSL forward + backward (and their intermediates): counted around one more run
  const tensorsBefore = tf.memory().numTensors;
  const buffersBefore = engineBackend.numDataIds();
  tf.dispose(tf.grads(loss(run))(diffs));
  const leaked = tf.memory().numTensors - tensorsBefore;
  const leakedBuffers = engineBackend.numDataIds() - buffersBefore;
  add('no leaked tensors / GPU buffers', Math.abs(leaked) + Math.abs(leakedBuffers), 0);
  const grads = tf.grads(loss(run))(diffs);
  const gradsRef = tf.grads(loss(c.reference))(diffs);
  for (let i = 0; i < diffs.length; i++) {
    const [ge, gs] = await maxErr(grads[i], gradsRef[i]);
    add(`d${c.differentiates[i]} vs reference autograd`, ge, 1e-4 * (1 + gs));
  }
  // central difference along v: (L(x + hv) - L(x - hv)) / 2h vs <grad, v>
  const h = 1e-2;
  const v = diffs.map((d) => tf.randomUniform(d.shape, -1, 1, 'float32', 3));
  const { err: fdErr, scale } = await directionalCheck(loss(run), diffs, grads, v, h);
  add('gradient vs finite difference', fdErr, 1e-2 * scale);
  tf.dispose([inputs, y, yRef, w, grads, gradsRef, v] as unknown as tf.Tensor[]);
}

async function main(): Promise<void> {
  const adapter = await (navigator as unknown as { gpu?: { requestAdapter(): Promise<{ info?: { architecture?: string } } | null> } }).gpu?.requestAdapter();
  const info = {
    adapter: adapter ? (adapter.info?.architecture ?? 'unknown') : null,
    backend: '',
    hasFused: false,
    kernels: WEBGPU_KERNELS.length,
    // initBackend's fusedKernels on webgpu, and the forward kernel names of WEBGPU_KERNELS
    report: fusedKernelReport('webgpu'),
    names: WEBGPU_KERNELS.map((k) => k.fused.name).sort(),
  };
  const checks: Check[] = [];
  try {
    registerWebGPUKernels();
    await tf.setBackend('webgpu');
    await tf.ready();
    info.backend = tf.getBackend();
    info.hasFused = hasFusedKernels();
    info.report = fusedKernelReport('webgpu');
    for (const c of [...CASES, ...SPLINE_CASES]) {
      // the whole case (kernel, reference, autograd of both, finite differences) leaks nothing either
      const backend = tf.engine().backend as unknown as { numDataIds(): number };
      const [tensors, buffers] = [tf.memory().numTensors, backend.numDataIds()];
      await runCase(c, checks);
      const leaked = Math.abs(tf.memory().numTensors - tensors) + Math.abs(backend.numDataIds() - buffers);
      checks.push({ kernel: c.name, check: 'the whole case leaks no tensors / GPU buffers', err: leaked, tol: 0, ok: leaked === 0 });
    }
    await runSplineBackwardChecks(checks);
    await runSplineRuleChecks(checks);
    await runSplineDispatchChecks(checks);
    await runFFTChecks(checks);
    (window as unknown as Record<string, unknown>).__webgpuResults = { info, checks };
  } catch (e) {
    (window as unknown as Record<string, unknown>).__webgpuResults = { info, checks, error: String((e as Error).stack ?? e) };
  }
}

void main();
