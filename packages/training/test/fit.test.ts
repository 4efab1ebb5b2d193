// The fit loop end to end: the "done when" cases (spirals with Adam, L-BFGS on
// sin(3x), 1,000 leak-free steps, bit-reproducible runs, exact resume) and the callbacks.
import { mkdtempSync } from 'node:fs';
import { Writable } from 'node:stream';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend, tf } from '@basiskit/tensor';
import { describe, expect, it } from 'vitest';
import {
  Adam,
  LBFGS,
  NonFiniteLossError,
  SGD,
  StepLR,
  accuracy,
  checkpoint,
  crossEntropy,
  earlyStopping,
  fit,
  mse,
  onStep,
  type Batch,
} from '../src/index';
import { MLP, createRng, sine3, twoSpirals } from './helpers';

describe('fit', () => {
  it('a 2-layer MLP reaches > 0.99 accuracy on two spirals with Adam', async () => {
    await initBackend({ backend: 'wasm' });
    const data = twoSpirals(150, 1);
    const model = new MLP([2, 64, 64, 2], createRng(0));
    const optimizer = new Adam(model.parameters(), { lr: 0.01 });
    const { history } = await fit(model, {
      train: data,
      loss: (p, t) => crossEntropy(p, t),
      optimizer,
      epochs: 300,
      batchSize: 0,
      seed: 1,
      progress: 'silent',
    });
    const acc = tf.tidy(() => accuracy(model.forward(data.x), data.y));
    expect(acc).toBeGreaterThan(0.99);
    expect(history.get('loss').at(-1)).toBeLessThan(0.05);
    tf.dispose([data.x, data.y]);
    optimizer.dispose();
    model.dispose();
  });

  it('L-BFGS fits sin(3x) to MSE < 1e-4', async () => {
    await initBackend({ backend: 'wasm' });
    const data = sine3(64);
    const model = new MLP([1, 16, 16, 1], createRng(3));
    const optimizer = new LBFGS(model.parameters(), { lr: 1, maxIter: 20, historySize: 50 });
    await fit(model, { train: data, loss: (p, t) => mse(p, t), optimizer, steps: 40, batchSize: 0, progress: 'silent' });
    const err = tf.tidy(() => mse(model.forward(data.x), data.y).dataSync()[0]);
    expect(err).toBeLessThan(1e-4);
    tf.dispose([data.x, data.y]);
    optimizer.dispose();
    model.dispose();
  });

  it('1,000 steps leave tf.memory().numTensors unchanged', async () => {
    await initBackend({ backend: 'wasm' });
    const data = sine3(32);
    const model = new MLP([1, 8, 1], createRng(4));
    const optimizer = new SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
    let steps = 0;
    // optimizer state (momentum buffers) is created on the first step: take it first
    await fit(model, { train: data, loss: (p, t) => mse(p, t), optimizer, steps: 1, batchSize: 8, progress: 'silent' });
    const before = tf.memory().numTensors;
    await fit(model, {
      train: data,
      loss: (p, t) => mse(p, t),
      optimizer,
      steps: 1000,
      batchSize: 8,
      progress: 'silent',
      callbacks: [onStep(() => void steps++)],
    });
    expect(steps).toBe(1000);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([data.x, data.y]);
    optimizer.dispose();
    model.dispose();
  });

  it.each(['cpu', 'wasm'] as const)('seeded runs are bit-reproducible on %s', async (backend) => {
    await initBackend({ backend });
    const run = async () => {
      const data = twoSpirals(40, 2);
      const model = new MLP([2, 16, 2], createRng(5));
      const optimizer = new Adam(model.parameters(), { lr: 0.01 });
      const { history } = await fit(model, { train: data, loss: (p, t) => crossEntropy(p, t), optimizer, epochs: 5, batchSize: 16, seed: 9, progress: 'silent' });
      const weights = Array.from(model.parameters()[0].value.dataSync());
      tf.dispose([data.x, data.y]);
      optimizer.dispose();
      model.dispose();
      return { loss: history.get('loss'), weights };
    };
    const a = await run();
    const b = await run();
    expect(b.loss).toEqual(a.loss);
    expect(b.weights).toEqual(a.weights);
  });

  it('resuming from a checkpoint continues the same loss curve as an uninterrupted run', async () => {
    await initBackend({ backend: 'cpu' });
    const dir = mkdtempSync(join(tmpdir(), 'basiskit-fit-'));
    const data = twoSpirals(30, 3);
    const setup = () => {
      const model = new MLP([2, 12, 2], createRng(6));
      const optimizer = new Adam(model.parameters(), { lr: 0.02 });
      const scheduler = new StepLR(optimizer, { stepSize: 2, gamma: 0.5 });
      return { model, optimizer, scheduler };
    };
    const common = { train: data, val: data, loss: (p: tf.Tensor, t: tf.Tensor) => crossEntropy(p, t), batchSize: 8, seed: 4, progress: 'silent' as const };
    const full = setup();
    const whole = await fit(full.model, { ...common, optimizer: full.optimizer, scheduler: full.scheduler, epochs: 6 });

    const first = setup();
    await fit(first.model, { ...common, optimizer: first.optimizer, scheduler: first.scheduler, epochs: 3, callbacks: [checkpoint({ dir })] });
    const second = setup();
    const resumed = await fit(second.model, {
      ...common,
      optimizer: second.optimizer,
      scheduler: second.scheduler,
      epochs: 6,
      resumeFrom: join(dir, 'last.safetensors'),
    });
    expect(resumed.history.get('loss')).toEqual(whole.history.get('loss'));
    expect(resumed.history.get('val_loss')).toEqual(whole.history.get('val_loss'));
    expect(resumed.history.get('lr')).toEqual(whole.history.get('lr'));
    expect(Array.from(second.model.parameters()[0].value.dataSync())).toEqual(Array.from(full.model.parameters()[0].value.dataSync()));
    for (const s of [full, first, second]) {
      s.optimizer.dispose();
      s.model.dispose();
    }
    tf.dispose([data.x, data.y]);
  });
});

