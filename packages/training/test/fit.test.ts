// The fit loop end to end: the "done when" cases (spirals with Adam, L-BFGS on
// sin(3x), 1,000 leak-free steps, bit-reproducible runs, exact resume) and the callbacks.
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, DisposedError, FormatError, Parameter, ShapeError, StateDictError, initBackend, tf } from '@basiskit/tensor';
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
  checkpointBytes,
  disposeCheckpoint,
  parseCheckpoint,
  type Batch,
  type Checkpoint,
  type CheckpointName,
  type FitContext,
} from '../src/index';
import { fileCheckpoint, fit as nodeFit, loadCheckpoint, progressBar, type ProgressStream } from '../src/node';
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
      const { history } = await fit(model, {
        train: data,
        loss: (p, t) => crossEntropy(p, t),
        optimizer,
        epochs: 5,
        batchSize: 16,
        seed: 9,
        progress: 'silent',
      });
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
    await nodeFit(first.model, { ...common, optimizer: first.optimizer, scheduler: first.scheduler, epochs: 3, callbacks: [fileCheckpoint({ dir })] });
    expect(readdirSync(dir).sort()).toEqual(['best.safetensors', 'last.safetensors']);
    const second = setup();
    const resumed = await nodeFit(second.model, {
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

  it('resumes the same way from in-memory checkpoints (the browser path: checkpoint({ save }) and parseCheckpoint)', async () => {
    await initBackend({ backend: 'cpu' });
    const data = twoSpirals(30, 3);
    const setup = () => {
      const model = new MLP([2, 12, 2], createRng(6));
      const optimizer = new Adam(model.parameters(), { lr: 0.02 });
      const scheduler = new StepLR(optimizer, { stepSize: 2, gamma: 0.5 });
      return { model, optimizer, scheduler };
    };
    const common = { train: data, val: data, loss: (p: tf.Tensor, t: tf.Tensor) => crossEntropy(p, t), batchSize: 8, seed: 4, progress: 'silent' as const };
    const full = setup();
    const whole = await fit(full.model, { ...common, optimizer: full.optimizer, scheduler: full.scheduler, epochs: 5 });

    const saved: Partial<Record<CheckpointName, Uint8Array>> = {};
    const names: CheckpointName[] = [];
    const first = setup();
    await fit(first.model, {
      ...common,
      optimizer: first.optimizer,
      scheduler: first.scheduler,
      epochs: 2,
      callbacks: [checkpoint({ save: async (name, bytes) => void (names.push(name), (saved[name] = bytes)), saveBest: false })],
    });
    expect(names).toEqual(['last', 'last']);
    const second = setup();
    const ckpt = parseCheckpoint(saved.last!);
    const resumed = await fit(second.model, { ...common, optimizer: second.optimizer, scheduler: second.scheduler, epochs: 5, resumeFrom: ckpt });
    disposeCheckpoint(ckpt); // a loaded checkpoint stays the caller's
    expect(resumed.history.get('loss')).toEqual(whole.history.get('loss'));
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
    const second = fit(fresh, {
      train: data,
      loss: (p, t) => tf.div(mse(p, t), 0) as tf.Scalar,
      optimizer: freshOpt,
      epochs: 1,
      batchSize: 4,
      progress: 'silent',
    });
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
    const r = await fit(model, {
      train: data,
      loss: (p, t) => mse(p, t),
      optimizer,
      epochs: 50,
      batchSize: 0,
      progress: 'silent',
      callbacks: [earlyStopping({ monitor: 'loss', patience: 3 })],
    });
    expect(r.epochs).toBe(4);
    expect(r.stopReason).toMatch(/early stopping: loss did not improve for 3 epochs/);
    tf.dispose([data.x, data.y]);
    optimizer.dispose();
    model.dispose();
  });

  it('earlyStopping checks its options', () => {
    expect(() => earlyStopping({ patience: '3' as never })).toThrow(
      'earlyStopping: argument patience: invalid value (expected an integer >= 0 (or Infinity), got "3")',
    );
    expect(() => earlyStopping({ patience: 1.5 })).toThrow(ConfigError);
    expect(() => earlyStopping({ minDelta: NaN })).toThrow(/argument minDelta/);
    expect(() => earlyStopping({ mode: 'up' as never })).toThrow(/earlyStopping: argument mode: unknown mode \(expected 'min' or 'max', got "up"\)/);
    expect(() => earlyStopping({ patient: 3 } as never)).toThrow(/earlyStopping: argument options: unknown option "patient"/);
    expect(earlyStopping({ patience: Infinity }).name).toBe('earlyStopping');
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
    // any object with write() serves (the option's type is structural, not NodeJS.WritableStream)
    const stream: ProgressStream = { write: (s: string) => void (out += s), isTTY: true, columns: 120 };
    const lines: string[] = [];
    await fit(model, {
      train: data,
      loss: (p, t) => mse(p, t),
      optimizer,
      epochs: 1,
      batchSize: 4,
      callbacks: [progressBar({ stream, log: (l) => lines.push(l) })],
    });
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
    await expect(fit(model, { train: { x, y: x }, loss: (p, t) => mse(p, t), optimizer, epochs: 1, steps: 2 })).rejects.toThrow(
      /give exactly one of epochs and steps/,
    );
    await expect(fit(model, { train: { x, y: x }, loss: (p, t) => mse(p, t), optimizer, epochs: 0 })).rejects.toThrow(/argument epochs: invalid value/);
    tf.dispose([x, y]);
    optimizer.dispose();
    model.dispose();
  });
});

