// End-to-end tests of the FNO: learning the heat equation's solution operator in 1-D, zero-shot
// super-resolution in 2-D, and no tensor leaks over 1,000 training steps.
import { createRng, initBackend, tf, type Rng } from '@basiskit/tensor';
import { Adam, LpLoss } from '@basiskit/training';
import { describe, expect, it } from 'vitest';
import { FNO } from './fno';

/**
 * Random smooth periodic functions on [0, 1)^d sampled at n points per dim, and the heat
 * equation's solution u(t) of u_t = nu Δu from them: a sum of `modes` Fourier modes per dim with
 * N(0, 1)/(1 + |k|) coefficients; mode k is multiplied by exp(-nu (2 pi |k|)^2 t) (the exact
 * solution, mode by mode). Returns [u0, u(t)], each [count, 1, n, ...].
 */
function heatPairs(rng: Rng, count: number, n: number, dim: 1 | 2, modes: number, nu: number, t: number): [tf.Tensor, tf.Tensor] {
  const size = dim === 1 ? n : n * n;
  const u0 = new Float32Array(count * size);
  const ut = new Float32Array(count * size);
  const ks: number[][] = [];
  if (dim === 1) for (let k = 0; k <= modes; k++) ks.push([k]);
  else for (let k1 = -modes; k1 <= modes; k1++) for (let k2 = 0; k2 <= modes; k2++) ks.push([k1, k2]);
  for (let s = 0; s < count; s++) {
    for (const k of ks) {
      const norm = Math.hypot(...k);
      const a = rng.normal() / (1 + norm);
      const b = norm === 0 ? 0 : rng.normal() / (1 + norm);
      const decay = Math.exp(-nu * (2 * Math.PI * norm) ** 2 * t);
      for (let p = 0; p < size; p++) {
        const x = dim === 1 ? [p / n] : [Math.floor(p / n) / n, (p % n) / n];
        const phase = 2 * Math.PI * k.reduce((acc, kj, j) => acc + kj * x[j], 0);
        const v = a * Math.cos(phase) + b * Math.sin(phase);
        u0[s * size + p] += v;
        ut[s * size + p] += decay * v;
      }
    }
  }
  const shape = dim === 1 ? [count, 1, n] : [count, 1, n, n];
  return [tf.tensor(u0, shape), tf.tensor(ut, shape)];
}

/** Mean over samples of ||pred - y|| / ||y||. */
function meanRelL2(model: FNO, x: tf.Tensor, y: tf.Tensor): number {
  return tf.tidy(() => {
    const d = x.rank - 2;
    const loss = new LpLoss({ d, reduction: 'mean' });
    return loss.call(model.forward(x), y).dataSync()[0];
  });
}

/** Trains `model` with Adam on (x, y) in shuffled minibatches for `steps` steps. */
function train(model: FNO, x: tf.Tensor, y: tf.Tensor, steps: number, batch: number, lr: number, seed: number): void {
  const rng = createRng(seed);
  const opt = new Adam(model.parameters(), { lr });
  const loss = new LpLoss({ d: x.rank - 2, reduction: 'mean' });
  const n = x.shape[0];
  for (let s = 0; s < steps; s++) {
    // cosine decay of the learning rate to 5% (fewer steps to a low error)
    opt.setLr(lr * (0.05 + 0.95 * 0.5 * (1 + Math.cos((Math.PI * s) / steps))));
    const idx = tf.tensor1d(
      Array.from({ length: batch }, () => rng.randint(n)),
      'int32',
    );
    const xb = tf.gather(x, idx);
    const yb = tf.gather(y, idx);
    opt.step(() => loss.call(model.forward(xb), yb)).dispose();
    tf.dispose([idx, xb, yb]);
  }
  opt.dispose();
}

describe('FNO end to end (wasm)', () => {
  it('learns the 1-D heat equation operator u0 -> u(t = 1) to relative L2 < 1e-2 on held-out inputs', async () => {
    await initBackend({ backend: 'wasm' });
    const rng = createRng(11);
    const nu = 0.005;
    const [xTrain, yTrain] = heatPairs(rng, 256, 64, 1, 6, nu, 1);
    const [xTest, yTest] = heatPairs(rng, 64, 64, 1, 6, nu, 1);
    const model = new FNO({ nModes: [16], inChannels: 1, outChannels: 1, hiddenChannels: 16, nLayers: 1, seed: 1 });
    const before = meanRelL2(model, xTest, yTest);
    const t0 = performance.now();
    train(model, xTrain, yTrain, 300, 16, 1e-2, 2);
    const seconds = (performance.now() - t0) / 1000;
    const after = meanRelL2(model, xTest, yTest);
    expect(before).toBeGreaterThan(0.3);
    expect(after).toBeLessThan(1e-2);
    expect(seconds).toBeLessThan(20);
    tf.dispose([xTrain, yTrain, xTest, yTest]);
    model.dispose();
  });

  it('zero-shot super-resolution: trained at 32x32, its 64x64 error is within 2x of the 32x32 error', async () => {
    await initBackend({ backend: 'wasm' });
    const nu = 0.002;
    const [xTrain, yTrain] = heatPairs(createRng(21), 96, 32, 2, 3, nu, 1);
    const [x32, y32] = heatPairs(createRng(22), 16, 32, 2, 3, nu, 1);
    const [x64, y64] = heatPairs(createRng(22), 16, 64, 2, 3, nu, 1); // the same functions, finer grid
    const model = new FNO({ nModes: [8, 8], inChannels: 1, outChannels: 1, hiddenChannels: 8, nLayers: 2, seed: 3 });
    train(model, xTrain, yTrain, 100, 8, 1e-2, 4);
    const e32 = meanRelL2(model, x32, y32);
    const e64 = meanRelL2(model, x64, y64);
    expect(e32).toBeLessThan(0.1);
    expect(e64).toBeLessThan(2 * e32);
    tf.dispose([xTrain, yTrain, x32, y32, x64, y64]);
    model.dispose();
  });

  it('leaks no tensor over 1,000 training steps of a tiny FNO', async () => {
    await initBackend({ backend: 'wasm' });
    const [x, y] = heatPairs(createRng(31), 4, 16, 1, 2, 0.01, 1);
    const model = new FNO({ nModes: [4], inChannels: 1, outChannels: 1, hiddenChannels: 4, nLayers: 2, domainPadding: 0.25, seed: 5 });
    const opt = new Adam(model.parameters(), { lr: 1e-3 });
    const loss = new LpLoss({ d: 1 });
    const step = () => {
      const l = opt.step(() => loss.call(model.forward(x), y));
      const v = l.dataSync()[0];
      l.dispose();
      return v;
    };
    const first = step(); // creates Adam's state
    const live = tf.memory().numTensors;
    let last = first;
    for (let s = 0; s < 1000; s++) last = step();
    expect(tf.memory().numTensors).toBe(live);
    expect(last).toBeLessThan(first);
    opt.dispose();
    tf.dispose([x, y]);
    model.dispose();
  });
});
