import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { ConfigError, FormatError } from './errors';
import { MAX_HEADER_SIZE, SAFETENSORS_DTYPES, loadSafetensors, readSafetensorsHeader, saveSafetensors } from './safetensors';
import { concat, fileFromHeaderBytes } from './safetensors_testing';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

// ---------------------------------------------------------------------------------------------
// Fixture builders, written from the spec (independent of saveSafetensors).

/** A file from a header object (JSON, space-padded to 8 unless `pad` is false) and raw data. */
function buildFile(header: unknown, data: ArrayLike<number> = [], pad = true): Uint8Array {
  let json: Uint8Array = new TextEncoder().encode(JSON.stringify(header));
  if (pad) json = concat(json, new Uint8Array((8 - (json.length % 8)) % 8).fill(0x20));
  return fileFromHeaderBytes(json, data);
}

type Setter = (view: DataView, at: number, value: never) => void;

function pack(size: number, set: Setter, values: readonly (number | bigint)[]): Uint8Array {
  const out = new Uint8Array(values.length * size);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => set(view, i * size, v as never));
  return out;
}
const f32 = (...v: number[]) => pack(4, (d, i, x: number) => d.setFloat32(i, x, true), v);
const f64 = (...v: number[]) => pack(8, (d, i, x: number) => d.setFloat64(i, x, true), v);
const u32 = (...v: number[]) => pack(4, (d, i, x: number) => d.setUint32(i, x, true), v);
const i32 = (...v: number[]) => pack(4, (d, i, x: number) => d.setInt32(i, x, true), v);
const u16 = (...v: number[]) => pack(2, (d, i, x: number) => d.setUint16(i, x, true), v);
const i16 = (...v: number[]) => pack(2, (d, i, x: number) => d.setInt16(i, x, true), v);
const i64 = (...v: bigint[]) => pack(8, (d, i, x: bigint) => d.setBigInt64(i, x, true), v);
const u64 = (...v: bigint[]) => pack(8, (d, i, x: bigint) => d.setBigUint64(i, x, true), v);

/** Float32 data as its 32-bit patterns. */
function bitsOf(values: ArrayLike<number> | Float32Array): number[] {
  const arr = values instanceof Float32Array ? values : new Float32Array(values);
  return Array.from(new Uint32Array(arr.buffer, arr.byteOffset, arr.length));
}

function disposeAll(dict: Record<string, tf.Tensor>): void {
  for (const t of Object.values(dict)) t.dispose();
}

/** Loads, checks, disposes. */
function withLoaded(bytes: Uint8Array | ArrayBuffer, check: (d: Record<string, tf.Tensor>) => void): void {
  const dict = loadSafetensors(bytes);
  try {
    check(dict);
  } finally {
    disposeAll(dict);
  }
}

/**
 * loadSafetensors (and readSafetensorsHeader, for a header fault) reject `bytes` with a
 * FormatError matching `message`, and no tensor is made.
 */
function expectFormatError(bytes: Uint8Array, message: RegExp, headerFault = true): void {
  const before = tf.memory().numTensors;
  expect(() => loadSafetensors(bytes)).toThrow(FormatError);
  expect(() => loadSafetensors(bytes)).toThrow(message);
  if (headerFault) expect(() => readSafetensorsHeader(bytes)).toThrow(message);
  expect(tf.memory().numTensors).toBe(before);
}

const entry = (dtype: string, shape: number[], begin: number, end: number) => ({
  dtype,
  shape,
  data_offsets: [begin, end],
});

// ---------------------------------------------------------------------------------------------

