// NumPy's .npy format (numpy/lib/format.py, "NEP 1 — A simple file format for NumPy arrays"):
//   "\x93NUMPY" | major, minor | header length (u16 LE in 1.0, u32 LE in 2.0/3.0) | header | data
// The header is a Python dict literal `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }`
// (latin-1 in 1.0/2.0, UTF-8 in 3.0), padded with spaces and ended by '\n' so that the data starts
// at a multiple of 64 bytes. It is parsed here by a small strict parser (never evaluated). The data
// is the array's bytes in C (row-major) or Fortran (column-major) order, in the descr's byte order.
import { ConfigError, DTypeError, FormatError, formatShape, isRecord, show, tf } from '@basiskit/tensor';

/** Element types read and written here (NumPy's names). */
export type NpyDType = 'float32' | 'float64' | 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'int64' | 'uint64' | 'bool';

/** The typed array holding each {@link NpyDType} (`bool`: a Uint8Array of 0/1). */
export type NpyTypedArray =
  Float32Array | Float64Array | Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | BigInt64Array | BigUint64Array;

/** An array as read from a .npy file: its values in C order (native byte order), whatever the file's order. */
export interface NpyArray {
  dtype: NpyDType;
  shape: number[];
  data: NpyTypedArray;
  /** Whether the file stored the array in Fortran (column-major) order (`data` is C order either way). */
  fortranOrder: boolean;
}

/** What {@link readNpyHeader} finds before the data. */
export interface NpyHeader {
  /** Format version `[major, minor]`: `[1, 0]`, `[2, 0]` or `[3, 0]`. */
  version: [number, number];
  dtype: NpyDType;
  /** The descr as written (`'<f4'`, `'>i8'`, `'|b1'`). */
  descr: string;
  littleEndian: boolean;
  fortranOrder: boolean;
  shape: number[];
  /** Byte offset of the data in the file. */
  dataOffset: number;
  /** Number of elements (product of `shape`). */
  size: number;
}

/** Options of the readers. */
export interface NpyReadOptions {
  /** Name of the file or argument for error messages. Default `'bytes'`. */
  name?: string;
  /** Largest header accepted, in bytes (NumPy's `max_header_size`). Default 10000. */
  maxHeaderSize?: number;
}

/** Options of {@link saveNpy}. */
export interface NpySaveOptions {
  /** Store in Fortran (column-major) order. Default false (C order). */
  fortranOrder?: boolean;
  /**
   * Element type of the file. Default: the tensor's (float32, int32, bool) or the typed array's
   * (a Uint8Array is uint8 unless `'bool'` is given). Tensors may be written as float64, int64 or
   * any type that holds their values.
   */
  dtype?: NpyDType;
  /** Byte order of multi-byte types. Default `'little'`. */
  endian?: 'little' | 'big';
}

/** Input of {@link saveNpy} besides tensors: a typed array with its shape (C order). */
export interface NpyArrayInput {
  data: NpyTypedArray;
  shape: readonly number[];
  dtype?: NpyDType;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
/** NumPy's NPY_MAXDIMS (numpy 2). */
const MAX_DIMS = 64;

interface DTypeInfo {
  code: string;
  size: number;
  make: (buffer: ArrayBuffer, offset?: number, length?: number) => NpyTypedArray;
  create: (n: number) => NpyTypedArray;
}

const DTYPES: Record<NpyDType, DTypeInfo> = {
  float32: { code: 'f4', size: 4, make: (b, o, n) => new Float32Array(b, o, n), create: (n) => new Float32Array(n) },
  float64: { code: 'f8', size: 8, make: (b, o, n) => new Float64Array(b, o, n), create: (n) => new Float64Array(n) },
  int8: { code: 'i1', size: 1, make: (b, o, n) => new Int8Array(b, o, n), create: (n) => new Int8Array(n) },
  uint8: { code: 'u1', size: 1, make: (b, o, n) => new Uint8Array(b, o, n), create: (n) => new Uint8Array(n) },
  int16: { code: 'i2', size: 2, make: (b, o, n) => new Int16Array(b, o, n), create: (n) => new Int16Array(n) },
  uint16: { code: 'u2', size: 2, make: (b, o, n) => new Uint16Array(b, o, n), create: (n) => new Uint16Array(n) },
  int32: { code: 'i4', size: 4, make: (b, o, n) => new Int32Array(b, o, n), create: (n) => new Int32Array(n) },
  uint32: { code: 'u4', size: 4, make: (b, o, n) => new Uint32Array(b, o, n), create: (n) => new Uint32Array(n) },
  int64: { code: 'i8', size: 8, make: (b, o, n) => new BigInt64Array(b, o, n), create: (n) => new BigInt64Array(n) },
  uint64: { code: 'u8', size: 8, make: (b, o, n) => new BigUint64Array(b, o, n), create: (n) => new BigUint64Array(n) },
  bool: { code: 'b1', size: 1, make: (b, o, n) => new Uint8Array(b, o, n), create: (n) => new Uint8Array(n) },
};

/** The dtypes this module reads and writes. */
export const NPY_DTYPES: readonly NpyDType[] = Object.keys(DTYPES) as NpyDType[];

/** The typed-array class that holds `dtype`'s values (bool: Uint8Array). @internal */
export function npyArrayConstructor(dtype: NpyDType): new (n: number) => NpyTypedArray {
  return DTYPES[dtype].create(0).constructor as new (n: number) => NpyTypedArray;
}

const BY_CODE = new Map(Object.entries(DTYPES).map(([k, v]) => [v.code, k as NpyDType]));
const HOST_LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

// ---------------------------------------------------------------------------------------------
// The header: a strict parser of the Python dict literal NumPy writes.

type PyValue = string | boolean | number | number[] | { list: true };

class HeaderParser {
  private i = 0;
  constructor(
    private readonly s: string,
    private readonly fail: (problem: string, expected: string, got: string) => never,
  ) {}

