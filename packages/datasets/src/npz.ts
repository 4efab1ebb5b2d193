// NumPy's .npz archives (numpy/lib/npyio.py `savez`, `savez_compressed`, `NpzFile`): a zip file
// with one `<name>.npy` entry per array, stored (savez) or deflated (savez_compressed). The zip
// container is read and written by fflate (https://github.com/101arrowz/fflate). Zip bombs are
// bounded before anything is inflated: every entry's declared size, the entry count and their
// total are checked against limits (and against deflate's largest ratio, 1032:1), each entry inflates into a buffer of exactly its declared size
// (fflate never grows it), and an entry whose data is shorter than declared is rejected.
import { unzipSync, zipSync, type Zippable } from 'fflate';
import { BasiskitError, ConfigError, FormatError, isRecord, show, tf } from '@basiskit/tensor';
import { npyToTensor, readArrayAt, readHeaderAt, saveNpy, type NpyArray, type NpyArrayInput, type NpySaveOptions } from './npy';

/** Options of {@link loadNpz} and {@link parseNpz}. */
export interface NpzReadOptions {
  /** Name of the file or argument for error messages. Default `'bytes'`. */
  name?: string;
  /** Largest total of the arrays' uncompressed sizes, in bytes. Default 1 GiB (2^30). */
  maxTotalSize?: number;
  /** Most entries in the archive. Default 10000. */
  maxEntries?: number;
  /** Largest .npy header, in bytes (NumPy's `max_header_size`). Default 10000. */
  maxHeaderSize?: number;
}

/** Options of {@link saveNpz}: the .npy options (applied to every array) and compression. */
export interface NpzSaveOptions extends NpySaveOptions {
  /** Deflate the entries (`np.savez_compressed`) instead of storing them (`np.savez`). Default false. */
  compressed?: boolean;
  /** Deflate level 1..9 when compressed. Default 6 (zlib's and Python's default). */
  level?: number;
}

/** Deflate's largest expansion (a 258-byte match coded in 2 bits, with block overhead): 1032:1. */
export const MAX_DEFLATE_RATIO = 1032;

const READ_KEYS = ['name', 'maxTotalSize', 'maxEntries', 'maxHeaderSize'];
const SAVE_KEYS = ['compressed', 'level', 'fortranOrder', 'dtype', 'endian'];

function checkKnown(o: unknown, known: string[], where: string): Record<string, unknown> {
  if (o === undefined) return {};
  if (!isRecord(o)) throw new ConfigError('invalid options', { where, argument: 'options', expected: 'an object', got: show(o) });
  const bad = Object.keys(o).filter((k) => !known.includes(k));
  if (bad.length) throw new ConfigError('unknown option', { where, argument: bad.join(', '), expected: known.join(', '), got: bad.join(', ') });
  return o;
}

function positiveInt(o: Record<string, unknown>, key: string, dflt: number, where: string): number {
  const v = o[key] ?? dflt;
  if (!Number.isSafeInteger(v) || (v as number) < 1)
    throw new ConfigError('invalid option', { where, argument: key, expected: 'an integer >= 1', got: show(v) });
  return v as number;
}

/**
 * Reads a .npz archive into raw arrays by name (`'x.npy'` -> `x`), each as {@link parseNpy}
 * gives it (C order, the file's dtype). Every entry is checked before any is returned; a corrupt
 * archive, an entry that is not a valid .npy, or sizes past the limits throw a
 * {@link FormatError} naming the file and the entry. Entries not ending in `.npy` are ignored.
 */
export function parseNpz(bytes: Uint8Array | ArrayBuffer, options?: NpzReadOptions): Record<string, NpyArray> {
  return readNpz(bytes, options, 'parseNpz');
}

