import { ConfigError } from '@basiskit/tensor';
import { saveCheckpoint } from '../checkpoint';
import type { Callback } from './callback';

/** Options of {@link checkpoint}. */
export interface CheckpointOptions {
  /** Folder the files go in: `last.safetensors` and `best.safetensors`. */
  dir: string;
  /** Logged value deciding "best". Default 'val_loss' (falls back to 'loss'). */
  monitor?: string;
  mode?: 'min' | 'max';
  /** Default true. */
  saveBest?: boolean;
  /** Default true. */
  saveLast?: boolean;
}

/**
 * Saves checkpoints (model, optimizer and training state, safetensors) at the end of every
 * epoch: the last one, and the best one by `monitor`. Resume with `fit({ resumeFrom })`.
 */
export function checkpoint(options: CheckpointOptions): Callback {
  if (!options || typeof options.dir !== 'string' || options.dir === '') {
    throw new ConfigError('a folder is required', { where: 'checkpoint', argument: 'dir', expected: 'a path', got: String(options?.dir) });
  }
  const mode = options.mode ?? 'min';
  let best = mode === 'min' ? Infinity : -Infinity;
  return {
    name: 'checkpoint',
    async onEpochEnd(_epoch, logs, ctx) {
      const key = options.monitor ?? ('val_loss' in logs ? 'val_loss' : 'loss');
      const v = logs[key];
      const improved = v !== undefined && (mode === 'min' ? v < best : v > best);
      if (improved) best = v; // before saving, so the saved state knows this best
      if (options.saveLast ?? true) await saveCheckpoint(`${options.dir}/last.safetensors`, ctx);
      if (improved && (options.saveBest ?? true)) await saveCheckpoint(`${options.dir}/best.safetensors`, ctx);
    },
    state: () => ({ best }),
    restore(s) {
      best = (s as { best: number | null }).best ?? (mode === 'min' ? Infinity : -Infinity);
    },
  };
}
