// Writing a dataset to disk in shards (Node): `generate(fn, {dir, count, shardSize, format})`
// calls the generator once per shard, `fn(start, count) -> {x, y}`, writes the shard (npy files or
// one safetensors file) and disposes it before making the next, so memory stays bounded by one
// shard; then a JSON manifest (see manifest.ts) with the generator's name, options, seed and the
// shard list. A cli-progress bar (as @basiskit/training/node's) shows samples written.
// `readDataset`/`loadShard` read such a folder back.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import cliProgress from 'cli-progress';
import { ConfigError, FormatError, ShapeError, formatShape, isRecord, loadSafetensors, saveSafetensors, show, tf } from '@basiskit/tensor';
import { writeFileAtomic } from '@basiskit/tensor/node';
import { parseManifest, type DatasetManifest, type ManifestArray, type ShardFormat } from './manifest';
import { loadNpy, saveNpy } from './npy';

/** A generator of samples `start .. start + count - 1` (the PDE generators fit it). */
export type SampleGenerator = (start: number, count: number) => { x: tf.Tensor; y: tf.Tensor } | Promise<{ x: tf.Tensor; y: tf.Tensor }>;

/** What the bar draws on (`process.stdout` by default; nothing is drawn off a TTY). */
export interface GenerateProgressStream {
  write(s: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** Options of {@link generate}. */
export interface GenerateOptions {
  /** Output folder (made when missing). Required. */
  dir: string;
  /** Number of samples. Required. */
  count: number;
  /** Index of the first sample. Default 0. */
  start?: number;
  /** Samples per shard (memory holds one shard). Default 1000. */
  shardSize?: number;
  /** Shard files: `'npy'` (x and y apart, NumPy-readable) or `'safetensors'`. Default `'npy'`. */
  format?: ShardFormat;
  /** Generator name for the manifest. Default: the function's name, else `'custom'`. */
  generator?: string;
  /** The generator's options, recorded in the manifest (JSON; bigints become strings). Default `{}`. */
  options?: Record<string, unknown>;
  /** The seed, recorded in the manifest. Default null. */
  seed?: number | bigint | null;
  /** Progress bar: true (stdout), false, or a stream. Default: on when stdout is a TTY. */
  progress?: boolean | GenerateProgressStream;
}

const KNOWN = ['dir', 'count', 'start', 'shardSize', 'format', 'generator', 'options', 'seed', 'progress'];

function checkGenerateOptions(
  fn: unknown,
  options: unknown,
): Required<Omit<GenerateOptions, 'progress' | 'seed'>> & Pick<GenerateOptions, 'progress' | 'seed'> {
  const where = 'generate';
  if (typeof fn !== 'function') throw new ConfigError('not a generator', { where, argument: 'generator', expected: '(start, count) => {x, y}', got: show(fn) });
  if (!isRecord(options)) throw new ConfigError('invalid options', { where, argument: 'options', expected: '{dir, count, ...}', got: show(options) });
  const bad = Object.keys(options).filter((k) => !KNOWN.includes(k));
  if (bad.length) throw new ConfigError('unknown option', { where, argument: bad.join(', '), expected: KNOWN.join(', '), got: bad.join(', ') });
  const o = options as unknown as GenerateOptions;
  const int = (v: unknown, key: string, min: number) => {
    if (!Number.isSafeInteger(v) || (v as number) < min)
      throw new ConfigError('invalid option', { where, argument: key, expected: `an integer >= ${min}`, got: show(v) });
    return v as number;
  };
  if (typeof o.dir !== 'string' || o.dir === '')
    throw new ConfigError('invalid option', { where, argument: 'dir', expected: 'a folder path', got: show(o.dir) });
  const format = o.format ?? 'npy';
  if (format !== 'npy' && format !== 'safetensors')
    throw new ConfigError('invalid option', { where, argument: 'format', expected: "'npy' or 'safetensors'", got: show(format) });
  const generator = o.generator ?? ((fn as { name?: string }).name || 'custom');
  if (typeof generator !== 'string') throw new ConfigError('invalid option', { where, argument: 'generator', expected: 'a string', got: show(generator) });
  if (o.options !== undefined && (!isRecord(o.options) || Array.isArray(o.options)))
    throw new ConfigError('invalid option', { where, argument: 'options', expected: 'an object', got: show(o.options) });
  if (!(o.seed === undefined || o.seed === null || typeof o.seed === 'bigint' || Number.isSafeInteger(o.seed)))
    throw new ConfigError('invalid option', { where, argument: 'seed', expected: 'a safe integer, a bigint or null', got: show(o.seed) });
  const p = o.progress;
  if (p !== undefined && typeof p !== 'boolean' && typeof (p as { write?: unknown })?.write !== 'function')
    throw new ConfigError('invalid option', { where, argument: 'progress', expected: 'a boolean or a stream with write(s)', got: show(p) });
  return {
    dir: o.dir,
    count: int(o.count, 'count', 1),
    start: int(o.start ?? 0, 'start', 0),
    shardSize: int(o.shardSize ?? 1000, 'shardSize', 1),
    format,
    generator,
    options: o.options ?? {},
    seed: o.seed,
    progress: p,
  };
}

/** JSON with bigints as decimal strings. */
function toJson(v: unknown): unknown {
  return JSON.parse(JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? x.toString() : x)));
}

