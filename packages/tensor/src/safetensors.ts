// safetensors, the Hugging Face tensor file format, read and written without dependencies.
// Spec: https://github.com/huggingface/safetensors#format (reference reader: safetensors/src/tensor.rs).
//
//   [8 bytes]  N: u64 little-endian, the byte length of the header
//   [N bytes]  UTF-8 JSON object: {"<name>": {"dtype": "F32", "shape": [2, 3], "data_offsets": [b, e]},
//              ..., "__metadata__": {"<key>": "<string>"}}, padded with spaces so 8 + N is a multiple of 8
//   [rest]     the data section: each tensor's row-major, little-endian bytes at [b, e) from its start.
//              Sorted by b, the ranges tile the data section exactly: no gap, no overlap.
//
// tfjs holds float32, int32, bool and complex64, so reading converts: F64/F16/BF16 -> float32,
// I64/U64/U32/I16/I8/U16/U8 -> int32 (a value outside int32 is an error, never a silent wrap),
// and C64 -> two float32 tensors `<name>.real` and `<name>.imag`.
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, FormatError, formatShape } from './errors';

/** The largest header accepted, in bytes (as `MAX_HEADER_SIZE` in Hugging Face's reader). */
export const MAX_HEADER_SIZE = 100_000_000;

/** Bytes per element of each safetensors dtype this module reads (exported for the tests, not by the package). */
export const DTYPE_SIZE = {
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  I64: 8,
  I32: 4,
  I16: 2,
  I8: 1,
  U64: 8,
  U32: 4,
  U16: 2,
  U8: 1,
  BOOL: 1,
  C64: 8,
} as const;

/** A safetensors dtype name this module reads (`F32`, `BF16`, `I64`, `C64`, ...). */
export type SafetensorsDType = keyof typeof DTYPE_SIZE;

/** Every safetensors dtype {@link loadSafetensors} reads. */
export const SAFETENSORS_DTYPES: readonly SafetensorsDType[] = Object.keys(DTYPE_SIZE) as SafetensorsDType[];

/** One tensor's entry in a safetensors header. */
export interface SafetensorsTensorInfo {
  /** The stored dtype (before any conversion to a tfjs dtype). */
  dtype: SafetensorsDType;
  /** The tensor's shape; `[]` for a scalar. */
  shape: number[];
  /** `[begin, end)` byte range, relative to the start of the data section. */
  dataOffsets: [number, number];
}

/** A validated safetensors header. */
export interface SafetensorsHeader {
  /** The tensor entries, by name, in sorted key order. */
  tensors: Record<string, SafetensorsTensorInfo>;
  /** The `__metadata__` map; `{}` when the file has none. */
  metadata: Record<string, string>;
  /** Absolute byte offset of the data section in the file (8 + header length). */
  dataStart: number;
}

const METADATA_KEY = '__metadata__';
const SUPPORTED = SAFETENSORS_DTYPES.join(', ');
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The tfjs dtypes written, and the safetensors dtype each becomes. */
const TF_TO_SAFETENSORS: Partial<Record<tf.DataType, 'F32' | 'I32' | 'BOOL'>> = {
  float32: 'F32',
  int32: 'I32',
  bool: 'BOOL',
};

type TypedArrayCtor<T> = {
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): T;
  readonly BYTES_PER_ELEMENT: number;
};

// ---------------------------------------------------------------------------------------------
// Small helpers

/** The most characters of a value {@link show} writes. */
const SHOWN = 80;

/**
 * A value, short, for error messages: JSON-like, bounded in length and depth, so a huge or
 * deeply nested value from a hostile header neither costs a full serialization nor overflows
 * the stack. Never throws.
 */
function show(value: unknown): string {
  let s: string;
  try {
    s = preview(value, 4);
  } catch {
    s = `a value of type ${typeof value}`;
  }
  return s.length > SHOWN ? `${s.slice(0, SHOWN - 3)}...` : s;
}