  private ws(): void {
    while (this.i < this.s.length && ' \t\n\r'.includes(this.s[this.i])) this.i++;
  }

  private near(): string {
    return this.i >= this.s.length ? 'the end of the header' : `${JSON.stringify(this.s.slice(this.i, this.i + 12))} at column ${this.i}`;
  }

  private expect(ch: string): void {
    this.ws();
    if (this.s[this.i] !== ch) this.fail('header is not a dict literal', `'${ch}'`, this.near());
    this.i++;
  }

  private peek(): string | undefined {
    this.ws();
    return this.s[this.i];
  }

  private string(): string {
    const q = this.s[this.i];
    const start = ++this.i;
    while (this.i < this.s.length && this.s[this.i] !== q) {
      const c = this.s.charCodeAt(this.i);
      if (this.s[this.i] === '\\' || c < 0x20 || c > 0x7e) this.fail('header is not a dict literal', 'a plain printable string', this.near());
      this.i++;
    }
    if (this.i >= this.s.length) this.fail('header is not a dict literal', `a closing ${q}`, 'the end of the header');
    return this.s.slice(start, this.i++);
  }

  private int(): number {
    const m = /^(0|[1-9][0-9]*)L?/.exec(this.s.slice(this.i, this.i + 40));
    if (!m) return this.fail('header is not a dict literal', 'a non-negative integer', this.near());
    this.i += m[0].length;
    const v = Number(m[1]);
    if (!Number.isSafeInteger(v)) this.fail('shape too large', 'dimensions below 2^53', m[1]);
    return v;
  }

  private tuple(): number[] {
    this.i++; // '('
    const out: number[] = [];
    let comma = false;
    for (;;) {
      const c = this.peek();
      if (c === ')') break;
      if (out.length >= MAX_DIMS) this.fail('too many dimensions', `at most ${MAX_DIMS}`, `more than ${MAX_DIMS}`);
      out.push(this.int());
      comma = false;
      if (this.peek() === ',') {
        this.i++;
        comma = true;
      } else if (this.peek() !== ')') this.fail('header is not a dict literal', "',' or ')' in the shape tuple", this.near());
    }
    this.i++;
    // `(3)` is the integer 3 in Python, not a tuple
    if (out.length === 1 && !comma) this.fail('header is not a dict literal', 'a tuple for shape, e.g. (3,)', '(' + out[0] + ')');
    return out;
  }

  private value(): PyValue {
    const c = this.peek();
    if (c === "'" || c === '"') return this.string();
    if (c === '(') return this.tuple();
    if (c === '[') return { list: true };
    for (const [word, v] of [
      ['True', true],
      ['False', false],
    ] as const) {
      if (this.s.startsWith(word, this.i)) {
        this.i += word.length;
        return v;
      }
    }
    if (c !== undefined && c >= '0' && c <= '9') return this.int();
    return this.fail('header is not a dict literal', 'a string, True/False or a tuple', this.near());
  }

