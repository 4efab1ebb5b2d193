// The training loop: `fit(model, { train, loss, optimizer, epochs | steps, ... })`.
// Each step runs the optimizer on a closure (forward + loss), so closure-based optimizers
// (L-BFGS) work unchanged; every tensor a step creates is disposed before the next (the loss
// is read back for logging and the NaN guard). Shuffling uses a seeded RNG whose state is part
// of checkpoints, so a resumed run continues exactly as an uninterrupted one.
import {
  ConfigError,
  DisposedError,
  FormatError,
  checkOptions,
  collectBool,
  collectChoice,
  collectNumber,
  createRng,
  isRecord,
  show,
  tf,
  throwProblems,
  type Module,
  type Problem,
  type Rng,
} from '@basiskit/tensor';
import type { Callback, FitContext, OptimizerLike, SchedulerLike, StepInfo, TrainState } from './callbacks/callback';
import { nanGuard as makeNanGuard } from './callbacks/nan_guard';
import { progress as makeProgress } from './callbacks/progress';
import type { Checkpoint } from './checkpoint';
import { checkDataset, datasetSize, epochBatches, type Dataset } from './data';
import { History } from './metrics';

/** Options of {@link fit}. */
export interface FitOptions {
  /** Training data: `{x, y}` tensors (batched and shuffled here) or (async) iterables of batches. */
  train: Dataset;
  /** Validation data, evaluated after every epoch (logged as `val_loss` and `val_<metric>`). */
  val?: Dataset;
  /** Loss of a batch: `(prediction, target) => scalar`. */
  loss: (pred: tf.Tensor, target: tf.Tensor) => tf.Scalar;
  optimizer: OptimizerLike;
  /** Epochs to train (give this or `steps`). */
  epochs?: number;
  /** Optimizer steps to train (give this or `epochs`). */
  steps?: number;
  /** Rows per batch for tensor datasets (an integer; 0: the whole set, full batch). Default 32. */
  batchSize?: number;
  /** Shuffle tensor datasets every epoch. Default true. */
  shuffle?: boolean;
  /** Seed of the shuffling RNG (a safe integer). Default 0. */
  seed?: number;
  /** Forward pass; default `model.forward(x)`. */
  forward?: (model: Module, x: tf.Tensor) => tf.Tensor;
  /** Extra per-epoch metrics on the validation set, `(pred, target) => number`. */
  metrics?: Record<string, (pred: tf.Tensor, target: tf.Tensor) => number>;
  /** LR schedule, stepped per epoch (with `val_loss`, else `loss`, for plateau schedules) or per step. */
  scheduler?: SchedulerLike;
  callbacks?: Callback[];
  /**
   * Progress output: 'auto' (default) or 'lines' (one line per epoch) or 'silent' (see
   * `progress`); a callback named 'progress' in `callbacks` (`progress(...)`, Node's
   * `progressBar()`) replaces it. The terminal bar is Node-only: `fit` from
   * `@basiskit/training/node` draws it by default on a TTY.
   */
  progress?: 'auto' | 'lines' | 'silent';
  /** Stop at the first non-finite loss with an error naming the step. Default true. */
  nanGuard?: boolean;
  /**
   * Continue from a loaded checkpoint (`parseCheckpoint(bytes)`, or Node's `loadCheckpoint(path)`);
   * it stays the caller's to dispose (`disposeCheckpoint`). A file path: `fit` from
   * `@basiskit/training/node`.
   */
  resumeFrom?: Checkpoint;
}

/** What {@link fit} returns. */
export interface FitResult {
  history: History;
  /** Why training ended early (early stopping), if it did. */
  stopReason?: string;
  epochs: number;
  globalStep: number;
}

const FIT_OPTIONS = [
  'train',
  'val',
  'loss',
  'optimizer',
  'epochs',
  'steps',
  'batchSize',
  'shuffle',
  'seed',
  'forward',
  'metrics',
  'scheduler',
  'callbacks',
  'progress',
  'nanGuard',
  'resumeFrom',
] as const;

const PROGRESS_MODES = ['auto', 'lines', 'silent'] as const;

