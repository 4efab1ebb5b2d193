// The main entry of @basiskit/training: everything that runs anywhere (browsers, workers, Node,
// Deno, Bun). Checkpoint files and the terminal bar are in the Node entry, ./node.ts.
export * from './optim';
export * from './schedulers';
export * from './losses';
export { accuracy, r2Score, relativeL2, History } from './metrics';
export { gradCheck } from './grad_check';
export type { GradCheckOptions, GradCheckResult } from './grad_check';
export { fit } from './fit';
export type { FitOptions, FitResult } from './fit';
export type { Batch, Dataset, TensorDataset } from './data';
export type { Callback, FitContext, StepInfo, TrainState, OptimizerLike, SchedulerLike } from './callbacks/callback';
export { onStep } from './callbacks/callback';
export { nanGuard, NonFiniteLossError } from './callbacks/nan_guard';
export { earlyStopping } from './callbacks/early_stopping';
export type { EarlyStoppingOptions } from './callbacks/early_stopping';
export { progress } from './callbacks/progress';
export type { ProgressOptions } from './callbacks/progress';
export { checkpoint } from './callbacks/checkpoint_callback';
export type { CheckpointOptions, CheckpointPolicy, CheckpointName } from './callbacks/checkpoint_callback';
export { checkpointBytes, parseCheckpoint, disposeCheckpoint } from './checkpoint';
export type { Checkpoint } from './checkpoint';
