// An ESM consumer: imports only @basiskit/tensor (its built dist) and takes gradients
// through sum, matMul, exp, where and gather; uses chained ops; checks that an error from the
// node entry is the main entry's class. Prints the results as JSON.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FormatError, BasiskitError, initBackend, tf } from '@basiskit/tensor';
import { loadStateDict } from '@basiskit/tensor/node';

const info = await initBackend();
const x = tf.tensor2d([
  [0.5, -1],
  [2, 0.25],
]);
const w = tf.tensor2d([
  [1, 2],
  [3, -1],
]);
const [gx, gw] = tf.grads((a, b) => tf.sum(tf.where(tf.greater(a, 0), tf.exp(tf.matMul(a, b)), tf.gather(a, [1, 0]))))([x, w]);
// chained ops, as with the union @tensorflow/tfjs package
const chained = tf.zeros([2, 3]).reshape([6]).add(1).mul(tf.scalar(2)).sum().arraySync();
const bad = join(mkdtempSync(join(tmpdir(), 'basiskit-consumer-')), 'bad.safetensors');
writeFileSync(bad, new Uint8Array([1, 2, 3]));
let sameClass = null;
try {
  await loadStateDict(bad);
} catch (e) {
  sameClass = e instanceof FormatError && e instanceof BasiskitError;
}
console.log(JSON.stringify({ backend: info.name, simd: info.simd, gx: Array.from(gx.dataSync()), gw: Array.from(gw.dataSync()), chained, sameClass }));
