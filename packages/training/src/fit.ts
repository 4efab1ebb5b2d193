// The training loop: `fit(model, { train, loss, optimizer, epochs | steps, ... })`.
// Each step runs the optimizer on a closure (forward + loss), so closure-based optimizers
// (L-BFGS) work unchanged; every tensor a step creates is disposed before the next (the loss
// is read back for logging and the NaN guard). Shuffling uses a seeded RNG whose state is part
// of checkpoints, so a resumed run continues exactly as an uninterrupted one.
import { ConfigError, createRng, tf, type Module } from '@basiskit/tensor';
import type { Callback, FitContext, OptimizerLike, SchedulerLike, StepInfo, TrainState } from './callbacks/callback';
import { nanGuard as makeNanGuard } from './callbacks/nan_guard';
import { progress as makeProgress } from './callbacks/progress';
import { disposeCheckpoint, loadCheckpoint, type Checkpoint } from './checkpoint';
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
  /** Rows per batch for tensor datasets; 0 or less: the whole set (full batch). Default 32. */
  batchSize?: number;
  /** Shuffle tensor datasets every epoch. Default true. */
  shuffle?: boolean;
  /** Seed of the shuffling RNG. Default 0. */
  seed?: number;
  /** Forward pass; default `model.forward(x)`. */
  forward?: (model: Module, x: tf.Tensor) => tf.Tensor;
  /** Extra per-epoch metrics on the validation set, `(pred, target) => number`. */
  metrics?: Record<string, (pred: tf.Tensor, target: tf.Tensor) => number>;
  /** LR schedule, stepped per epoch (with `val_loss`, else `loss`, for plateau schedules) or per step. */
  scheduler?: SchedulerLike;
  callbacks?: Callback[];
  /** Progress output: 'auto' (default), 'bar', 'lines' or 'silent' (see `progress`); a `progress(...)` callback in `callbacks` replaces it. */
  progress?: 'auto' | 'bar' | 'lines' | 'silent';
  /** Stop at the first non-finite loss with an error naming the step. Default true. */
  nanGuard?: boolean;
  /** Continue from a checkpoint (a path in Node, or one loaded with `loadCheckpoint`). */
  resumeFrom?: string | Checkpoint;
}

/** What {@link fit} returns. */
export interface FitResult {
  history: History;
  /** Why training ended early (early stopping), if it did. */
  stopReason?: string;
  epochs: number;
  globalStep: number;
}

function positiveInt(v: unknown, argument: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
    throw new ConfigError('invalid value', { where: 'fit', argument, expected: 'a positive integer', got: String(v) });
  }
  return v;
}

/**
 * Trains `model` and returns its history.
 *
 * @example
 * const { history } = await fit(model, {
 *   train: { x, y }, val: { x: xv, y: yv },
 *   loss: (p, t) => crossEntropy(p, t),
 *   optimizer: new AdamW(model.parameters(), { lr: 1e-3 }),
 *   epochs: 20, batchSize: 64, seed: 1,
 * });
 */
export async function fit(model: Module, options: FitOptions): Promise<FitResult> {
  if (!options || typeof options.loss !== 'function') {
    throw new ConfigError('a loss function is required', { where: 'fit', argument: 'loss', expected: '(pred, target) => scalar', got: typeof options?.loss });
  }
  if (!options.optimizer || typeof options.optimizer.step !== 'function') {
    throw new ConfigError('an optimizer is required', { where: 'fit', argument: 'optimizer', got: String(options.optimizer) });
  }
  if ((options.epochs === undefined) === (options.steps === undefined)) {
    throw new ConfigError('give exactly one of epochs and steps', { where: 'fit', argument: 'epochs/steps', got: `epochs ${options.epochs}, steps ${options.steps}` });
  }
  const epochs = options.epochs !== undefined ? positiveInt(options.epochs, 'epochs') : undefined;
  const steps = options.steps !== undefined ? positiveInt(options.steps, 'steps') : undefined;
  checkDataset(options.train, 'fit', 'train');
  if (options.val) checkDataset(options.val, 'fit', 'val');
  const batchSize = options.batchSize ?? 32;
  const forward = options.forward ?? ((m: Module, x: tf.Tensor) => m.forward(x) as tf.Tensor);
  const rng = createRng(options.seed ?? 0);
  const userCallbacks = options.callbacks ?? [];
  // a `progress(...)` callback given by the caller replaces the default one
  const hasProgress = userCallbacks.some((cb) => cb.name === 'progress');
  const callbacks: Callback[] = [
    ...(options.nanGuard ?? true ? [makeNanGuard()] : []),
    ...userCallbacks,
    ...(hasProgress ? [] : [makeProgress({ mode: options.progress ?? 'auto' })]),
  ];
  let history = new History();
  let epoch = 0;
  let globalStep = 0;
  let stopRequest: string | Error | undefined;

  if (options.resumeFrom !== undefined) {
    const ckpt = typeof options.resumeFrom === 'string' ? await loadCheckpoint(options.resumeFrom) : options.resumeFrom;
    try {
      model.loadStateDict(ckpt.model);
      options.optimizer.loadStateDict(ckpt.optimizer);
    } finally {
      if (typeof options.resumeFrom === 'string') disposeCheckpoint(ckpt);
    }
    const t = ckpt.train;
    epoch = t.epoch;
    globalStep = t.globalStep;
    rng.setState(t.rng);
    history = History.fromJSON(t.history as never);
    if (t.scheduler !== undefined) options.scheduler?.loadStateDict(t.scheduler);
    for (const cb of callbacks) if (cb.name && cb.restore && t.callbacks?.[cb.name] !== undefined) cb.restore(t.callbacks[cb.name]);
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
      for await (const batch of epochBatches(options.train, { batchSize, shuffle: options.shuffle ?? true, rng })) {
        let lossValue: number;
        try {
          const lossT = options.optimizer.step(() => options.loss(forward(model, batch.x), batch.y));
          lossValue = lossT.dataSync()[0];
          lossT.dispose();
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
      const logs: Record<string, number> = { loss: count > 0 ? lossSum / count : NaN };
      if (options.val && !(stopRequest instanceof Error)) Object.assign(logs, await evaluate(model, options.val, options, forward, batchSize));
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
): Promise<Record<string, number>> {
  const sums: Record<string, number> = { val_loss: 0 };
  let count = 0;
  const metrics = Object.entries(options.metrics ?? {});
  for (const m of metrics) sums[`val_${m[0]}`] = 0;
  for await (const batch of epochBatches(data, { batchSize, shuffle: false, rng: createRng(0) })) {
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
  for (const k of Object.keys(sums)) sums[k] /= Math.max(count, 1);
  return sums;
}
