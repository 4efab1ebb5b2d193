// torch.optim.lr_scheduler.CosineAnnealingLR (closed form) with an optional linear warmup.
import { collectNumber, definedOnly, type Problem } from '@basiskit/tensor';
import { LRScheduler, type SchedulableOptimizer, type SchedulerBaseOptions } from './lr_scheduler';

/** Options of {@link CosineAnnealingLR}. */
export interface CosineAnnealingLROptions extends SchedulerBaseOptions {
  /** Length of the schedule in epochs (or steps), warmup included: the cosine reaches `etaMin` at `tMax`. */
  tMax: number;
  /** Minimal learning rate. Default 0. */
  etaMin?: number;
  /** Epochs (or steps) of linear warmup before the cosine. Default 0 (PyTorch's schedule). */
  warmupSteps?: number;
  /** The warmup starts at `warmupStartFactor · base_lr`. Default 0. */
  warmupStartFactor?: number;
}

interface Resolved {
  tMax: number;
  etaMin: number;
  warmupSteps: number;
  warmupStartFactor: number;
}

/**
 * Cosine annealing, PyTorch's `torch.optim.lr_scheduler.CosineAnnealingLR` (SGDR without
 * restarts, Loshchilov & Hutter 2017), optionally after a linear warmup. With `w = warmupSteps`
 * and `f = warmupStartFactor`:
 *
 * ```
 * epoch < w:  lr = base_lr · (f + (1 - f) · epoch / w)
 * else:       lr = etaMin + (base_lr - etaMin) · (1 + cos(π · (epoch - w) / (tMax - w))) / 2
 * ```
 *
 * With `warmupSteps = 0` this is exactly PyTorch's closed form
 * `etaMin + (base_lr - etaMin)(1 + cos(π·epoch/tMax))/2` (which, like PyTorch, keeps following
 * the cosine past `tMax`). With a warmup it equals PyTorch's
 * `SequentialLR([LinearLR(start_factor=f, total_iters=w), CosineAnnealingLR(T_max=tMax - w, eta_min)], milestones=[w])`
 * (and the "linear warmup + cosine" schedules of timm / transformers when counted per step).
 * `interval` defaults to `'epoch'`; use `'step'` for a per-batch schedule.
 *
 * Source: torch/optim/lr_scheduler.py (`CosineAnnealingLR._get_closed_form_lr`, `LinearLR`).
 */
export class CosineAnnealingLR extends LRScheduler<Resolved> {
  constructor(optimizer: SchedulableOptimizer, options: CosineAnnealingLROptions) {
    const o = definedOnly(options);
    super(
      optimizer,
      { tMax: o.tMax as number, etaMin: o.etaMin ?? 0, warmupSteps: o.warmupSteps ?? 0, warmupStartFactor: o.warmupStartFactor ?? 0 },
      o.interval ?? 'epoch',
    );
    this.initialStep();
  }

  override get kind(): string {
    return 'CosineAnnealingLR';
  }

  protected checkOptions(o: Resolved): Problem[] {
    const out: Problem[] = [];
    const r = o as unknown as Record<string, unknown>;
    collectNumber(r, 'tMax', { min: 1, integer: true }, out);
    collectNumber(r, 'etaMin', { min: 0 }, out);
    collectNumber(r, 'warmupSteps', { min: 0, integer: true }, out);
    collectNumber(r, 'warmupStartFactor', { min: 0, max: 1 }, out);
    if (!out.length && o.warmupSteps >= o.tMax) {
      out.push({ argument: 'warmupSteps', expected: `fewer than tMax (${o.tMax}) steps`, got: String(o.warmupSteps) });
    }
    return out;
  }

  protected computeLr(epoch: number): number[] {
    const { tMax, etaMin, warmupSteps: w, warmupStartFactor: f } = this.opts;
    if (epoch < w) return this.baseLrs.map((b) => b * (f + ((1 - f) * epoch) / w));
    const tCur = epoch - w;
    const period = tMax - w;
    return this.baseLrs.map((b) => etaMin + ((b - etaMin) * (1 + Math.cos((Math.PI * tCur) / period))) / 2);
  }
}