  /** Parses the whole header: a dict of string keys, then only whitespace. */
  dict(): Map<string, PyValue> {
    const out = new Map<string, PyValue>();
    this.expect('{');
    for (;;) {
      const c = this.peek();
      if (c === '}') break;
      if (c !== "'" && c !== '"') this.fail('header is not a dict literal', 'a quoted key', this.near());
      const key = this.string();
      this.expect(':');
      const v = this.value();
      if (typeof v === 'object' && 'list' in v) {
        this.fail('structured (record) arrays are not supported', 'a simple descr such as "<f4"', `a list for ${JSON.stringify(key)}`);
      }
      if (out.has(key)) this.fail('header has a duplicate key', 'each key once', JSON.stringify(key));
      out.set(key, v);
      if (this.peek() === ',') this.i++;
      else if (this.peek() !== '}') this.fail('header is not a dict literal', "',' or '}'", this.near());
    }
    this.i++;
    this.ws();
    if (this.i !== this.s.length) this.fail('header is not a dict literal', 'nothing after the closing }', this.near());
    return out;
  }
}

/** `'<f4'` -> dtype and byte order; throws a FormatError for anything else. */
function parseDescr(descr: string, fail: (problem: string, expected: string, got: string) => never): { dtype: NpyDType; littleEndian: boolean } {
  const known = 'one of <f4 <f8 |i1 |u1 <i2 <u2 <i4 <u4 <i8 <u8 |b1 (or > byte order)';
  const order = descr[0];
  const code = descr.slice(1);
  if (descr === '|O' || code === 'O') fail('object arrays (pickled Python objects) are not supported', known, JSON.stringify(descr));
  const dtype = BY_CODE.get(code);
  if (!dtype || !'<>|='.includes(order) || order === undefined) return fail('unsupported dtype', known, JSON.stringify(descr));
  const size = DTYPES[dtype].size;
  if (order === '|' && size > 1) fail('byte order missing for a multi-byte dtype', `'<' or '>' before ${code}`, JSON.stringify(descr));
  return { dtype, littleEndian: order === '<' || order === '|' || (order === '=' && HOST_LITTLE) };
}

function formatError(where: string, name: string): (problem: string, expected: string, got: string) => never {
  return (problem, expected, got) => {
    throw new FormatError(problem, { where, argument: name, expected, got });
  };
}

function asBytes(bytes: unknown, where: string, name: string): Uint8Array {
  if (bytes instanceof Uint8Array) return bytes;
  if (bytes instanceof ArrayBuffer) return new Uint8Array(bytes);
  throw new ConfigError('not bytes', { where, argument: name, expected: 'a Uint8Array or ArrayBuffer', got: show(bytes) });
}

function readOptions(options: NpyReadOptions | undefined, where: string): { name: string; maxHeaderSize: number } {
  if (options !== undefined && !isRecord(options))
    throw new ConfigError('invalid options', { where, argument: 'options', expected: 'an object', got: show(options) });
  const o: NpyReadOptions = options ?? {};
  const name = o.name ?? 'bytes';
  if (typeof name !== 'string') throw new ConfigError('invalid option', { where, argument: 'name', expected: 'a string', got: show(name) });
  const maxHeaderSize = o.maxHeaderSize ?? 10000;
  if (!Number.isSafeInteger(maxHeaderSize) || maxHeaderSize < 1)
    throw new ConfigError('invalid option', { where, argument: 'maxHeaderSize', expected: 'an integer >= 1', got: show(maxHeaderSize) });
  return { name, maxHeaderSize };
}

/** @internal the header reader, with the caller's name for errors. */
export function readHeaderAt(u8: Uint8Array, where: string, name: string, maxHeaderSize: number): NpyHeader {
  const fail = formatError(where, name);
  if (u8.length < 10 || MAGIC.some((b, i) => u8[i] !== b)) {
    const head = Array.from(u8.subarray(0, 6), (b) => b.toString(16).padStart(2, '0')).join(' ');
    fail('not a .npy file (bad magic)', 'the bytes 93 4e 55 4d 50 59 ("\\x93NUMPY")', u8.length < 10 ? `${u8.length} bytes` : head);
  }
  const major = u8[6];
  const minor = u8[7];
  if (![1, 2, 3].includes(major) || minor !== 0) fail('unsupported .npy format version', '1.0, 2.0 or 3.0', `${major}.${minor}`);
  const dv = new DataView(u8.buffer, u8.byteOffset, u8.byteLength);
  const lenBytes = major === 1 ? 2 : 4;
  if (u8.length < 8 + lenBytes) fail('truncated header', `at least ${8 + lenBytes} bytes`, `${u8.length} bytes`);
  const headerLen = major === 1 ? dv.getUint16(8, true) : dv.getUint32(8, true);
  const start = 8 + lenBytes;
  if (headerLen > maxHeaderSize) fail('header too large', `at most ${maxHeaderSize} bytes (the maxHeaderSize option)`, `${headerLen} bytes`);
  if (start + headerLen > u8.length) fail('truncated header', `${start + headerLen} bytes of header`, `a file of ${u8.length} bytes`);
  const raw = u8.subarray(start, start + headerLen);
  let text: string;
  if (major === 3) {
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
    } catch {
      return fail('header is not valid UTF-8', 'a UTF-8 header (format 3.0)', 'invalid bytes');
    }
  } else text = new TextDecoder('latin1').decode(raw);
  const dict = new HeaderParser(text, fail).dict();
  const keys = [...dict.keys()].sort().join(', ');
  if (keys !== 'descr, fortran_order, shape') fail('header has the wrong keys', 'descr, fortran_order, shape', keys || 'none');
  const descr = dict.get('descr');
  const fortranOrder = dict.get('fortran_order');
  const shape = dict.get('shape');
  if (typeof descr !== 'string') fail('descr is not a string', 'a string such as "<f4"', show(descr));
  if (typeof fortranOrder !== 'boolean') fail('fortran_order is not a boolean', 'True or False', show(fortranOrder));
  if (!Array.isArray(shape)) return fail('shape is not a tuple', 'a tuple of integers', show(shape));
  const { dtype, littleEndian } = parseDescr(descr as string, fail);
  const dataOffset = start + headerLen;
  const available = u8.length - dataOffset;
  const itemsize = DTYPES[dtype].size;
  // elements, checked against the bytes present before multiplying further (no overflow, no huge allocation)
  let size = 1;
  if (!shape.includes(0)) {
    for (const d of shape) {
      size *= d;
      if (size * itemsize > available) {
        fail(
          'the header promises more data than the file holds (truncated file or wrong shape)',
          `shape ${formatShape(shape)} of ${dtype}: ${shape.reduce((a, b) => a * b, 1)} elements, ${shape.reduce((a, b) => a * b, itemsize)} bytes`,
          `${available} bytes of data`,
        );
      }
    }
  } else size = 0;
  if (size * itemsize !== available) {
    fail(
      'data size does not match the header (extra bytes after the array)',
      `shape ${formatShape(shape)} of ${dtype}: ${size * itemsize} bytes`,
      `${available} bytes of data`,
    );
  }
  return { version: [major, 0], dtype, descr: descr as string, littleEndian, fortranOrder: fortranOrder as boolean, shape, dataOffset, size };
}