/** `value` as JSON-like text, stopping once it is longer than {@link SHOWN} or `depth` levels deep. */
function preview(value: unknown, depth: number): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value.length > SHOWN ? value.slice(0, SHOWN) : value);
    case 'number':
    case 'boolean':
    case 'undefined':
      return String(value);
    case 'bigint':
      return `${value}n`;
    case 'symbol':
      return value.toString();
    case 'function':
      return 'a function';
  }
  if (value === null) return 'null';
  if (value instanceof tf.Tensor) return `a ${value.dtype} tensor of shape ${formatShape(value.shape)}`;
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) {
    return `a ${Object.getPrototypeOf(value)?.constructor?.name ?? 'binary'} of ${value.byteLength} bytes`;
  }
  const isArray = Array.isArray(value);
  const [open, close] = isArray ? ['[', ']'] : ['{', '}'];
  if (depth === 0) return `${open}...${close}`;
  const parts: string[] = [];
  let length = 0;
  let truncated = false;
  const items: Iterable<string> = isArray
    ? (function* () {
        for (let i = 0; i < value.length; i++) yield preview(value[i], depth - 1);
      })()
    : (function* () {
        for (const key in value) {
          if (Object.hasOwn(value, key)) yield `${preview(key, 0)}:${preview((value as Record<string, unknown>)[key], depth - 1)}`;
        }
      })();
  for (const part of items) {
    if (length > SHOWN) {
      truncated = true;
      break;
    }
    parts.push(part);
    length += part.length + 1;
  }
  return `${open}${parts.join(',')}${truncated ? ',...' : ''}${close}`;
}

/** A shape for error messages, at most {@link SHOWN} characters even with millions of dims. */
function showShape(shape: readonly number[]): string {
  const s = formatShape(shape.slice(0, SHOWN / 2));
  return s.length > SHOWN ? `${s.slice(0, SHOWN - 4)}...]` : s;
}