/** Appends a problem unless `o[key]` is a function. */
function collectFunction(o: Record<string, unknown>, key: string, expected: string, out: Problem[]): void {
  if (typeof o[key] !== 'function') out.push({ argument: key, expected, got: show(o[key]) });
}

/** Appends a problem unless `o[key]` is an object with the methods `methods`. */
function collectMethods(o: Record<string, unknown>, key: string, methods: readonly string[], expected: string, out: Problem[]): void {
  const v = o[key];
  const lacking = isRecord(v) ? methods.filter((m) => typeof v[m] !== 'function') : methods;
  if (lacking.length) out.push({ argument: key, expected, got: isRecord(v) ? `an object without ${lacking.join(', ')}` : show(v) });
}

/** Checks `fit`'s model and options (every problem at once); returns the options without undefined values. */
function checkFitOptions(model: unknown, options: unknown): FitOptions {
  const where = 'fit';
  if (!isRecord(model)) throw new ConfigError('not a model', { where, argument: 'model', expected: 'a Module', got: show(model) });
  if ((model as { isDisposed?: unknown }).isDisposed === true) {
    throw new DisposedError('the model was disposed', { where, argument: 'model', expected: 'a live Module', got: 'a disposed module' });
  }
  if (options === undefined)
    throw new ConfigError('options are required', {
      where,
      argument: 'options',
      expected: '{ train, loss, optimizer, epochs | steps, ... }',
      got: 'undefined',
    });
  const o = checkOptions(options as FitOptions, { where, known: FIT_OPTIONS }) as Record<string, unknown>;
  const problems: Problem[] = [];
  collectFunction(o, 'loss', '(pred, target) => scalar', problems);
  collectMethods(o, 'optimizer', ['step', 'stateDict', 'loadStateDict', 'getLr'], 'an optimizer (step, stateDict, loadStateDict, getLr)', problems);
  if ((o.epochs === undefined) === (o.steps === undefined)) {
    throw new ConfigError('give exactly one of epochs and steps', { where, argument: 'epochs/steps', got: `epochs ${show(o.epochs)}, steps ${show(o.steps)}` });
  }
  if (o.epochs !== undefined) collectNumber(o, 'epochs', { integer: true, min: 1 }, problems);
  if (o.steps !== undefined) collectNumber(o, 'steps', { integer: true, min: 1 }, problems);
  if (o.batchSize !== undefined) collectNumber(o, 'batchSize', { integer: true, min: 0 }, problems);
  if (o.seed !== undefined) collectNumber(o, 'seed', { integer: true, min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }, problems);
  if (o.shuffle !== undefined) collectBool(o, 'shuffle', problems);
  if (o.nanGuard !== undefined) collectBool(o, 'nanGuard', problems);
  const hasProgress = Array.isArray(o.callbacks) && o.callbacks.some((cb) => isRecord(cb) && cb.name === 'progress');
  if (o.progress === 'bar') {
    if (!hasProgress)
      problems.push({
        argument: 'progress',
        expected: "'auto', 'lines' or 'silent' (the terminal bar is Node-only: fit or progressBar() from @basiskit/training/node)",
        got: '"bar"',
      });
  } else if (o.progress !== undefined) collectChoice(o, 'progress', PROGRESS_MODES, problems);
  if (o.forward !== undefined) collectFunction(o, 'forward', '(model, x) => tensor', problems);
  else if (typeof (model as { forward?: unknown }).forward !== 'function')
    problems.push({ argument: 'model', expected: 'a Module with forward (or the forward option)', got: show(model) });
  if (o.metrics !== undefined) {
    if (!isRecord(o.metrics)) problems.push({ argument: 'metrics', expected: 'an object of (pred, target) => number', got: show(o.metrics) });
    else
      for (const [k, f] of Object.entries(o.metrics))
        if (typeof f !== 'function') problems.push({ argument: `metrics.${k}`, expected: '(pred, target) => number', got: show(f) });
  }
  if (o.scheduler !== undefined)
    collectMethods(o, 'scheduler', ['step', 'stateDict', 'loadStateDict'], 'a scheduler (step, stateDict, loadStateDict)', problems);
  if (o.callbacks !== undefined) {
    if (!Array.isArray(o.callbacks)) problems.push({ argument: 'callbacks', expected: 'an array of callbacks', got: show(o.callbacks) });
    else o.callbacks.forEach((cb, i) => isRecord(cb) || problems.push({ argument: `callbacks[${i}]`, expected: 'a callback object', got: show(cb) }));
  }
  if (typeof o.resumeFrom === 'string') {
    problems.push({
      argument: 'resumeFrom',
      expected: "a loaded checkpoint (a file path needs Node: fit from '@basiskit/training/node', or resumeFrom: await loadCheckpoint(path))",
      got: show(o.resumeFrom),
    });
  } else if (o.resumeFrom !== undefined && !isRecord(o.resumeFrom)) {
    problems.push({ argument: 'resumeFrom', expected: 'a loaded checkpoint (parseCheckpoint or loadCheckpoint)', got: show(o.resumeFrom) });
  }
  if (o.train === undefined) problems.push({ argument: 'train', expected: 'a dataset', got: 'undefined' });
  throwProblems(problems, { where });
  checkDataset(o.train as Dataset, where, 'train');
  if (o.val !== undefined) checkDataset(o.val as Dataset, where, 'val');
  const optimizer = o.optimizer as { isDisposed?: unknown };
  if (optimizer.isDisposed === true)
    throw new DisposedError('the optimizer was disposed', { where, argument: 'optimizer', expected: 'a live optimizer', got: 'a disposed optimizer' });
  return o as unknown as FitOptions;
}

