// torch.optim.lr_scheduler.ReduceLROnPlateau.
import { ConfigError, collectChoice, collectNumber, definedOnly, numberOk, show, type Problem } from '@basiskit/tensor';
import { LRScheduler, checkPerGroup, perGroup, type SchedulableOptimizer, type SchedulerBaseOptions } from './lr_scheduler';

/** Options of {@link ReduceLROnPlateau} (PyTorch's argument names in camelCase, same defaults). */
export interface ReduceLROnPlateauOptions extends SchedulerBaseOptions {
  /** `'min'`: reduce when the metric stops decreasing; `'max'`: stops increasing. Default 'min'. */
  mode?: 'min' | 'max';
  /** Factor of the reduction, `new_lr = lr · factor` (< 1). Default 0.1. */
  factor?: number;
  /** Epochs without improvement tolerated before reducing. Default 10. */
  patience?: number;
  /** Threshold of a significant improvement. Default 1e-4. */
  threshold?: number;
  /** `'rel'` (relative to the best) or `'abs'`. Default 'rel'. */
  thresholdMode?: 'rel' | 'abs';
  /** Epochs to wait after a reduction before counting again. Default 0. */
  cooldown?: number;
  /** Lower bound of the learning rate, for all groups or per group. Default 0. */
  minLr?: number | number[];
  /** Reductions smaller than this are skipped. Default 1e-8. */
  eps?: number;
}

interface Resolved {
  mode: 'min' | 'max';
  factor: number;
  patience: number;
  threshold: number;
  thresholdMode: 'rel' | 'abs';
  cooldown: number;
  minLr: number | number[];
  eps: number;
}

/** ±Infinity as a JSON-safe value. */
const encode = (x: number): number | string => (Number.isFinite(x) ? x : String(x));
const decode = (x: unknown): number => (typeof x === 'string' ? Number(x) : (x as number));

/**
 * Reduces the learning rates when a metric has stopped improving, PyTorch's
 * `torch.optim.lr_scheduler.ReduceLROnPlateau`. Call `step(metric)` once per epoch
 * (`interval` defaults to `'epoch'`; `fit` passes the validation loss, or the training loss).
 *
 * ```
 * better(a) = mode min: a < best·(1 - threshold)  (rel)  |  a < best - threshold  (abs)
 *             mode max: a > best·(1 + threshold)  (rel)  |  a > best + threshold  (abs)
 * if better(metric): best = metric, bad = 0  else bad += 1
 * if cooldown_counter > 0: cooldown_counter -= 1, bad = 0
 * if bad > patience: for each group: new = max(lr·factor, minLr); if lr - new > eps: lr = new
 *                    cooldown_counter = cooldown, bad = 0
 * ```
 *
 * The construction does not change the learning rates (no initial step, as in PyTorch).
 *
 * Source: torch/optim/lr_scheduler.py (`ReduceLROnPlateau`).
 */
export class ReduceLROnPlateau extends LRScheduler<Resolved> {
  private best: number;
  private numBadEpochs = 0;
  private cooldownCounter = 0;

  constructor(optimizer: SchedulableOptimizer, options: ReduceLROnPlateauOptions = {}) {
    const o = definedOnly(options);
    super(
      optimizer,
      {
        mode: o.mode ?? 'min',
        factor: o.factor ?? 0.1,
        patience: o.patience ?? 10,
        threshold: o.threshold ?? 1e-4,
        thresholdMode: o.thresholdMode ?? 'rel',
        cooldown: o.cooldown ?? 0,
        minLr: o.minLr ?? 0,
        eps: o.eps ?? 1e-8,
      },
      o.interval ?? 'epoch',
    );
    this.best = this.modeWorse();
    this.epoch = 0;
    this.lastLr = optimizer.paramGroups.map((g) => g.lr);
  }

  override get kind(): string {
    return 'ReduceLROnPlateau';
  }