/**
 * Writes `count` samples of `generator` to `dir` in shards of `shardSize` samples (npy or
 * safetensors files) and a `manifest.json`; returns the manifest. One shard is in memory at a
 * time: each is generated, written, and disposed before the next. Every shard must give `{x, y}`
 * tensors with `count` rows and the same per-sample shapes and dtypes.
 *
 * @example
 * import { generateDarcy } from '@basiskit/datasets';
 * import { generate } from '@basiskit/datasets/node';
 * await generate((start, count) => generateDarcy({ seed: 1, start, count, resolution: 32 }), {
 *   dir: 'darcy32', count: 1000, shardSize: 250, generator: 'darcy', options: { resolution: 32 }, seed: 1,
 * });
 */
export async function generate(generator: SampleGenerator, options: GenerateOptions): Promise<DatasetManifest> {
  const where = 'generate';
  const o = checkGenerateOptions(generator, options);
  const shards: DatasetManifest['shards'] = [];
  let arrays: Record<string, ManifestArray> | undefined;
  const stream = o.progress === true || o.progress === undefined ? process.stdout : o.progress === false ? undefined : o.progress;
  const bar =
    stream && (o.progress !== undefined || stream.isTTY)
      ? new cliProgress.SingleBar(
          {
            format: `${o.generator} {bar} {value}/{total} samples | shard {shard}/{shards} | ETA {eta_formatted}`,
            stream: stream as NodeJS.WritableStream,
            hideCursor: true,
            clearOnComplete: false,
          },
          cliProgress.Presets.shades_classic,
        )
      : undefined;
  const nShards = Math.ceil(o.count / o.shardSize);
  bar?.start(o.count, 0, { shard: 0, shards: nShards });
  try {
    for (let k = 0; k < nShards; k++) {
      const start = o.start + k * o.shardSize;
      const count = Math.min(o.shardSize, o.count - k * o.shardSize);
      const out = await generator(start, count);
      try {
        if (!isRecord(out) || !(out.x instanceof tf.Tensor) || !(out.y instanceof tf.Tensor) || out.x.isDisposed || out.y.isDisposed)
          throw new ConfigError('the generator did not return {x, y} tensors', {
            where,
            argument: `generator(${start}, ${count})`,
            expected: '{x, y} live tensors',
            got: show(out),
          });
        const shard: Record<string, ManifestArray> = {};
        for (const key of ['x', 'y'] as const) {
          const t = out[key];
          if (t.rank < 1 || t.shape[0] !== count)
            throw new ShapeError('shard has the wrong number of samples', {
              where,
              argument: `generator(${start}, ${count}).${key}`,
              expected: `first dim ${count}`,
              got: formatShape(t.shape),
            });
          if (t.dtype !== 'float32' && t.dtype !== 'int32' && t.dtype !== 'bool')
            throw new ConfigError('unsupported dtype', {
              where,
              argument: `generator(${start}, ${count}).${key}`,
              expected: 'float32, int32 or bool',
              got: t.dtype,
            });
          shard[key] = { dtype: t.dtype, shape: t.shape.slice(1) };
          const want = arrays?.[key];
          if (want && (want.dtype !== t.dtype || want.shape.join() !== shard[key].shape.join()))
            throw new ShapeError('shards differ in sample shape or dtype', {
              where,
              argument: `generator(${start}, ${count}).${key}`,
              expected: `${want.dtype} ${formatShape([count, ...want.shape])}`,
              got: `${t.dtype} ${formatShape(t.shape)}`,
            });
        }
        arrays ??= shard;
        const base = `shard-${String(k).padStart(5, '0')}`;
        let files: Record<string, string>;
        if (o.format === 'npy') {
          files = { x: `${base}.x.npy`, y: `${base}.y.npy` };
          await writeFileAtomic(join(o.dir, files.x), saveNpy(out.x), { mkdirs: true });
          await writeFileAtomic(join(o.dir, files.y), saveNpy(out.y));
        } else {
          files = { x: `${base}.safetensors`, y: `${base}.safetensors` };
          await writeFileAtomic(join(o.dir, files.x), saveSafetensors({ x: out.x, y: out.y }, { generator: o.generator, start: String(start) }), {
            mkdirs: true,
          });
        }
        shards.push({ start, count, files });
      } finally {
        if (isRecord(out)) for (const t of [out.x, out.y]) if (t instanceof tf.Tensor && !t.isDisposed) t.dispose();
      }
      bar?.update(k * o.shardSize + count, { shard: k + 1, shards: nShards });
    }
  } finally {
    bar?.stop();
  }
  const manifest: DatasetManifest = {
    format: 'basiskit-dataset',
    version: 1,
    generator: o.generator,
    options: toJson(o.options) as Record<string, unknown>,
    seed: o.seed === undefined || o.seed === null ? null : typeof o.seed === 'bigint' ? o.seed.toString() : o.seed,
    start: o.start,
    count: o.count,
    shardSize: o.shardSize,
    fileFormat: o.format,
    arrays: arrays!,
    shards,
  };
  const text = JSON.stringify(manifest, null, 2) + '\n';
  parseManifest(text); // what is written must read back
  await writeFileAtomic(join(o.dir, 'manifest.json'), new TextEncoder().encode(text));
  return manifest;
}