/** Checks a checkpoint's training state before anything is loaded; returns the RNG and History it holds. */
function checkTrainState(ckpt: unknown): { train: TrainState; rng: Rng; history: History } {
  const where = 'fit';
  const problems: Problem[] = [];
  if (!isRecord(ckpt) || !isRecord(ckpt.model) || !isRecord(ckpt.optimizer) || !isRecord(ckpt.train)) {
    throw new FormatError('not a checkpoint', {
      where,
      argument: 'resumeFrom',
      expected: '{ model, optimizer, train } as parseCheckpoint or loadCheckpoint returns',
      got: show(ckpt),
    });
  }
  const t = ckpt.train;
  collectNumber(t, 'epoch', { integer: true, min: 0 }, problems, 'resumeFrom.train.');
  collectNumber(t, 'globalStep', { integer: true, min: 0 }, problems, 'resumeFrom.train.');
  let rng: Rng | undefined;
  let history: History | undefined;
  try {
    rng = createRng(0).setState(t.rng as number[]);
  } catch {
    problems.push({ argument: 'resumeFrom.train.rng', expected: 'a generator state (Rng.state())', got: show(t.rng) });
  }
  try {
    history = History.fromJSON(t.history as never);
  } catch (e) {
    problems.push({ argument: 'resumeFrom.train.history', expected: 'History.toJSON()', got: `${show(t.history)} (${(e as Error).message})` });
  }
  if (t.callbacks !== undefined && !isRecord(t.callbacks))
    problems.push({ argument: 'resumeFrom.train.callbacks', expected: 'an object of states by callback name', got: show(t.callbacks) });
  throwProblems(problems, { where, problem: 'checkpoint rejected, nothing loaded' }, FormatError);
  return { train: t as unknown as TrainState, rng: rng as Rng, history: history as History };
}

/**
 * Loads a checkpoint into the model, optimizer, scheduler and callbacks, all or nothing: the
 * training state is checked first, the current states are saved, and if any part is rejected
 * everything is put back as it was before the error is rethrown.
 */
