// HDF5 files and MATLAB v7.3 `.mat` files (HDF5 with a 512-byte MATLAB header as user block: the
// format of the original FNO benchmark files, e.g. `piececonst_r421_N1024_smooth1.mat`), read
// through h5wasm (https://github.com/usnistgov/h5wasm: the HDF5 C library compiled to
// WebAssembly, browser and Node). MATLAB writes column-major arrays, so HDF5 readers see their
// axes reversed (MATLAB's [N, s, s] appears as [s, s, N]); the FNO code's MatReader reverses them
// back (`np.transpose(x, axes=range(len(x.shape) - 1, -1, -1))`), and so does `transpose: 'auto'`
// here for MATLAB files.
//
// h5wasm is an optional peer dependency loaded by a dynamic import on the first call: it is about
// 4 MB of WebAssembly-in-JS, which users who never read HDF5 should neither install nor load nor
// bundle (the specifier is a variable, so bundlers leave it alone; bundled browser code passes the
// module itself as the `h5wasm` option).
import { BasiskitError, ConfigError, FormatError, formatShape, isRecord, show, tf } from '@basiskit/tensor';
import { npyArrayConstructor, npyToTensor, reorder, type NpyArray, type NpyDType, type NpyTypedArray } from './npy';

/** Options of {@link readHdf5} and {@link loadHdf5}. */
export interface Hdf5ReadOptions {
  /** Name of the file or argument for error messages. Default `'bytes'`. */
  name?: string;
  /** Dataset paths to read (`'coeff'`, `'group/u'`). Default: every numeric dataset. */
  datasets?: string[];
  /**
   * Reverse every array's axes: `'auto'` (default) for MATLAB v7.3 files (column-major) and not
   * for other HDF5 files, or `true`/`false`.
   */
  transpose?: 'auto' | boolean;
  /** Largest dataset read, in bytes. Default 1 GiB (2^30). */
  maxSize?: number;
  /**
   * The h5wasm module (`await import('h5wasm')`), for bundled browser code. Default: imported on
   * first use by Node (the specifier is hidden from bundlers, so bundles that never read HDF5
   * neither need h5wasm installed nor carry it).
   */
  h5wasm?: unknown;
}

/** A dataset as {@link listHdf5} describes it. */
export interface Hdf5DatasetInfo {
  path: string;
  /** Shape as stored (before any transposition). */
  shape: number[];
  /** Element type, or undefined for types not read here (strings, compounds, references). */
  dtype?: NpyDType;
}

const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
const MATLAB_HEADER = 'MATLAB 7.3 MAT-file';
const KNOWN = ['name', 'datasets', 'transpose', 'maxSize', 'h5wasm'];
/** A variable, not a literal: bundlers leave `import(H5WASM)` alone instead of requiring h5wasm to be installed. */
const H5WASM = 'h5wasm';

interface H5Module {
  File: new (name: string, mode: string) => H5File;
  FS: { writeFile(path: string, data: Uint8Array): void; unlink(path: string): void };
}
interface H5Entity {
  shape?: number[] | null;
  metadata?: { type: number; size: number; signed: boolean; littleEndian: boolean; vlen: boolean; total_size: number };
  value?: unknown;
}
interface H5File {
  paths(): string[];
  get(path: string): H5Entity | null;
  close(): unknown;
}

let loading: Promise<H5Module> | undefined;

type H5Namespace = { default?: H5Default } & Partial<H5Default>;
interface H5Default {
  ready: Promise<{ FS: H5Module['FS'] }>;
  File: H5Module['File'];
}

/** h5wasm's module: the one given, else imported on first use. */
async function h5wasm(where: string, given?: unknown): Promise<H5Module> {
  if (given !== undefined) {
    const ns = given as H5Namespace;
    const h = ns?.default ?? ns;
    if (!h || typeof h.File !== 'function' || !(h.ready instanceof Promise))
      throw new ConfigError('not the h5wasm module', { where, argument: 'h5wasm', expected: "the h5wasm module (await import('h5wasm'))", got: show(given) });
    return { File: h.File, FS: (await h.ready).FS };
  }
  loading ??= (async () => {
    let mod: H5Namespace;
    try {
      mod = (await import(/* @vite-ignore */ /* webpackIgnore: true */ H5WASM)) as H5Namespace;
    } catch (e) {
      loading = undefined;
      throw new ConfigError('h5wasm is not installed', {
        where,
        argument: 'h5wasm',
        expected:
          "the optional peer dependency h5wasm (npm install h5wasm) for HDF5 and MATLAB v7.3 files (bundled browser code: pass { h5wasm: await import('h5wasm') })",
        got: (e as Error)?.message ?? show(e),
      });
    }
    const h = (mod.default ?? mod) as H5Default;
    return { File: h.File, FS: (await h.ready).FS };
  })();
  return loading;
}

/** Whether `bytes` is a MATLAB v7.3 `.mat` file (its 512-byte text header). */
export function isMatlabV73(bytes: Uint8Array): boolean {
  return bytes.length >= 512 && new TextDecoder('latin1').decode(bytes.subarray(0, MATLAB_HEADER.length)) === MATLAB_HEADER;
}

