import { BasiskitError } from '@basiskit/tensor';
import type { Callback } from './callback';

/** Training produced a NaN or infinite loss. */
export class NonFiniteLossError extends BasiskitError {}

/**
 * Stops training at the first non-finite loss with an error naming the epoch and step (on by
 * default in `fit`; `nanGuard: false` turns it off).
 */
export function nanGuard(): Callback {
  return {
    name: 'nanGuard',
    onStepEnd(info, ctx) {
      if (!Number.isFinite(info.loss)) {
        ctx.stop(
          new NonFiniteLossError(
            `loss is ${info.loss} at epoch ${info.epoch}, step ${info.step} (global step ${info.globalStep}); ` +
              'check the learning rate, the inputs and the loss; parameters were updated with this step',
            { where: 'fit', argument: 'loss', expected: 'a finite value', got: String(info.loss) },
          ),
        );
      }
    },
  };
}
