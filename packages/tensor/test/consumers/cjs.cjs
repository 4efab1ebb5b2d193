// A CommonJS consumer: same computation as esm.mjs through require().
const { mkdtempSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { BasiskitError, FormatError, initBackend, tf } = require('@basiskit/tensor');
const { loadStateDictSync } = require('@basiskit/tensor/node');

initBackend().then((info) => {
  const x = tf.tensor2d([
    [0.5, -1],
    [2, 0.25],
  ]);
  const w = tf.tensor2d([
    [1, 2],
    [3, -1],
  ]);
  const [gx, gw] = tf.grads((a, b) => tf.sum(tf.where(tf.greater(a, 0), tf.exp(tf.matMul(a, b)), tf.gather(a, [1, 0]))))([x, w]);
  const chained = tf.zeros([2, 3]).reshape([6]).add(1).mul(tf.scalar(2)).sum().arraySync();
  const bad = join(mkdtempSync(join(tmpdir(), 'basiskit-consumer-')), 'bad.safetensors');
  writeFileSync(bad, new Uint8Array([1, 2, 3]));
  let sameClass = null;
  try {
    loadStateDictSync(bad);
  } catch (e) {
    sameClass = e instanceof FormatError && e instanceof BasiskitError;
  }
  console.log(JSON.stringify({ backend: info.name, simd: info.simd, gx: Array.from(gx.dataSync()), gw: Array.from(gw.dataSync()), chained, sameClass }));
});
