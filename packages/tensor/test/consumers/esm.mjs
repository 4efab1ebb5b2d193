// An ESM consumer: imports only @basiskit/tensor (its built dist) and takes gradients
// through sum, matMul, exp, where and gather. Prints the results as JSON.
import { initBackend, tf } from '@basiskit/tensor';

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
console.log(JSON.stringify({ backend: info.name, simd: info.simd, gx: Array.from(gx.dataSync()), gw: Array.from(gw.dataSync()) }));
