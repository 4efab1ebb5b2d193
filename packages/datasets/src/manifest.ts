// The JSON manifest of a dataset written to disk in shards (by `generate` from
// `@basiskit/datasets/node`): which generator made it, its options and seed, and each shard's
// sample range and files. Parsed strictly here (no I/O, so browsers can read a served dataset):
// shards must be contiguous and add up to `count`, and file names must be plain names in the
// dataset's folder (no paths), so a hostile manifest cannot point outside it.
import { FormatError, isRecord, show } from '@basiskit/tensor';

/** File format of the shards. */
export type ShardFormat = 'npy' | 'safetensors';

/** Element type and per-sample shape of one array of the dataset. */
export interface ManifestArray {
  dtype: 'float32' | 'int32' | 'bool';
  /** Shape of one sample (the shard files have `[count, ...shape]`). */
  shape: number[];
}

/** One shard: samples `start .. start + count - 1` and its files by array name. */
export interface ManifestShard {
  start: number;
  count: number;
  /** npy: `{x: 'shard-00000.x.npy', y: ...}`; safetensors: `{x: 'shard-00000.safetensors', y: same}`. */
  files: Record<string, string>;
}

/** A dataset manifest (`manifest.json`). */
export interface DatasetManifest {
  format: 'basiskit-dataset';
  version: 1;
  /** Name of the generator. */
  generator: string;
  /** The generator's options (JSON; bigints as decimal strings). */
  options: Record<string, unknown>;
  /** Seed (a bigint seed as a decimal string), or null when the generator has none. */
  seed: number | string | null;
  /** Index of the first sample. */
  start: number;
  /** Number of samples. */
  count: number;
  shardSize: number;
  fileFormat: ShardFormat;
  arrays: Record<string, ManifestArray>;
  shards: ManifestShard[];
}

const DTYPES = ['float32', 'int32', 'bool'];

/** Text for an error's "got" that is not a value from the file. */
class Words {
  constructor(readonly text: string) {}
}
const KEYS = ['format', 'version', 'generator', 'options', 'seed', 'start', 'count', 'shardSize', 'fileFormat', 'arrays', 'shards'];
const FILE_RE = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,200}$/;
const ARRAY_RE = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/**
 * Parses and checks a manifest (JSON text or UTF-8 bytes). Anything malformed -- not JSON,
 * missing or unknown keys, shards that are not contiguous or do not add up to `count`, file
 * names with folders or `..`, unknown dtypes -- throws a {@link FormatError} naming the file and
 * the key.
 */
export function parseManifest(text: string | Uint8Array, options: { name?: string } = {}): DatasetManifest {
  const where = 'parseManifest';
  const name = options.name ?? 'manifest.json';
  // `got`: a value (shown as JSON) or Words (shown as they are)
  const fail = (problem: string, key: string, expected: string, got: unknown): never => {
    throw new FormatError(problem, { where, argument: key ? `${name} ${key}` : name, expected, got: got instanceof Words ? got.text : show(got) });
  };
  let s: string;
  if (typeof text === 'string') s = text;
  else if (text instanceof Uint8Array) {
    try {
      s = new TextDecoder('utf-8', { fatal: true }).decode(text);
    } catch {
      return fail('not UTF-8 text', '', 'a UTF-8 JSON file', new Words('invalid bytes'));
    }
  } else return fail('not a manifest', '', 'JSON text or bytes', text);
  let m: unknown;
  try {
    m = JSON.parse(s);
  } catch (e) {
    return fail('not JSON', '', 'a JSON manifest', new Words((e as Error).message));
  }
  if (!isRecord(m) || Array.isArray(m)) return fail('not a manifest', '', 'a JSON object', m);
  const keys = Object.keys(m);
  const missing = KEYS.filter((k) => !keys.includes(k));
  const extra = keys.filter((k) => !KEYS.includes(k));
  if (missing.length || extra.length)
    fail(
      'wrong keys',
      '',
      KEYS.join(', '),
      new Words([missing.length ? `missing ${missing.join(', ')}` : '', extra.length ? `unknown ${extra.join(', ')}` : ''].filter(Boolean).join('; ')),
    );
  if (m.format !== 'basiskit-dataset') fail('not a basiskit dataset manifest', 'format', '"basiskit-dataset"', m.format);
  if (m.version !== 1) fail('unsupported manifest version', 'version', '1', m.version);
  if (typeof m.generator !== 'string') fail('invalid generator', 'generator', 'a string', m.generator);
  if (!isRecord(m.options) || Array.isArray(m.options)) fail('invalid options', 'options', 'an object', m.options);
  if (!(m.seed === null || Number.isSafeInteger(m.seed) || (typeof m.seed === 'string' && /^-?\d{1,20}$/.test(m.seed))))
    fail('invalid seed', 'seed', 'an integer, a decimal string or null', m.seed);
  const int = (v: unknown, key: string, min: number) => {
    if (!Number.isSafeInteger(v) || (v as number) < min) fail('invalid value', key, `an integer >= ${min}`, v);
    return v as number;
  };
  const start = int(m.start, 'start', 0);
  const count = int(m.count, 'count', 0);
  int(m.shardSize, 'shardSize', 1);
  if (m.fileFormat !== 'npy' && m.fileFormat !== 'safetensors') fail('invalid fileFormat', 'fileFormat', '"npy" or "safetensors"', m.fileFormat);
  if (!isRecord(m.arrays) || Array.isArray(m.arrays) || Object.keys(m.arrays).length === 0)
    return fail('invalid arrays', 'arrays', 'an object of {dtype, shape} by name', m.arrays);
  const names = Object.keys(m.arrays);
  for (const k of names) {
    const a = m.arrays[k];
    if (!ARRAY_RE.test(k)) fail('invalid array name', `arrays`, 'an identifier', k);
    if (!isRecord(a) || !DTYPES.includes(a.dtype as string)) fail('invalid dtype', `arrays.${k}.dtype`, DTYPES.join(', '), isRecord(a) ? a.dtype : a);
    const shape = (a as Record<string, unknown>).shape;
    if (!Array.isArray(shape) || shape.length > 32 || !shape.every((d) => Number.isSafeInteger(d) && d >= 0))
      fail('invalid shape', `arrays.${k}.shape`, 'at most 32 sizes >= 0', shape);
  }
  if (!Array.isArray(m.shards)) return fail('invalid shards', 'shards', 'an array', m.shards);
  let next = start;
  m.shards.forEach((sh: unknown, i: number) => {
    const key = `shards[${i}]`;
    if (!isRecord(sh)) fail('invalid shard', key, '{start, count, files}', sh);
    const r = sh as Record<string, unknown>;
    if (int(r.start, `${key}.start`, 0) !== next) fail('shards are not contiguous', `${key}.start`, String(next), r.start);
    next += int(r.count, `${key}.count`, 1);
    if (!isRecord(r.files) || Array.isArray(r.files)) fail('invalid files', `${key}.files`, 'an object of file names by array', r.files);
    const files = r.files as Record<string, unknown>;
    if (Object.keys(files).sort().join() !== [...names].sort().join())
      fail('shard files do not match the arrays', `${key}.files`, names.join(', '), new Words(Object.keys(files).join(', ')));
    for (const k of names) {
      const f = files[k];
      if (typeof f !== 'string' || !FILE_RE.test(f) || f.includes('..'))
        fail('unsafe or invalid file name', `${key}.files.${k}`, 'a plain file name in the dataset folder', f);
    }
  });
  if (next - start !== count) fail('shards do not add up to count', 'shards', `${count} samples`, new Words(`${next - start} samples`));
  return m as unknown as DatasetManifest;
}
