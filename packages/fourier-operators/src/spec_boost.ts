// SpecBoost (Qin et al., "Toward a Better Understanding of Fourier Neural Operators from a
// Spectral Perspective", 2024): FNOs fit the low frequencies of a target first and under-fit the
// high ones, so an ensemble is trained stage by stage on what the previous stages missed:
//
//   G(x) = sum_k G_k(x),    G_k trained on the residual  y - sum_{j<k} G_j(x)  with G_{<k} frozen.
//
// The paper reports up to 71% lower error than a single FNO with two stages. This module holds
// the stages (any operators with one output shape) as `models.<k>.*`, sums them in `forward`, and
// gives the residual targets and freezing that the stage-wise training needs; the training loop
// itself is the caller's (any optimizer: frozen parameters are skipped by @basiskit/training's
// optimizers and tf.variableGrads).
import { ConfigError, Module, ModuleList, ShapeError, checkNumber, checkTensor, formatShape, show, tf } from '@basiskit/tensor';

/** f(t) = t with a zero gradient (no gradient reaches what t was computed from). */
const stopGradient = tf.customGrad(((t: tf.Tensor) => ({
  value: tf.clone(t),
  gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
})) as unknown as Parameters<typeof tf.customGrad>[0]) as (t: tf.Tensor) => tf.Tensor;

/**
 * SpecBoost: a sum of operators trained stage by stage on residuals (see the file header).
 * Takes ownership of the models (disposing the SpecBoost disposes them).
 *
 * @example
 * const boost = new SpecBoost([fnoA, fnoB]);
 * // stage 0: train fnoA on (x, y); then
 * boost.freezeBefore(1);
 * const r = boost.residualTarget(x, y, 1); // y - fnoA(x), no gradient
 * // stage 1: train boost.stage(1) on (x, r); predict with boost.forward(x)
 */
export class SpecBoost<M extends Module = Module> extends Module {
  /** The stages, `models.0`, `models.1`, ... */
  readonly models: ModuleList<M>;

  constructor(models: M[]) {
    super();
    const where = 'SpecBoost';
    if (!Array.isArray(models) || models.length === 0) {
      throw new ConfigError('no stages', { where, argument: 'models', expected: 'a non-empty array of Modules', got: show(models) });
    }
    models.forEach((m, i) => {
      if (!(m instanceof Module)) throw new ConfigError('not a Module', { where, argument: `models[${i}]`, expected: 'a Module', got: show(m) });
      if (m.isDisposed) throw new ConfigError('module is disposed', { where, argument: `models[${i}]`, expected: 'a live Module', got: 'a disposed Module' });
      const j = models.indexOf(m);
      if (j !== i) throw new ConfigError('the same module twice', { where, argument: `models[${i}]`, expected: 'distinct modules', got: `models[${j}] again` });
    });
    this.models = this.registerModule('models', new ModuleList<M>(models));
  }

  /** Number of stages. */
  get numStages(): number {
    return this.models.length;
  }

  /** Stage `k` (0-based). */
  stage(k: number): M {
    this.assertLive('stage');
    this.checkStage(k, 'stage', 'k', this.numStages - 1);
    return this.models.at(k);
  }

  private checkStage(k: unknown, method: string, argument: string, max: number): number {
    return checkNumber(k, { where: this.where(method), argument, integer: true, min: 0, max });
  }

  /** Sum of the first `count` stages' outputs (count >= 1); each must have the first one's shape. */
  forwardStages(x: tf.Tensor, count: number): tf.Tensor {
    this.assertLive('forwardStages');
    const n = this.checkStage(count, 'forwardStages', 'count', this.numStages);
    if (n < 1) throw new ConfigError('invalid value', { where: this.where('forwardStages'), argument: 'count', expected: 'an integer >= 1', got: show(count) });
    return this.sumStages(x, n, 'forwardStages');
  }

  private sumStages(x: tf.Tensor, n: number, method: string): tf.Tensor {
    checkTensor(x, { where: this.where(method), argument: 'x' });
    return tf.tidy(() => {
      let total: tf.Tensor | null = null;
      for (let k = 0; k < n; k++) {
        const y = this.models.at(k).forward(x);
        if (total && total.shape.join() !== y.shape.join()) {
          throw new ShapeError('stages disagree in output shape', {
            where: this.where(method),
            argument: `models.${k}`,
            expected: `output ${formatShape(total.shape)} (as models.0)`,
            got: `output ${formatShape(y.shape)}`,
          });
        }
        total = total ? tf.add(total, y) : y;
      }
      return total as tf.Tensor;
    });
  }

  /** The sum of every stage's output, `sum_k G_k(x)`. */
  forward(x: tf.Tensor): tf.Tensor {
    return this.sumStages(x, this.numStages, 'forward');
  }

  /**
   * The target of stage `stage`: `y - sum_{j<stage} G_j(x)`, with the earlier stages run in eval
   * mode (no dropout) and no gradient reaching them or x (a constant for the stage's training).
   * Stage 0's target is y itself (a copy). The caller disposes the result.
   */
  residualTarget(x: tf.Tensor, y: tf.Tensor, stage: number): tf.Tensor {
    this.assertLive('residualTarget');
    const where = this.where('residualTarget');
    const k = this.checkStage(stage, 'residualTarget', 'stage', this.numStages - 1);
    checkTensor(x, { where, argument: 'x' });
    checkTensor(y, { where, argument: 'y', dtype: 'float32' });
    if (k === 0) return tf.clone(y);
    const earlier = Array.from({ length: k }, (_, j) => this.models.at(j));
    const modes = earlier.map((m) => m.namedModules().map(([, sub]) => [sub, sub.training] as const));
    earlier.forEach((m) => m.eval());
    try {
      return tf.tidy(() => {
        const before = this.sumStages(x, k, 'residualTarget');
        if (before.shape.join() !== y.shape.join()) {
          throw new ShapeError('y and the stages disagree in shape', {
            where,
            argument: 'y',
            expected: `shape ${formatShape(before.shape)} (the stages' output)`,
            got: `shape ${formatShape(y.shape)}`,
          });
        }
        return stopGradient(tf.sub(y, before));
      });
    } finally {
      for (const list of modes) for (const [sub, training] of list) sub.training = training;
    }
  }

  /**
   * Freezes the stages before `stage` (their parameters become non-trainable) and makes stage
   * `stage` and the later ones trainable. `freezeBefore(0)` unfreezes every stage.
   */
  freezeBefore(stage: number): this {
    this.assertLive('freezeBefore');
    const k = this.checkStage(stage, 'freezeBefore', 'stage', this.numStages - 1);
    for (let j = 0; j < this.numStages; j++) this.models.at(j).requiresGrad(j >= k);
    return this;
  }

  /** Whether each stage has a trainable parameter (false for a frozen stage). */
  trainableStages(): boolean[] {
    this.assertLive('trainableStages');
    return Array.from({ length: this.numStages }, (_, j) =>
      this.models
        .at(j)
        .parameters()
        .some((p) => p.trainable),
    );
  }
}
