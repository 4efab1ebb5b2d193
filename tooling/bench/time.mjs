// Timing helper for benchmark scripts (see README.md beside this file).
import * as tf from '@tensorflow/tfjs-core';

// Backends whose kernels have finished when the op returns: no read-back needed (and a
// read-back would time a copy the user never pays for).
const SYNC_BACKENDS = new Set(['cpu', 'wasm', 'tensorflow']);

/**
 * Median wall time in milliseconds of `fn` over `runs` runs after `warmup` runs. `fn` returns
 * a tensor (or tensors); each run is tidied, and on asynchronous backends (webgl, webgpu) read
 * back so the GPU work is included.
 */
export async function timeIt(fn, { warmup = 3, runs = 10 } = {}) {
  const sync = SYNC_BACKENDS.has(tf.getBackend());
  const once = async () => {
    const t0 = performance.now();
    const out = tf.tidy(fn);
    const list = Array.isArray(out) ? out : [out];
    if (!sync) for (const t of list) if (t && t.data) await t.data();
    tf.dispose(list);
    return performance.now() - t0;
  };
  for (let i = 0; i < warmup; i++) await once();
  const times = [];
  for (let i = 0; i < runs; i++) times.push(await once());
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

/** `label: a ms vs b ms: ratio x` */
export function ratioLine(label, fastMs, slowMs, fastName = 'fused', slowName = 'reference') {
  return `${label}: ${fastName} ${fastMs.toFixed(2)} ms vs ${slowName} ${slowMs.toFixed(2)} ms: ${(slowMs / fastMs).toFixed(1)}x`;
}