/**
 * Reads the header of a .npy file: version, dtype, byte order, memory order, shape and where
 * the data starts. The whole file must be given: the data's length is checked against the shape.
 * Throws a {@link FormatError} naming the file (`options.name`) for bad magic, a truncated file, a
 * header that is not a dict literal, unknown or object dtypes, or a shape the data does not fill.
 */
export function readNpyHeader(bytes: Uint8Array | ArrayBuffer, options?: NpyReadOptions): NpyHeader {
  const where = 'readNpyHeader';
  const { name, maxHeaderSize } = readOptions(options, where);
  return readHeaderAt(asBytes(bytes, where, name), where, name, maxHeaderSize);
}

/**
 * @internal Copies `src` (in `fromFortran` order) into `dst` in the other order: element (i0, .., ir) moves
 * between the C offset and the Fortran offset. One pass with an incremental multi-index.
 */
export function reorder<T extends NpyTypedArray>(src: T, dst: T, shape: readonly number[], toC: boolean): T {
  const r = shape.length;
  const n = src.length;
  if (r <= 1 || n === 0) {
    dst.set(src as never);
    return dst;
  }
  // strides of the Fortran layout
  const fs = new Array<number>(r);
  let acc = 1;
  for (let k = 0; k < r; k++) {
    fs[k] = acc;
    acc *= shape[k];
  }
  const idx = new Array<number>(r).fill(0);
  let f = 0;
  for (let c = 0; c < n; c++) {
    if (toC) (dst as Float64Array)[c] = (src as Float64Array)[f];
    else (dst as Float64Array)[f] = (src as Float64Array)[c];
    // advance the C-order multi-index (last axis fastest), tracking the Fortran offset
    for (let k = r - 1; k >= 0; k--) {
      if (++idx[k] < shape[k]) {
        f += fs[k];
        break;
      }
      f -= fs[k] * (shape[k] - 1);
      idx[k] = 0;
    }
  }
  return dst;
}

