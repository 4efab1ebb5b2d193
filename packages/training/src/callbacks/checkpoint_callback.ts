// Checkpoints during `fit`, anywhere: the checkpoint's safetensors bytes go to a function of
// yours (memory, IndexedDB, a download, an upload). Files in Node: `fileCheckpoint({ dir })`
// from `@basiskit/training/node`, which is this callback writing `<dir>/<name>.safetensors`.
import { ConfigError, checkOptions, show } from '@basiskit/tensor';
import { checkpointBytes } from '../checkpoint';
import type { Callback, FitContext } from './callback';

/** Which checkpoint is being saved: the latest epoch's, or the best one so far by `monitor`. */
export type CheckpointName = 'last' | 'best';

/** When and which checkpoints to save (shared by {@link checkpoint} and Node's `fileCheckpoint`). */
export interface CheckpointPolicy {
  /** Logged value deciding "best". Default 'val_loss' (falls back to 'loss'). */
  monitor?: string;
  /** 'min' (default) or 'max'. */
  mode?: 'min' | 'max';
  /** Default true. */
  saveBest?: boolean;
  /** Default true. */
  saveLast?: boolean;
}

/** Options of {@link checkpoint}. */
export interface CheckpointOptions extends CheckpointPolicy {
  /**
   * Receives each checkpoint at the end of an epoch, as safetensors bytes (read them back with
   * `parseCheckpoint`). May be async; `fit` waits for it.
   */
  save: (name: CheckpointName, bytes: Uint8Array, ctx: FitContext) => void | Promise<void>;
}

const POLICY_KEYS = ['monitor', 'mode', 'saveBest', 'saveLast'] as const;

/** Checks the shared options; returns them with defaults (not exported from the package). */
export function checkpointPolicy(options: CheckpointPolicy, where: string): { monitor?: string; mode: 'min' | 'max'; saveBest: boolean; saveLast: boolean } {
  const mode = options.mode ?? 'min';
  if (mode !== 'min' && mode !== 'max') throw new ConfigError('unknown mode', { where, argument: 'mode', expected: "'min' or 'max'", got: show(mode) });
  for (const key of ['saveBest', 'saveLast'] as const) {
    const v = options[key];
    if (v !== undefined && typeof v !== 'boolean') throw new ConfigError('invalid value', { where, argument: key, expected: 'a boolean', got: show(v) });
  }
  if (options.monitor !== undefined && typeof options.monitor !== 'string') {
    throw new ConfigError('invalid value', { where, argument: 'monitor', expected: 'a logged name', got: show(options.monitor) });
  }
  return { monitor: options.monitor, mode, saveBest: options.saveBest ?? true, saveLast: options.saveLast ?? true };
}

/**
 * Saves checkpoints (model, optimizer and training state, as safetensors bytes) at the end of
 * every epoch: the last one, and the best one by `monitor`, handed to `save`. Resume with
 * `fit({ resumeFrom: parseCheckpoint(bytes) })`. Runs in browsers and Node.
 *
 * @example
 * const saved = {};
 * await fit(model, { ...options, callbacks: [checkpoint({ save: (name, bytes) => void (saved[name] = bytes) })] });
 */
export function checkpoint(options: CheckpointOptions): Callback {
  const where = 'checkpoint';
  if (options !== null && typeof options === 'object' && 'dir' in options) {
    throw new ConfigError('writing files is Node-only', {
      where,
      argument: 'dir',
      expected: "a save function here; files: fileCheckpoint({ dir }) from '@basiskit/training/node'",
      got: show((options as { dir?: unknown }).dir),
    });
  }
  checkOptions(options, { where, known: ['save', ...POLICY_KEYS] });
  if (typeof options?.save !== 'function') {
    throw new ConfigError('a save function is required', {
      where,
      argument: 'save',
      expected: '(name, bytes, ctx) => void | Promise<void>',
      got: show(options?.save),
    });
  }
  const policy = checkpointPolicy(options, where);
  let best = policy.mode === 'min' ? Infinity : -Infinity;
  return {
    name: 'checkpoint',
    async onEpochEnd(_epoch, logs, ctx) {
      const key = policy.monitor ?? ('val_loss' in logs ? 'val_loss' : 'loss');
      const v = logs[key];
      const improved = v !== undefined && (policy.mode === 'min' ? v < best : v > best);
      if (improved) best = v; // before saving, so the saved state knows this best
      if (policy.saveLast) await options.save('last', checkpointBytes(ctx), ctx);
      if (improved && policy.saveBest) await options.save('best', checkpointBytes(ctx), ctx);
    },
    state: () => ({ best }),
    restore(s) {
      best = (s as { best: number | null }).best ?? (policy.mode === 'min' ? Infinity : -Infinity);
    },
  };
}
