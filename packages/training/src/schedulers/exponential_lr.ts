// torch.optim.lr_scheduler.ExponentialLR (closed form).
import { collectNumber, definedOnly, type Problem } from '@basiskit/tensor';
import { LRScheduler, type SchedulableOptimizer, type SchedulerBaseOptions } from './lr_scheduler';

/** Options of {@link ExponentialLR}. */
export interface ExponentialLROptions extends SchedulerBaseOptions {
  /** Multiplicative factor of the decay per epoch. */
  gamma: number;
}

interface Resolved {
  gamma: number;
}

/**
 * Decays each group's learning rate by `gamma` every epoch, PyTorch's
 * `torch.optim.lr_scheduler.ExponentialLR`:
 *
 * ```
 * lr(epoch) = base_lr · gamma^epoch
 * ```
 *
 * (PyTorch's closed form.) `interval` defaults to `'epoch'`.
 *
 * Source: torch/optim/lr_scheduler.py (`ExponentialLR`).
 */
export class ExponentialLR extends LRScheduler<Resolved> {
  constructor(optimizer: SchedulableOptimizer, options: ExponentialLROptions) {
    const o = definedOnly(options);
    super(optimizer, { gamma: o.gamma as number }, o.interval ?? 'epoch');
    this.initialStep();
  }

  override get kind(): string {
    return 'ExponentialLR';
  }

  protected checkOptions(o: Resolved): Problem[] {
    const out: Problem[] = [];
    collectNumber(o as unknown as Record<string, unknown>, 'gamma', { min: 0 }, out);
    return out;
  }

  protected computeLr(epoch: number): number[] {
    return this.baseLrs.map((b) => b * this.opts.gamma ** epoch);
  }
}
