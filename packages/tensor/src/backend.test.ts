import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultBackendOrder, initBackend, isNode } from './backend';
import { BackendError, ConfigError } from './errors';

afterEach(() => {
  delete process.env.BASISKIT_BACKEND;
});

describe('initBackend (Node)', () => {
  it('starts wasm with SIMD first', async () => {
    expect(isNode()).toBe(true);
    expect(defaultBackendOrder()).toEqual(['wasm', 'cpu']);
    const info = await initBackend();
    expect(info.name).toBe('wasm');
    expect(info.requested).toBe('auto');
    expect(info.simd).toBe(true);
    expect(info.threads).toBe(1);
    expect(info.fallbacks).toEqual([]);
    expect(tf.getBackend()).toBe('wasm');
  });

  it('starts an explicitly requested backend', async () => {
    expect((await initBackend({ backend: 'cpu' })).name).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect((await initBackend({ backend: 'wasm' })).name).toBe('wasm');
  });

  it('BASISKIT_BACKEND overrides the option', async () => {
    process.env.BASISKIT_BACKEND = 'cpu';
    const info = await initBackend({ backend: 'wasm' });
    expect(info).toMatchObject({ name: 'cpu', requested: 'cpu', fromEnv: true });
    delete process.env.BASISKIT_BACKEND;
    expect((await initBackend()).name).toBe('wasm');
  });

  it('names an unknown backend and where it came from', async () => {
    process.env.BASISKIT_BACKEND = 'cuda';
    await expect(initBackend()).rejects.toThrow(ConfigError);
    await expect(initBackend()).rejects.toThrow(/argument BASISKIT_BACKEND: unknown backend .*got "cuda"/);
    delete process.env.BASISKIT_BACKEND;
    await expect(initBackend({ backend: 'gpu' as never })).rejects.toThrow(/argument backend: unknown backend/);
  });

  it('an explicit backend that cannot start throws with the reason (no silent fallback)', async () => {
    await expect(initBackend({ backend: 'webgl' })).rejects.toThrow(BackendError);
    await expect(initBackend({ backend: 'webgl' })).rejects.toThrow(/webgl: not registered: import '@tensorflow\/tfjs-backend-webgl'/);
    await expect(initBackend({ backend: 'tensorflow' })).rejects.toThrow(/tensorflow: @tensorflow\/tfjs-node is not installed/);
    expect(tf.getBackend()).toBe('wasm');
  });
});