function swapBytes(u8: Uint8Array, size: number): void {
  if (size === 1) return;
  for (let i = 0; i < u8.length; i += size) {
    for (let a = i, b = i + size - 1; a < b; a++, b--) {
      const t = u8[a];
      u8[a] = u8[b];
      u8[b] = t;
    }
  }
}

/** @internal reads the array whose header is `h` from `u8`. */
export function readArrayAt(u8: Uint8Array, h: NpyHeader): NpyArray {
  const info = DTYPES[h.dtype];
  // a copy (not u8.slice: a Node Buffer's slice is a view of its shared pool), aligned for the typed array
  const copy = new Uint8Array(u8.subarray(h.dataOffset, h.dataOffset + h.size * info.size));
  if (h.littleEndian !== HOST_LITTLE) swapBytes(copy, info.size);
  let data = info.make(copy.buffer, 0, h.size);
  if (h.dtype === 'bool') for (let i = 0; i < data.length; i++) (data as Uint8Array)[i] = (data as Uint8Array)[i] ? 1 : 0;
  if (h.fortranOrder && h.shape.length > 1) data = reorder(data, info.create(h.size), h.shape, true);
  return { dtype: h.dtype, shape: h.shape, data, fortranOrder: h.fortranOrder };
}

/**
 * Reads a .npy file into a typed array in C order (Fortran-order files are reordered), in the
 * file's own dtype: float64 stays a Float64Array, int64 a BigInt64Array. See {@link loadNpy} for
 * a tensor. Errors as {@link readNpyHeader}; nothing is allocated beyond the file's own size.
 */
export function parseNpy(bytes: Uint8Array | ArrayBuffer, options?: NpyReadOptions): NpyArray {
  const where = 'parseNpy';
  const { name, maxHeaderSize } = readOptions(options, where);
  const u8 = asBytes(bytes, where, name);
  return readArrayAt(u8, readHeaderAt(u8, where, name, maxHeaderSize));
}

/**
 * A typed array as a tensor: floats become float32, integers int32 (int64/uint32/uint64 values
 * outside int32's range throw a {@link DTypeError}), bool stays bool.
 */
export function npyToTensor(a: NpyArray, where = 'npyToTensor', name = 'array'): tf.Tensor {
  const { dtype, shape, data } = a;
  if (dtype === 'float32') return tf.tensor(data as Float32Array, shape, 'float32');
  if (dtype === 'float64') return tf.tensor(Float32Array.from(data as Float64Array), shape, 'float32');
  if (dtype === 'bool') return tf.tensor(data as Uint8Array, shape, 'bool');
  if (dtype === 'int32') return tf.tensor(data as Int32Array, shape, 'int32');
  const out = new Int32Array(data.length);
  if (dtype === 'int64' || dtype === 'uint64' || dtype === 'uint32') {
    const big = dtype !== 'uint32';
    for (let i = 0; i < data.length; i++) {
      const v = big ? Number((data as BigInt64Array)[i]) : (data as Uint32Array)[i];
      if (v > 2147483647 || v < -2147483648) {
        throw new DTypeError(`${dtype} value does not fit int32 (tensors hold int32; parseNpy gives the raw ${big ? 'BigInt64Array' : 'Uint32Array'})`, {
          where,
          argument: name,
          expected: 'values in [-2147483648, 2147483647]',
          got: `${big ? String((data as BigInt64Array)[i]) : v} at flat index ${i}`,
        });
      }
      out[i] = v;
    }
  } else out.set(data as Int8Array);
  return tf.tensor(out, shape, 'int32');
}

/**
 * Loads a .npy file as a tensor: float32/float64 -> float32, (u)int8/16/32/64 -> int32 (with a
 * range check), bool -> bool; C and Fortran order, any byte order, 0-d and empty arrays. For
 * the raw values (float64, int64) use {@link parseNpy}.
 *
 * @example
 * const x = loadNpy(bytes, { name: 'u.npy' }); // e.g. a float32 tensor [100, 64]
 */
