// IDX files, the format of MNIST and Fashion-MNIST (LeCun, Cortes, Burges, "The MNIST database",
// http://yann.lecun.com/exdb/mnist/; Xiao, Rasul, Vollgraf 2017): magic `00 00 <type> <ndims>`,
// `ndims` big-endian uint32 sizes, then the data in C order, big-endian. Types: 0x08 uint8,
// 0x09 int8, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64. Files are used raw or gzipped
// (`train-images-idx3-ubyte.gz`), told apart by gzip's magic 1f 8b; gunzip by fflate, bounded by
// the size gzip's trailer declares (checked against `maxSize` before inflating).
import { gunzipSync, gzipSync } from 'fflate';
import { BasiskitError, ConfigError, FormatError, ShapeError, formatShape, isRecord, show, tf } from '@basiskit/tensor';
import { MAX_DEFLATE_RATIO } from './npz';

/** Element types of IDX files. */
export type IdxDType = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';

/** An IDX array: values in C order. */
export interface IdxArray {
  dtype: IdxDType;
  shape: number[];
  data: Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
}

/** Options of the IDX readers. */
export interface IdxReadOptions {
  /** Name of the file or argument for error messages. Default `'bytes'`. */
  name?: string;
  /** Largest uncompressed size accepted, in bytes (gzip bombs). Default 1 GiB (2^30). */
  maxSize?: number;
}

/** Options of {@link loadMnist}. */
export interface MnistOptions {
  /** Images as float32 scaled to [0, 1] (x / 255) instead of int32 0..255. Default false. */
  scale?: boolean;
  /** Names of the two files for error messages. Default `'images'` and `'labels'`. */
  names?: { images?: string; labels?: string };
  /** Largest uncompressed size of each file. Default 1 GiB. */
  maxSize?: number;
}

const TYPES: [number, IdxDType, number, (n: number) => IdxArray['data']][] = [
  [0x08, 'uint8', 1, (n) => new Uint8Array(n)],
  [0x09, 'int8', 1, (n) => new Int8Array(n)],
  [0x0b, 'int16', 2, (n) => new Int16Array(n)],
  [0x0c, 'int32', 4, (n) => new Int32Array(n)],
  [0x0d, 'float32', 4, (n) => new Float32Array(n)],
  [0x0e, 'float64', 8, (n) => new Float64Array(n)],
];

function readOptions(options: unknown, where: string, known: string[]): Record<string, unknown> {
  if (options === undefined) return {};
  if (!isRecord(options)) throw new ConfigError('invalid options', { where, argument: 'options', expected: 'an object', got: show(options) });
  const bad = Object.keys(options).filter((k) => !known.includes(k));
  if (bad.length) throw new ConfigError('unknown option', { where, argument: bad.join(', '), expected: known.join(', '), got: bad.join(', ') });
  return options;
}

function maxSizeOption(o: Record<string, unknown>, where: string): number {
  const v = o.maxSize ?? 2 ** 30;
  if (!Number.isSafeInteger(v) || (v as number) < 1)
    throw new ConfigError('invalid option', { where, argument: 'maxSize', expected: 'an integer >= 1', got: show(v) });
  return v as number;
}

/** Gunzips `u8` when it starts with gzip's magic; checks the declared size against `maxSize` first. */
function maybeGunzip(u8: Uint8Array, where: string, name: string, maxSize: number): Uint8Array {
  if (!(u8.length >= 2 && u8[0] === 0x1f && u8[1] === 0x8b)) return u8;
  const fail = (problem: string, expected: string, got: string): never => {
    throw new FormatError(problem, { where, argument: name, expected, got });
  };
  if (u8.length < 18) fail('truncated gzip file', 'at least 18 bytes', `${u8.length} bytes`);
  const declared = new DataView(u8.buffer, u8.byteOffset, u8.byteLength).getUint32(u8.length - 4, true);
  if (declared > maxSize) fail('gzip file too large (gzip bomb?)', `at most ${maxSize} bytes uncompressed (the maxSize option)`, `${declared} bytes declared`);
  // deflate expands at most ~1032:1, so a larger declaration is a lie (and would allocate for nothing)
  if (declared > u8.length * MAX_DEFLATE_RATIO + 1024)
    fail(
      'gzip trailer declares more than deflate can expand to',
      `at most ${u8.length * MAX_DEFLATE_RATIO + 1024} bytes from ${u8.length} compressed`,
      `${declared} bytes`,
    );
  let out: Uint8Array;
  try {
    out = gunzipSync(u8, { out: new Uint8Array(declared) });
  } catch (e) {
    return fail('corrupt gzip data', 'a valid gzip stream', (e as Error)?.message ?? show(e));
  }
  if (out.length !== declared) fail('gzip data does not match its declared size (truncated or corrupt)', `${declared} bytes`, `${out.length} bytes`);
  return out;
}

