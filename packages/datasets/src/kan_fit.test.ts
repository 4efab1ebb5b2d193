// The "done when" for function fitting: a KAN (efficient-kan KANLinear network [2, 5, 1],
// grid 5, cubic splines) fits pykan's f(x, y) = exp(sin(pi x) + y^2) from createDataset, trained as
// pykan's tutorial does (L-BFGS steps of 20 iterations, grid updates from the samples early on).
// Seeded (dataset seed 0, model seed 0).
import { describe, expect, it } from 'vitest';
import { initBackend, tf } from '@basiskit/tensor';
import { KAN } from '@basiskit/kan';
import { LBFGS } from '@basiskit/training';
import { createDataset } from './create_dataset';
import { functionSuite } from './function_suites';

describe('KAN fits exp(sin(pi x) + y^2) from createDataset', () => {
  it('reaches a small test RMSE', async () => {
    await initBackend({ backend: 'wasm' });
    const before = tf.memory().numTensors;
    const d = createDataset(functionSuite('pykan exp_sin_y2'), { nTrain: 1000, nTest: 1000, seed: 0 });
    const model = new KAN({ layers: [2, 5, 1], gridSize: 5, splineOrder: 3, seed: 0 });
    const rmse = (x: tf.Tensor2D, y: tf.Tensor2D): number => tf.tidy(() => Math.sqrt(tf.mean(tf.square(tf.sub(model.forward(x), y))).dataSync()[0]!));
    const labelStd = tf.tidy(() => tf.moments(d.testLabel).variance.sqrt().dataSync()[0]!);
    const initial = rmse(d.testInput, d.testLabel);
    const opt = new LBFGS(model.parameters(), { lr: 1, historySize: 10, maxIter: 20, toleranceGrad: 1e-32, toleranceChange: 1e-32 });
    for (let step = 0; step < 20; step++) {
      if (step % 5 === 0 && step < 15) model.updateGrid(d.trainInput);
      const loss = opt.step(() => tf.tidy(() => tf.mean(tf.square(tf.sub(model.forward(d.trainInput), d.trainLabel))) as tf.Scalar));
      loss.dispose();
    }
    const trained = rmse(d.testInput, d.testLabel);
    console.log(`KAN [2, 5, 1] on exp(sin(pi x) + y^2): test RMSE ${initial.toFixed(3)} -> ${trained.toExponential(2)} (label std ${labelStd.toFixed(3)})`);
    expect(trained).toBeLessThan(0.02);
    expect(trained).toBeLessThan(0.01 * initial);
    opt.dispose();
    model.dispose();
    tf.dispose([d.trainInput, d.trainLabel, d.testInput, d.testLabel]);
    expect(tf.memory().numTensors).toBe(before);
  }, 60_000);
});