export function loadNpy(bytes: Uint8Array | ArrayBuffer, options?: NpyReadOptions): tf.Tensor {
  const where = 'loadNpy';
  const { name, maxHeaderSize } = readOptions(options, where);
  const u8 = asBytes(bytes, where, name);
  return npyToTensor(readArrayAt(u8, readHeaderAt(u8, where, name, maxHeaderSize)), where, name);
}

// ---------------------------------------------------------------------------------------------
// Writing.

const TYPED: [new (n: number) => NpyTypedArray, NpyDType][] = [
  [Float32Array, 'float32'],
  [Float64Array, 'float64'],
  [Int8Array, 'int8'],
  [Uint8Array, 'uint8'],
  [Int16Array, 'int16'],
  [Uint16Array, 'uint16'],
  [Int32Array, 'int32'],
  [Uint32Array, 'uint32'],
  [BigInt64Array, 'int64'],
  [BigUint64Array, 'uint64'],
];

function typedDType(data: unknown): NpyDType | undefined {
  for (const [C, d] of TYPED) if (data instanceof C) return d;
  return undefined;
}

/** Converts `data` (numbers or bigints) to `dtype`: floats round, integer types must hold every value exactly. */
function convert(data: NpyTypedArray, from: NpyDType, to: NpyDType, where: string): NpyTypedArray {
  if (from === to) return data;
  const n = data.length;
  const out = DTYPES[to].create(n);
  const bigOut = to === 'int64' || to === 'uint64';
  for (let i = 0; i < n; i++) {
    const v = data[i];
    if (to === 'bool') {
      (out as Uint8Array)[i] = v ? 1 : 0;
      continue;
    }
    if (bigOut) {
      if (typeof v === 'bigint') (out as BigInt64Array)[i] = v;
      else if (Number.isInteger(v)) (out as BigInt64Array)[i] = BigInt(v);
      else bad(v, i);
      if ((out as BigInt64Array)[i] !== (typeof v === 'bigint' ? v : BigInt(v))) bad(v, i);
      continue;
    }
    const num = typeof v === 'bigint' ? Number(v) : v;
    (out as Float64Array)[i] = num;
    if (to === 'float32' || to === 'float64') continue; // floats round
    const back = (out as Float64Array)[i];
    if (!(back === num || (Number.isNaN(back) && Number.isNaN(num))) || (typeof v === 'bigint' && BigInt(Math.trunc(num)) !== v)) bad(v, i);
  }
  return out;
  function bad(v: number | bigint, i: number): never {
    throw new DTypeError(`value not representable as ${to}`, {
      where,
      argument: 'dtype',
      expected: `${from} values that ${to} holds exactly`,
      got: `${v} at flat index ${i}`,
    });
  }
}

/** The header text, padded so that the data starts at a multiple of 64 bytes. */
function headerBytes(descr: string, fortranOrder: boolean, shape: readonly number[]): Uint8Array {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let text = `{'descr': '${descr}', 'fortran_order': ${fortranOrder ? 'True' : 'False'}, 'shape': ${shapeText}, }`;
  const major = text.length + 11 > 65535 ? 2 : 1;
  const pre = major === 1 ? 10 : 12;
  const total = Math.ceil((pre + text.length + 1) / 64) * 64;
  text = text.padEnd(total - pre - 1, ' ') + '\n';
  const out = new Uint8Array(total);
  out.set(MAGIC);
  out[6] = major;
  out[7] = 0;
  const dv = new DataView(out.buffer);
  if (major === 1) dv.setUint16(8, text.length, true);
  else dv.setUint32(8, text.length, true);
  for (let i = 0; i < text.length; i++) out[pre + i] = text.charCodeAt(i);
  return out;
}

function checkShape(shape: unknown, n: number, where: string): number[] {
  if (!Array.isArray(shape) || shape.length > MAX_DIMS || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new ConfigError('invalid shape', { where, argument: 'shape', expected: `an array of at most ${MAX_DIMS} non-negative integers`, got: show(shape) });
  }
  const size = shape.reduce((a: number, b: number) => a * b, 1);
  if (size !== n)
    throw new ConfigError('shape does not match the data', { where, argument: 'shape', expected: `${n} elements`, got: `${formatShape(shape)} (${size})` });
  return [...shape];
}

