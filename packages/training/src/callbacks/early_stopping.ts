import { ConfigError, checkNumber, checkOptions, show, tf } from '@basiskit/tensor';
import type { Callback } from './callback';

/** Options of {@link earlyStopping}. */
export interface EarlyStoppingOptions {
  /** Logged value to watch. Default 'val_loss' (falls back to 'loss' without validation). */
  monitor?: string;
  /** Epochs without improvement before stopping. Default 10. */
  patience?: number;
  /** Smallest change that counts as improvement. Default 0. */
  minDelta?: number;
  /** 'min' (default) or 'max'. */
  mode?: 'min' | 'max';
  /** Put back the best epoch's parameters when stopping. Default false. */
  restoreBest?: boolean;
}

/** Stops when the monitored value has not improved for `patience` epochs (Keras/Lightning semantics). */
export function earlyStopping(options: EarlyStoppingOptions = {}): Callback {
  const where = 'earlyStopping';
  checkOptions(options, { where, known: ['monitor', 'patience', 'minDelta', 'mode', 'restoreBest'] });
  const patience = checkNumber(options.patience ?? 10, { where, argument: 'patience', integer: true, min: 0, infinite: true });
  const minDelta = Math.abs(checkNumber(options.minDelta ?? 0, { where, argument: 'minDelta' }));
  const mode = options.mode ?? 'min';
  if (mode !== 'min' && mode !== 'max') {
    throw new ConfigError('unknown mode', { where, argument: 'mode', expected: "'min' or 'max'", got: show(mode) });
  }
  let best = mode === 'min' ? Infinity : -Infinity;
  let wait = 0;
  let bestWeights: Record<string, tf.Tensor> | null = null;
  const improved = (v: number) => (mode === 'min' ? v < best - minDelta : v > best + minDelta);
  const release = () => {
    if (bestWeights) tf.dispose(Object.values(bestWeights));
    bestWeights = null;
  };
  return {
    name: 'earlyStopping',
    onEpochEnd(epoch, logs, ctx) {
      const key = options.monitor ?? ('val_loss' in logs ? 'val_loss' : 'loss');
      const v = logs[key];
      if (v === undefined) {
        throw new ConfigError('monitored value not logged', { where: 'earlyStopping', argument: 'monitor', expected: Object.keys(logs).join(', '), got: key });
      }
      if (improved(v)) {
        best = v;
        wait = 0;
        if (options.restoreBest) {
          release();
          bestWeights = Object.fromEntries(Object.entries(ctx.model.stateDict()).map(([k, t]) => [k, t.clone()]));
        }
        return;
      }
      wait += 1;
      if (wait >= patience) {
        if (options.restoreBest && bestWeights) ctx.model.loadStateDict(bestWeights);
        ctx.stop(`early stopping: ${key} did not improve for ${patience} epochs (best ${best})`);
      }
    },
    onTrainEnd() {
      release();
    },
    state: () => ({ best, wait }),
    restore(s) {
      const st = s as { best: number; wait: number };
      best = st.best ?? (mode === 'min' ? Infinity : -Infinity); // JSON stores Infinity as null
      wait = st.wait;
    },
  };
}
