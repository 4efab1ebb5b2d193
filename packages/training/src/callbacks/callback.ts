// The callback protocol of `fit`: hooks called at the start and end of training, of each
// epoch and after each optimizer step, with a context to read state or stop training.
import type { Module, tf } from '@basiskit/tensor';
import type { History } from '../metrics';

/** What `fit` needs of an optimizer (every basiskit optimizer has it). */
export interface OptimizerLike {
  step(closure: () => tf.Scalar): tf.Scalar;
  stateDict(): { tensors: Record<string, tf.Tensor>; meta: Record<string, unknown> };
  loadStateDict(state: { tensors: Record<string, tf.Tensor>; meta: Record<string, unknown> }): void;
  getLr(group?: number): number;
}

/** What `fit` needs of an LR schedule (every basiskit scheduler has it). */
export interface SchedulerLike {
  step(metric?: number): void;
  readonly interval?: 'epoch' | 'step';
  stateDict(): unknown;
  loadStateDict(state: unknown): void;
}

/** Where training is, for checkpoints and resuming. */
export interface TrainState {
  /** Epochs completed. */
  epoch: number;
  /** Optimizer steps taken. */
  globalStep: number;
  /** The shuffling RNG's state (`Rng.state()`). */
  rng: number[];
  /** `History.toJSON()` */
  history: unknown;
  /** The scheduler's `stateDict()`, when there is one. */
  scheduler?: unknown;
  /** Free-form state of callbacks (e.g. early stopping's best value), by callback name. */
  callbacks?: Record<string, unknown>;
}

/** After each optimizer step. */
export interface StepInfo {
  epoch: number;
  /** Step within the epoch (0-based). */
  step: number;
  /** Steps since training began, including resumed ones (1 after the first step). */
  globalStep: number;
  /** The step's loss (read back). */
  loss: number;
  /** Samples in the batch. */
  batchSize: number;
  /** Steps per epoch when known (tensor datasets). */
  stepsPerEpoch?: number;
}

/** Passed to every hook. */
export interface FitContext {
  readonly model: Module;
  readonly optimizer: OptimizerLike;
  readonly scheduler?: SchedulerLike;
  readonly history: History;
  /** Epochs to train in total (when given as epochs). */
  readonly epochs?: number;
  /** Steps to train in total (when given as steps). */
  readonly steps?: number;
  /** Epochs completed so far. */
  readonly epoch: number;
  readonly globalStep: number;
  /**
   * Ends training after the current step. With an Error, `fit` rejects with it (after
   * cleaning up); with a string, it returns normally and records the reason.
   */
  stop(reason: string | Error): void;
  /** The resumable state (for checkpoints). */
  trainState(): TrainState;
}

/** A training callback: any subset of the hooks. `name` keys its state in checkpoints. */
export interface Callback {
  readonly name?: string;
  onTrainBegin?(ctx: FitContext): void | Promise<void>;
  onEpochBegin?(epoch: number, ctx: FitContext): void | Promise<void>;
  onStepEnd?(info: StepInfo, ctx: FitContext): void | Promise<void>;
  onEpochEnd?(epoch: number, logs: Record<string, number>, ctx: FitContext): void | Promise<void>;
  onTrainEnd?(ctx: FitContext): void | Promise<void>;
  /** State to save in checkpoints, and to restore on resume. */
  state?(): unknown;
  restore?(state: unknown): void;
}

/** A callback that runs `fn` after every optimizer step (e.g. a KAN's grid update). */
export function onStep(fn: (info: StepInfo, ctx: FitContext) => void | Promise<void>): Callback {
  return { name: 'onStep', onStepEnd: fn };
}