describe('fit callbacks and errors', () => {
  it('the NaN guard stops with an error naming the step', async () => {
    await initBackend({ backend: 'cpu' });
    const data = sine3(8);
    const model = new MLP([1, 4, 1], createRng(1));
    const optimizer = new SGD(model.parameters(), { lr: 0.1 });
    let calls = 0;
    const loss = (p: tf.Tensor, t: tf.Tensor) => (++calls === 3 ? tf.div(mse(p, t), 0) : mse(p, t)) as tf.Scalar;
    const run = fit(model, { train: data, loss, optimizer, epochs: 2, batchSize: 4, shuffle: false, progress: 'silent' });
    await expect(run).rejects.toThrow(/fit: argument loss: loss is Infinity at epoch 1, step 0 \(global step 3\)/);
    expect(calls).toBe(3);
    // the poisoned step was applied (the message says so); a fresh model fails at its first step
    const fresh = new MLP([1, 4, 1], createRng(1));
    const freshOpt = new SGD(fresh.parameters(), { lr: 0.1 });
    const second = fit(fresh, { train: data, loss: (p, t) => tf.div(mse(p, t), 0) as tf.Scalar, optimizer: freshOpt, epochs: 1, batchSize: 4, progress: 'silent' });
    await expect(second).rejects.toThrow(NonFiniteLossError);
    await expect(second).rejects.toThrow(/fit: argument loss: loss is Infinity at epoch 0, step 0 \(global step 1\)/);
    tf.dispose([data.x, data.y]);
    for (const o of [optimizer, freshOpt]) o.dispose();
    for (const m of [model, fresh]) m.dispose();
  });

  it('early stopping ends training and reports why', async () => {
    await initBackend({ backend: 'cpu' });
    const data = sine3(8);
    const model = new MLP([1, 4, 1], createRng(1));
    const optimizer = new SGD(model.parameters(), { lr: 0 });
    const r = await fit(model, { train: data, loss: (p, t) => mse(p, t), optimizer, epochs: 50, batchSize: 0, progress: 'silent', callbacks: [earlyStopping({ monitor: 'loss', patience: 3 })] });
    expect(r.epochs).toBe(4);
    expect(r.stopReason).toMatch(/early stopping: loss did not improve for 3 epochs/);
    tf.dispose([data.x, data.y]);
    optimizer.dispose();
    model.dispose();
  });

  it('takes (async) iterables of batches, disposes them, and logs one line per epoch off a TTY', async () => {
    await initBackend({ backend: 'cpu' });
    const model = new MLP([1, 4, 1], createRng(2));
    const optimizer = new SGD(model.parameters(), { lr: 0.1 });
    async function* batches(): AsyncGenerator<Batch> {
      for (let i = 0; i < 3; i++) yield { x: tf.ones([4, 1]), y: tf.zeros([4, 1]) };
    }
    const lines: string[] = [];
    const { progress } = await import('../src/index');
    const r = await fit(model, {
      train: batches,
      loss: (p, t) => mse(p, t),
      optimizer,
      epochs: 2,
      callbacks: [progress({ mode: 'lines', log: (l) => lines.push(l) })],
    });
    expect(r.globalStep).toBe(6);
    expect(lines.length).toBe(2);
    expect(lines[0]).toMatch(/^epoch 1\/2 {2}loss \S+ {2}lr 0\.1000 {2}\d+ samples\/s {2}\d+\.\d\ds$/);
    optimizer.dispose();
    model.dispose();
  });

  it('draws a progress bar with loss, throughput and ETA on a terminal stream', async () => {
    await initBackend({ backend: 'cpu' });
    const data = sine3(16);
    const model = new MLP([1, 4, 1], createRng(2));
    const optimizer = new SGD(model.parameters(), { lr: 0.1 });
    let out = '';
    const stream = Object.assign(new Writable({ write: (chunk, _enc, cb) => ((out += String(chunk)), cb()) }), { isTTY: true, columns: 120 });
    const lines: string[] = [];
    const { progress } = await import('../src/index');
    await fit(model, { train: data, loss: (p, t) => mse(p, t), optimizer, epochs: 1, batchSize: 4, callbacks: [progress({ mode: 'bar', stream, log: (l) => lines.push(l) })] });
    expect(out).toMatch(/epoch 1\/1 .*4\/4 \| loss \d\.\d{4} \| \d+ samples\/s \| ETA/);
    expect(lines).toHaveLength(1);
    tf.dispose([data.x, data.y]);
    optimizer.dispose();
    model.dispose();
  });

  it('rejects bad options with clear errors', async () => {
    await initBackend({ backend: 'cpu' });
    const model = new MLP([1, 2, 1], createRng(2));
    const optimizer = new SGD(model.parameters(), { lr: 0.1 });
    const x = tf.zeros([4, 1]);
    const y = tf.zeros([3, 1]);
    await expect(fit(model, { train: { x, y }, loss: (p, t) => mse(p, t), optimizer, epochs: 1 })).rejects.toThrow(
      /fit: argument train: x and y must have the same first dimension \(samples\) \(got x \[4, 1\], y \[3, 1\]\)/,
    );
    await expect(fit(model, { train: { x, y: x }, loss: (p, t) => mse(p, t), optimizer, epochs: 1, steps: 2 })).rejects.toThrow(/give exactly one of epochs and steps/);
    await expect(fit(model, { train: { x, y: x }, loss: (p, t) => mse(p, t), optimizer, epochs: 0 })).rejects.toThrow(/argument epochs: invalid value/);
    tf.dispose([x, y]);
    optimizer.dispose();
    model.dispose();
  });
});