function asBytes(bytes: unknown, where: string, name: string): Uint8Array {
  if (bytes instanceof Uint8Array) return bytes;
  if (bytes instanceof ArrayBuffer) return new Uint8Array(bytes);
  throw new ConfigError('not bytes', { where, argument: name, expected: 'a Uint8Array or ArrayBuffer', got: show(bytes) });
}

function parse(bytes: unknown, where: string, name: string, maxSize: number): IdxArray {
  const u8 = maybeGunzip(asBytes(bytes, where, name), where, name, maxSize);
  const fail = (problem: string, expected: string, got: string): never => {
    throw new FormatError(problem, { where, argument: name, expected, got });
  };
  if (u8.length < 4 || u8[0] !== 0 || u8[1] !== 0) {
    fail(
      'not an IDX file (bad magic)',
      'the bytes 00 00 <type> <ndims> (raw or gzipped)',
      Array.from(u8.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ') || 'empty',
    );
  }
  const type = TYPES.find((t) => t[0] === u8[2]);
  if (!type) return fail('unknown IDX data type', '0x08, 0x09, 0x0B, 0x0C, 0x0D or 0x0E', `0x${u8[2].toString(16).padStart(2, '0')}`);
  const [, dtype, size, create] = type;
  const ndims = u8[3];
  if (ndims === 0) fail('IDX file without dimensions', 'ndims >= 1', '0');
  const start = 4 + 4 * ndims;
  if (u8.length < start) fail('truncated header', `${start} bytes for ${ndims} dimensions`, `${u8.length} bytes`);
  const dv = new DataView(u8.buffer, u8.byteOffset, u8.byteLength);
  const shape = Array.from({ length: ndims }, (_, i) => dv.getUint32(4 + 4 * i, false));
  const available = u8.length - start;
  let n = 1;
  for (const d of shape) n *= d; // each d < 2^32 and <= 255 of them: checked before allocating below
  if (!Number.isSafeInteger(n * size) || n * size !== available) {
    fail(
      n * size > available
        ? 'the header promises more data than the file holds (truncated file or wrong sizes)'
        : 'data size does not match the header (extra bytes)',
      `sizes ${formatShape(shape)} of ${dtype}: ${n * size} bytes`,
      `${available} bytes of data`,
    );
  }
  const data = create(n);
  if (size === 1) new Uint8Array(data.buffer).set(u8.subarray(start, start + n));
  else {
    const get = {
      2: (o: number) => dv.getInt16(o, false),
      4: dtype === 'float32' ? (o: number) => dv.getFloat32(o, false) : (o: number) => dv.getInt32(o, false),
      8: (o: number) => dv.getFloat64(o, false),
    }[size as 2 | 4 | 8];
    for (let i = 0; i < n; i++) data[i] = get(start + i * size);
  }
  return { dtype, shape, data };
}

/**
 * Reads an IDX file (raw or gzipped, detected by its magic) into a typed array of its own type.
 * Bad magic, an unknown type, truncated or oversized data, or a corrupt gzip stream throw a
 * {@link FormatError} naming the file.
 */
export function parseIdx(bytes: Uint8Array | ArrayBuffer, options?: IdxReadOptions): IdxArray {
  const where = 'parseIdx';
  const o = readOptions(options, where, ['name', 'maxSize']);
  return parse(bytes, where, (o.name as string | undefined) ?? 'bytes', maxSizeOption(o, where));
}

/** An IDX array as a tensor: float types -> float32, integer types -> int32. */
function toTensor(a: IdxArray): tf.Tensor {
  if (a.dtype === 'float32' || a.dtype === 'float64') return tf.tensor(Float32Array.from(a.data), a.shape, 'float32');
  return tf.tensor(a.data instanceof Int32Array ? a.data : Int32Array.from(a.data), a.shape, 'int32');
}

/**
 * Loads an IDX file as a tensor (integer types as int32, float types as float32).
 *
 * @example
 * const labels = loadIdx(readFileSync('train-labels-idx1-ubyte.gz'), { name: 'train-labels' }); // int32 [60000]
 */
export function loadIdx(bytes: Uint8Array | ArrayBuffer, options?: IdxReadOptions): tf.Tensor {
  const where = 'loadIdx';
  const o = readOptions(options, where, ['name', 'maxSize']);
  return toTensor(parse(bytes, where, (o.name as string | undefined) ?? 'bytes', maxSizeOption(o, where)));
}

/**
 * Loads an MNIST or Fashion-MNIST pair (images `idx3-ubyte`, labels `idx1-ubyte`, raw or
 * gzipped) as `{x, y}` for `fit`: `x` [n, rows, cols] (int32 0..255, or float32 in [0, 1] with
 * `scale: true`), `y` int32 [n]. Throws a {@link FormatError} for files of another layout and a
 * {@link ShapeError} when the counts differ.
 *
 * @example
 * const { x, y } = loadMnist(readFileSync('t10k-images-idx3-ubyte.gz'), readFileSync('t10k-labels-idx1-ubyte.gz'), { scale: true });
 */
export function loadMnist(images: Uint8Array | ArrayBuffer, labels: Uint8Array | ArrayBuffer, options?: MnistOptions): { x: tf.Tensor; y: tf.Tensor } {
  const where = 'loadMnist';
  const o = readOptions(options, where, ['scale', 'names', 'maxSize']);
  const scale = o.scale ?? false;
  if (typeof scale !== 'boolean') throw new ConfigError('invalid option', { where, argument: 'scale', expected: 'a boolean', got: show(scale) });
  const names = (isRecord(o.names) ? o.names : {}) as { images?: string; labels?: string };
  const maxSize = maxSizeOption(o, where);
  const xn = names.images ?? 'images';
  const yn = names.labels ?? 'labels';
  const img = parse(images, where, xn, maxSize);
  const lab = parse(labels, where, yn, maxSize);
  if (img.dtype !== 'uint8' || img.shape.length !== 3)
    throw new FormatError('not an MNIST image file', {
      where,
      argument: xn,
      expected: 'uint8 [n, rows, cols] (idx3-ubyte)',
      got: `${img.dtype} ${formatShape(img.shape)}`,
    });
  if (lab.dtype !== 'uint8' || lab.shape.length !== 1)
    throw new FormatError('not an MNIST label file', {
      where,
      argument: yn,
      expected: 'uint8 [n] (idx1-ubyte)',
      got: `${lab.dtype} ${formatShape(lab.shape)}`,
    });
  if (img.shape[0] !== lab.shape[0])
    throw new ShapeError('images and labels differ in count', {
      where,
      argument: `${xn}, ${yn}`,
      expected: 'the same n',
      got: `${img.shape[0]} images, ${lab.shape[0]} labels`,
    });
  const x = scale
    ? tf.tensor(
        Float32Array.from(img.data, (v) => v / 255),
        img.shape,
        'float32',
      )
    : toTensor(img);
  return { x, y: toTensor(lab) };
}

/**
 * Writes an array as an IDX file (gzipped with `gzip: true`). Integer data must fit the type.
 *
 * @example
 * const bytes = saveIdx({ dtype: 'uint8', shape: [2, 28, 28], data: pixels }, { gzip: true });
 */
export function saveIdx(array: IdxArray, options?: { gzip?: boolean }): Uint8Array {
  const where = 'saveIdx';
  const o = readOptions(options, where, ['gzip']);
  if (!isRecord(array)) throw new ConfigError('nothing to save', { where, argument: 'array', expected: '{dtype, shape, data}', got: show(array) });
  const type = TYPES.find((t) => t[1] === array.dtype);
  if (!type) throw new ConfigError('invalid dtype', { where, argument: 'array.dtype', expected: TYPES.map((t) => t[1]).join(', '), got: show(array.dtype) });
  const shape = array.shape;
  if (!Array.isArray(shape) || shape.length < 1 || shape.length > 255 || !shape.every((d) => Number.isInteger(d) && d >= 0 && d < 2 ** 32))
    throw new ConfigError('invalid shape', { where, argument: 'array.shape', expected: '1 to 255 sizes below 2^32', got: show(shape) });
  const n = shape.reduce((a, b) => a * b, 1);
  if (!ArrayBuffer.isView(array.data) || (array.data as ArrayLike<number>).length !== n)
    throw new ShapeError('data does not match the shape', { where, argument: 'array.data', expected: `${n} values`, got: show(array.data) });
  const [code, dtype, size, create] = type;
  const data = create(n);
  try {
    data.set(array.data as ArrayLike<number>);
  } catch (e) {
    if (e instanceof BasiskitError) throw e;
    throw new ConfigError('data cannot be stored as ' + dtype, { where, argument: 'array.data', got: (e as Error).message });
  }
  const out = new Uint8Array(4 + 4 * shape.length + n * size);
  const dv = new DataView(out.buffer);
  out.set([0, 0, code, shape.length]);
  shape.forEach((d, i) => dv.setUint32(4 + 4 * i, d, false));
  const start = 4 + 4 * shape.length;
  for (let i = 0; i < n; i++) {
    const at = start + i * size;
    if (size === 1) out[at] = (data as Uint8Array)[i];
    else if (size === 2) dv.setInt16(at, data[i], false);
    else if (dtype === 'float32') dv.setFloat32(at, data[i], false);
    else if (size === 4) dv.setInt32(at, data[i], false);
    else dv.setFloat64(at, data[i], false);
  }
  return o.gzip === true ? gzipSync(out) : out;
}