function restoreCheckpoint(ckpt: Checkpoint, model: Module, options: FitOptions, callbacks: Callback[]): void {
  const t = ckpt.train;
  const restorable = callbacks.filter((cb) => cb.name && cb.restore && t.callbacks?.[cb.name] !== undefined);
  const before = {
    model: tf.tidy(() => Object.fromEntries(Object.entries(model.stateDict()).map(([k, v]) => [k, tf.keep(tf.clone(v))]))),
    optimizer: options.optimizer.stateDict(),
    scheduler: t.scheduler !== undefined ? options.scheduler?.stateDict() : undefined,
    callbacks: restorable.map((cb) => (cb.state ? cb.state() : undefined)),
  };
  try {
    // the parts that check everything before loading anything, cheapest first
    options.optimizer.loadStateDict(ckpt.optimizer);
    model.loadStateDict(ckpt.model);
    if (t.scheduler !== undefined) options.scheduler?.loadStateDict(t.scheduler);
    for (const cb of restorable) cb.restore!(t.callbacks![cb.name!]);
  } catch (e) {
    const undo = [
      () => model.loadStateDict(before.model),
      () => options.optimizer.loadStateDict(before.optimizer),
      () => before.scheduler !== undefined && options.scheduler?.loadStateDict(before.scheduler),
      ...restorable.map((cb, i) => () => before.callbacks[i] !== undefined && cb.restore!(before.callbacks[i])),
    ];
    for (const f of undo) {
      try {
        f();
      } catch {
        // the first error is the one to report; putting back a state the object gave is not expected to fail
      }
    }
    throw e;
  } finally {
    tf.dispose([...Object.values(before.model), ...Object.values(before.optimizer.tensors)]);
  }
}

/**
 * Trains `model` and returns its history.
 *
 * Everything is checked before training starts (every problem with the options at once, in
 * one ConfigError): unknown options, counts that are not integers (`'16'`, `1.5`, `NaN`,
 * `Infinity`), empty or mismatched datasets, a disposed model. A `resumeFrom` checkpoint that
 * is rejected leaves the model, optimizer, scheduler and callbacks as they were. A step whose
 * loss or forward throws frees every tensor it made and rethrows the error unchanged.
 *
 * @example
 * const { history } = await fit(model, {
 *   train: { x, y }, val: { x: xv, y: yv },
 *   loss: (p, t) => crossEntropy(p, t),
 *   optimizer: new AdamW(model.parameters(), { lr: 1e-3 }),
 *   epochs: 20, batchSize: 64, seed: 1,
 * });
 */