function hasHdf5Signature(u8: Uint8Array): boolean {
  // the superblock is at 0 or a power of two >= 512 (after a user block)
  for (let at = 0; at + 8 <= u8.length; at = at === 0 ? 512 : at * 2) {
    if (HDF5_SIGNATURE.every((b, i) => u8[at + i] === b)) return true;
  }
  return false;
}

/** The dtype of an HDF5 numeric type (h5wasm metadata: type 0 integer, 1 float). */
function dtypeOf(meta: H5Entity['metadata']): NpyDType | undefined {
  if (!meta || meta.vlen) return undefined;
  if (meta.type === 1) return meta.size === 4 ? 'float32' : meta.size === 8 ? 'float64' : undefined;
  if (meta.type === 0) {
    const table: Record<number, [NpyDType, NpyDType]> = { 1: ['int8', 'uint8'], 2: ['int16', 'uint16'], 4: ['int32', 'uint32'], 8: ['int64', 'uint64'] };
    const t = table[meta.size];
    return t ? (meta.signed ? t[0] : t[1]) : undefined;
  }
  return undefined;
}

let fileCounter = 0;
/** Distinguishes this module instance's temporary files in h5wasm's file system. */
const FILE_PREFIX = `/basiskit-${Math.random().toString(36).slice(2, 8)}`;

