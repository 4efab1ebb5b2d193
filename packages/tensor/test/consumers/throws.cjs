// throws.mjs through require().
const { initBackend, tf } = require('@basiskit/tensor');

const started = process.argv[3] === 'setBackend' ? tf.setBackend('wasm').then(() => tf.getBackend()) : initBackend({ backend: 'wasm' }).then((i) => i.name);
started.then((name) => {
  if (process.argv[2] === 'async') Promise.reject(new Error(`user rejection after ${name}`));
  else throw new Error(`user error after ${name}`);
});
