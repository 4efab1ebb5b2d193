// Adam's fused typed-array kernel (adam_kernel.ts): runs on cpu and wasm (its name in
// tf.profile, one kernel for the update), bit-identical to the flat tfjs ops it replaces over
// many steps and hyper-parameters (extreme values, NaN from eps = 0 included), for the
// JavaScript kernel (cpu, wasm heap) and the wasm SIMD module; no leaks.
import { Parameter, createRng, initBackend, setWasmSimd, tf } from '@basiskit/tensor';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Adam, AdamW, type AdamOptions } from './adam';
import { ADAM_AMSGRAD_UPDATE_KERNEL, ADAM_UPDATE_KERNEL, adamWasmSimdActive, setAdamKernelEnabled } from './adam_kernel';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

afterEach(async () => {
  setAdamKernelEnabled(true);
  setWasmSimd(true);
  await initBackend({ backend: 'cpu' });
});

const bits = (t: tf.Tensor) => Array.from(new Uint32Array(new Float32Array(t.dataSync()).buffer));

const SHAPES = [[6, 5], [7], [3, 2, 4], [1]];

/** Seeded parameters and gradients of mixed magnitudes (1e-30 .. 1e4, zeros, negative zeros). */
function problem(seed: number) {
  const rng = createRng(seed);
  const scaled = (s: number[]) =>
    tf.tidy(() => {
      const u = rng.uniformTensor(s, -1, 1);
      const e = tf.pow(10, tf.round(rng.uniformTensor(s, -30, 4)));
      const x = tf.mul(u, e);
      const flat = x.dataSync().slice();
      flat[0] = 0;
      if (flat.length > 2) flat[1] = -0;
      return tf.tensor(flat, s);
    });
  const params = SHAPES.map((s) => new Parameter(scaled(s)));
  const grads = (step: number) => SHAPES.map((s, i) => (step % 3 === 2 && i === 2 ? tf.zeros(s) : scaled(s)));
  // sum_i <p_i, G_i>: its gradient is exactly G
  const loss = (gs: tf.Tensor[]) => () => tf.addN(params.map((p, i) => tf.sum(tf.mul(p.value, gs[i])))) as tf.Scalar;
  return { params, grads, loss, dispose: () => params.forEach((p) => p.dispose()) };
}

/** Parameters and state bits after each of `steps` steps with the gradients `grads(step)`. */
function run(kind: 'Adam' | 'AdamW', options: AdamOptions, kernel: boolean, steps: number): number[][][] {
  setAdamKernelEnabled(kernel);
  const pr = problem(11);
  const opt = kind === 'Adam' ? new Adam(pr.params, options) : new AdamW(pr.params, options);
  const out: number[][][] = [];
  for (let s = 0; s < steps; s++) {
    const gs = pr.grads(s);
    opt.step(pr.loss(gs)).dispose();
    tf.dispose(gs);
    const sd = opt.stateDict();
    out.push([...pr.params.map((p) => bits(p.value)), ...Object.values(sd.tensors).map(bits)]);
    tf.dispose(Object.values(sd.tensors));
  }
  opt.dispose();
  pr.dispose();
  return out;
}

const CASES: ['Adam' | 'AdamW', AdamOptions][] = [
  ['Adam', {}],
  ['Adam', { lr: 0.37, betas: [0.5, 0.9], eps: 1e-12, weightDecay: 0.3, maximize: true }],
  ['Adam', { lr: 3e-4, amsgrad: true, weightDecay: 1e-3, eps: 0 }],
  ['AdamW', { lr: 0.1, betas: [0.95, 0.9999], weightDecay: 0.7 }],
  ['AdamW', { lr: 1e-2, amsgrad: true, maximize: true, eps: 1e-3 }],
];

// wasm: the SIMD module (assembly/adam.ts); wasm-js: the JavaScript kernel on the wasm heap
describe.each(['cpu', 'wasm', 'wasm-js'] as const)('Adam kernel on %s', (variant) => {
  const backend = variant === 'cpu' ? 'cpu' : 'wasm';
  it.each(CASES)('%s %j: parameters and state bit-identical to the flat ops over 9 steps', async (kind, options) => {
    await initBackend({ backend });
    setWasmSimd(variant !== 'wasm-js');
    expect(adamWasmSimdActive()).toBe(variant === 'wasm');
    const before = tf.memory().numTensors;
    const fused = run(kind, options, true, 9);
    const ops = run(kind, options, false, 9);
    expect(tf.memory().numTensors).toBe(before);
    fused.forEach((f, s) => expect(f, `step ${s + 1}`).toEqual(ops[s]));
    expect(fused[8][0]).not.toEqual(fused[0][0]);
  });

  it('the update is one kernel (its name in tf.profile); switched off, the ~13 flat ops run', async () => {
    await initBackend({ backend });
    const profileStep = async (amsgrad: boolean, kernel: boolean) => {
      setAdamKernelEnabled(kernel);
      const pr = problem(3);
      const opt = new AdamW(pr.params, { amsgrad });
      const gs = pr.grads(0);
      const step = () => opt.step(pr.loss(gs));
      step().dispose();
      const info = await tf.profile(step);
      (info.result as tf.Tensor).dispose();
      const names = info.kernels.map((k) => k.name);
      tf.dispose(gs);
      opt.dispose();
      pr.dispose();
      return names;
    };
    const plain = await profileStep(false, true);
    const ams = await profileStep(true, true);
    const off = await profileStep(false, false);
    expect(plain.filter((n) => n === ADAM_UPDATE_KERNEL)).toHaveLength(1);
    expect(ams.filter((n) => n === ADAM_AMSGRAD_UPDATE_KERNEL)).toHaveLength(1);
    expect(off.some((n) => n.startsWith('BasiskitAdam'))).toBe(false);
    // the kernel replaces the flat elementwise ops (the concatenations stay; the loss's gradient has none of these)
    for (const name of ['Sqrt', 'RealDiv']) {
      expect(plain, name).not.toContain(name);
      expect(off, name).toContain(name);
    }
    expect(off.length - plain.length).toBeGreaterThanOrEqual(10);
  });
});
