// Messages between the operator lab's page and its worker (plain data: structured clone; the backend
// summary and the response and snapshot-event envelopes are @basiskit/app-shell's).

/** The PDE problems offered. */
export type Problem = 'burgers' | 'darcy';

/** What to generate. */
export interface GenerateArgs {
  problem: Problem;
  nTrain: number;
  nTest: number;
  seed: number;
}

/** What was generated. */
export interface GenerateSummary {
  problem: Problem;
  nTrain: number;
  nTest: number;
  /** Grid points per side at the training resolution and at the test's doubled one. */
  trainResolution: number;
  superResolution: number;
  ms: number;
}

/** The FNO to train. */
export interface ModelArgs {
  modes: number;
  width: number;
  layers: number;
  learningRate: number;
  batchSize: number;
  seed: number;
}

/** One field of one test sample (or, in 1-D, the first test samples stacked as rows). */
export interface FieldSet {
  /** Rows x columns of every field. */
  rows: number;
  cols: number;
  input: number[];
  truth: number[];
  prediction: number[];
  error: number[];
}

/** One point of the loss curves (relative L2). */
export interface LossPoint {
  step: number;
  split: 'train' | 'test' | 'test at 2x resolution';
  loss: number;
}

/** The state the page draws. */
export interface Snapshot {
  step: number;
  problem: Problem;
  parameters: number;
  losses: LossPoint[];
  /** Mean relative L2 error on the test set at the training resolution and at twice it. */
  testError: number;
  superResolutionError: number;
  trainResolution: number;
  superResolution: number;
  fields: FieldSet;
  superFields: FieldSet;
  msPerStep: number;
}

export type Request =
  | { cmd: 'init'; backend?: string }
  | { cmd: 'generate'; args: GenerateArgs }
  | { cmd: 'build'; args: ModelArgs }
  | { cmd: 'train'; steps: number; every: number }
  | { cmd: 'stop' };