function readNpz(bytes: Uint8Array | ArrayBuffer, options: NpzReadOptions | undefined, where: string): Record<string, NpyArray> {
  const o = checkKnown(options, READ_KEYS, where);
  const name = o.name ?? 'bytes';
  if (typeof name !== 'string') throw new ConfigError('invalid option', { where, argument: 'name', expected: 'a string', got: show(name) });
  const maxTotalSize = positiveInt(o, 'maxTotalSize', 2 ** 30, where);
  const maxEntries = positiveInt(o, 'maxEntries', 10000, where);
  const maxHeaderSize = positiveInt(o, 'maxHeaderSize', 10000, where);
  let u8: Uint8Array;
  if (bytes instanceof Uint8Array) u8 = bytes;
  else if (bytes instanceof ArrayBuffer) u8 = new Uint8Array(bytes);
  else throw new ConfigError('not bytes', { where, argument: name, expected: 'a Uint8Array or ArrayBuffer', got: show(bytes) });
  const fail = (problem: string, expected: string, got: string): never => {
    throw new FormatError(problem, { where, argument: name, expected, got });
  };
  if (u8.length < 22) fail('not a zip archive (.npz)', 'at least the 22-byte end-of-directory record', `${u8.length} bytes`);

  const declared = new Map<string, number>();
  let entries = 0;
  let total = 0;
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(u8, {
      filter: (f) => {
        // every central-directory record takes >= 46 bytes: a count beyond that is a lie
        if (++entries > maxEntries || entries * 46 > u8.length) {
          fail('too many entries', `at most ${Math.min(maxEntries, Math.floor(u8.length / 46))} (the maxEntries option)`, `more`);
        }
        if (!f.name.endsWith('.npy')) return false;
        if (declared.has(f.name)) fail('duplicate entry', 'each name once', JSON.stringify(f.name));
        if (f.compression !== 0 && f.compression !== 8) fail(`unsupported compression in ${f.name}`, 'stored (0) or deflate (8)', `method ${f.compression}`);
        if (f.compression === 0 && f.size !== f.originalSize) fail(`stored entry ${f.name} has two sizes`, `${f.originalSize} bytes`, `${f.size}`);
        total += f.originalSize;
        if (total > maxTotalSize)
          fail(
            'archive too large (zip bomb?)',
            `at most ${maxTotalSize} bytes uncompressed (the maxTotalSize option)`,
            `${total} bytes declared up to ${f.name}`,
          );
        // deflate expands at most ~1032:1 (RFC 1951: a 258-byte match per ~2 bits), so a larger declaration is a lie
        if (f.compression === 8 && f.originalSize > f.size * MAX_DEFLATE_RATIO + 1024)
          fail(
            `entry ${f.name} declares more than deflate can expand to (zip bomb?)`,
            `at most ${f.size * MAX_DEFLATE_RATIO + 1024} bytes from ${f.size} compressed`,
            `${f.originalSize} bytes`,
          );
        declared.set(f.name, f.originalSize);
        return true;
      },
    });
  } catch (e) {
    if (e instanceof BasiskitError) throw e;
    return fail('corrupt zip archive', 'a valid .npz (zip) file', (e as Error)?.message ?? show(e));
  }
  const out: Record<string, NpyArray> = {};
  for (const [entry, size] of declared) {
    const data = files[entry];
    if (!(data instanceof Uint8Array)) fail(`entry ${entry} could not be read`, 'its data', 'nothing');
    if (data.length !== size) fail(`entry ${entry} is shorter than declared (truncated or corrupt)`, `${size} bytes`, `${data.length} bytes`);
    const key = entry.slice(0, -4);
    const h = readHeaderAt(data, where, `${name}:${entry}`, maxHeaderSize);
    Object.defineProperty(out, key, { value: readArrayAt(data, h), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/**
 * Loads a .npz archive (`np.savez`, `np.savez_compressed`) as tensors by name, converted as
 * {@link loadNpy} does (float64 -> float32, int64 -> int32 with a range check). All or nothing:
 * when an entry fails, no tensor is left allocated. Limits as {@link parseNpz}.
 *
 * @example
 * const { x, y } = loadNpz(bytes, { name: 'darcy.npz' });
 */
export function loadNpz(bytes: Uint8Array | ArrayBuffer, options?: NpzReadOptions): Record<string, tf.Tensor> {
  const where = 'loadNpz';
  const arrays = readNpz(bytes, options, where);
  const name = (options?.name as string | undefined) ?? 'bytes';
  const out: Record<string, tf.Tensor> = {};
  try {
    for (const [k, a] of Object.entries(arrays)) {
      Object.defineProperty(out, k, { value: npyToTensor(a, where, `${name}:${k}.npy`), enumerable: true, writable: true, configurable: true });
    }
  } catch (e) {
    tf.dispose(Object.values(out));
    throw e;
  }
  return out;
}

/**
 * Writes arrays (tensors or typed arrays with shapes) as a .npz archive: NumPy's `savez`, or
 * `savez_compressed` with `compressed: true`. Names become `<name>.npy` entries; the .npy options
 * (`dtype`, `fortranOrder`, `endian`) apply to every array.
 *
 * @example
 * const bytes = saveNpz({ x: xs, y: ys }, { compressed: true }); // np.load(path)['x']
 */
export function saveNpz(arrays: Record<string, tf.Tensor | NpyArrayInput>, options?: NpzSaveOptions): Uint8Array {
  const where = 'saveNpz';
  const o = checkKnown(options, SAVE_KEYS, where);
  const { compressed = false, level = 6, ...npy } = o as NpzSaveOptions;
  if (typeof compressed !== 'boolean') throw new ConfigError('invalid option', { where, argument: 'compressed', expected: 'a boolean', got: show(compressed) });
  if (!Number.isInteger(level) || level < 1 || level > 9)
    throw new ConfigError('invalid option', { where, argument: 'level', expected: 'an integer in 1..9', got: show(level) });
  if (!isRecord(arrays)) throw new ConfigError('nothing to save', { where, argument: 'arrays', expected: 'an object of arrays by name', got: show(arrays) });
  const files: Zippable = {};
  for (const [k, a] of Object.entries(arrays)) {
    if (k === '' || k.includes('/') || k.includes('\\'))
      throw new ConfigError('invalid array name', { where, argument: `arrays.${k}`, expected: 'a non-empty name without slashes', got: JSON.stringify(k) });
    let bytes: Uint8Array;
    try {
      bytes = saveNpy(a, npy);
    } catch (e) {
      if (e instanceof BasiskitError) {
        const Ctor = e.constructor as new (p: string, c: object) => BasiskitError;
        throw new Ctor(e.message.replace(/^saveNpy: /, ''), { where, argument: `arrays.${k}` });
      }
      throw e;
    }
    Object.defineProperty(files, `${k}.npy`, { value: [bytes, { level: compressed ? level : 0 }], enumerable: true });
  }
  return zipSync(files);
}
