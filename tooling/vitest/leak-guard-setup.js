// The leak guard every package's tests run under: a test that leaves more (or fewer) live
// tensors than it found fails, naming the difference. Tests that deliberately keep tensors
// alive across tests create them in beforeAll (before this hook runs) and dispose in afterAll.
import { afterEach, beforeEach } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';

// engine().state, not tf.memory(): it needs no backend (some test files start none).
let before = 0;
beforeEach(() => {
  before = tf.engine().state.numTensors;
});
afterEach((ctx) => {
  const after = tf.engine().state.numTensors;
  if (after !== before) {
    throw new Error(
      `leak guard: test "${ctx.task.name}" changed tf.memory().numTensors from ${before} to ${after} ` +
        `(${after - before > 0 ? '+' : ''}${after - before} tensors); dispose what it creates or wrap it in tf.tidy`,
    );
  }
});