/** Sets an own enumerable property, even for names like `__proto__`. */
function setOwn<T>(obj: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isIndex(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** Reverses the bytes of each `unit`-byte element in place (big-endian hosts only). */
function swapBytes(bytes: Uint8Array, unit: number): void {
  if (unit === 1) return;
  for (let i = 0; i < bytes.length; i += unit) bytes.subarray(i, i + unit).reverse();
}

/** A fresh, aligned copy of `raw` with each `unit`-byte element in host byte order. */
function copyLE(raw: Uint8Array, unit: number): Uint8Array {
  const copy = new Uint8Array(raw.length); // not raw.slice(): a Node Buffer's slice is a view
  copy.set(raw);
  if (!LITTLE_ENDIAN) swapBytes(copy, unit);
  return copy;
}

/**
 * `raw` (little-endian) as a typed array in host byte order: a view when the platform is
 * little-endian and `raw` is aligned, else an aligned copy. A view may alias the caller's
 * bytes, so only use it as a conversion source.
 */
function viewLE<T>(raw: Uint8Array, Ctor: TypedArrayCtor<T>): T {
  const size = Ctor.BYTES_PER_ELEMENT;
  if (LITTLE_ENDIAN && raw.byteOffset % size === 0) return new Ctor(raw.buffer, raw.byteOffset, raw.byteLength / size);
  const copy = copyLE(raw, size);
  return new Ctor(copy.buffer, 0, copy.byteLength / size);
}

function toBytes(bytes: Uint8Array | ArrayBuffer, where: string): Uint8Array {
  if (bytes instanceof ArrayBuffer) return new Uint8Array(bytes);
  // Any view (a Node Buffer included) as a plain Uint8Array, whose slice() copies.
  if (ArrayBuffer.isView(bytes)) {
    const view = bytes as ArrayBufferView;
    return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
  }
  throw new ConfigError('expected the file contents as bytes', {
    where,
    argument: 'bytes',
    expected: 'a Uint8Array or ArrayBuffer',
    got: bytes === null ? 'null' : typeof bytes,
  });
}

// ---------------------------------------------------------------------------------------------
// Writing

/**
 * Serializes tensors to the safetensors format (the Hugging Face format; loadable by
 * `safetensors.torch.load_file` / `safetensors.numpy.load_file`).
 *
 * float32 is stored as `F32`, int32 as `I32`, bool as `BOOL` (one byte each). Tensors are laid
 * out contiguously in sorted key order and the header is space-padded so the data section starts
 * 8-byte aligned. Values are copied as raw bytes, so a round trip through {@link loadSafetensors}
 * is bit-exact (NaN payloads and -0 included). The tensors are only read, never disposed.
 *
 * @param dict Tensors by name (e.g. a module's `stateDict()`).
 * @param metadata Optional string-to-string map stored as the header's `__metadata__`.
 * @returns The file's bytes.
 * @throws ConfigError for a complex64 tensor (store `<name>.real` / `<name>.imag` float32 tensors
 *   instead), a string tensor, a disposed tensor, a non-tensor value, the reserved name
 *   `__metadata__`, or metadata with a non-string value.
 */
export function saveSafetensors(dict: Record<string, tf.Tensor>, metadata?: Record<string, string>): Uint8Array {
  const where = 'saveSafetensors';
  if (!isPlainObject(dict)) {
    throw new ConfigError('expected a record of tensors by name', {
      where,
      argument: 'dict',
      expected: 'Record<string, tf.Tensor>',
      got: show(dict),
    });
  }

  // Validate everything before reading any data.
  const names = Object.keys(dict).sort();
  const entries = names.map((name) => {
    const t: unknown = dict[name];
    const key = JSON.stringify(name);
    if (name === METADATA_KEY) {
      throw new ConfigError(`the name ${key} is reserved for the metadata map; pass metadata as the second argument`, {
        where,
        argument: 'dict',
      });
    }
    if (!(t instanceof tf.Tensor)) {
      throw new ConfigError(`entry ${key} is not a tensor`, {
        where,
        argument: 'dict',
        expected: 'tf.Tensor',
        got: show(t),
      });
    }
    if (t.isDisposed) throw new ConfigError(`tensor ${key} is disposed`, { where, argument: 'dict' });
    const dtype = TF_TO_SAFETENSORS[t.dtype];
    if (t.dtype === 'complex64') {
      throw new ConfigError(
        `tensor ${key} is complex64, which safetensors files from tfjs do not store; ` +
          `save its parts as float32 tensors ${JSON.stringify(`${name}.real`)} and ${JSON.stringify(`${name}.imag`)} ` +
          `(tf.real(t), tf.imag(t)) and recombine them with tf.complex after loading`,
        { where, argument: 'dict', expected: 'float32, int32 or bool', got: 'complex64' },
      );
    }
    if (dtype === undefined) {
      throw new ConfigError(`tensor ${key} has a dtype safetensors cannot hold`, {
        where,
        argument: 'dict',
        expected: 'float32, int32 or bool',
        got: t.dtype,
      });
    }
    return { name, tensor: t, dtype };
  });

  let meta: Record<string, string> | undefined;
  if (metadata !== undefined) {
    if (!isPlainObject(metadata)) {
      throw new ConfigError('metadata must be a string-to-string map', {
        where,
        argument: 'metadata',
        expected: 'Record<string, string>',
        got: show(metadata),
      });
    }
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== 'string') {
        throw new ConfigError(`metadata value for key ${JSON.stringify(k)} is not a string`, {
          where,
          argument: 'metadata',
          expected: 'a string',
          got: show(v),
        });
      }
    }
    if (Object.keys(metadata).length > 0) meta = { ...metadata };
  }

  // Header, with offsets from each tensor's size (no data read yet).
  const header: Record<string, unknown> = {};
  if (meta) header[METADATA_KEY] = meta;
  let offset = 0;
  const layout = entries.map(({ name, tensor, dtype }) => {
    const begin = offset;
    offset += tensor.size * DTYPE_SIZE[dtype];
    setOwn(header, name, { dtype, shape: [...tensor.shape], data_offsets: [begin, offset] });
    return { tensor, dtype, begin };
  });
  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerLength = Math.ceil(json.length / 8) * 8; // 8 + headerLength is then 8-aligned too
  if (headerLength > MAX_HEADER_SIZE) {
    throw new ConfigError('the header would exceed the size readers accept', {
      where,
      argument: 'dict',
      expected: `at most ${MAX_HEADER_SIZE} bytes`,
      got: `${headerLength} bytes`,
    });
  }

  const dataStart = 8 + headerLength;
  const out = new Uint8Array(dataStart + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLength), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, dataStart);
  for (const { tensor, dtype, begin } of layout) {
    const data = tensor.dataSync();
    const typed =
      dtype === 'F32'
        ? data instanceof Float32Array
          ? data
          : new Float32Array(data as ArrayLike<number>)
        : dtype === 'I32'
          ? data instanceof Int32Array
            ? data
            : new Int32Array(data as ArrayLike<number>)
          : data instanceof Uint8Array
            ? data
            : new Uint8Array(data as ArrayLike<number>);
    const at = dataStart + begin;
    out.set(new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength), at);
    if (!LITTLE_ENDIAN) swapBytes(out.subarray(at, at + typed.byteLength), DTYPE_SIZE[dtype]);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Reading the header