describe('loadSafetensors on hand-built files', () => {
  it('reads F32, I32 and BOOL with their shapes, keys sorted', () => {
    const data = concat(f32(1, -2, 3.5, 0.25, 5, 6), i32(7, -8), [1, 0, 1]);
    const file = buildFile({
      z_mask: entry('BOOL', [3], 32, 35),
      a_weight: entry('F32', [2, 3], 0, 24),
      m_index: entry('I32', [2], 24, 32),
    });
    withLoaded(concat(file, data), (d) => {
      expect(Object.keys(d)).toEqual(['a_weight', 'm_index', 'z_mask']);
      expect(d.a_weight.dtype).toBe('float32');
      expect(d.a_weight.shape).toEqual([2, 3]);
      expect(Array.from(d.a_weight.dataSync())).toEqual([1, -2, 3.5, 0.25, 5, 6]);
      expect(d.m_index.dtype).toBe('int32');
      expect(Array.from(d.m_index.dataSync())).toEqual([7, -8]);
      expect(d.z_mask.dtype).toBe('bool');
      expect(Array.from(d.z_mask.dataSync())).toEqual([1, 0, 1]);
    });
  });

  it('reads scalars and zero-size tensors', () => {
    const file = buildFile({ s: entry('F32', [], 0, 4), e: entry('F32', [0, 3], 4, 4), e0: entry('I32', [0], 0, 0) });
    withLoaded(concat(file, f32(42)), (d) => {
      expect(d.s.shape).toEqual([]);
      expect(d.s.dataSync()[0]).toBe(42);
      expect(d.e.shape).toEqual([0, 3]);
      expect(d.e0.shape).toEqual([0]);
      expect(d.e0.dtype).toBe('int32');
    });
  });

  it('converts F64 to float32', () => {
    const values = [1.5, -2.25, 1e-3, 1e300, -0];
    withLoaded(concat(buildFile({ x: entry('F64', [5], 0, 40) }), f64(...values)), (d) => {
      expect(d.x.dtype).toBe('float32');
      expect(Array.from(d.x.dataSync())).toEqual(Array.from(new Float32Array(values)));
      expect(d.x.dataSync()[3]).toBe(Infinity);
      expect(Object.is(d.x.dataSync()[4], -0)).toBe(true);
    });
  });

  it('converts F16 to float32 exactly (normals, subnormals, 65504, -0, Inf, NaN)', () => {
    const halves = [0x3c00, 0xc100, 0x7bff, 0x3555, 0x0001, 0x03ff, 0x0400, 0x8000, 0x7c00, 0xfc00, 0x7e00];
    const want = [1, -2.5, 65504, 0.333251953125, 2 ** -24, 1023 * 2 ** -24, 2 ** -14, -0, Infinity, -Infinity, NaN];
    withLoaded(concat(buildFile({ h: entry('F16', [11], 0, 22) }), u16(...halves)), (d) => {
      expect(d.h.dtype).toBe('float32');
      const got = Array.from(d.h.dataSync());
      got.forEach((v, i) => expect(Object.is(v, want[i]), `half 0x${halves[i].toString(16)}: got ${v}`).toBe(true));
    });
  });

  it('converts BF16 to float32 exactly', () => {
    const raw = [0x3f80, 0xc020, 0x4049, 0x7f80, 0x8000, 0x0001];
    withLoaded(concat(buildFile({ b: entry('BF16', [2, 3], 0, 12) }), u16(...raw)), (d) => {
      expect(d.b.dtype).toBe('float32');
      expect(d.b.shape).toEqual([2, 3]);
      expect(bitsOf(d.b.dataSync())).toEqual(raw.map((h) => (h << 16) >>> 0));
      expect(Array.from(d.b.dataSync()).slice(0, 4)).toEqual([1, -2.5, 3.140625, Infinity]);
    });
  });

  it('converts I64, U64, U32, I16, I8, U16 and U8 to int32', () => {
    const parts = [
      ['a_i64', 'I64', i64(-2147483648n, 2147483647n, 0n, -5n)],
      ['b_u64', 'U64', u64(0n, 2147483647n, 3n, 4n)],
      ['c_u32', 'U32', u32(0, 2147483647, 1, 2)],
      ['d_i16', 'I16', i16(-32768, 32767, -1, 2)],
      ['e_i8', 'I8', [0x80, 0x7f, 0xff, 2]],
      ['f_u16', 'U16', u16(65535, 0, 1, 2)],
      ['g_u8', 'U8', [255, 0, 1, 2]],
    ] as const;
    const header: Record<string, unknown> = {};
    let at = 0;
    for (const [name, dtype, bytes] of parts) {
      header[name] = entry(dtype, [2, 2], at, at + bytes.length);
      at += bytes.length;
    }
    const file = concat(buildFile(header), ...parts.map((p) => p[2]));
    withLoaded(file, (d) => {
      for (const t of Object.values(d)) expect(t.dtype).toBe('int32');
      expect(Array.from(d.a_i64.dataSync())).toEqual([-2147483648, 2147483647, 0, -5]);
      expect(Array.from(d.b_u64.dataSync())).toEqual([0, 2147483647, 3, 4]);
      expect(Array.from(d.c_u32.dataSync())).toEqual([0, 2147483647, 1, 2]);
      expect(Array.from(d.d_i16.dataSync())).toEqual([-32768, 32767, -1, 2]);
      expect(Array.from(d.e_i8.dataSync())).toEqual([-128, 127, -1, 2]);
      expect(Array.from(d.f_u16.dataSync())).toEqual([65535, 0, 1, 2]);
      expect(Array.from(d.g_u8.dataSync())).toEqual([255, 0, 1, 2]);
    });
  });

  it.each([
    ['I64 above int32', 'I64', i64(1n, 2147483648n), /tensor "w": I64 value 2147483648 at flat index 1 does not fit the int32/],
    ['I64 below int32', 'I64', i64(-2147483649n, 0n), /tensor "w": I64 value -2147483649 at flat index 0/],
    ['I64 far out', 'I64', i64(0n, -(2n ** 63n)), /I64 value -9223372036854775808/],
    ['U64 above int32', 'U64', u64(0n, 2n ** 64n - 1n), /tensor "w": U64 value 18446744073709551615/],
    ['U32 above int32', 'U32', u32(2147483648, 0), /tensor "w": U32 value 2147483648 at flat index 0/],
  ])('rejects %s naming the key, creating no tensor', (_label, dtype, bytes, message) => {
    // "a" (valid, sorted first) must not be created either.
    const size = bytes.length;
    const file = concat(buildFile({ a: entry('F32', [1], 0, 4), w: entry(dtype, [2], 4, 4 + size) }), f32(1), bytes);
    expectFormatError(file, message, false);
    // The header itself is fine: only the values are out of range.
    expect(readSafetensorsHeader(file).tensors.w.dtype).toBe(dtype);
  });

  it('splits C64 into <name>.real and <name>.imag float32 tensors', () => {
    const data = f32(1, -1, 2.5, 0, -0, 3, 4, 5e-40);
    withLoaded(concat(buildFile({ w: entry('C64', [2, 2], 0, 32) }), data), (d) => {
      expect(Object.keys(d)).toEqual(['w.imag', 'w.real']);
      expect(d['w.real'].dtype).toBe('float32');
      expect(d['w.real'].shape).toEqual([2, 2]);
      expect(bitsOf(d['w.real'].dataSync())).toEqual(bitsOf([1, 2.5, -0, 4]));
      expect(bitsOf(d['w.imag'].dataSync())).toEqual(bitsOf([-1, 0, 3, 5e-40]));
    });
  });

  it('reads unaligned data: an unpadded header, an odd byteOffset, an ArrayBuffer', () => {
    const data = concat(f64(0.5, -1.5), f32(1, 2, 3), i64(-7n), u16(0x3c00));
    const header = {
      d: entry('F64', [2], 0, 16),
      f: entry('F32', [3], 16, 28),
      h: entry('F16', [1], 36, 38),
      l: entry('I64', [1], 28, 36),
    };
    const file = concat(buildFile(header, [], false), data);
    expect((8 + new DataView(file.buffer).getUint32(0, true)) % 8).not.toBe(0);
    const check = (d: Record<string, tf.Tensor>) => {
      expect(Array.from(d.d.dataSync())).toEqual([0.5, -1.5]);
      expect(Array.from(d.f.dataSync())).toEqual([1, 2, 3]);
      expect(Array.from(d.l.dataSync())).toEqual([-7]);
      expect(Array.from(d.h.dataSync())).toEqual([1]);
    };
    withLoaded(file, check);
    const shifted = new Uint8Array(file.length + 3);
    shifted.set(file, 3);
    withLoaded(shifted.subarray(3), check);
    withLoaded(file.slice().buffer, check);
  });

  it('copies: the tensors do not alias the input bytes', () => {
    const file = concat(buildFile({ x: entry('F32', [2], 0, 8) }), f32(1, 2));
    withLoaded(file, (d) => {
      file.fill(0, file.length - 8);
      expect(Array.from(d.x.dataSync())).toEqual([1, 2]);
    });
  });

  it('reads the header alone, with metadata', () => {
    const file = concat(buildFile({ __metadata__: { format: 'pt', note: 'ü' }, b: entry('I32', [1], 4, 8), a: entry('F32', [1], 0, 4) }), f32(1), i32(2));
    const h = readSafetensorsHeader(file);
    expect(Object.keys(h.tensors)).toEqual(['a', 'b']);
    expect(h.tensors.b).toEqual({ dtype: 'I32', shape: [1], dataOffsets: [4, 8] });
    expect(h.metadata).toEqual({ format: 'pt', note: 'ü' });
    expect(h.dataStart % 8).toBe(0);
    expect(readSafetensorsHeader(file.slice().buffer).dataStart).toBe(h.dataStart);
  });
});

