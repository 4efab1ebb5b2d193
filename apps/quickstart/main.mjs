// basiskit quick start: start the fastest backend, fit y = 2x - 1 with a Linear layer and Adam,
// save its state dict as safetensors and load it into a fresh layer.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Linear, createRng, initBackend, tf } from '@basiskit/tensor';
import { loadStateDict, saveStateDict } from '@basiskit/tensor/node';

const info = await initBackend();
console.log(`backend: ${info.name}${info.simd ? ' (SIMD)' : ''}`);

const rng = createRng(0);
const model = new Linear({ inFeatures: 1, outFeatures: 1, rng });
const x = rng.uniformTensor([256, 1], -1, 1);
const y = tf.tidy(() => tf.sub(tf.mul(x, 2), 1));
const opt = tf.train.adam(0.1);
for (let step = 0; step <= 200; step++) {
  const loss = opt.minimize(() => tf.losses.meanSquaredError(y, model.forward(x)), true, model.trainableVariables());
  if (step % 50 === 0) console.log(`step ${step}: mse ${loss.dataSync()[0].toExponential(3)}`);
  loss.dispose();
}

const path = join(mkdtempSync(join(tmpdir(), 'basiskit-')), 'line.safetensors');
await saveStateDict(path, model);
const restored = new Linear({ inFeatures: 1, outFeatures: 1, seed: 1 });
const dict = await loadStateDict(path);
restored.loadStateDict(dict);
tf.dispose(Object.values(dict));
const w = restored.weight.value.dataSync()[0];
const b = restored.bias?.value.dataSync()[0] ?? 0;
console.log(`reloaded from ${path}: weight ${w.toFixed(4)}, bias ${b.toFixed(4)} (target 2, -1)`);
tf.dispose([x, y]);
opt.dispose();
model.dispose();
restored.dispose();