/**
 * Writes a tensor or a typed array as .npy bytes (format 1.0, or 2.0 for headers past 64 KiB),
 * as NumPy's `np.save` does: little-endian unless `endian: 'big'`, C order unless `fortranOrder`.
 * `dtype` converts (a float32 tensor as float64, int32 as int64, ...) and throws a
 * {@link DTypeError} for values the target type cannot hold exactly.
 *
 * @example
 * const bytes = saveNpy(tf.tensor2d([[1, 2], [3, 4]]), { dtype: 'float64' }); // np.load reads it
 */
export function saveNpy(array: tf.Tensor | NpyArrayInput, options: NpySaveOptions = {}): Uint8Array {
  const where = 'saveNpy';
  if (!isRecord(options)) throw new ConfigError('invalid options', { where, argument: 'options', expected: 'an object', got: show(options) });
  const o: NpySaveOptions = options;
  const unknown = Object.keys(options).filter((k) => !['fortranOrder', 'dtype', 'endian'].includes(k));
  if (unknown.length)
    throw new ConfigError('unknown option', { where, argument: unknown.join(', '), expected: 'fortranOrder, dtype, endian', got: unknown.join(', ') });
  const { fortranOrder = false, endian = 'little' } = o;
  if (typeof fortranOrder !== 'boolean')
    throw new ConfigError('invalid option', { where, argument: 'fortranOrder', expected: 'a boolean', got: show(fortranOrder) });
  if (endian !== 'little' && endian !== 'big')
    throw new ConfigError('invalid option', { where, argument: 'endian', expected: "'little' or 'big'", got: show(endian) });
  if (o.dtype !== undefined && !NPY_DTYPES.includes(o.dtype))
    throw new ConfigError('invalid option', { where, argument: 'dtype', expected: `one of ${NPY_DTYPES.join(', ')}`, got: show(o.dtype) });
  let data: NpyTypedArray;
  let from: NpyDType;
  let shape: number[];
  if (array instanceof tf.Tensor) {
    if (array.isDisposed) throw new ConfigError('tensor was disposed', { where, argument: 'array', expected: 'a live tensor', got: 'a disposed tensor' });
    if (array.dtype === 'complex64' || array.dtype === 'string') {
      throw new DTypeError('unsupported tensor dtype', { where, argument: 'array', expected: 'float32, int32 or bool', got: array.dtype });
    }
    from = array.dtype === 'bool' ? 'bool' : array.dtype === 'int32' ? 'int32' : 'float32';
    data = array.dataSync() as Float32Array | Int32Array | Uint8Array;
    shape = [...array.shape];
  } else if (isRecord(array)) {
    const input = array as NpyArrayInput;
    const t = typedDType(input.data);
    if (!t)
      throw new ConfigError('not a typed array', {
        where,
        argument: 'array.data',
        expected: 'a typed array (Float32Array, Float64Array, Int32Array, BigInt64Array, ...)',
        got: show(input.data),
      });
    from = t === 'uint8' && input.dtype === 'bool' ? 'bool' : t;
    data = input.data;
    shape = checkShape(input.shape, data.length, where);
  } else {
    throw new ConfigError('nothing to save', { where, argument: 'array', expected: 'a tensor or {data, shape}', got: show(array) });
  }
  const dtype: NpyDType = o.dtype ?? (array instanceof tf.Tensor ? from : ((array as NpyArrayInput).dtype ?? from));
  if (!NPY_DTYPES.includes(dtype))
    throw new ConfigError('invalid dtype', { where, argument: 'array.dtype', expected: `one of ${NPY_DTYPES.join(', ')}`, got: show(dtype) });
  const out = convert(data, from, dtype, where);
  const info = DTYPES[dtype];
  const descr = `${info.size === 1 ? '|' : endian === 'little' ? '<' : '>'}${info.code}`;
  const head = headerBytes(descr, fortranOrder, shape);
  const body = fortranOrder && shape.length > 1 ? reorder(out, info.create(out.length), shape, false) : out;
  const file = new Uint8Array(head.length + body.length * info.size);
  file.set(head);
  const bodyBytes = new Uint8Array(body.buffer, body.byteOffset, body.length * info.size);
  file.set(bodyBytes, head.length);
  if ((endian === 'little') !== HOST_LITTLE) swapBytes(file.subarray(head.length), info.size);
  return file;
}