// ---------------------------------------------------------------------------------------------

describe('saveSafetensors', () => {
  it('writes the spec layout: u64 length, space-padded JSON, 8-aligned data in sorted key order', () => {
    const dict = {
      zeta: tf.tensor([1, 0, 1], [3], 'bool'),
      alpha: tf.tensor([[1, 2, 3]], [1, 3], 'float32'),
      mid: tf.tensor([5, -6], [2], 'int32'),
    };
    try {
      const bytes = saveSafetensors(dict, { format: 'pt' });
      const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
      expect((8 + n) % 8).toBe(0);
      const text = new TextDecoder().decode(bytes.subarray(8, 8 + n));
      expect(text).toMatch(/^\{.*\} *$/);
      const header = JSON.parse(text);
      const names = Object.keys(header).filter((k) => k !== '__metadata__');
      expect(names).toEqual(['alpha', 'mid', 'zeta']);
      expect(header.__metadata__).toEqual({ format: 'pt' });
      expect(header.alpha).toEqual({ dtype: 'F32', shape: [1, 3], data_offsets: [0, 12] });
      expect(header.mid).toEqual({ dtype: 'I32', shape: [2], data_offsets: [12, 20] });
      expect(header.zeta).toEqual({ dtype: 'BOOL', shape: [3], data_offsets: [20, 23] });
      expect(bytes.length).toBe(8 + n + 23);
      expect(Array.from(bytes.subarray(8 + n))).toEqual(Array.from(concat(f32(1, 2, 3), i32(5, -6), [1, 0, 1])));
      // The inputs are only read.
      for (const t of Object.values(dict)) expect(t.isDisposed).toBe(false);
    } finally {
      disposeAll(dict);
    }
  });

  it('pads for every header length so data starts 8-aligned', () => {
    const t = tf.scalar(1);
    try {
      for (let len = 1; len <= 9; len++) {
        const bytes = saveSafetensors({ ['k'.repeat(len)]: t });
        expect(bytes.length % 8).toBe(4);
        withLoaded(bytes, (d) => {
          expect(readSafetensorsHeader(bytes).dataStart % 8).toBe(0);
          expect(Object.keys(d)).toEqual(['k'.repeat(len)]);
        });
      }
    } finally {
      t.dispose();
    }
  });

  it('round-trips bit-exactly: -0, NaN payloads, +-Infinity, denormals, int32 extremes, bool', () => {
    const bits = [
      0x00000000, 0x80000000, 0x7fc00000, 0x7fc00001, 0xffc12345, 0x7fbfffff, 0x7f800001, 0x7f800000, 0xff800000, 0x00000001, 0x807fffff, 0x00400000,
      0x7f7fffff, 0x3f800000,
    ];
    const floats = new Float32Array(new Uint32Array(bits).buffer);
    const dict = {
      f: tf.tensor(floats, [2, 7], 'float32'),
      i: tf.tensor([-2147483648, 2147483647, 0, -1], [4], 'int32'),
      b: tf.tensor([true, false, true], [3], 'bool'),
      s: tf.scalar(-0),
      e: tf.zeros([2, 0]),
    };
    try {
      expect(bitsOf(dict.f.dataSync())).toEqual(bits); // tfjs itself keeps the bits
      withLoaded(saveSafetensors(dict), (d) => {
        expect(Object.keys(d)).toEqual(['b', 'e', 'f', 'i', 's']);
        expect(bitsOf(d.f.dataSync())).toEqual(bits);
        expect(d.f.shape).toEqual([2, 7]);
        expect(Array.from(d.i.dataSync())).toEqual([-2147483648, 2147483647, 0, -1]);
        expect(d.b.dtype).toBe('bool');
        expect(Array.from(d.b.dataSync())).toEqual([1, 0, 1]);
        expect(Object.is(d.s.dataSync()[0], -0)).toBe(true);
        expect(d.s.shape).toEqual([]);
        expect(d.e.shape).toEqual([2, 0]);
      });
    } finally {
      disposeAll(dict);
    }
  });

  it('round-trips metadata, and an empty dict', () => {
    const meta = { format: 'pt', 'basiskit.version': '0.1.0', empty: '' };
    const bytes = saveSafetensors({}, meta);
    expect(readSafetensorsHeader(bytes).metadata).toEqual(meta);
    withLoaded(bytes, (d) => expect(d).toEqual({}));
    expect(readSafetensorsHeader(saveSafetensors({})).metadata).toEqual({});
  });

  it('keeps odd names, including __proto__, as own keys', () => {
    const t = tf.scalar(3);
    try {
      const dict: Record<string, tf.Tensor> = {};
      Object.defineProperty(dict, '__proto__', { value: t, enumerable: true });
      dict['layers.0.wëight'] = t;
      withLoaded(saveSafetensors(dict), (d) => {
        expect(Object.keys(d).sort()).toEqual(['__proto__', 'layers.0.wëight']);
        expect(Object.getPrototypeOf(d)).toBe(Object.prototype);
      });
    } finally {
      t.dispose();
    }
  });

  it('rejects complex64, telling the user to store <name>.real / <name>.imag', () => {
    const c = tf.complex([1, 2], [3, 4]);
    try {
      expect(() => saveSafetensors({ w: c })).toThrow(ConfigError);
      expect(() => saveSafetensors({ w: c })).toThrow(/tensor "w" is complex64.*"w\.real" and "w\.imag"/);
    } finally {
      c.dispose();
    }
  });

  it('rejects string tensors, non-tensors, disposed tensors, the __metadata__ name and bad metadata', () => {
    const s = tf.tensor(['a', 'b']);
    const t = tf.scalar(1);
    const gone = tf.scalar(2);
    gone.dispose();
    try {
      expect(() => saveSafetensors({ s })).toThrow(/tensor "s" has a dtype safetensors cannot hold.*got string/);
      expect(() => saveSafetensors({ x: [1, 2] as unknown as tf.Tensor })).toThrow(/entry "x" is not a tensor/);
      expect(() => saveSafetensors({ g: gone })).toThrow(/tensor "g" is disposed/);
      expect(() => saveSafetensors({ __metadata__: t })).toThrow(/reserved for the metadata/);
      expect(() => saveSafetensors({ t }, { n: 1 as unknown as string })).toThrow(/metadata value for key "n" is not a string/);
      expect(() => saveSafetensors({ t }, { n: 1 as unknown as string })).toThrow(ConfigError);
    } finally {
      s.dispose();
      t.dispose();
    }
  });
});

