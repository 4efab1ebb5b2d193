// Losses of @basiskit/training, one family per file (re-exports only).
export { mse, rmse, mae, huber } from './regression';
export type { ReductionOptions, HuberOptions } from './regression';
export { crossEntropy, bceWithLogits } from './classification';
export type { CrossEntropyOptions, BceWithLogitsOptions } from './classification';
export { LpLoss } from './lp';
export type { LpLossOptions } from './lp';
export { H1Loss } from './h1';
export type { H1LossOptions } from './h1';
export type { Reduction, BatchReduction } from './common';
