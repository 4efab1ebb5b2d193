// Benchmark page of bench/browser.mjs (WebGPU): forward + backward of the group rational vs GELU
// on [8, 197, 768], WGSL kernel vs plain-ops reference; rfft / fft forward + backward of [64, 1024]
// (last axis), WGSL kernel vs tf.spectral (FFT_CASES). Results in `window.__bench`.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-webgpu';
import { registerWebGPUKernels } from '../../src/webgpu';
import { fft, gelu, groupRational, rfft } from '../../src/index';

type Op = (x: tf.Tensor) => tf.Tensor;
const SHAPE = [8, 197, 768];
const FFT_SHAPE = [64, 1024];
const rfftW = (v: tf.Tensor) => {
  const y = rfft(v, { impl: 'fused' });
  return tf.add(y.real, y.imag);
};
const fftW = (v: tf.Tensor) => {
  const y = fft({ real: v, imag: tf.mul(v, 0.5) }, { impl: 'fused' });
  return tf.add(y.real, y.imag);
};
const spectral = (y: tf.Tensor) => tf.add(tf.real(y), tf.imag(y));
/**
 * FFT cases on [64, 1024] (last axis): [name, op, with backward]; the loss sums real + imaginary
 * parts. tf.spectral has no gradients (nor have tf.real / tf.imag): forward only.
 */
export const FFT_CASES: [string, Op, boolean][] = [
  ['rfft [64,1024] fwd WGSL', rfftW, false],
  ['rfft [64,1024] fwd tf.spectral', (v) => spectral(tf.spectral.rfft(v)), false],
  ['rfft [64,1024] fwd+bwd WGSL', rfftW, true],
  ['fft [64,1024] fwd WGSL', fftW, false],
  ['fft [64,1024] fwd tf.spectral', (v) => spectral(tf.spectral.fft(tf.complex(v, tf.mul(v, 0.5)))), false],
  ['fft [64,1024] fwd+bwd WGSL', fftW, true],
];

async function time(op: Op, x: tf.Tensor, reps = 5, backward = true): Promise<number> {
  const step = () => tf.tidy(() => (backward ? tf.grad((v: tf.Tensor) => tf.sum(op(v)))(x) : op(x)));
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
  const xf = tf.randomNormal(FFT_SHAPE, 0, 1, 'float32', 4);
  for (const [name, op, backward] of FFT_CASES) rows.push([name, await time(op, xf, 20, backward)]);
  (window as unknown as Record<string, unknown>).__bench = rows;
}

main().catch((e) => ((window as unknown as Record<string, unknown>).__bench = String(e)));