export async function fit(model: Module, fitOptions: FitOptions): Promise<FitResult> {
  const options = checkFitOptions(model, fitOptions);
  const epochs = options.epochs;
  const steps = options.steps;
  const batchSize = options.batchSize ?? 32;
  const forward = options.forward ?? ((m: Module, x: tf.Tensor) => m.forward(x));
  let rng = createRng(options.seed ?? 0);
  const userCallbacks = options.callbacks ?? [];
  // a `progress(...)` callback given by the caller replaces the default one
  const hasProgress = userCallbacks.some((cb) => cb.name === 'progress');
  const callbacks: Callback[] = [
    ...((options.nanGuard ?? true) ? [makeNanGuard()] : []),
    ...userCallbacks,
    ...(hasProgress ? [] : [makeProgress({ mode: options.progress ?? 'auto' })]),
  ];
  let history = new History();
  let epoch = 0;
  let globalStep = 0;
  let stopRequest: string | Error | undefined;

  if (options.resumeFrom !== undefined) {
    const ckpt = options.resumeFrom;
    const checked = checkTrainState(ckpt);
    restoreCheckpoint(ckpt, model, options, callbacks);
    epoch = checked.train.epoch;
    globalStep = checked.train.globalStep;
    rng = checked.rng;
    history = checked.history;
  }

  const trainState = (): TrainState => {
    const cbStates: Record<string, unknown> = {};
    for (const cb of callbacks) if (cb.name && cb.state) cbStates[cb.name] = cb.state();
    return {
      epoch,
      globalStep,
      rng: rng.state(),
      history: history.toJSON(),
      scheduler: options.scheduler?.stateDict(),
      callbacks: cbStates,
    };
  };
  const ctx: FitContext = {
    model,
    optimizer: options.optimizer,
    scheduler: options.scheduler,
    get history() {
      return history;
    },
    epochs,
    steps,
    get epoch() {
      return epoch;
    },
    get globalStep() {
      return globalStep;
    },
    stop(reason) {
      stopRequest ??= reason;
    },
    trainState,
  };
  const fire = async (hook: keyof Callback, ...args: unknown[]) => {
    for (const cb of callbacks) {
      const f = cb[hook] as ((...a: unknown[]) => void | Promise<void>) | undefined;
      if (f) await f.call(cb, ...args);
    }
  };
  const done = () => stopRequest !== undefined || (epochs !== undefined ? epoch >= epochs : globalStep >= (steps as number));
  const n = datasetSize(options.train);
  const stepsPerEpoch = n !== undefined ? Math.ceil(n / (batchSize > 0 ? batchSize : n)) : undefined;

  try {
    await fire('onTrainBegin', ctx);
    while (!done()) {
      await fire('onEpochBegin', epoch, ctx);
      let lossSum = 0;
      let count = 0;
      let step = 0;
      for await (const batch of epochBatches(options.train, { batchSize, shuffle: options.shuffle ?? true, rng, where: 'fit', argument: 'train' })) {
        let lossValue: number;
        try {
          // every tensor the step makes (the loss included) is freed, also when it throws
          lossValue = tf.tidy(() => {
            const lossT = options.optimizer.step(() => options.loss(forward(model, batch.x), batch.y));
            const v = lossT.dataSync()[0];
            lossT.dispose(); // may be kept (L-BFGS), which tidy would not free
            return v;
          });
        } finally {
          tf.dispose([batch.x, batch.y]);
        }
        const size = batch.x.shape[0] ?? 1;
        lossSum += lossValue * size;
        count += size;
        globalStep += 1;
        if (options.scheduler?.interval === 'step') options.scheduler.step();
        const info: StepInfo = { epoch, step, globalStep, loss: lossValue, batchSize: size, stepsPerEpoch };
        await fire('onStepEnd', info, ctx);
        step += 1;
        if (stopRequest !== undefined || (steps !== undefined && globalStep >= steps)) break;
      }
      if (step === 0) throw emptyEpoch('train', epoch);
      const logs: Record<string, number> = { loss: count > 0 ? lossSum / count : NaN };
      if (options.val && !(stopRequest instanceof Error)) Object.assign(logs, await evaluate(model, options.val, options, forward, batchSize, epoch));
      logs.lr = options.optimizer.getLr();
      if (options.scheduler && options.scheduler.interval !== 'step') options.scheduler.step(logs.val_loss ?? logs.loss);
      epoch += 1;
      history.record(epoch - 1, logs);
      await fire('onEpochEnd', epoch - 1, logs, ctx);
    }
  } finally {
    await fire('onTrainEnd', ctx);
  }
  if (stopRequest instanceof Error) throw stopRequest;
  return { history, stopReason: stopRequest, epochs: epoch, globalStep };
}

/** Mean loss (and metrics) over a dataset, without gradients. */
async function evaluate(
  model: Module,
  data: Dataset,
  options: FitOptions,
  forward: (m: Module, x: tf.Tensor) => tf.Tensor,
  batchSize: number,
  epoch: number,
): Promise<Record<string, number>> {
  const sums: Record<string, number> = { val_loss: 0 };
  let count = 0;
  const metrics = Object.entries(options.metrics ?? {});
  for (const m of metrics) sums[`val_${m[0]}`] = 0;
  for await (const batch of epochBatches(data, { batchSize, shuffle: false, rng: createRng(0), where: 'fit', argument: 'val' })) {
    try {
      const size = batch.x.shape[0] ?? 1;
      tf.tidy(() => {
        const pred = forward(model, batch.x);
        sums.val_loss += options.loss(pred, batch.y).dataSync()[0] * size;
        for (const [name, f] of metrics) sums[`val_${name}`] += f(pred, batch.y) * size;
      });
      count += size;
    } finally {
      tf.dispose([batch.x, batch.y]);
    }
  }
  if (count === 0) throw emptyEpoch('val', epoch);
  for (const k of Object.keys(sums)) sums[k] /= count;
  return sums;
}

/** The error of a dataset that yielded no batch in an epoch (an empty or used-up iterable). */
function emptyEpoch(argument: string, epoch: number): ConfigError {
  return new ConfigError(`the dataset yielded no batch in epoch ${epoch}`, {
    where: 'fit',
    argument,
    expected: 'at least one batch per epoch (an iterator is used up after one pass: give a function returning a fresh iterable per epoch)',
    got: 'no batch',
  });
}
