import * as tf from '@tensorflow/tfjs-core';

/**
 * Runs `fn` (sync or async) and throws if `tf.memory().numTensors` differs afterwards.
 * Every package's tests also run under the per-test guard in tooling/vitest; use this for
 * a finer block inside one test (e.g. 1,000 training steps).
 */
export async function expectNoLeaks<T>(fn: () => T | Promise<T>, label = 'block'): Promise<T> {
  const before = tf.engine().state.numTensors;
  const out = await fn();
  const after = tf.engine().state.numTensors;
  if (after !== before) {
    throw new Error(`leak guard: ${label} changed numTensors from ${before} to ${after}`);
  }
  return out;
}