function parseMetadata(value: unknown, where: string): Record<string, string> {
  if (!isPlainObject(value)) {
    throw new FormatError(`header field "${METADATA_KEY}" must be a string-to-string map`, {
      where,
      expected: 'an object of strings',
      got: show(value),
    });
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') {
      throw new FormatError(`header field "${METADATA_KEY}": value for key ${JSON.stringify(k)} is not a string`, {
        where,
        expected: 'a string',
        got: show(v),
      });
    }
    setOwn(out, k, v);
  }
  return out;
}

function parseEntry(name: string, entry: unknown, dataLength: number, where: string): SafetensorsTensorInfo {
  const what = `tensor ${JSON.stringify(name)}`;
  if (!isPlainObject(entry)) {
    throw new FormatError(`${what}: header entry must be an object with dtype, shape and data_offsets`, {
      where,
      expected: 'an object',
      got: show(entry),
    });
  }
  for (const field of ['dtype', 'shape', 'data_offsets']) {
    if (!Object.hasOwn(entry, field)) {
      throw new FormatError(`${what}: header entry lacks field "${field}"`, {
        where,
        expected: 'fields dtype, shape and data_offsets',
        got: show(entry),
      });
    }
  }
  const { dtype, shape: rawShape, data_offsets: offsets } = entry;
  if (typeof dtype !== 'string' || !Object.hasOwn(DTYPE_SIZE, dtype)) {
    throw new FormatError(`${what}: unsupported dtype`, { where, expected: `one of ${SUPPORTED}`, got: show(dtype) });
  }
  if (!Array.isArray(rawShape) || !rawShape.every(isIndex)) {
    throw new FormatError(`${what}: field "shape" must be an array of non-negative integers`, {
      where,
      expected: 'e.g. [2, 3], or [] for a scalar, each dimension at most 2^53 - 1',
      got: show(rawShape),
    });
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isIndex)) {
    throw new FormatError(`${what}: field "data_offsets" must be two non-negative integers [begin, end]`, {
      where,
      expected: '[begin, end], each at most 2^53 - 1',
      got: show(offsets),
    });
  }
  const shape = (rawShape as number[]).map((d) => d + 0); // -0 (valid JSON) as 0
  const begin = (offsets[0] as number) + 0;
  const end = (offsets[1] as number) + 0;
  if (begin > end) {
    throw new FormatError(`${what}: data_offsets begin exceeds end`, {
      where,
      expected: 'begin <= end',
      got: `[${begin}, ${end}]`,
    });
  }
  const size = DTYPE_SIZE[dtype as SafetensorsDType];
  // The byte size of the non-zero dimensions must be exact even when a 0 makes the tensor
  // empty: otherwise [0, 2^30, 2^30, 2^30] would pass as 0 bytes while its other dims overflow.
  let span = size;
  for (const d of shape) {
    if (d !== 0) span *= d; // exact while <= 2^53 - 1; past it, the rounded product stays past it
    if (span > Number.MAX_SAFE_INTEGER) {
      throw new FormatError(`${what}: shape ${showShape(shape)} is too large: the product of its non-zero dimensions x ${size} bytes exceeds 2^53 - 1`, {
        where,
        expected: `a ${dtype} shape of at most 2^53 - 1 bytes, counting only non-zero dimensions`,
        got: showShape(shape),
      });
    }
  }
  const count = shape.includes(0) ? 0 : span / size;
  const byteLength = count * size;
  if (byteLength !== end - begin) {
    throw new FormatError(`${what}: byte size of data_offsets does not match dtype and shape`, {
      where,
      expected: `${count} elements x ${size} bytes = ${byteLength} bytes for ${dtype} ${showShape(shape)}`,
      got: `${end - begin} bytes from data_offsets [${begin}, ${end}]`,
    });
  }
  if (end > dataLength) {
    throw new FormatError(`${what}: data_offsets run past the end of the data section`, {
      where,
      expected: `end <= ${dataLength} (data section size)`,
      got: `[${begin}, ${end}]`,
    });
  }
  return { dtype: dtype as SafetensorsDType, shape, dataOffsets: [begin, end] };
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/**
 * The first key that one object in `text` holds twice, and the path from the top level to that
 * object (`[]` for the top level itself); undefined when there is none. JSON.parse silently keeps
 * the last of repeated keys, so the header text is scanned once more for them. Keys compare
 * decoded (`"w"` and `"\u0077"` are one key). `text` must be JSON that JSON.parse accepted; the
 * scan is iterative, so nesting depth costs no stack.
 */
