// Benchmark page of bench/browser.mjs (WebGPU): forward + backward of the group rational vs GELU
// on [8, 197, 768], WGSL kernel vs plain-ops reference. FFT vs tf.spectral: a hook for when the
// FFT kernels have WGSL versions (FFT_CASES). Results in `window.__bench`.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-webgpu';
import { registerWebGPUKernels } from '../../src/webgpu';
import { gelu, groupRational } from '../../src/index';

type Op = (x: tf.Tensor) => tf.Tensor;
const SHAPE = [8, 197, 768];
/** FFT cases, added once FFT has WGSL kernels: [name, op]. */
export const FFT_CASES: [string, Op][] = [];

async function time(op: Op, x: tf.Tensor, reps = 5): Promise<number> {
  const step = () => tf.tidy(() => tf.grad((v: tf.Tensor) => tf.sum(op(v)))(x));
  await step().data(); // compile
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) {
    const g = step();
    await g.data();
    g.dispose();
  }
  return (performance.now() - t0) / reps;
}

async function main(): Promise<void> {
  registerWebGPUKernels();
  await tf.setBackend('webgpu');
  const x = tf.randomNormal(SHAPE, 0, 1, 'float32', 1);
  const num = tf.randomNormal([8, 6], 0, 0.5, 'float32', 2);
  const den = tf.randomNormal([8, 4], 0, 0.5, 'float32', 3);
  const rows: [string, number][] = [];
  for (const impl of ['fused', 'reference'] as const) {
    rows.push([`groupRational fwd+bwd ${impl}`, await time((v) => groupRational(v, num, den, { impl }), x)]);
    rows.push([`gelu fwd+bwd ${impl}`, await time((v) => gelu(v, { impl }), x)]);
  }
  for (const [name, op] of FFT_CASES) rows.push([name, await time(op, x)]);
  (window as unknown as Record<string, unknown>).__bench = rows;
}

main().catch((e) => ((window as unknown as Record<string, unknown>).__bench = String(e)));
