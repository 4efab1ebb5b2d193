// torch.optim.lr_scheduler.OneCycleLR (learning rate, and optionally momentum).
import { ConfigError, collectBool, collectChoice, collectNumber, definedOnly, numberOk, type Problem } from '@basiskit/tensor';
import { LRScheduler, checkPerGroup, perGroup, type SchedulableOptimizer, type SchedulerBaseOptions } from './lr_scheduler';

/** Options of {@link OneCycleLR} (PyTorch's argument names in camelCase, same defaults except `cycleMomentum`). */
export interface OneCycleLROptions extends SchedulerBaseOptions {
  /** Peak learning rate, one for all groups or one per group. */
  maxLr: number | number[];
  /** Total number of steps in the cycle (PyTorch's `total_steps`, or `epochs · steps_per_epoch`). */
  totalSteps: number;
  /** Fraction of the cycle spent increasing the learning rate. Default 0.3. */
  pctStart?: number;
  /** `'cos'` (default) or `'linear'` annealing. */
  annealStrategy?: 'cos' | 'linear';
  /** Initial learning rate = maxLr / divFactor. Default 25. */
  divFactor?: number;
  /** Final learning rate = initial learning rate / finalDivFactor. Default 1e4. */
  finalDivFactor?: number;
  /** Three phases (up, down to the initial lr, then to the final lr) as fastai; default false. */
  threePhase?: boolean;
  /**
   * Cycle the momentum inversely to the learning rate (`momentum` of SGD/RMSprop, `betas[0]`
   * of Adam/AdamW). Default **false** here (PyTorch's default is true, which also turns
   * momentum on for an SGD created without it).
   */
  cycleMomentum?: boolean;
  /** Lowest momentum of the cycle (at the peak learning rate). Default 0.85. */
  baseMomentum?: number | number[];
  /** Highest momentum of the cycle (at the start and end). Default 0.95. */
  maxMomentum?: number | number[];
}

interface Resolved {
  maxLr: number | number[];
  totalSteps: number;
  pctStart: number;
  annealStrategy: 'cos' | 'linear';
  divFactor: number;
  finalDivFactor: number;
  threePhase: boolean;
  cycleMomentum: boolean;
  baseMomentum: number | number[];
  maxMomentum: number | number[];
}

type LrPoint = 'initial' | 'max' | 'min';
type MomentumPoint = 'max' | 'base';
interface Phase {
  end: number;
  startLr: LrPoint;
  endLr: LrPoint;
  startM: MomentumPoint;
  endM: MomentumPoint;
}

/**
 * The 1cycle policy (Smith & Topin, 2017), PyTorch's `torch.optim.lr_scheduler.OneCycleLR`,
 * stepped after every batch (`interval` defaults to `'step'`). With `T = totalSteps`,
 * `p = pctStart`, `initial = maxLr / divFactor`, `min = initial / finalDivFactor`, the
 * phases end at step
 *
 * ```
 * two phases:   p·T - 1 (initial → max),  T - 1 (max → min)
 * three phases: p·T - 1 (initial → max),  2p·T - 2 (max → initial),  T - 1 (initial → min)
 * ```
 *
 * and within a phase from step `s0` to `s1`, with `pct = (step - s0) / (s1 - s0)`:
 *
 * ```
 * cos:     lr = end + (start - end)/2 · (cos(π·pct) + 1)
 * linear:  lr = (end - start)·pct + start
 * ```
 *
 * (the last phase extends past its end, as in PyTorch, except that the learning rate is clamped
 * at 0 where the linear schedule extrapolated to step `totalSteps` would make it negative;
 * PyTorch sets the negative value). Stepping more than `totalSteps` times
 * after construction throws, as PyTorch does. With `cycleMomentum`, the momentum follows the
 * same phases from `maxMomentum` to `baseMomentum` and back (three phases: then stays at
 * `maxMomentum`). Where a phase has zero length (PyTorch divides by zero), `pct = 1`.
 *
 * Source: torch/optim/lr_scheduler.py (`OneCycleLR`).
 */
export class OneCycleLR extends LRScheduler<Resolved> {
  constructor(optimizer: SchedulableOptimizer, options: OneCycleLROptions) {
    const o = definedOnly(options);
    super(
      optimizer,
      {
        maxLr: o.maxLr as number | number[],
        totalSteps: o.totalSteps as number,
        pctStart: o.pctStart ?? 0.3,
        annealStrategy: o.annealStrategy ?? 'cos',
        divFactor: o.divFactor ?? 25,
        finalDivFactor: o.finalDivFactor ?? 1e4,
        threePhase: o.threePhase ?? false,
        cycleMomentum: o.cycleMomentum ?? false,
        baseMomentum: o.baseMomentum ?? 0.85,
        maxMomentum: o.maxMomentum ?? 0.95,
      },
      o.interval ?? 'step',
    );
    if (this.opts.cycleMomentum) {
      const bad = optimizer.paramGroups.findIndex((g) => !('betas' in g) && !('momentum' in g));
      if (bad >= 0) {
        throw new ConfigError('optimizer must support momentum or beta1 with `cycleMomentum` option enabled', {
          where: 'OneCycleLR',
          argument: 'cycleMomentum',
          expected: 'an optimizer whose groups have momentum (SGD, RMSprop) or betas (Adam, AdamW)',
          got: `${optimizer.kind} (group ${bad})`,
        });
      }
    }
    this.baseLrs = perGroup(this.opts.maxLr, this.baseLrs.length).map((m) => m / this.opts.divFactor);
    this.initialStep();
  }