function findDuplicateKey(text: string): { key: string; path: (string | number)[] } | undefined {
  // One frame per open container: the keys seen so far (object) or the current index (array),
  // and the container's key or index in its parent.
  const frames: (Set<string> | number)[] = [];
  const labels: (string | number)[] = [];
  let lastKey = '';
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      let j = i + 1;
      let escaped = false;
      while (j < text.length && text.charCodeAt(j) !== QUOTE) {
        if (text.charCodeAt(j) === BACKSLASH) {
          escaped = true;
          j += 2; // the escaped character, a quote or backslash included (\uXXXX's digits follow as plain characters)
        } else j++;
      }
      if (expectKey) {
        const key = escaped ? (JSON.parse(text.slice(i, j + 1)) as string) : text.slice(i + 1, j);
        const keys = frames[frames.length - 1] as Set<string>;
        if (keys.has(key)) return { key, path: labels.slice(1) };
        keys.add(key);
        lastKey = key;
        expectKey = false;
      }
      i = j;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      const parent = frames[frames.length - 1];
      labels.push(typeof parent === 'number' ? parent : lastKey);
      frames.push(c === OPEN_BRACE ? new Set() : 0);
      expectKey = c === OPEN_BRACE;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      frames.pop();
      labels.pop();
      expectKey = false;
    } else if (c === COMMA) {
      const top = frames[frames.length - 1];
      if (typeof top === 'number') frames[frames.length - 1] = top + 1;
      else expectKey = true;
    }
  }
  return undefined;
}

/** `header["w"]["x"][0]` for error messages, the first few steps only. */
function showPath(path: readonly (string | number)[]): string {
  const steps = path.slice(0, 6).map((step) => `[${typeof step === 'number' ? step : show(step)}]`);
  return `header${steps.join('')}${path.length > 6 ? '...' : ''}`;
}

