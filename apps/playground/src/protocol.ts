// Messages between the page and the training worker (plain data: structured clone; the response
// and snapshot-event envelopes are @basiskit/app-shell's).
import type { BackendSummary as ShellBackendSummary } from '@basiskit/app-shell';
import type { TaskSpec } from './data';
import type { Basis, EdgePlot, ModelConfig } from './models';

/** What the page asks the worker to build. */
export interface SetupArgs {
  task: TaskSpec;
  basis: Basis;
  /** Hidden widths (the input and output widths come from the data). */
  hidden: number[];
  gridSize: number;
  seed: number;
  learningRate: number;
  /** pykan's sparsity regularization weight (B-spline only). */
  lamb: number;
}

/** The fit or decision surface of the current model. */
export type Surface =
  | { kind: 'curve'; x: number[]; pred: number[]; truth: number[]; points: { x: number; y: number }[] }
  | { kind: 'grid'; n: number; pred: number[]; truth: number[] }
  | { kind: 'scatter'; truth: number[]; pred: number[] }
  | { kind: 'decision'; n: number; cls: number[]; confidence: number[]; points: { x1: number; x2: number; label: number }[] };

/** One point of the loss curves. */
export interface LossPoint {
  step: number;
  split: 'train' | 'test';
  loss: number;
}

/** The state the page draws. */
export interface Snapshot {
  step: number;
  config: ModelConfig;
  task: 'regression' | 'classification';
  label: string;
  variables: string[];
  losses: LossPoint[];
  /** Test RMSE (regression) or test accuracy (classification). */
  metric: { name: string; value: number };
  edges: EdgePlot[];
  surface: Surface;
  msPerStep: number;
  parameters: number;
}

/** Backend description shown on the page, with every function suite name of @basiskit/datasets (for the picker). */
export interface BackendSummary extends ShellBackendSummary {
  functions: string[];
}

/** The result of symbolic fitting. */
export interface SymbolicResult {
  formulas: string[];
  latex: string[];
  edges: { layer: number; i: number; j: number; name: string; r2: number }[];
  /** RMSE of the formula on the test set (regression) or its accuracy (classification). */
  metric: { name: string; value: number };
}

export type Request =
  | { cmd: 'init'; backend?: string }
  | { cmd: 'setup'; args: SetupArgs }
  | { cmd: 'train'; steps: number; every: number }
  | { cmd: 'stop' }
  | { cmd: 'refine'; gridSize: number }
  | { cmd: 'prune'; threshold: number }
  | { cmd: 'symbolic' }
  | { cmd: 'export' }
  | { cmd: 'import'; bytes: Uint8Array }
  | { cmd: 'predict' };
