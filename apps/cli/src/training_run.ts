// One training run of `basiskit train`: `fit` from @basiskit/training/node with the chosen
// optimizer, a progress bar on stderr, and Ctrl-C handling (the step ends, fit stops, the caller
// saves the checkpoint marked interrupted).
import { tf, type Module } from '@basiskit/tensor';
import { Adam, AdamW, LBFGS, RMSprop, SGD, type Callback, type OptimizerLike } from '@basiskit/training';
import { fit } from '@basiskit/training/node';
import { wasInterrupted, yieldToEventLoop } from './interrupt';
import type { Output } from './output';

/** Optimizers `train --optimizer` accepts. */
export const OPTIMIZERS = ['adam', 'adamw', 'lbfgs', 'sgd', 'rmsprop'] as const;

/** Builds an optimizer over `model`'s parameters. */
export function makeOptimizer(name: string, model: Module, lr: number): OptimizerLike & { dispose(): void } {
  const params = model.parameters();
  switch (name) {
    case 'adamw':
      return new AdamW(params, { lr });
    case 'lbfgs':
      return new LBFGS(params, { lr, historySize: 10, maxIter: 20 });
    case 'sgd':
      return new SGD(params, { lr, momentum: 0.9 });
    case 'rmsprop':
      return new RMSprop(params, { lr });
    default:
      return new Adam(params, { lr });
  }
}

/** Options of {@link runTraining}. */
export interface TrainingRun {
  model: Module;
  x: tf.Tensor;
  y: tf.Tensor;
  loss: (pred: tf.Tensor, target: tf.Tensor) => tf.Scalar;
  optimizer: string;
  lr: number;
  steps: number;
  /** 0: full batch. */
  batchSize: number;
  seed: number;
  /** Called after each step (e.g. a grid update). */
  afterStep?: (step: number) => void;
}

/** Trains; returns the loss curve and whether Ctrl-C stopped it. */
export async function runTraining(r: TrainingRun, out: Output): Promise<{ losses: number[]; interrupted: boolean }> {
  const optimizer = makeOptimizer(r.optimizer, r.model, r.lr);
  const losses: number[] = [];
  const bar = out.bar('train', r.steps);
  const progress: Callback = {
    name: 'progress',
    async onStepEnd(info, ctx) {
      losses.push(info.loss);
      bar.update(info.globalStep, info.loss);
      r.afterStep?.(info.globalStep);
      await yieldToEventLoop();
      if (wasInterrupted()) ctx.stop('interrupted');
    },
  };
  try {
    const batchSize = r.optimizer === 'lbfgs' ? 0 : r.batchSize;
    const result = await fit(r.model, { train: { x: r.x, y: r.y }, loss: r.loss, optimizer, steps: r.steps, batchSize, seed: r.seed, callbacks: [progress] });
    return { losses, interrupted: result.stopReason === 'interrupted' };
  } finally {
    bar.stop();
    optimizer.dispose();
  }
}
