// torch.optim.lr_scheduler.StepLR (closed form).
import { collectNumber, definedOnly, type Problem } from '@basiskit/tensor';
import { LRScheduler, type SchedulableOptimizer, type SchedulerBaseOptions } from './lr_scheduler';

/** Options of {@link StepLR} (PyTorch's argument names in camelCase). */
export interface StepLROptions extends SchedulerBaseOptions {
  /** Period of the decay, in epochs (or steps with `interval: 'step'`). */
  stepSize: number;
  /** Multiplicative factor of the decay. Default 0.1. */
  gamma?: number;
}

interface Resolved {
  stepSize: number;
  gamma: number;
}

/**
 * Decays each group's learning rate by `gamma` every `stepSize` epochs, PyTorch's
 * `torch.optim.lr_scheduler.StepLR`:
 *
 * ```
 * lr(epoch) = base_lr · gamma^floor(epoch / stepSize)
 * ```
 *
 * (PyTorch's closed form, `_get_closed_form_lr`.) `interval` defaults to `'epoch'`.
 *
 * Source: torch/optim/lr_scheduler.py (`StepLR`).
 *
 * @example
 * const scheduler = new StepLR(optimizer, { stepSize: 30, gamma: 0.1 }); // 0.05 → 0.005 at epoch 30
 */
export class StepLR extends LRScheduler<Resolved> {
  constructor(optimizer: SchedulableOptimizer, options: StepLROptions) {
    const o = definedOnly(options);
    super(optimizer, { stepSize: o.stepSize as number, gamma: o.gamma ?? 0.1 }, o.interval ?? 'epoch');
    this.initialStep();
  }

  override get kind(): string {
    return 'StepLR';
  }

  protected checkOptions(o: Resolved): Problem[] {
    const out: Problem[] = [];
    collectNumber(o as unknown as Record<string, unknown>, 'stepSize', { min: 1, integer: true }, out);
    collectNumber(o as unknown as Record<string, unknown>, 'gamma', { min: 0 }, out);
    return out;
  }

  protected computeLr(epoch: number): number[] {
    return this.baseLrs.map((b) => b * this.opts.gamma ** Math.floor(epoch / this.opts.stepSize));
  }
}
