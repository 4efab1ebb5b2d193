// pykan's `fit` as the main job uses it: L-BFGS steps (lr 1, history 10, 20 iterations each) on
// mse + lamb * (L1 + entropy regularization), with a grid update from the samples every
// `gridEvery` steps (pykan: `update_grid=True, grid_update_num`). One call = one training phase;
// the loss of every step is recorded, Ctrl-C ends the phase after the current step.
import { tf, type Parameter } from '@basiskit/tensor';
import { LBFGS } from '@basiskit/training';
import type { KAN } from '@basiskit/kan';
import { wasInterrupted, yieldToEventLoop } from './interrupt';
import type { Output } from './output';

/** Options of {@link trainPhase}. */
export interface TrainPhaseOptions {
  /** Name of the phase (progress bar, loss curve). */
  phase: string;
  /** L-BFGS steps. */
  steps: number;
  /** Weight of the sparsity regularization. Default 0 (none). */
  lamb?: number;
  /** Grid update every this many steps (0: never). Default 0. */
  gridEvery?: number;
}

/** One recorded step. */
export interface LossPoint {
  phase: string;
  step: number;
  loss: number;
}

/** Trains `params` of `model` for one phase; appends the step losses to `curve`; returns false when interrupted. */
export async function trainPhase(
  model: KAN,
  params: Parameter[],
  x: tf.Tensor,
  y: tf.Tensor,
  o: TrainPhaseOptions,
  curve: LossPoint[],
  out: Output,
): Promise<boolean> {
  const opt = new LBFGS(params, { lr: 1, historySize: 10, maxIter: 20, toleranceGrad: 1e-32, toleranceChange: 1e-32 });
  const lamb = o.lamb ?? 0;
  const bar = out.bar(o.phase, o.steps);
  const first = curve.length;
  try {
    for (let s = 0; s < o.steps; s++) {
      if (o.gridEvery && s % o.gridEvery === 0) model.updateGrid(x);
      const l = opt.step(() =>
        tf.tidy(() => {
          const mse = tf.mean(tf.square(tf.sub(model.forward(x, { cache: lamb > 0 }), y)));
          return (lamb > 0 ? tf.add(mse, tf.mul(lamb, model.regularizationLoss({ lambL1: 1, lambEntropy: 2 }))) : mse) as tf.Scalar;
        }),
      );
      const loss = l.dataSync()[0] as number;
      l.dispose();
      curve.push({ phase: o.phase, step: curve.length, loss });
      bar.update(s + 1, loss);
      await yieldToEventLoop();
      if (wasInterrupted()) return false;
    }
  } finally {
    bar.stop();
    opt.dispose();
    if (lamb > 0) model.layerArray().forEach((layer) => layer.clearActivations());
  }
  const last = curve.at(-1);
  if (last && curve.length > first) out.info(`  ${o.phase.padEnd(12)} ${curve.length - first} L-BFGS steps, loss ${last.loss.toExponential(3)}`);
  return true;
}
