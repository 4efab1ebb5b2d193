// Done-when test of issue 13: an FNO trained on Darcy flow data generated in-process by
// @basiskit/datasets (coefficient a -> solution u of -div(a grad u) = 1 on 32x32 nodes, a = 12 / 3
// from a thresholded GRF, as the FNO paper's benchmark) reaches a held-out relative L2 error < 0.1.
// As in the FNO paper's Darcy script: inputs and outputs standardised by UnitGaussianNormalizer fitted
// on the training set, the model's output decoded by the output normaliser before the relative
// LpLoss against the raw solution; Adam. Small (width 8, 6 modes, 2 layers, no channel MLP, 300 steps of 10: ~10 s of CPU) to fit 30 s.
import { DataLoader, generateDarcy, UnitGaussianNormalizer } from '@basiskit/datasets';
import { initBackend, tf } from '@basiskit/tensor';
import { Adam, LpLoss } from '@basiskit/training';
import { describe, expect, it } from 'vitest';
import { FNO } from './fno';

describe('FNO on generated Darcy flow (wasm)', () => {
  it('trains on 32x32 Darcy data from @basiskit/datasets to held-out relative L2 < 0.1', { timeout: 30_000 }, async () => {
    await initBackend({ backend: 'wasm' });
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const nTrain = 500;
    // disjoint samples of one seeded set: training 0..499, test 500..599
    const train = generateDarcy({ resolution: 32, seed: 13, start: 0, count: nTrain });
    const test = generateDarcy({ resolution: 32, seed: 13, start: nTrain, count: 100 });
    const [xTrain, yTrain, xTest, yTest] = [train.x, train.y, test.x, test.y].map((t) => t.expandDims(1)); // [n, 1, 32, 32]
    tf.dispose([train.x, train.y, test.x, test.y]);
    const xNorm = UnitGaussianNormalizer.fitFrom(xTrain);
    const yNorm = UnitGaussianNormalizer.fitFrom(yTrain);
    const xTrainN = xNorm.transform(xTrain);
    const xTestN = xNorm.transform(xTest);

    const model = new FNO({ nModes: [6, 6], inChannels: 1, outChannels: 1, hiddenChannels: 8, nLayers: 2, useChannelMlp: false, seed: 1 });
    const loss = new LpLoss({ d: 2, reduction: 'mean' });
    const testError = () => tf.tidy(() => loss.call(yNorm.inverseTransform(model.forward(xTestN)), yTest).dataSync()[0]);
    const before = testError();

    const lr = 3e-2;
    const epochs = 6;
    const loader = new DataLoader({ x: xTrainN, y: yTrain }, { batchSize: 10, shuffle: true, seed: 2 });
    const steps = epochs * loader.length;
    const opt = new Adam(model.parameters(), { lr });
    let step = 0;
    for (let e = 0; e < epochs; e++) {
      for await (const { x, y } of loader) {
        // cosine decay of the learning rate to 2%
        opt.setLr(lr * (0.02 + 0.98 * 0.5 * (1 + Math.cos((Math.PI * step++) / steps))));
        opt.step(() => loss.call(yNorm.inverseTransform(model.forward(x)), y)).dispose();
        tf.dispose([x, y]);
      }
    }
    const after = testError();
    const seconds = (performance.now() - t0) / 1000;
    console.log(
      `FNO on Darcy 32x32: held-out relative L2 ${before.toFixed(3)} -> ${after.toFixed(4)} in ${seconds.toFixed(1)} s (${(process.cpuUsage(cpu0).user / 1e6).toFixed(1)} s CPU; ${steps} steps)`,
    );
    expect(before).toBeGreaterThan(0.5);
    expect(after).toBeLessThan(0.1);
    expect(seconds).toBeLessThan(30);
    tf.dispose([xTrain, yTrain, xTest, yTest, xTrainN, xTestN]);
    for (const m of [opt, model, xNorm, yNorm]) m.dispose();
  });
});