// Bad inputs to fit: each is an error before training starts (nothing trained, no callback
// fired, nothing leaked), and a rejected resume or a failing step changes nothing.
describe('fit input checks', () => {
  const setup = (seed = 2) => {
    const model = new MLP([1, 3, 1], createRng(seed));
    const optimizer = new Adam(model.parameters(), { lr: 0.05 });
    return { model, optimizer };
  };
  const weights = (model: MLP) => model.parameters().map((p) => Array.from(p.value.dataSync()));
  const loss = (p: tf.Tensor, t: tf.Tensor) => mse(p, t);

  it.each([
    ['epochs', [NaN, -1, 0, 1.5, '16', Infinity, null]],
    ['steps', [NaN, -1, 0, 1.5, '16', Infinity, null]],
    ['batchSize', [NaN, -1, 1.5, '16', Infinity, null]],
    ['seed', [NaN, 1.5, '16', Infinity, 2 ** 60, 1n]],
  ] as const)('rejects a bad %s (NaN, -1, 1.5, "16", Infinity, ...) before training', async (key, values) => {
    await initBackend({ backend: 'cpu' });
    const { model, optimizer } = setup();
    const data = sine3(8);
    const w0 = weights(model);
    let fired = 0;
    const spy = { onTrainBegin: () => void fired++, onStepEnd: () => void fired++ };
    for (const v of values) {
      const base = key === 'epochs' || key === 'steps' ? {} : { epochs: 1 };
      const run = fit(model, { train: data, loss, optimizer, progress: 'silent', callbacks: [spy], ...base, [key]: v } as never);
      await expect(run, `${key}: ${String(v)}`).rejects.toThrow(ConfigError);
      await expect(run).rejects.toThrow(new RegExp(`^fit: argument ${key}: invalid value \\(expected an integer`));
    }
    expect(fired).toBe(0);
    expect(weights(model)).toEqual(w0);
    tf.dispose([data.x, data.y]);
    optimizer.dispose();
    model.dispose();
  });

  it("rejects batchSize '16' (which used to give batches of 16 and 48) and names every bad option at once", async () => {
    await initBackend({ backend: 'cpu' });
    const { model, optimizer } = setup();
    const x = tf.zeros([64, 1]);
    const run = fit(model, { train: { x, y: x }, loss, optimizer, epochs: 1, batchSize: '16' as never, progress: 'silent' });
    await expect(run).rejects.toThrow('fit: argument batchSize: invalid value (expected an integer >= 0, got "16")');
    const many = fit(model, {
      train: { x, y: x },
      loss,
      optimizer,
      epochs: 1.5,
      shuffle: 'no',
      progress: 'loud',
      nanGuard: 1,
      forward: 3,
      metrics: { acc: 1 },
    } as never);
    await expect(many).rejects.toThrow(ConfigError);
    const msg = await many.catch((e: Error) => e.message);
    for (const part of [
      'epochs: expected an integer >= 1, got 1.5',
      'shuffle: expected a boolean, got "no"',
      'progress: expected one of "auto", "lines", "silent", got "loud"',
      'nanGuard: expected a boolean',
      'forward: expected (model, x) => tensor',
      'metrics.acc:',
    ]) {
      expect(msg).toContain(part);
    }
    tf.dispose(x);
    optimizer.dispose();
    model.dispose();
  });

  it('rejects unknown options, a missing loss or optimizer, and a non-object', async () => {
    await initBackend({ backend: 'cpu' });
    const { model, optimizer } = setup();
    const data = sine3(4);
    await expect(fit(model, { train: data, loss, optimizer, epochs: 1, batch_size: 2 } as never)).rejects.toThrow(
      /fit: argument options: unknown option "batch_size" \(expected options among train, val, loss/,
    );
    await expect(fit(model, { train: data, optimizer, epochs: 1 } as never)).rejects.toThrow(
      /argument loss: invalid value \(expected \(pred, target\) => scalar, got undefined\)/,
    );
    await expect(fit(model, { train: data, loss, optimizer: {}, epochs: 1 } as never)).rejects.toThrow(
      /argument optimizer: invalid value \(expected an optimizer .*got an object without step, stateDict, loadStateDict, getLr\)/,
    );
    await expect(fit(model, undefined as never)).rejects.toThrow(ConfigError);
    await expect(fit(model, 'fast' as never)).rejects.toThrow(/fit: argument options: invalid options/);
    await expect(fit(model, { train: data, loss, optimizer, epochs: 1, callbacks: {} } as never)).rejects.toThrow(/argument callbacks/);
    tf.dispose([data.x, data.y]);
    optimizer.dispose();
    model.dispose();
  });

  it('rejects empty datasets at once (an empty set with {steps} used to loop forever)', async () => {
    await initBackend({ backend: 'cpu' });
    const { model, optimizer } = setup();
    const e = tf.zeros([0, 1]);
    const data = sine3(4);
    await expect(fit(model, { train: { x: e, y: e }, loss, optimizer, steps: 3, progress: 'silent' })).rejects.toThrow(
      'fit: argument train: empty dataset (expected at least one sample, got x [0, 1], y [0, 1])',
    );
    await expect(fit(model, { train: [], loss, optimizer, steps: 3, progress: 'silent' })).rejects.toThrow(
      /fit: argument train: empty dataset \(expected at least one batch/,
    );
    await expect(fit(model, { train: data, val: { x: e, y: e }, loss, optimizer, epochs: 1, progress: 'silent' })).rejects.toThrow(
      /fit: argument val: empty dataset/,
    );
    // iterables: an epoch without a batch is an error, not an endless loop
    const empty = fit(model, { train: () => [], loss, optimizer, steps: 3, progress: 'silent' });
    await expect(empty).rejects.toThrow(/fit: argument train: the dataset yielded no batch in epoch 0/);
    // an iterator is used up after its first epoch
    async function* twice(): AsyncGenerator<Batch> {
      for (let i = 0; i < 2; i++) yield { x: tf.ones([2, 1]), y: tf.zeros([2, 1]) };
    }
    let steps = 0;
    const usedUp = fit(model, { train: twice(), loss, optimizer, epochs: 2, progress: 'silent', callbacks: [onStep(() => void steps++)] });
    await expect(usedUp).rejects.toThrow(/no batch in epoch 1 \(expected .*give a function returning a fresh iterable per epoch/);
    expect(steps).toBe(2);
    await expect(fit(model, { train: data, val: () => [], loss, optimizer, epochs: 1, progress: 'silent' })).rejects.toThrow(
      /fit: argument val: the dataset yielded no batch in epoch 0/,
    );
    tf.dispose([e, data.x, data.y]);
    optimizer.dispose();
    model.dispose();
  });

  it('rejects mismatched, non-tensor, rank-0 and disposed x/y, and bad batches from iterables (disposing them)', async () => {
    await initBackend({ backend: 'cpu' });
    const { model, optimizer } = setup();
    const x = tf.zeros([4, 1]);
    const y3 = tf.zeros([3, 1]);
    const s = tf.scalar(1);
    const gone = tf.zeros([4, 1]);
    gone.dispose();
    const train = (t: unknown) => fit(model, { train: t as never, loss, optimizer, epochs: 1, progress: 'silent' });
    await expect(train({ x, y: y3 })).rejects.toThrow(ShapeError);
    await expect(train({ x: y3, y: x })).rejects.toThrow(
      /argument train: x and y must have the same first dimension \(samples\) \(got x \[3, 1\], y \[4, 1\]\)/,
    );
    await expect(train({ x: [[1], [2]], y: x })).rejects.toThrow('fit: argument train.x: not a tensor (expected a tf.Tensor, got [[1], [2]])');
    await expect(train({ x, y: new Float32Array(4) })).rejects.toThrow(/fit: argument train.y: not a tensor/);
    await expect(train({ x })).rejects.toThrow(/fit: argument train.y: not a tensor \(expected a tf.Tensor, got undefined\)/);
    await expect(train({ x: s, y: s })).rejects.toThrow(/fit: argument train.x: wrong rank \(expected rank >= 1, got shape \[\]\)/);
    await expect(train({ x: gone, y: x })).rejects.toThrow(/fit: argument train.x: tensor is disposed/);
    await expect(train(42)).rejects.toThrow(/fit: argument train: not a dataset .*got 42\)/);
    await expect(train(() => 7)).rejects.toThrow(/fit: argument train: not an iterable of batches/);
    // a bad batch from an iterable: named by index; its tensors are disposed (the leak guard checks)
    const bad = () => [
      { x: tf.ones([2, 1]), y: tf.zeros([2, 1]) },
      { x: tf.ones([2, 1]), y: [0, 0] },
    ];
    await expect(train(bad)).rejects.toThrow('fit: argument train (batch 1): batch y is not a live tensor (expected y: a live tf.Tensor, got [0, 0])');
    await expect(train([7])).rejects.toThrow(/fit: argument train \(batch 0\): not a batch \(expected \{x, y\} tensors, got 7\)/);
    tf.dispose([x, y3, s]);
    optimizer.dispose();
    model.dispose();
  });

  it('a disposed model or optimizer is a DisposedError before anything runs', async () => {
    await initBackend({ backend: 'cpu' });
    const { model, optimizer } = setup();
    const data = sine3(4);
    let fired = 0;
    const spy = { onTrainBegin: () => void fired++ };
    optimizer.dispose();
    await expect(fit(model, { train: data, loss, optimizer, epochs: 1, callbacks: [spy] })).rejects.toThrow(DisposedError);
    await expect(fit(model, { train: data, loss, optimizer, epochs: 1 })).rejects.toThrow(/fit: argument optimizer: the optimizer was disposed/);
    model.dispose();
    const opt2 = new SGD([new Parameter(tf.zeros([1]))], { lr: 0.1 });
    await expect(fit(model, { train: data, loss, optimizer: opt2, epochs: 1, callbacks: [spy] })).rejects.toThrow(DisposedError);
    await expect(fit(model, { train: data, loss, optimizer: opt2, epochs: 1 })).rejects.toThrow(/fit: argument model: the model was disposed/);
    expect(fired).toBe(0);
    for (const p of opt2.params) p.dispose();
    opt2.dispose();
    tf.dispose([data.x, data.y]);
  });

  it.each(['SGD', 'Adam', 'LBFGS'] as const)('a loss or forward that throws leaks nothing and rethrows unchanged (%s)', async (kind) => {
    await initBackend({ backend: 'cpu' });
    const model = new MLP([1, 4, 1], createRng(1));
    const make = {
      SGD: () => new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 }),
      Adam: () => new Adam(model.parameters(), { lr: 0.01 }),
      LBFGS: () => new LBFGS(model.parameters(), { maxIter: 3 }),
    };
    const optimizer = make[kind]();
    const data = sine3(8);
    // optimizer state exists before (created on the first step)
    await fit(model, { train: data, loss, optimizer, steps: 1, batchSize: 4, progress: 'silent' });
    const err = new Error('boom');
    for (const failAt of [1, 2, 3]) {
      const before = tf.memory().numTensors;
      let calls = 0;
      const failing = (p: tf.Tensor, t: tf.Tensor) => {
        const l = mse(p, t);
        if (++calls === failAt) throw err;
        return l;
      };
      await expect(fit(model, { train: data, loss: failing, optimizer, epochs: 2, batchSize: 4, progress: 'silent' })).rejects.toBe(err);
      expect(tf.memory().numTensors, `${kind}, failing at call ${failAt}`).toBe(before);
      const fwd = fit(model, {
        train: data,
        loss,
        optimizer,
        epochs: 1,
        batchSize: 4,
        progress: 'silent',
        forward: (m, x) => {
          tf.mul(m.forward(x), 2);
          throw err;
        },
      });
      await expect(fwd).rejects.toBe(err);
      expect(tf.memory().numTensors).toBe(before);
    }
    // training still works afterwards (the gradient tape was closed properly)
    const { history } = await fit(model, { train: data, loss, optimizer, epochs: 3, batchSize: 4, progress: 'silent' });
    expect(history.get('loss').every(Number.isFinite)).toBe(true);
    tf.dispose([data.x, data.y]);
    optimizer.dispose();
    model.dispose();
  });
});