/** Reads and checks `dir/manifest.json` (see {@link parseManifest}). */
export async function readManifest(dir: string): Promise<DatasetManifest> {
  const path = join(dir, 'manifest.json');
  return parseManifest(await readFile(path), { name: path });
}

/**
 * Loads shard `index` of a dataset folder as `{x, y}` tensors, checked against the manifest
 * (sample count, per-sample shape, dtype): a mismatch throws a {@link FormatError} naming the file.
 */
export async function loadShard(dir: string, manifest: DatasetManifest, index: number): Promise<{ x: tf.Tensor; y: tf.Tensor }> {
  const where = 'loadShard';
  const shard = manifest.shards[index];
  if (!Number.isInteger(index) || !shard)
    throw new ConfigError('no such shard', { where, argument: 'index', expected: `0..${manifest.shards.length - 1}`, got: show(index) });
  const out: Record<string, tf.Tensor> = {};
  try {
    if (manifest.fileFormat === 'npy') {
      for (const key of ['x', 'y']) {
        const path = join(dir, shard.files[key]);
        out[key] = loadNpy(await readFile(path), { name: path });
      }
    } else {
      const path = join(dir, shard.files.x);
      const dict = loadSafetensors(await readFile(path));
      for (const [k, t] of Object.entries(dict))
        if (k === 'x' || k === 'y') out[k] = t;
        else t.dispose();
    }
    for (const key of ['x', 'y']) {
      const t = out[key];
      const want = manifest.arrays[key];
      const path = join(dir, shard.files[key]);
      if (!t) throw new FormatError('shard lacks an array', { where, argument: path, expected: key, got: 'nothing' });
      if (t.dtype !== want.dtype || t.shape.join() !== [shard.count, ...want.shape].join())
        throw new FormatError('shard does not match the manifest', {
          where,
          argument: path,
          expected: `${want.dtype} ${formatShape([shard.count, ...want.shape])}`,
          got: `${t.dtype} ${formatShape(t.shape)}`,
        });
    }
  } catch (e) {
    tf.dispose(Object.values(out));
    throw e;
  }
  return { x: out.x, y: out.y };
}

/**
 * Loads a whole dataset folder (all shards concatenated) as `{x, y}` with its manifest. Memory
 * holds the whole set; iterate {@link loadShard} to keep one shard at a time.
 */
export async function readDataset(dir: string): Promise<{ x: tf.Tensor; y: tf.Tensor; manifest: DatasetManifest }> {
  const manifest = await readManifest(dir);
  if (manifest.shards.length === 0)
    throw new FormatError('empty dataset', { where: 'readDataset', argument: join(dir, 'manifest.json'), expected: 'at least one shard', got: 'none' });
  const xs: tf.Tensor[] = [];
  const ys: tf.Tensor[] = [];
  try {
    for (let i = 0; i < manifest.shards.length; i++) {
      const { x, y } = await loadShard(dir, manifest, i);
      xs.push(x);
      ys.push(y);
    }
    if (xs.length === 1) return { x: xs[0], y: ys[0], manifest };
    const x = tf.concat(xs, 0);
    const y = tf.concat(ys, 0);
    tf.dispose([...xs, ...ys]);
    return { x, y, manifest };
  } catch (e) {
    tf.dispose([...xs, ...ys]);
    throw e;
  }
}