// ---------------------------------------------------------------------------------------------

describe('malformed files: a FormatError naming the fault, and no tensor', () => {
  const ok = entry('F32', [2], 0, 8);
  const data8 = f32(1, 2);
  const cases: [string, () => Uint8Array, RegExp][] = [
    ['shorter than 8 bytes', () => new Uint8Array(5), /too short.*expected at least 8 bytes, got 5 bytes/],
    [
      'header length past the end of the file',
      () => fileFromHeaderBytes(new TextEncoder().encode('{}      '), [], 100n),
      /header length runs past the end of the file.*got 100 bytes/,
    ],
    [
      'header length over MAX_HEADER_SIZE',
      () => fileFromHeaderBytes(new TextEncoder().encode('{}      '), [], BigInt(MAX_HEADER_SIZE) + 1n),
      /header length exceeds MAX_HEADER_SIZE.*expected at most 100000000 bytes, got 100000001 bytes/,
    ],
    [
      'header length near 2^64',
      () => fileFromHeaderBytes(new TextEncoder().encode('{}      '), [], 2n ** 64n - 1n),
      /exceeds MAX_HEADER_SIZE.*got 18446744073709551615 bytes/,
    ],
    ['header not UTF-8', () => fileFromHeaderBytes(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])), /header is not valid UTF-8/],
    ['header not JSON', () => fileFromHeaderBytes(new TextEncoder().encode('{"a": ')), /header is not valid JSON/],
    ['header a JSON array', () => buildFile([1, 2]), /header is not a JSON object.*got an array/],
    ['header JSON null', () => buildFile(null), /header is not a JSON object.*got null/],
    ['entry not an object', () => buildFile({ w: 5 }), /tensor "w": header entry must be an object/],
    ['entry missing dtype', () => concat(buildFile({ w: { shape: [2], data_offsets: [0, 8] } }), data8), /tensor "w": header entry lacks field "dtype"/],
    ['entry missing shape', () => concat(buildFile({ w: { dtype: 'F32', data_offsets: [0, 8] } }), data8), /tensor "w": header entry lacks field "shape"/],
    ['entry missing data_offsets', () => concat(buildFile({ w: { dtype: 'F32', shape: [2] } }), data8), /tensor "w": header entry lacks field "data_offsets"/],
    ['dtype not a string', () => concat(buildFile({ w: { ...ok, dtype: 4 } }), data8), /tensor "w": unsupported dtype.*got 4/],
    [
      'unknown dtype',
      () => concat(buildFile({ w: { ...ok, dtype: 'F8_E4M3' } }), data8),
      new RegExp(`tensor "w": unsupported dtype \\(expected one of ${SAFETENSORS_DTYPES.join(', ')}, got "F8_E4M3"\\)`),
    ],
    ['lower-case dtype', () => concat(buildFile({ w: { ...ok, dtype: 'f32' } }), data8), /unsupported dtype.*got "f32"/],
    [
      'shape not an array',
      () => concat(buildFile({ w: { ...ok, shape: '2' } }), data8),
      /tensor "w": field "shape" must be an array of non-negative integers.*got "2"/,
    ],
    ['negative shape', () => concat(buildFile({ w: { ...ok, shape: [-2] } }), data8), /tensor "w": field "shape".*got \[-2\]/],
    ['fractional shape', () => concat(buildFile({ w: { ...ok, shape: [1.5] } }), data8), /tensor "w": field "shape".*got \[1\.5\]/],
    [
      'offsets of length 1',
      () => concat(buildFile({ w: { ...ok, data_offsets: [8] } }), data8),
      /tensor "w": field "data_offsets" must be two non-negative integers.*got \[8\]/,
    ],
    ['offsets as strings', () => concat(buildFile({ w: { ...ok, data_offsets: ['0', '8'] } }), data8), /tensor "w": field "data_offsets".*got \["0","8"\]/],
    ['negative offset', () => concat(buildFile({ w: { ...ok, data_offsets: [-8, 0] } }), data8), /tensor "w": field "data_offsets".*got \[-8,0\]/],
    ['begin after end', () => concat(buildFile({ w: entry('F32', [0], 8, 0) }), data8), /tensor "w": data_offsets begin exceeds end.*got \[8, 0\]/],
    [
      'byte size not prod(shape) * dtype size',
      () => concat(buildFile({ w: entry('F32', [3], 0, 8) }), data8),
      /tensor "w": byte size .* does not match.*expected 3 elements x 4 bytes = 12 bytes for F32 \[3\], got 8 bytes/,
    ],
    [
      'offsets beyond the data section',
      () => concat(buildFile({ w: entry('F32', [4], 0, 16) }), data8),
      /tensor "w": data_offsets run past the end of the data section.*expected end <= 8/,
    ],
    [
      'overlapping ranges',
      () => concat(buildFile({ a: entry('F32', [2], 0, 8), b: entry('F32', [1], 4, 8) }), data8),
      /tensor "b": data_offsets overlap those of tensor "a".*expected begin 8, got \[4, 8\]/,
    ],
    [
      'a gap at the start',
      () => concat(buildFile({ a: entry('F32', [1], 4, 8) }), data8),
      /tensor "a": gap of 4 bytes in the data section after the start.*expected begin 0/,
    ],
    [
      'a gap between tensors',
      () => concat(buildFile({ a: entry('F32', [1], 0, 4), b: entry('F32', [1], 8, 12) }), f32(1, 2, 3)),
      /tensor "b": gap of 4 bytes in the data section after tensor "a"/,
    ],
    [
      'trailing bytes no tensor covers',
      () => concat(buildFile({ a: entry('F32', [1], 0, 4) }), data8),
      /data section has 4 trailing bytes no tensor covers.*expected a data section of 4 bytes, got 8 bytes/,
    ],
    ['__metadata__ not a map', () => buildFile({ __metadata__: ['x'] }), /"__metadata__" must be a string-to-string map.*got \["x"\]/],
    ['__metadata__ with a non-string value', () => buildFile({ __metadata__: { epoch: 3 } }), /"__metadata__": value for key "epoch" is not a string.*got 3/],
    [
      'a C64 name clash',
      () => concat(buildFile({ w: entry('C64', [1], 0, 8), 'w.real': entry('F32', [2], 8, 16) }), data8, data8),
      /complex tensor "w" loads as "w\.real", a name the file also holds/,
    ],
  ];

  it.each(cases)('%s', (_name, build, message) => {
    expectFormatError(build(), message);
  });

  // A zero dimension makes the element count 0, but the other dimensions' product must still be
  // a byte size a JS number holds exactly: the 0 must not hide the overflow.
  it.each([
    ['[0, 2^30, 2^30, 2^30]', [0, 2 ** 30, 2 ** 30, 2 ** 30]],
    ['[2^30, 2^30, 2^30, 0]', [2 ** 30, 2 ** 30, 2 ** 30, 0]],
    ['[2^51, 0, 2] (bytes overflow though elements do not)', [2 ** 51, 0, 2]],
  ])('rejects the overflowing shape %s though a dimension is 0', (_label, shape) => {
    expectFormatError(
      concat(buildFile({ w: entry('F32', shape, 0, 0) })),
      /tensor "w": shape .* is too large: the product of its non-zero dimensions x 4 bytes exceeds 2\^53 - 1/,
    );
  });

  it('rejects dimensions past 2^53 - 1, with or without a 0 beside them', () => {
    const shape = [0, 2 ** 60, 2 ** 60];
    expectFormatError(
      concat(buildFile({ w: entry('F32', shape, 0, 0) })),
      /tensor "w": field "shape" must be an array of non-negative integers.*at most 2\^53 - 1.*got \[0,1152921504606847000,/,
    );
  });

  it('accepts zero-size tensors whose other dimensions are large but safe', () => {
    withLoaded(buildFile({ w: entry('F64', [2 ** 20, 0, 2 ** 29], 0, 0) }), (d) => {
      expect(d.w.shape).toEqual([2 ** 20, 0, 2 ** 29]);
      expect(d.w.size).toBe(0);
    });
  });

  /** A file from header text as written (so it can hold a key twice) and data. */
  const rawFile = (text: string, data: ArrayLike<number> = []) => fileFromHeaderBytes(new TextEncoder().encode(text), data);
  const w = '{"dtype":"F32","shape":[2],"data_offsets":[0,8]}';
  const v = '{"dtype":"F32","shape":[2],"data_offsets":[8,16]}';
  it.each([
    ['a tensor name', `{"w":${w},"w":${v}}`, /duplicate key "w" in the header \(/],
    ['a tensor name, escaped differently', `{"w":${w},"\\u0077":${v}}`, /duplicate key "w" in the header/],
    ['a tensor name with escapes', `{"a\\"b\\\\":${w},"a\\u0022b\\\\":${v}}`, /duplicate key "a\\"b\\\\" in the header/],
    ['__metadata__', `{"__metadata__":{"a":"1"},"w":${w},"__metadata__":{}}`, /duplicate key "__metadata__" in the header/],
    ['a field of an entry', `{"w":{"dtype":"F32","shape":[2],"dtype":"I32","data_offsets":[0,8]}}`, /duplicate key "dtype" in header\["w"\]/],
    ['a metadata key', `{"__metadata__":{"k":"1","k":"2"},"w":${w}}`, /duplicate key "k" in header\["__metadata__"\]/],
    [
      'a key in an ignored field',
      `{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8],"x":[{},{"q":1,"q":2}]}}`,
      /duplicate key "q" in header\["w"\]\["x"\]\[1\]/,
    ],
  ])('rejects the header with %s twice (JSON.parse would keep the last)', (_label, text, message) => {
    expectFormatError(rawFile(text, concat(data8, data8)), message);
  });

  it('tells keys from values and strings with escapes when looking for duplicates', () => {
    const text =
      `{"__metadata__":{"k":"w","w":"\\",\\"w\\":","x\\\\":"{\\"k\\":1}"},` +
      `"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8],"extra":["w","w",{"w":"w"}]}}`;
    const file = rawFile(text, data8);
    expect(readSafetensorsHeader(file).metadata).toEqual({ k: 'w', w: '","w":', 'x\\': '{"k":1}' });
    withLoaded(file, (d) => expect(Object.keys(d)).toEqual(['w']));
  });

  it('describes deeply nested or huge header values without overflowing the stack', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    expectFormatError(rawFile(`{"w":{"dtype":"F32","shape":${deep},"data_offsets":[0,8]}}`, data8), /tensor "w": field "shape" must be an array.*got \[\[\[/);
    const long = `[${new Array(100_000).fill(-1).join(',')}]`;
    const bytes = rawFile(`{"w":{"dtype":"F32","shape":${long},"data_offsets":[0,8]}}`, data8);
    expect(() => loadSafetensors(bytes)).toThrow(/got \[-1,-1,.*\.\.\.\)$/);
    const notJson = rawFile(`{"w": ${'x'.repeat(1_000_000)}`);
    expect(() => loadSafetensors(notJson)).toThrow(/header is not valid JSON/);
  });

  it('reads shape and offset -0 as 0', () => {
    const file = rawFile('{"w":{"dtype":"F32","shape":[-0],"data_offsets":[-0,-0]}}');
    const h = readSafetensorsHeader(file);
    expect(Object.is(h.tensors.w.shape[0], 0)).toBe(true);
    expect(Object.is(h.tensors.w.dataOffsets[0], 0)).toBe(true);
    withLoaded(file, (d) => expect(Object.is(d.w.shape[0], 0)).toBe(true));
  });

  it('rejects what is not bytes with a ConfigError', () => {
    expect(() => loadSafetensors('abc' as unknown as Uint8Array)).toThrow(ConfigError);
    expect(() => readSafetensorsHeader(null as unknown as Uint8Array)).toThrow(/expected a Uint8Array or ArrayBuffer, got null/);
  });
});