  override get kind(): string {
    return 'OneCycleLR';
  }

  protected checkOptions(o: Resolved, groups: number): Problem[] {
    const out: Problem[] = [];
    const r = o as unknown as Record<string, unknown>;
    checkPerGroup(r, 'maxLr', groups, (x) => numberOk(x, { min: 0 }), 'a finite number >= 0', out);
    collectNumber(r, 'totalSteps', { min: 1, integer: true }, out);
    collectNumber(r, 'pctStart', { min: 0, max: 1 }, out);
    collectChoice(r, 'annealStrategy', ['cos', 'linear'], out);
    collectNumber(r, 'divFactor', { gt: 0 }, out);
    collectNumber(r, 'finalDivFactor', { gt: 0 }, out);
    collectBool(r, 'threePhase', out);
    collectBool(r, 'cycleMomentum', out);
    checkPerGroup(r, 'baseMomentum', groups, (x) => numberOk(x, { min: 0, lt: 1 }), 'a number in [0, 1)', out);
    checkPerGroup(r, 'maxMomentum', groups, (x) => numberOk(x, { min: 0, lt: 1 }), 'a number in [0, 1)', out);
    return out;
  }

  private phases(): Phase[] {
    const { totalSteps: T, pctStart: p, threePhase } = this.opts;
    if (threePhase) {
      return [
        { end: p * T - 1, startLr: 'initial', endLr: 'max', startM: 'max', endM: 'base' },
        { end: 2 * p * T - 2, startLr: 'max', endLr: 'initial', startM: 'base', endM: 'max' },
        { end: T - 1, startLr: 'initial', endLr: 'min', startM: 'max', endM: 'max' },
      ];
    }
    return [
      { end: p * T - 1, startLr: 'initial', endLr: 'max', startM: 'max', endM: 'base' },
      { end: T - 1, startLr: 'max', endLr: 'min', startM: 'base', endM: 'max' },
    ];
  }

  private anneal(start: number, end: number, pct: number): number {
    if (this.opts.annealStrategy === 'linear') return (end - start) * pct + start;
    return end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1);
  }

  /** The phase of `step` and the fraction of it done. */
  private locate(step: number): { phase: Phase; pct: number } {
    const phases = this.phases();
    let start = 0;
    for (let i = 0; i < phases.length; i++) {
      const phase = phases[i];
      if (step <= phase.end || i === phases.length - 1) {
        const len = phase.end - start;
        return { phase, pct: len === 0 ? 1 : (step - start) / len };
      }
      start = phase.end;
    }
    throw new Error('unreachable');
  }

  protected computeLr(step: number): number[] {
    const { totalSteps, divFactor, finalDivFactor } = this.opts;
    if (step > totalSteps) {
      throw new ConfigError(`Tried to step ${step} times. The specified number of total steps is ${totalSteps}`, {
        where: 'OneCycleLR.step',
        expected: `at most totalSteps (${totalSteps}) steps after construction`,
        got: String(step),
      });
    }
    const { phase, pct } = this.locate(step);
    const maxLrs = perGroup(this.opts.maxLr, this.baseLrs.length);
    return maxLrs.map((max) => {
      const initial = max / divFactor;
      const points: Record<LrPoint, number> = { initial, max, min: initial / finalDivFactor };
      // the linear schedule extrapolated past its end (step totalSteps) would go negative
      return Math.max(0, this.anneal(points[phase.startLr], points[phase.endLr], pct));
    });
  }

  protected override apply(lrs: number[]): void {
    super.apply(lrs);
    if (!this.opts.cycleMomentum) return;
    const { phase, pct } = this.locate(this.epoch);
    const n = lrs.length;
    const base = perGroup(this.opts.baseMomentum, n);
    const max = perGroup(this.opts.maxMomentum, n);
    this.optimizer.paramGroups.forEach((g, i) => {
      const points: Record<MomentumPoint, number> = { base: base[i], max: max[i] };
      const m = this.anneal(points[phase.startM], points[phase.endM], pct);
      const group = g as unknown as Record<string, unknown>;
      if ('betas' in group) group.betas = [m, ...(group.betas as number[]).slice(1)];
      else group.momentum = m;
    });
  }
}