describe('fit resume is all or nothing', () => {
  /** A trained model/optimizer/scheduler, its checkpoint (from different weights) and a snapshot of its state. */
  const setup = async () => {
    await initBackend({ backend: 'cpu' });
    const data = sine3(8);
    const loss = (p: tf.Tensor, t: tf.Tensor) => mse(p, t);
    const train = async (seed: number, steps: number) => {
      const model = new MLP([1, 3, 1], createRng(seed));
      const optimizer = new Adam(model.parameters(), { lr: 0.05 });
      const scheduler = new StepLR(optimizer, { stepSize: 1, gamma: 0.5 });
      let bytes: Uint8Array | undefined;
      const grab = { onTrainEnd: (ctx: FitContext) => void (bytes = checkpointBytes(ctx)) };
      await fit(model, {
        train: data,
        loss,
        optimizer,
        scheduler,
        epochs: steps,
        batchSize: 4,
        progress: 'silent',
        callbacks: [grab, earlyStopping({ monitor: 'loss', patience: 50 })],
      });
      return { model, optimizer, scheduler, bytes: bytes! };
    };
    const target = await train(1, 2);
    const other = await train(9, 3);
    const snapshot = () => {
      const sd = target.optimizer.stateDict();
      const out = {
        weights: target.model.parameters().map((p) => Array.from(p.value.dataSync())),
        optTensors: Object.fromEntries(Object.entries(sd.tensors).map(([k, t]) => [k, Array.from(t.dataSync())])),
        optMeta: JSON.stringify(sd.meta),
        scheduler: JSON.stringify(target.scheduler.stateDict()),
        lr: target.optimizer.getLr(),
      };
      tf.dispose(Object.values(sd.tensors));
      return out;
    };
    const cleanup = () => {
      for (const s of [target, other]) {
        s.optimizer.dispose();
        s.model.dispose();
      }
      tf.dispose([data.x, data.y]);
    };
    return { data, loss, target, other, snapshot, cleanup };
  };

  it('a rejected optimizer, model, scheduler, training or callback state leaves everything as it was', async () => {
    const { data, loss, target, other, snapshot, cleanup } = await setup();
    const before = snapshot();
    const n = tf.memory().numTensors;
    const variants: [string, (c: Checkpoint) => void, RegExp | (abstract new (...a: never[]) => Error)][] = [
      // the old bug: the weights were replaced before the optimizer state was rejected
      ['optimizer kind', (c) => void (c.optimizer.meta.optimizer = 'SGD'), StateDictError],
      [
        'model shape',
        (c) => {
          const k = Object.keys(c.model)[0];
          c.model[k].dispose();
          c.model[k] = tf.zeros([2, 2]);
        },
        /state dict rejected, nothing loaded:\n {2}shape mismatch for \w+: expected \[\d+(, \d+)?\], got \[2, 2\]/,
      ],
      [
        'model key',
        (c) => {
          c.model.extra = tf.zeros([1]);
        },
        /unexpected keys: extra/,
      ],
      ['scheduler', (c) => void (c.train.scheduler = { scheduler: 'CosineAnnealingLR' }), StateDictError],
      ['rng', (c) => void (c.train.rng = [0, 0, 0, 0]), /fit: argument resumeFrom.train.rng: checkpoint rejected, nothing loaded/],
      ['epoch', (c) => void (c.train.epoch = -1), FormatError],
      ['history', (c) => void (c.train.history = 5), /resumeFrom.train.history/],
      ['callback', (c) => void (c.train.callbacks = { earlyStopping: 'garbage' }), Error],
    ];
    for (const [name, mutate, expected] of variants) {
      const ckpt = parseCheckpoint(other.bytes);
      mutate(ckpt);
      const failing = {
        name: 'earlyStopping',
        restore: (s: unknown) => {
          if (s === 'garbage') throw new Error('bad callback state');
        },
      };
      const run = fit(target.model, {
        train: data,
        loss,
        optimizer: target.optimizer,
        scheduler: target.scheduler,
        epochs: 5,
        progress: 'silent',
        resumeFrom: ckpt,
        callbacks: [failing],
      });
      await expect(run, name).rejects.toThrow(expected as RegExp);
      disposeCheckpoint(ckpt);
      expect(snapshot(), name).toEqual(before);
      expect(tf.memory().numTensors, name).toBe(n);
    }
    // the intact checkpoint loads (everything put back above was still valid)
    const ckpt = parseCheckpoint(other.bytes);
    const r = await fit(target.model, {
      train: data,
      loss,
      optimizer: target.optimizer,
      scheduler: target.scheduler,
      epochs: 3,
      progress: 'silent',
      resumeFrom: ckpt,
    });
    disposeCheckpoint(ckpt);
    expect(r.epochs).toBe(3);
    expect(r.globalStep).toBe(6);
    cleanup();
  });

  it('rejects a resumeFrom that is not a checkpoint, and one from a path, without loading anything', async () => {
    const { data, loss, target, snapshot, cleanup } = await setup();
    const before = snapshot();
    const opts = { train: data, loss, optimizer: target.optimizer, epochs: 5, progress: 'silent' as const };
    await expect(fit(target.model, { ...opts, resumeFrom: 3 as never })).rejects.toThrow(
      /fit: argument resumeFrom: invalid value \(expected a loaded checkpoint \(parseCheckpoint or loadCheckpoint\), got 3\)/,
    );
    await expect(nodeFit(target.model, { ...opts, resumeFrom: 3 as never })).rejects.toThrow(/fit: argument resumeFrom: invalid value/);
    await expect(fit(target.model, { ...opts, resumeFrom: { model: {} } as never })).rejects.toThrow(/fit: argument resumeFrom: not a checkpoint/);
    const dir = mkdtempSync(join(tmpdir(), 'basiskit-fit-'));
    // the main entry's fit reads no files, and says where the one that does is
    await expect(fit(target.model, { ...opts, resumeFrom: join(dir, 'last.safetensors') as never })).rejects.toThrow(
      /fit: argument resumeFrom: invalid value \(expected a loaded checkpoint \(a file path needs Node: fit from '@basiskit\/training\/node'/,
    );
    await expect(nodeFit(target.model, { ...opts, resumeFrom: join(dir, 'nothing.safetensors') })).rejects.toThrow(
      /loadCheckpoint: argument path: cannot read ".*nothing.safetensors" \(ENOENT/,
    );
    const other = new MLP([1, 5, 1], createRng(3));
    const otherOpt = new Adam(other.parameters(), { lr: 0.05 });
    await nodeFit(other, { train: data, loss, optimizer: otherOpt, epochs: 1, progress: 'silent', callbacks: [fileCheckpoint({ dir })] });
    const n = tf.memory().numTensors;
    await expect(nodeFit(target.model, { ...opts, resumeFrom: join(dir, 'last.safetensors') })).rejects.toThrow(StateDictError);
    expect(tf.memory().numTensors).toBe(n); // the checkpoint loaded from the path was freed
    const loaded = await loadCheckpoint(join(dir, 'last.safetensors'));
    await expect(fit(target.model, { ...opts, resumeFrom: loaded })).rejects.toThrow(StateDictError);
    disposeCheckpoint(loaded);
    expect(snapshot()).toEqual(before);
    otherOpt.dispose();
    other.dispose();
    cleanup();
  });
});
