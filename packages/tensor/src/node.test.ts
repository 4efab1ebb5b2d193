import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { ConfigError, FormatError } from './errors';
import { loadStateDict, loadStateDictSync, saveStateDict, saveStateDictSync, writeFileAtomic } from './node';
import { readSafetensorsHeader } from './safetensors';

let dir: string;

beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = mkdtempSync(join(tmpdir(), 'basiskit-safetensors-'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function disposeAll(dict: Record<string, tf.Tensor>): void {
  for (const t of Object.values(dict)) t.dispose();
}

describe('saveStateDict / loadStateDict', () => {
  it('round-trips a dict through a file, leaving no .tmp behind', async () => {
    const dict = { w: tf.tensor([[1, -0, NaN]], [1, 3]), n: tf.tensor([3, -4], [2], 'int32') };
    const path = join(dir, 'dict.safetensors');
    try {
      await saveStateDict(path, dict, { epoch: '3' });
      expect(existsSync(`${path}.tmp`)).toBe(false);
      expect(readSafetensorsHeader(readFileSync(path)).metadata).toEqual({ epoch: '3' });
      const loaded = await loadStateDict(path);
      try {
        expect(Object.keys(loaded)).toEqual(['n', 'w']);
        expect(loaded.w.shape).toEqual([1, 3]);
        const w = Array.from(loaded.w.dataSync());
        expect(w[0]).toBe(1);
        expect(Object.is(w[1], -0)).toBe(true);
        expect(w[2]).toBeNaN();
        expect(loaded.n.dtype).toBe('int32');
        expect(Array.from(loaded.n.dataSync())).toEqual([3, -4]);
      } finally {
        disposeAll(loaded);
      }
    } finally {
      disposeAll(dict);
    }
  });

  it('saves a module via stateDict() without disposing its tensors, and overwrites', async () => {
    const weight = tf.tensor([1, 2, 3]);
    const module = { stateDict: () => ({ weight }) };
    const path = join(dir, 'module.safetensors');
    try {
      writeFileSync(path, 'old contents');
      await saveStateDict(path, module);
      expect(weight.isDisposed).toBe(false);
      const loaded = await loadStateDict(path);
      expect(Array.from(loaded.weight.dataSync())).toEqual([1, 2, 3]);
      disposeAll(loaded);
    } finally {
      weight.dispose();
    }
  });

  it('sync variants round-trip too', () => {
    const dict = { b: tf.tensor([true, false], [2], 'bool') };
    const path = join(dir, 'sync.safetensors');
    try {
      saveStateDictSync(path, dict);
      expect(existsSync(`${path}.tmp`)).toBe(false);
      const loaded = loadStateDictSync(path);
      expect(loaded.b.dtype).toBe('bool');
      expect(Array.from(loaded.b.dataSync())).toEqual([1, 0]);
      disposeAll(loaded);
    } finally {
      disposeAll(dict);
    }
  });

  it('a corrupt file gives a FormatError naming the file and creates no tensor', async () => {
    const path = join(dir, 'corrupt.safetensors');
    const good = join(dir, 'good.safetensors');
    const t = tf.tensor([1, 2, 3, 4]);
    await saveStateDict(good, { t });
    t.dispose();
    writeFileSync(path, readFileSync(good).subarray(0, -4)); // truncated data section
    const before = tf.memory().numTensors;
    await expect(loadStateDict(path)).rejects.toThrow(FormatError);
    await expect(loadStateDict(path)).rejects.toThrow(/corrupt\.safetensors" is not a valid safetensors file.*tensor "t"/);
    expect(() => loadStateDictSync(path)).toThrow(FormatError);
    writeFileSync(path, 'not a safetensors file');
    await expect(loadStateDict(path)).rejects.toThrow(FormatError);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('writes nothing when the dict cannot be saved', async () => {
    const c = tf.complex([1], [2]);
    const path = join(dir, 'complex.safetensors');
    try {
      await expect(saveStateDict(path, { c })).rejects.toThrow(ConfigError);
      expect(() => saveStateDictSync(path, { c })).toThrow(ConfigError);
      expect(readdirSync(dir).filter((f) => f.startsWith('complex'))).toEqual([]);
    } finally {
      c.dispose();
    }
  });
});

describe('writeFileAtomic', () => {
  it('makes folders on request, replaces the file whole, and leaves no temp file when the write fails', async () => {
    const path = join(dir, 'a', 'b', 'x.bin');
    await expect(writeFileAtomic(path, new Uint8Array([1]))).rejects.toThrow(/ENOENT/);
    expect(existsSync(join(dir, 'a'))).toBe(false);
    await writeFileAtomic(path, new Uint8Array([1, 2, 3]), { mkdirs: true });
    await writeFileAtomic(path, new Uint8Array([4]), { mkdirs: true });
    expect(Array.from(readFileSync(path))).toEqual([4]);
    expect(readdirSync(join(dir, 'a', 'b'))).toEqual(['x.bin']);
  });
});