  protected checkOptions(o: Resolved, groups: number): Problem[] {
    const out: Problem[] = [];
    const r = o as unknown as Record<string, unknown>;
    collectChoice(r, 'mode', ['min', 'max'], out);
    collectNumber(r, 'factor', { min: 0, lt: 1 }, out);
    collectNumber(r, 'patience', { min: 0, integer: true }, out);
    collectNumber(r, 'threshold', { min: 0 }, out);
    collectChoice(r, 'thresholdMode', ['rel', 'abs'], out);
    collectNumber(r, 'cooldown', { min: 0, integer: true }, out);
    checkPerGroup(r, 'minLr', groups, (x) => numberOk(x, { min: 0 }), 'a finite number >= 0', out);
    collectNumber(r, 'eps', { min: 0 }, out);
    return out;
  }

  protected computeLr(): number[] {
    return this.optimizer.paramGroups.map((g) => g.lr);
  }

  private modeWorse(): number {
    return this.opts.mode === 'min' ? Infinity : -Infinity;
  }

  private isBetter(a: number, best: number): boolean {
    const { mode, thresholdMode, threshold } = this.opts;
    if (mode === 'min' && thresholdMode === 'rel') return a < best * (1 - threshold);
    if (mode === 'min') return a < best - threshold;
    if (thresholdMode === 'rel') return a > best * (threshold + 1);
    return a > best + threshold;
  }

  /** Whether a reduction's cooldown is running. */
  get inCooldown(): boolean {
    return this.cooldownCounter > 0;
  }

  /**
   * Records this epoch's `metric` (required) and reduces the learning rates after more than
   * `patience` epochs without improvement. A NaN metric counts as no improvement (as in PyTorch).
   */
  override step(metric?: number): void {
    if (typeof metric !== 'number') {
      throw new ConfigError('ReduceLROnPlateau.step needs the metric', {
        where: 'ReduceLROnPlateau.step',
        argument: 'metric',
        expected: 'a number (e.g. the validation loss)',
        got: show(metric),
      });
    }
    const epoch = this.epoch + 1;
    this.epoch = epoch;
    if (this.isBetter(metric, this.best)) {
      this.best = metric;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs += 1;
    }
    if (this.inCooldown) {
      this.cooldownCounter -= 1;
      this.numBadEpochs = 0; // ignore any bad epochs in cooldown
    }
    if (this.numBadEpochs > this.opts.patience) {
      this.reduceLr();
      this.cooldownCounter = this.opts.cooldown;
      this.numBadEpochs = 0;
    }
    this.lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  private reduceLr(): void {
    const minLrs = perGroup(this.opts.minLr, this.optimizer.paramGroups.length);
    this.optimizer.paramGroups.forEach((g, i) => {
      const oldLr = g.lr;
      const newLr = Math.max(oldLr * this.opts.factor, minLrs[i]);
      if (oldLr - newLr > this.opts.eps) this.optimizer.setLr(newLr, i);
    });
  }

  protected override extraState(): Record<string, unknown> {
    return { best: encode(this.best), numBadEpochs: this.numBadEpochs, cooldownCounter: this.cooldownCounter };
  }

  protected override checkExtraState(s: Record<string, unknown>, problems: string[]): void {
    const b = s.best;
    if (!(numberOk(b, {}) || b === 'Infinity' || b === '-Infinity')) problems.push(`best: expected a finite number, "Infinity" or "-Infinity", got ${show(b)}`);
    if (!numberOk(s.numBadEpochs, { min: 0, integer: true })) problems.push(`numBadEpochs: expected an integer >= 0, got ${show(s.numBadEpochs)}`);
    if (!numberOk(s.cooldownCounter, { min: 0, integer: true })) problems.push(`cooldownCounter: expected an integer >= 0, got ${show(s.cooldownCounter)}`);
  }

  protected override loadExtraState(s: Record<string, unknown>): void {
    this.best = decode(s.best);
    this.numBadEpochs = s.numBadEpochs as number;
    this.cooldownCounter = s.cooldownCounter as number;
  }
}