function parseHeader(bytes: Uint8Array, where: string): SafetensorsHeader {
  if (bytes.byteLength < 8) {
    throw new FormatError('file too short to hold the 8-byte header length', {
      where,
      argument: 'bytes',
      expected: 'at least 8 bytes',
      got: `${bytes.byteLength} bytes`,
    });
  }
  const n = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(MAX_HEADER_SIZE)) {
    throw new FormatError('header length exceeds MAX_HEADER_SIZE', {
      where,
      argument: 'bytes',
      expected: `at most ${MAX_HEADER_SIZE} bytes`,
      got: `${n} bytes`,
    });
  }
  const headerLength = Number(n);
  const dataStart = 8 + headerLength;
  if (dataStart > bytes.byteLength) {
    throw new FormatError('header length runs past the end of the file', {
      where,
      argument: 'bytes',
      expected: `at most ${bytes.byteLength - 8} bytes in a ${bytes.byteLength}-byte file`,
      got: `${headerLength} bytes`,
    });
  }

  let text: string;
  try {
    // A copy when the bytes are shared memory, which browsers' TextDecoder refuses.
    const raw = bytes.buffer instanceof ArrayBuffer ? bytes.subarray(8, dataStart) : bytes.slice(8, dataStart);
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(raw);
  } catch {
    throw new FormatError('header is not valid UTF-8', { where, argument: 'bytes' });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new FormatError('header is not valid JSON', {
      where,
      argument: 'bytes',
      expected: 'a JSON object',
      got: `${show(text)} (${(err as Error).message})`,
    });
  }
  if (!isPlainObject(parsed)) {
    throw new FormatError('header is not a JSON object', {
      where,
      argument: 'bytes',
      expected: 'a JSON object',
      got: parsed === null ? 'null' : Array.isArray(parsed) ? 'an array' : show(parsed),
    });
  }
  const duplicate = findDuplicateKey(text);
  if (duplicate) {
    const { key, path } = duplicate;
    throw new FormatError(`duplicate key ${show(key)} in ${path.length === 0 ? 'the header' : showPath(path)}`, {
      where,
      argument: 'bytes',
      expected: 'each key at most once per JSON object',
      got: `${show(key)} twice (JSON.parse would silently keep the last)`,
    });
  }

  const dataLength = bytes.byteLength - dataStart;
  let metadata: Record<string, string> = {};
  const entries: [string, SafetensorsTensorInfo][] = [];
  for (const name of Object.keys(parsed)) {
    if (name === METADATA_KEY) metadata = parseMetadata(parsed[name], where);
    else entries.push([name, parseEntry(name, parsed[name], dataLength, where)]);
  }

  // As Hugging Face's reader: sorted by begin, the ranges must tile the data section exactly.
  const byOffset = [...entries].sort(([, a], [, b]) => a.dataOffsets[0] - b.dataOffsets[0] || a.dataOffsets[1] - b.dataOffsets[1]);
  let cursor = 0;
  let previous: string | undefined;
  for (const [name, { dataOffsets }] of byOffset) {
    const [begin, end] = dataOffsets;
    const what = `tensor ${JSON.stringify(name)}`;
    if (begin < cursor) {
      throw new FormatError(`${what}: data_offsets overlap those of tensor ${JSON.stringify(previous)}`, {
        where,
        expected: `begin ${cursor}`,
        got: `[${begin}, ${end}]`,
      });
    }
    if (begin > cursor) {
      const after = previous === undefined ? 'the start of the data section' : `tensor ${JSON.stringify(previous)}`;
      throw new FormatError(`${what}: gap of ${begin - cursor} bytes in the data section after ${after}`, {
        where,
        expected: `begin ${cursor}`,
        got: `[${begin}, ${end}]`,
      });
    }
    cursor = end;
    previous = name;
  }
  if (cursor !== dataLength) {
    throw new FormatError(`data section has ${dataLength - cursor} trailing bytes no tensor covers`, {
      where,
      expected: `a data section of ${cursor} bytes`,
      got: `${dataLength} bytes`,
    });
  }

  // C64 becomes `<name>.real` / `<name>.imag`; those names must be free.
  const names = new Set(entries.map(([name]) => name));
  for (const [name, info] of entries) {
    if (info.dtype !== 'C64') continue;
    for (const part of [`${name}.real`, `${name}.imag`]) {
      if (names.has(part)) {
        throw new FormatError(`complex tensor ${JSON.stringify(name)} loads as ${JSON.stringify(part)}, a name the file also holds`, {
          where,
          expected: `no tensor named ${JSON.stringify(part)} beside C64 ${JSON.stringify(name)}`,
          got: 'both',
        });
      }
    }
  }

  const tensors: Record<string, SafetensorsTensorInfo> = {};
  for (const [name, info] of entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) setOwn(tensors, name, info);
  return { tensors, metadata, dataStart };
}

