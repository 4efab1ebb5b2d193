// A Node program that starts the wasm backend and then fails: it must exit like any Node
// program with an uncaught error (code 1, the program's own message), not with emscripten's
// handlers (code 7, a stack through tf-backend-wasm.node.js). argv[2]: 'sync' throws,
// 'async' rejects; argv[3]: 'initBackend' (default) or 'setBackend' (tfjs's own call).
import { initBackend, tf } from '@basiskit/tensor';

const name = process.argv[3] === 'setBackend' ? (await tf.setBackend('wasm')) && tf.getBackend() : (await initBackend({ backend: 'wasm' })).name;
if (process.argv[2] === 'async') {
  Promise.reject(new Error(`user rejection after ${name}`));
} else {
  globalThis.setTimeout(() => {
    throw new Error(`user error after ${name}`);
  }, 0);
}
