// The split between the main entry (runs anywhere) and `@basiskit/training/node` (checkpoint
// files, the terminal bar): what each refuses and says, and the Node fit's defaults.
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, initBackend, tf } from '@basiskit/tensor';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SGD, checkpoint, fit, mse, progress } from '../src/index';
import { fileCheckpoint, fit as nodeFit, progressBar } from '../src/node';
import { MLP, createRng, sine3 } from './helpers';

describe('main entry: no files, no terminal bar, and errors that say where they are', () => {
  it('checkpoint({ dir }) points to fileCheckpoint; checkpoint needs a save function', () => {
    expect(() => checkpoint({ dir: 'ckpt' } as never)).toThrow(
      /checkpoint: argument dir: writing files is Node-only \(expected a save function here; files: fileCheckpoint\(\{ dir \}\) from '@basiskit\/training\/node', got "ckpt"\)/,
    );
    expect(() => checkpoint({} as never)).toThrow(/checkpoint: argument save: a save function is required/);
    expect(() => checkpoint(undefined as never)).toThrow(ConfigError);
    expect(() => checkpoint({ save: () => undefined, mode: 'up' as never })).toThrow(/checkpoint: argument mode: unknown mode/);
    expect(() => checkpoint({ save: () => undefined, every: 2 } as never)).toThrow(/checkpoint: argument options: unknown option "every"/);
    expect(checkpoint({ save: () => undefined }).name).toBe('checkpoint');
  });

  it("progress({ mode: 'bar' }) and fit's progress: 'bar' point to the Node entry", async () => {
    expect(() => progress({ mode: 'bar' as never })).toThrow(
      /progress: argument mode: the terminal bar is Node-only \(expected .*progressBar\(\) or fit from @basiskit\/training\/node/,
    );
    expect(() => progress({ mode: 'loud' as never })).toThrow(/progress: argument mode: unknown mode/);
    expect(() => progress({ log: 'stdout' as never })).toThrow(/progress: argument log: invalid log/);
    await initBackend({ backend: 'cpu' });
    const data = sine3(8);
    const model = new MLP([1, 2, 1], createRng(1));
    const optimizer = new SGD(model.parameters(), { lr: 0.1 });
    const run = fit(model, { train: data, loss: (p, t) => mse(p, t), optimizer, epochs: 1, progress: 'bar' as never });
    await expect(run).rejects.toThrow(/fit: argument progress: invalid value \(expected 'auto', 'lines' or 'silent' \(the terminal bar is Node-only/);
    // beside a callback named 'progress' the option is not used, so it is not an error
    const lines: string[] = [];
    await fit(model, {
      train: data,
      loss: (p, t) => mse(p, t),
      optimizer,
      epochs: 1,
      progress: 'bar' as never,
      callbacks: [progress({ log: (l) => lines.push(l) })],
    });
    expect(lines).toHaveLength(1);
    tf.dispose([data.x, data.y]);
    optimizer.dispose();
    model.dispose();
  });
});

describe('node entry', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('fileCheckpoint checks its options in its own name and writes last/best atomically', async () => {
    expect(() => fileCheckpoint({} as never)).toThrow(/fileCheckpoint: argument dir: a folder is required/);
    expect(() => fileCheckpoint({ dir: 'x', mode: 'up' as never })).toThrow(/fileCheckpoint: argument mode: unknown mode/);
    expect(() => fileCheckpoint({ dir: 'x', saveBest: 'yes' as never })).toThrow(/fileCheckpoint: argument saveBest: invalid value \(expected a boolean/);
    expect(() => fileCheckpoint({ dir: 'x', save: () => undefined } as never)).toThrow(/fileCheckpoint: argument options: unknown option "save"/);
    await initBackend({ backend: 'cpu' });
    const dir = join(mkdtempSync(join(tmpdir(), 'basiskit-files-')), 'nested', 'run');
    const data = sine3(8);
    const model = new MLP([1, 2, 1], createRng(1));
    const optimizer = new SGD(model.parameters(), { lr: 0.1 });
    await nodeFit(model, {
      train: data,
      loss: (p, t) => mse(p, t),
      optimizer,
      epochs: 2,
      progress: 'silent',
      callbacks: [fileCheckpoint({ dir, saveBest: false })],
    });
    expect(readdirSync(dir)).toEqual(['last.safetensors']); // no .tmp left behind
    tf.dispose([data.x, data.y]);
    optimizer.dispose();
    model.dispose();
  });

  it("fit draws the bar on stdout with progress: 'bar' (and by default on a TTY); progressBar checks its options", async () => {
    expect(() => progressBar({ stream: {} as never })).toThrow(/progressBar: argument stream: invalid stream \(expected an object with write\(s\)/);
    expect(() => progressBar({ colour: 1 } as never)).toThrow(/progressBar: argument options: unknown option "colour"/);
    await initBackend({ backend: 'cpu' });
    const data = sine3(8);
    const model = new MLP([1, 2, 1], createRng(1));
    const optimizer = new SGD(model.parameters(), { lr: 0.1 });
    let out = '';
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
    vi.spyOn(console, 'log').mockImplementation((l: string) => void lines.push(l));
    const tty = Object.getOwnPropertyDescriptor(process.stdout, 'isTTY');
    Object.defineProperty(process.stdout, 'isTTY', { value: true, configurable: true });
    try {
      await nodeFit(model, { train: data, loss: (p, t) => mse(p, t), optimizer, epochs: 1, batchSize: 4, progress: 'bar' });
      expect(out).toMatch(/epoch 1\/1 .*2\/2 \| loss \d\.\d{4} \| \d+ samples\/s \| ETA/);
      out = '';
      await nodeFit(model, { train: data, loss: (p, t) => mse(p, t), optimizer, epochs: 1, batchSize: 4 });
      expect(out).toMatch(/2\/2 \| loss/);
      out = '';
      await nodeFit(model, { train: data, loss: (p, t) => mse(p, t), optimizer, epochs: 1, batchSize: 4, progress: 'lines' });
      expect(out).toBe('');
    } finally {
      if (tty) Object.defineProperty(process.stdout, 'isTTY', tty);
      else delete (process.stdout as { isTTY?: boolean }).isTTY;
    }
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^epoch 1\/1 {2}loss \S+ {2}lr 0\.1000/);
    await expect(nodeFit(model, { train: data, loss: (p, t) => mse(p, t), optimizer, epochs: 1, progress: 'loud' as never })).rejects.toThrow(
      'fit: argument progress: invalid value (expected one of "auto", "bar", "lines", "silent", got "loud")',
    );
    tf.dispose([data.x, data.y]);
    optimizer.dispose();
    model.dispose();
  });
});