/**
 * Reads and validates a safetensors header without touching the tensor data.
 *
 * Checks: the file holds the 8-byte length and the header; the header is at most
 * {@link MAX_HEADER_SIZE} bytes of UTF-8 JSON forming an object, with no key twice in any one
 * object (JSON.parse would silently keep the last); each entry has a supported dtype, a shape
 * of integers in [0, 2^53 - 1] whose non-zero dimensions times the dtype size stay within
 * 2^53 - 1 bytes (a 0 dimension does not excuse an overflow), and `data_offsets` `[begin, end]`
 * with `end - begin == prod(shape) * dtype size`; the ranges, sorted, tile the data section
 * exactly; `__metadata__` is a string-to-string map; no C64 entry's `.real`/`.imag` name is taken.
 *
 * @param bytes The whole file.
 * @returns The entries (sorted by name), the metadata and the data section's absolute offset.
 * @throws FormatError naming the entry or field at fault, the expected and the given value.
 */
export function readSafetensorsHeader(bytes: Uint8Array | ArrayBuffer): SafetensorsHeader {
  const where = 'readSafetensorsHeader';
  return parseHeader(toBytes(bytes, where), where);
}

// ---------------------------------------------------------------------------------------------
// Reading the data

interface Decoded {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32' | 'bool';
  values: Float32Array | Int32Array | Uint8Array;
}

let halfToFloatBits: Uint32Array | undefined;

/** float32 bit patterns of all 65536 IEEE half-precision values (exact: every half is a float). */
function halfTable(): Uint32Array {
  if (halfToFloatBits) return halfToFloatBits;
  const table = new Uint32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const sign = (h & 0x8000) << 16;
    const exp = (h >> 10) & 0x1f;
    let mant = h & 0x3ff;
    if (exp === 0x1f)
      table[h] = sign | 0x7f800000 | (mant << 13); // Inf, NaN (payload kept)
    else if (exp !== 0)
      table[h] = sign | ((exp + 112) << 23) | (mant << 13); // rebias 15 -> 127
    else if (mant === 0)
      table[h] = sign; // +-0
    else {
      // subnormal: normalize, mant * 2^-24 = 1.f * 2^(e - 127)
      let e = 113;
      while ((mant & 0x400) === 0) {
        mant <<= 1;
        e--;
      }
      table[h] = sign | (e << 23) | ((mant & 0x3ff) << 13);
    }
  }
  halfToFloatBits = table;
  return table;
}

function outOfInt32(name: string, dtype: string, value: bigint | number, index: number, where: string): FormatError {
  return new FormatError(`tensor ${JSON.stringify(name)}: ${dtype} value ${value} at flat index ${index} does not fit the int32 tfjs holds`, {
    where,
    expected: 'values in [-2147483648, 2147483647]',
    got: `${value}`,
  });
}

/** I64 / U64 to int32, reading each value as its (lo, hi) 32-bit words. */
function int64ToInt32(name: string, raw: Uint8Array, unsigned: boolean, where: string): Int32Array {
  const words = viewLE(raw, Int32Array); // little-endian words: lo at 2i, hi at 2i + 1
  const out = new Int32Array(words.length / 2);
  for (let i = 0; i < out.length; i++) {
    const lo = words[2 * i];
    const hi = words[2 * i + 1];
    if (unsigned ? hi !== 0 || lo < 0 : hi !== lo >> 31) {
      const value = ((unsigned ? BigInt(hi >>> 0) : BigInt(hi)) << 32n) | BigInt(lo >>> 0);
      throw outOfInt32(name, unsigned ? 'U64' : 'I64', value, i, where);
    }
    out[i] = lo;
  }
  return out;
}

