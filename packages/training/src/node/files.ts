// Checkpoint files (Node): the bytes of `checkpointBytes` written atomically, read back with
// `parseCheckpoint`, and `fileCheckpoint({ dir })`, the `checkpoint` callback writing files.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '@basiskit/tensor/node';
import { ConfigError, FormatError, checkOptions, show } from '@basiskit/tensor';
import { checkpoint, checkpointBytes, parseCheckpoint, type Callback, type Checkpoint, type CheckpointPolicy, type FitContext } from '../index';
// a pure check, bundled into the node entry (everything else comes from the main entry, one copy)
import { checkpointPolicy } from '../callbacks/checkpoint_callback';

/** Writes the checkpoint of a running `fit` to `path` (atomic: temp file, then rename; folders made as needed). */
export async function saveCheckpoint(path: string, ctx: FitContext): Promise<void> {
  if (typeof path !== 'string' || path === '')
    throw new ConfigError('invalid path', { where: 'saveCheckpoint', argument: 'path', expected: 'a file path', got: show(path) });
  await writeFileAtomic(path, checkpointBytes(ctx), { mkdirs: true });
}

/** Reads a checkpoint file; the caller owns its tensors (`disposeCheckpoint`). A malformed file creates none. */
export async function loadCheckpoint(path: string): Promise<Checkpoint> {
  if (typeof path !== 'string') throw new ConfigError('invalid path', { where: 'loadCheckpoint', argument: 'path', expected: 'a file path', got: show(path) });
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new ConfigError(`cannot read "${path}" (${(e as Error).message})`, { where: 'loadCheckpoint', argument: 'path' });
  }
  try {
    return parseCheckpoint(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (e) {
    if (e instanceof FormatError) throw new FormatError(`"${path}": ${e.message}`, { where: 'loadCheckpoint', argument: 'path' });
    throw e;
  }
}

/** Options of {@link fileCheckpoint}. */
export interface FileCheckpointOptions extends CheckpointPolicy {
  /** Folder the files go in: `last.safetensors` and `best.safetensors` (made if missing). */
  dir: string;
}

/**
 * Saves checkpoints to files at the end of every epoch: `<dir>/last.safetensors` and
 * `<dir>/best.safetensors` (by `monitor`), each written atomically. Resume with
 * `fit({ resumeFrom: '<dir>/last.safetensors' })` (the `fit` of `@basiskit/training/node`).
 */
export function fileCheckpoint(options: FileCheckpointOptions): Callback {
  const where = 'fileCheckpoint';
  const o = checkOptions(options, { where, known: ['dir', 'monitor', 'mode', 'saveBest', 'saveLast'] });
  if (typeof o.dir !== 'string' || o.dir === '')
    throw new ConfigError('a folder is required', { where, argument: 'dir', expected: 'a path', got: show(o.dir) });
  const { dir, ...policy } = o as FileCheckpointOptions;
  checkpointPolicy(policy, where);
  return checkpoint({ ...policy, save: (name, bytes) => writeFileAtomic(join(dir, `${name}.safetensors`), bytes, { mkdirs: true }) });
}