/** Opens `bytes` in h5wasm's in-memory file system, runs `f`, and always closes and removes the file. */
async function withFile<T>(bytes: unknown, name: string, where: string, given: unknown, f: (file: H5File, u8: Uint8Array) => T): Promise<T> {
  let u8: Uint8Array;
  if (bytes instanceof Uint8Array) u8 = bytes;
  else if (bytes instanceof ArrayBuffer) u8 = new Uint8Array(bytes);
  else throw new ConfigError('not bytes', { where, argument: name, expected: 'a Uint8Array or ArrayBuffer', got: show(bytes) });
  if (!hasHdf5Signature(u8)) {
    throw new FormatError('not an HDF5 file (no signature)', {
      where,
      argument: name,
      expected: 'the HDF5 signature 89 48 44 46 0d 0a 1a 0a at byte 0, 512, 1024, ... (MATLAB: save -v7.3)',
      got: Array.from(u8.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join(' ') || 'empty',
    });
  }
  const h5 = await h5wasm(where, given);
  const path = `${FILE_PREFIX}-${fileCounter++}.h5`;
  h5.FS.writeFile(path, u8);
  let file: H5File | undefined;
  try {
    try {
      file = new h5.File(path, 'r');
    } catch (e) {
      throw new FormatError('corrupt HDF5 file (h5wasm could not open it)', { where, argument: name, expected: 'a valid HDF5 file', got: firstLine(e) });
    }
    return f(file, u8);
  } catch (e) {
    if (e instanceof BasiskitError) throw e;
    throw new FormatError('corrupt HDF5 file', { where, argument: name, expected: 'a valid HDF5 file', got: firstLine(e) });
  } finally {
    try {
      file?.close();
    } finally {
      h5.FS.unlink(path);
    }
  }
}

function firstLine(e: unknown): string {
  return String((e as Error)?.message ?? e)
    .split('\n')[0]
    .slice(0, 200);
}

function datasetInfos(file: H5File): Hdf5DatasetInfo[] {
  const out: Hdf5DatasetInfo[] = [];
  for (const p of file.paths()) {
    const e = file.get(p);
    if (e && e.metadata && Array.isArray(e.shape)) out.push({ path: p, shape: [...e.shape], dtype: dtypeOf(e.metadata) });
  }
  return out;
}

/**
 * Lists the datasets of an HDF5 or MATLAB v7.3 file: path, stored shape, and dtype (undefined for
 * types not read here, e.g. MATLAB's `#refs#` cell contents or strings).
 */
export async function listHdf5(bytes: Uint8Array | ArrayBuffer, options: { name?: string; h5wasm?: unknown } = {}): Promise<Hdf5DatasetInfo[]> {
  const where = 'listHdf5';
  return withFile(bytes, options.name ?? 'bytes', where, options.h5wasm, (file) => datasetInfos(file));
}

function checkReadOptions(options: unknown, where: string): Required<Omit<Hdf5ReadOptions, 'datasets' | 'h5wasm'>> & { datasets?: string[]; h5wasm?: unknown } {
  if (options === undefined) return { name: 'bytes', transpose: 'auto', maxSize: 2 ** 30 };
  if (!isRecord(options)) throw new ConfigError('invalid options', { where, argument: 'options', expected: 'an object', got: show(options) });
  const bad = Object.keys(options).filter((k) => !KNOWN.includes(k));
  if (bad.length) throw new ConfigError('unknown option', { where, argument: bad.join(', '), expected: KNOWN.join(', '), got: bad.join(', ') });
  const o = options as Hdf5ReadOptions;
  if (o.name !== undefined && typeof o.name !== 'string')
    throw new ConfigError('invalid option', { where, argument: 'name', expected: 'a string', got: show(o.name) });
  if (o.datasets !== undefined && (!Array.isArray(o.datasets) || !o.datasets.every((d) => typeof d === 'string')))
    throw new ConfigError('invalid option', { where, argument: 'datasets', expected: 'an array of dataset paths', got: show(o.datasets) });
  if (o.transpose !== undefined && o.transpose !== 'auto' && typeof o.transpose !== 'boolean')
    throw new ConfigError('invalid option', { where, argument: 'transpose', expected: "'auto', true or false", got: show(o.transpose) });
  const maxSize = o.maxSize ?? 2 ** 30;
  if (!Number.isSafeInteger(maxSize) || maxSize < 1)
    throw new ConfigError('invalid option', { where, argument: 'maxSize', expected: 'an integer >= 1', got: show(maxSize) });
  return { name: o.name ?? 'bytes', datasets: o.datasets, transpose: o.transpose ?? 'auto', maxSize, h5wasm: o.h5wasm };
}

async function read(bytes: unknown, options: unknown, where: string): Promise<Record<string, NpyArray>> {
  const o = checkReadOptions(options, where);
  return withFile(bytes, o.name, where, o.h5wasm, (file, u8) => {
    const infos = datasetInfos(file);
    const byPath = new Map(infos.map((i) => [i.path.replace(/^\//, ''), i]));
    const wanted = o.datasets ?? infos.filter((i) => i.dtype !== undefined && !i.path.includes('#refs#')).map((i) => i.path.replace(/^\//, ''));
    const transpose = o.transpose === 'auto' ? isMatlabV73(u8) : o.transpose;
    const out: Record<string, NpyArray> = {};
    for (const p of wanted) {
      const key = p.replace(/^\//, '');
      const info = byPath.get(key);
      if (!info)
        throw new ConfigError('no such dataset', {
          where,
          argument: `datasets (${o.name})`,
          expected: [...byPath.keys()].map((k) => JSON.stringify(k)).join(', ') || 'none in the file',
          got: JSON.stringify(p),
        });
      if (!info.dtype)
        throw new FormatError('dataset type not supported', {
          where,
          argument: `${o.name}:${key}`,
          expected: 'integer or float data',
          got: 'another HDF5 type (string, compound, reference)',
        });
      const n = info.shape.reduce((a, b) => a * b, 1);
      const C = npyArrayConstructor(info.dtype);
      const bytesNeeded = n * new C(0).BYTES_PER_ELEMENT;
      if (bytesNeeded > o.maxSize)
        throw new FormatError('dataset too large', {
          where,
          argument: `${o.name}:${key}`,
          expected: `at most ${o.maxSize} bytes (the maxSize option)`,
          got: `${formatShape(info.shape)} ${info.dtype}: ${bytesNeeded} bytes`,
        });
      const value = (file.get(key) as H5Entity).value;
      if (!ArrayBuffer.isView(value) || (value as NpyTypedArray).length !== n || !(value instanceof C))
        throw new FormatError('dataset could not be read', { where, argument: `${o.name}:${key}`, expected: `${n} ${info.dtype} values`, got: show(value) });
      let data = value as NpyTypedArray;
      let shape = info.shape;
      if (transpose && shape.length > 1) {
        shape = [...shape].reverse();
        // C-order data of the stored shape is Fortran-order data of the reversed shape
        data = reorder(data, new C(n), shape, true);
      }
      out[key] = { dtype: info.dtype, shape, data, fortranOrder: false };
    }
    return out;
  });
}

/**
 * Reads datasets of an HDF5 or MATLAB v7.3 file as typed arrays in their own dtypes (float64
 * stays float64), by path. MATLAB arrays get their axes reversed (see `transpose`), so a
 * MATLAB `coeff` of size [1024, 421, 421] reads as [1024, 421, 421]. Throws a
 * {@link FormatError} for files that are not HDF5 or are corrupt, a {@link ConfigError} when h5wasm
 * is not installed.
 */
export async function readHdf5(bytes: Uint8Array | ArrayBuffer, options?: Hdf5ReadOptions): Promise<Record<string, NpyArray>> {
  return read(bytes, options, 'readHdf5');
}

/**
 * Loads datasets of an HDF5 or MATLAB v7.3 file as tensors (float64 -> float32, integers ->
 * int32 with a range check), by path; as {@link readHdf5} otherwise. All or nothing.
 *
 * @example
 * const { coeff, sol } = await loadHdf5(readFileSync('piececonst_r421_N1024_smooth1.mat'), { datasets: ['coeff', 'sol'] });
 */
export async function loadHdf5(bytes: Uint8Array | ArrayBuffer, options?: Hdf5ReadOptions): Promise<Record<string, tf.Tensor>> {
  const where = 'loadHdf5';
  const arrays = await read(bytes, options, where);
  const out: Record<string, tf.Tensor> = {};
  try {
    for (const [k, a] of Object.entries(arrays)) out[k] = npyToTensor(a, where, k);
  } catch (e) {
    tf.dispose(Object.values(out));
    throw e;
  }
  return out;
}