function decodeTensor(name: string, info: SafetensorsTensorInfo, raw: Uint8Array, where: string): Decoded[] {
  const shape = info.shape;
  const f32 = (values: Float32Array): Decoded[] => [{ name, shape, dtype: 'float32', values }];
  const i32 = (values: Int32Array): Decoded[] => [{ name, shape, dtype: 'int32', values }];
  switch (info.dtype) {
    case 'F32':
      return f32(new Float32Array(copyLE(raw, 4).buffer));
    case 'F64':
      return f32(new Float32Array(viewLE(raw, Float64Array)));
    case 'F16': {
      const halves = viewLE(raw, Uint16Array);
      const table = halfTable();
      const bits = new Uint32Array(halves.length);
      for (let i = 0; i < halves.length; i++) bits[i] = table[halves[i]];
      return f32(new Float32Array(bits.buffer));
    }
    case 'BF16': {
      const halves = viewLE(raw, Uint16Array);
      const bits = new Uint32Array(halves.length);
      for (let i = 0; i < halves.length; i++) bits[i] = halves[i] << 16;
      return f32(new Float32Array(bits.buffer));
    }
    case 'I32':
      return i32(new Int32Array(copyLE(raw, 4).buffer));
    case 'I16':
      return i32(new Int32Array(viewLE(raw, Int16Array)));
    case 'I8':
      return i32(new Int32Array(viewLE(raw, Int8Array)));
    case 'U16':
      return i32(new Int32Array(viewLE(raw, Uint16Array)));
    case 'U8':
      return i32(new Int32Array(raw));
    case 'U32': {
      const values = new Int32Array(copyLE(raw, 4).buffer); // same bits; a negative word is > int32 max
      for (let i = 0; i < values.length; i++) {
        if (values[i] < 0) throw outOfInt32(name, 'U32', values[i] >>> 0, i, where);
      }
      return i32(values);
    }
    case 'I64':
      return i32(int64ToInt32(name, raw, false, where));
    case 'U64':
      return i32(int64ToInt32(name, raw, true, where));
    case 'BOOL': {
      const values = new Uint8Array(raw.length);
      for (let i = 0; i < raw.length; i++) values[i] = raw[i] !== 0 ? 1 : 0;
      return [{ name, shape, dtype: 'bool', values }];
    }
    case 'C64': {
      // Interleaved (re, im) float32 pairs; split as 32-bit words so the bits are kept exactly.
      const words = viewLE(raw, Uint32Array);
      const re = new Uint32Array(words.length / 2);
      const im = new Uint32Array(words.length / 2);
      for (let i = 0; i < re.length; i++) {
        re[i] = words[2 * i];
        im[i] = words[2 * i + 1];
      }
      return [
        { name: `${name}.real`, shape, dtype: 'float32', values: new Float32Array(re.buffer) },
        { name: `${name}.imag`, shape, dtype: 'float32', values: new Float32Array(im.buffer) },
      ];
    }
  }
}

/**
 * Parses a safetensors file into tfjs tensors (the caller owns and disposes them).
 *
 * F32 and I32 load as is and BOOL as bool; F64, F16 and BF16 convert to float32; I64, U64, U32,
 * I16, I8, U16 and U8 convert to int32 (a value outside int32 is a FormatError naming the key);
 * a C64 tensor `w` loads as two float32 tensors `w.real` and `w.imag`. Keys come out sorted.
 * The whole file is validated (see {@link readSafetensorsHeader}) and decoded before any tensor
 * is created, so an error leaves no tensor behind. F32 data is copied bit for bit.
 *
 * @param bytes The whole file (a Node `Buffer` serves).
 * @returns Tensors by name.
 * @throws FormatError for a malformed file or an integer outside int32.
 */
export function loadSafetensors(bytes: Uint8Array | ArrayBuffer): Record<string, tf.Tensor> {
  const where = 'loadSafetensors';
  const u8 = toBytes(bytes, where);
  const header = parseHeader(u8, where);
  const decoded: Decoded[] = [];
  for (const [name, info] of Object.entries(header.tensors)) {
    const [begin, end] = info.dataOffsets;
    decoded.push(...decodeTensor(name, info, u8.subarray(header.dataStart + begin, header.dataStart + end), where));
  }
  decoded.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

  const out: Record<string, tf.Tensor> = {};
  try {
    for (const { name, shape, dtype, values } of decoded) setOwn(out, name, tf.tensor(values, shape, dtype));
  } catch (err) {
    for (const t of Object.values(out)) t.dispose();
    throw err;
  }
  return out;
}
