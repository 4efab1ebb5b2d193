// Benchmark page of bench/browser.mjs (WebGPU): forward + backward of the group rational vs GELU
// on [8, 197, 768], WGSL kernel vs plain-ops reference; rfft / fft forward + backward of [64, 1024]
// (last axis), WGSL kernel vs tf.spectral (FFT_CASES); a KAN([64, 64, 64]) step on a batch of
// 1024 (forward + backward, G = 5, k = 3), the fused local kernels vs the plain-ops reference
// (kanStep). Results in `window.__bench`.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-webgpu';
import { registerWebGPUKernels } from '../../src/webgpu';
import { fft, gelu, groupRational, rfft, splineLinear, uniformGrid } from '../../src/index';
import { KAN_LINEAR_LOCAL_GRAD_KERNEL, KAN_LINEAR_LOCAL_KERNEL } from '../../src/spline_linear_kernel';

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

/** One KANLinear layer's parameters (efficient-kan layout: weight [out, in, G+k], baseWeight [out, in]). */
interface KanLayer {
  grid: tf.Tensor;
  weight: tf.Tensor;
  baseWeight: tf.Tensor;
}

/**
 * ms per forward + backward (weight gradients of both layers) of KAN([64, 64, 64]) on x [1024, 64].
 * 'reference': splineLinear's plain ops and tfjs autograd. 'local': the fused KANLinear kernels run
 * directly, the chain rule by hand (dy of layer 2 -> dx -> layer 1's backward without dx), the
 * weights transposed per step as splineLinear does. (Through autograd the fused step would stash
 * gradients with dataSync, fused_kernel.ts's lazyGradients, which a WebGPU device does not survive.)
 */
async function kanStep(impl: 'local' | 'reference', reps = 3): Promise<number> {
  const [batch, width, g, k] = [1024, 64, 5, 3];
  const layers: KanLayer[] = [0, 1].map((i) => ({
    grid: uniformGrid(width, g, k),
    weight: tf.randomNormal([width, width, g + k], 0, 0.1, 'float32', 10 + i),
    baseWeight: tf.randomNormal([width, width], 0, 0.1, 'float32', 20 + i),
  }));
  const x = tf.randomUniform([batch, width], -1, 1, 'float32', 5);
  const r = tf.randomNormal([batch, width], 0, 1, 'float32', 6);
  const run = (name: string, inputs: Record<string, tf.Tensor>, attrs: object) =>
    tf.engine().runKernel(name, inputs as tf.NamedTensorMap, attrs as tf.NamedAttrMap);
  const step = (): tf.Tensor[] =>
    tf.tidy(() => {
      if (impl === 'reference') {
        const loss = (...w: tf.Tensor[]) => {
          let h = x;
          for (let i = 0; i < 2; i++) h = splineLinear(h, layers[i].grid, w[2 * i], { splineOrder: k, baseWeight: w[2 * i + 1], impl: 'reference' });
          return tf.sum(tf.mul(h, r));
        };
        return tf.grads(loss)(layers.flatMap((l) => [l.weight, l.baseWeight]));
      }
      const ins = layers.map((l) => ({ grid: l.grid, weightT: tf.transpose(l.weight, [1, 2, 0]), baseWeightT: tf.transpose(l.baseWeight) }));
      const h = run(KAN_LINEAR_LOCAL_KERNEL, { x, ...ins[0] }, { splineOrder: k }) as tf.Tensor;
      tf.sum(tf.mul(run(KAN_LINEAR_LOCAL_KERNEL, { x: h, ...ins[1] }, { splineOrder: k }) as tf.Tensor, r)); // the loss (its dy is r)
      const [dh, dwt2, dbwt2] = run(KAN_LINEAR_LOCAL_GRAD_KERNEL, { dy: r, x: h, ...ins[1] }, { splineOrder: k }) as tf.Tensor[];
      const [, dwt1, dbwt1] = run(KAN_LINEAR_LOCAL_GRAD_KERNEL, { dy: dh, x, ...ins[0] }, { splineOrder: k, skipInputGradient: true }) as tf.Tensor[];
      return [tf.transpose(dwt1, [2, 0, 1]), tf.transpose(dbwt1), tf.transpose(dwt2, [2, 0, 1]), tf.transpose(dbwt2)];
    });
  const once = async () => {
    const grads = step();
    await Promise.all(grads.map((t) => t.data()));
    tf.dispose(grads);
  };
  await once(); // compile
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) await once();
  const ms = (performance.now() - t0) / reps;
  tf.dispose([x, r, ...layers.flatMap((l) => [l.grid, l.weight, l.baseWeight])]);
  return ms;
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
  for (const impl of ['local', 'reference'] as const) rows.push([`KAN[64,64,64] b1024 step ${impl}`, await kanStep(impl)]);
  (window as unknown as Record<string, unknown>).__bench = rows;
}

main().catch((e) => ((window as unknown as Record<string, unknown>).__bench = String(e)));
