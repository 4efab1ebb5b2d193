// The Node-only entry, `@basiskit/tensor/node`: state dicts to and from safetensors files.
// Kept apart from the main entry so browser bundles never import node:fs.
// Format: https://github.com/huggingface/safetensors#format (see ./safetensors.ts).
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import type * as tf from '@tensorflow/tfjs-core';
// From the main entry: the build turns this into an import of `@basiskit/tensor` itself, so the
// node entry shares its classes (an error thrown here is `instanceof` the main entry's FormatError).
import { FormatError, loadSafetensors, saveSafetensors } from './index';

/** Tensors by name, or anything with a `stateDict()` method (a basiskit `Module`). */
export type StateDictSource = Record<string, tf.Tensor> | { stateDict(): Record<string, tf.Tensor> };

function hasStateDict(source: StateDictSource): source is { stateDict(): Record<string, tf.Tensor> } {
  return typeof (source as { stateDict?: unknown }).stateDict === 'function';
}

/** The tensors to write. A module may own what stateDict() returns: read them, never dispose. */
function resolve(source: StateDictSource): Record<string, tf.Tensor> {
  return hasStateDict(source) ? source.stateDict() : source;
}

function withPath(err: unknown, path: string, where: string): unknown {
  if (!(err instanceof FormatError)) return err;
  const wrapped = new FormatError(`${JSON.stringify(path)} is not a valid safetensors file: ${err.message}`, {
    where,
    argument: 'path',
  });
  wrapped.cause = err;
  return wrapped;
}

/**
 * Writes a state dict to a safetensors file (see `saveSafetensors`).
 *
 * The bytes go to `path + '.tmp'`, are flushed to disk, and the file is then renamed over
 * `path`, so a crash leaves either the old file or the new one, never half a file. The tensors
 * are only read, never disposed (a module's `stateDict()` may return tensors it owns).
 *
 * @param path Destination file, conventionally `*.safetensors`.
 * @param source Tensors by name, or an object with `stateDict()`.
 * @param metadata Optional string-to-string map stored as `__metadata__`.
 * @throws ConfigError for tensors safetensors cannot hold (nothing is written then).
 */
export async function saveStateDict(path: string, source: StateDictSource, metadata?: Record<string, string>): Promise<void> {
  await writeFileAtomic(path, saveSafetensors(resolve(source), metadata));
}

/**
 * Writes `bytes` to `path` atomically: a temp file beside it, flushed, then renamed over `path`
 * (with `mkdirs`, the folders are made first). A failed write leaves `path` as it was and no
 * temp file behind.
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array, options: { mkdirs?: boolean } = {}): Promise<void> {
  if (options.mkdirs) await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.tmp`;
  try {
    const file = await open(tmp, 'w');
    try {
      await file.writeFile(bytes);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw err;
  }
}

/**
 * Synchronous {@link saveStateDict}: the same temp-file-then-rename write, blocking.
 *
 * @param path Destination file.
 * @param source Tensors by name, or an object with `stateDict()` (never disposed).
 * @param metadata Optional string-to-string map stored as `__metadata__`.
 */
export function saveStateDictSync(path: string, source: StateDictSource, metadata?: Record<string, string>): void {
  const bytes = saveSafetensors(resolve(source), metadata);
  const tmp = `${path}.tmp`;
  try {
    const fd = openSync(tmp, 'w');
    try {
      let written = 0;
      while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/**
 * Reads a safetensors file into tfjs tensors (see `loadSafetensors` for the dtype conversions).
 * The caller owns the tensors; a malformed file creates none.
 *
 * @param path The file to read.
 * @returns Tensors by name, keys sorted.
 * @throws FormatError naming the file and what is wrong with it.
 */
export async function loadStateDict(path: string): Promise<Record<string, tf.Tensor>> {
  const bytes = await readFile(path);
  try {
    return loadSafetensors(bytes);
  } catch (err) {
    throw withPath(err, path, 'loadStateDict');
  }
}

/**
 * Synchronous {@link loadStateDict}.
 *
 * @param path The file to read.
 * @returns Tensors by name, keys sorted; the caller owns them.
 * @throws FormatError naming the file and what is wrong with it.
 */
export function loadStateDictSync(path: string): Record<string, tf.Tensor> {
  const bytes = readFileSync(path);
  try {
    return loadSafetensors(bytes);
  } catch (err) {
    throw withPath(err, path, 'loadStateDictSync');
  }
}
