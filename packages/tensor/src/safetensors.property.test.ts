// Property-based tests of the safetensors reader (fast-check, fixed seeds):
//   - round trips: random tensor dicts through saveSafetensors -> loadSafetensors, and random
//     valid files of every dtype (built here from the spec) against a reference decoder;
//   - hostile bytes: random bytes, random JSON headers, and valid files mutated in their bytes,
//     length prefix and header fields. The reader must return a correct result or throw a
//     FormatError naming where; never another error, and never a leaked tensor.
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { BasiskitError, FormatError } from './errors';
import {
  DTYPE_SIZE,
  SAFETENSORS_DTYPES,
  loadSafetensors,
  readSafetensorsHeader,
  saveSafetensors,
  type SafetensorsDType,
  type SafetensorsTensorInfo,
} from './safetensors';
import { concat, fileFromHeaderBytes } from './safetensors_testing';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const SEED = 20_240_611;
/**
 * fast-check settings: fixed seed, modest run count (each property takes well under 2 s), and
 * a time limit so shrinking a failure reports within the test timeout.
 */
const runs = (numRuns: number) => ({ seed: SEED, numRuns, interruptAfterTimeLimit: 10_000 });

// ---------------------------------------------------------------------------------------------
// Files, built from the spec (independent of saveSafetensors)

const utf8 = (text: string) => new TextEncoder().encode(text);

/**
 * A JSON string literal for `key`, each UTF-16 unit escaped as `\uXXXX` where `escape(i)` says
 * so, else written as JSON.stringify writes it: many spellings of one key.
 */
function keyText(key: string, escape: (i: number) => boolean = () => false): string {
  let out = '"';
  for (let i = 0; i < key.length; i++) {
    out += escape(i) ? `\\u${key.charCodeAt(i).toString(16).padStart(4, '0')}` : JSON.stringify(key[i]).slice(1, -1);
  }
  return `${out}"`;
}

/** `{k: v, ...}` from key and value texts, as given: keys may repeat. */
const objectText = (pairs: readonly (readonly [string, string])[]) => `{${pairs.map(([k, v]) => `${k}:${v}`).join(',')}}`;

// ---------------------------------------------------------------------------------------------
// A reference decoder and the checks on a result

/** Half-precision bits as a number, from the IEEE 754 definition. */
function halfValue(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0x1f) return mant ? NaN : sign * Infinity;
  if (exp === 0) return sign * mant * 2 ** -24;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

/** The tensors a file entry loads as: name, tfjs dtype, values (int range not yet checked). */
function reference(name: string, info: SafetensorsTensorInfo, data: DataView): [string, string, number[]][] {
  const n = (info.dataOffsets[1] - info.dataOffsets[0]) / DTYPE_SIZE[info.dtype];
  const at = (i: number) => info.dataOffsets[0] + i * DTYPE_SIZE[info.dtype];
  const values = (read: (o: number) => number) => Array.from({ length: n }, (_, i) => read(at(i)));
  const bitsAsFloat = (bits: number) => new Float32Array(new Uint32Array([bits]).buffer)[0];
  switch (info.dtype) {
    case 'F32':
      return [[name, 'float32', values((o) => data.getFloat32(o, true))]];
    case 'F64':
      return [[name, 'float32', values((o) => Math.fround(data.getFloat64(o, true)))]];
    case 'F16':
      return [[name, 'float32', values((o) => halfValue(data.getUint16(o, true)))]];
    case 'BF16':
      return [[name, 'float32', values((o) => bitsAsFloat(data.getUint16(o, true) << 16))]];
    case 'C64':
      return [
        [`${name}.real`, 'float32', values((o) => data.getFloat32(o, true))],
        [`${name}.imag`, 'float32', values((o) => data.getFloat32(o + 4, true))],
      ];
    case 'BOOL':
      return [[name, 'bool', values((o) => (data.getUint8(o) ? 1 : 0))]];
    case 'I64':
      return [[name, 'int32', values((o) => Number(data.getBigInt64(o, true)))]];
    case 'U64':
      return [[name, 'int32', values((o) => Number(data.getBigUint64(o, true)))]];
    case 'I32':
      return [[name, 'int32', values((o) => data.getInt32(o, true))]];
    case 'U32':
      return [[name, 'int32', values((o) => data.getUint32(o, true))]];
    case 'I16':
      return [[name, 'int32', values((o) => data.getInt16(o, true))]];
    case 'U16':
      return [[name, 'int32', values((o) => data.getUint16(o, true))]];
    case 'I8':
      return [[name, 'int32', values((o) => data.getInt8(o))]];
    case 'U8':
      return [[name, 'int32', values((o) => data.getUint8(o))]];
  }
}

/**
 * Keys some object in `text` (valid JSON) holds twice: a small recursive-descent reader, written
 * apart from the module's scanner. JSON.parse keeps only the last of repeated keys.
 */
function duplicateKeysIn(text: string): string[] {
  const dups: string[] = [];
  let i = 0;
  const skip = () => {
    while (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r') i++;
  };
  const token = (re: RegExp): string => {
    re.lastIndex = i;
    const m = re.exec(text);
    if (!m) throw new Error(`test JSON reader: no ${re} at ${i}`);
    i = re.lastIndex;
    return m[0];
  };
  const value = (): void => {
    skip();
    const open = text[i];
    if (open === '{' || open === '[') {
      i++;
      const keys = new Set<string>();
      skip();
      if (text[i] === (open === '{' ? '}' : ']')) {
        i++;
        return;
      }
      for (;;) {
        if (open === '{') {
          skip();
          const key = JSON.parse(token(/"(?:[^"\\]|\\.)*"/y)) as string;
          if (keys.has(key)) dups.push(key);
          keys.add(key);
          skip();
          token(/:/y);
        }
        value();
        skip();
        if (token(/[,}\]]/y) !== ',') return;
      }
    }
    token(/"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null/y);
  };
  value();
  return dups;
}

const sameNumber = (a: number, b: number) => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));

/**
 * Checks a header the reader accepted against the spec, independently of the reader: its JSON
 * (as JSON.parse reads it) says the same, sizes match dtype and shape, and the ranges tile the
 * data section exactly.
 */
function checkAcceptedHeader(bytes: Uint8Array): ReturnType<typeof readSafetensorsHeader> {
  const header = readSafetensorsHeader(bytes); // must agree with loadSafetensors: accepted
  const length = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  expect(header.dataStart).toBe(8 + length);
  const text = new TextDecoder().decode(bytes.subarray(8, 8 + length));
  expect(duplicateKeysIn(text), 'keys JSON.parse would silently merge').toEqual([]);
  const json = JSON.parse(text) as Record<string, unknown>;
  const names = Object.keys(json).filter((k) => k !== '__metadata__');
  expect(Object.keys(header.tensors).sort()).toEqual(names.sort());
  const meta = (json.__metadata__ ?? {}) as Record<string, unknown>;
  expect(header.metadata).toEqual(meta);
  for (const v of Object.values(meta)) expect(typeof v).toBe('string');
  const ranges: [number, number][] = [];
  for (const name of names) {
    const raw = json[name] as { dtype: string; shape: number[]; data_offsets: [number, number] };
    const info = header.tensors[name];
    expect(info).toEqual({ dtype: raw.dtype, shape: raw.shape.map((d) => d + 0), dataOffsets: raw.data_offsets.map((d) => d + 0) });
    const count = info.shape.reduce((a, b) => a * b, 1);
    // Even with a 0 among them, the other dims' byte size is one a JS number holds exactly.
    const span = info.shape.reduce((a, b) => (b === 0 ? a : a * b), DTYPE_SIZE[info.dtype]);
    expect(span, `${name}: shape ${JSON.stringify(info.shape)} overflows`).toBeLessThanOrEqual(Number.MAX_SAFE_INTEGER);
    expect(info.dataOffsets[1] - info.dataOffsets[0]).toBe(count * DTYPE_SIZE[info.dtype]);
    ranges.push(info.dataOffsets);
  }
  ranges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let cursor = 0;
  for (const [begin, end] of ranges) {
    expect(begin).toBe(cursor);
    cursor = end;
  }
  expect(cursor).toBe(bytes.length - header.dataStart);
  return header;
}

/** A loaded dict is what the reference decoder reads from the same file. */
function checkLoaded(bytes: Uint8Array, dict: Record<string, tf.Tensor>): void {
  const header = checkAcceptedHeader(bytes);
  const data = new DataView(bytes.buffer, bytes.byteOffset + header.dataStart, bytes.length - header.dataStart);
  const want = Object.entries(header.tensors).flatMap(([name, info]) => reference(name, info, data));
  expect(Object.keys(dict).sort()).toEqual(want.map(([name]) => name).sort());
  for (const [name, dtype, values] of want) {
    const t = dict[name];
    expect(t.dtype).toBe(dtype);
    if (dtype === 'int32') for (const v of values) expect(v === (v | 0), `${name}: ${v} loaded outside int32`).toBe(true);
    const got = Array.from(t.dataSync());
    expect(got.length).toBe(values.length);
    got.forEach((v, i) => expect(sameNumber(v, values[i]), `${name}[${i}]: got ${v}, want ${values[i]}`).toBe(true));
  }
  for (const [name, info] of Object.entries(header.tensors)) {
    for (const out of info.dtype === 'C64' ? [`${name}.real`, `${name}.imag`] : [name]) {
      expect(dict[out].shape).toEqual(info.shape);
    }
  }
}

/** An error from the reader: a FormatError naming where, what was expected and what came. */
function checkError(err: unknown, where: string): void {
  if (!(err instanceof FormatError)) throw err; // a raw TypeError/RangeError shows as itself
  expect(err).toBeInstanceOf(BasiskitError);
  expect(err.where).toBe(where);
  expect(err.message.startsWith(`${where}: `)).toBe(true);
}

/**
 * Reads `bytes` both ways. Either both readers fail with a FormatError (or only the values
 * are bad, found by loadSafetensors alone), or the result is what the file holds. No tensor
 * outlives the call. Returns whether loadSafetensors accepted the file.
 */
function readChecked(bytes: Uint8Array): boolean {
  const before = tf.memory().numTensors;
  let headerOk = true;
  try {
    readSafetensorsHeader(bytes);
  } catch (err) {
    checkError(err, 'readSafetensorsHeader');
    headerOk = false;
  }
  let dict: Record<string, tf.Tensor> | undefined;
  try {
    dict = loadSafetensors(bytes);
  } catch (err) {
    checkError(err, 'loadSafetensors');
    // A header fault fails both readers; with a sound header only an int out of range may fail.
    if (headerOk) expect((err as Error).message).toMatch(/does not fit the int32 tfjs holds/);
  }
  expect(tf.memory().numTensors - before).toBe(dict ? Object.keys(dict).length : 0);
  if (!dict) return false;
  try {
    expect(headerOk).toBe(true);
    checkLoaded(bytes, dict);
  } finally {
    for (const t of Object.values(dict)) t.dispose();
  }
  expect(tf.memory().numTensors).toBe(before);
  return true;
}

// ---------------------------------------------------------------------------------------------
// Arbitraries

/** Names: a small alphabet heavy in JSON's own characters (so escapes and clashes are common), any code point, lone surrogates. */
const nameArb = fc
  .string({
    unit: fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom('a', 'b', 'w', '.', '0', '"', '\\', '/', '{', '}', ',', ':', '[', ']', ' ', '\n') },
      { weight: 3, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
      { weight: 1, arbitrary: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)) },
    ),
    maxLength: 8,
  })
  .filter((name) => name !== '__metadata__');

const shapeArb = fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 4 });
const sizeOf = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

interface Spec {
  name: string;
  dtype: SafetensorsDType;
  shape: number[];
  data: Uint8Array;
}

/** Keeps integer data inside int32, so a valid file also loads (mutations may undo this). */
function intoInt32(dtype: SafetensorsDType, data: Uint8Array): Uint8Array {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  for (let o = 0; o < data.length; o += DTYPE_SIZE[dtype]) {
    if (dtype === 'U32') view.setUint32(o, view.getUint32(o, true) & 0x7fffffff, true);
    if (dtype === 'I64') view.setInt32(o + 4, view.getInt32(o, true) >> 31, true);
    if (dtype === 'U64') view.setUint32(o, view.getUint32(o, true) & 0x7fffffff, true);
    if (dtype === 'U64') view.setUint32(o + 4, 0, true);
  }
  return data;
}

/** Entries of every dtype with random shapes (0-sized dims included) and random data. */
const specsArb: fc.Arbitrary<Spec[]> = fc
  .uniqueArray(fc.record({ name: nameArb, dtype: fc.constantFrom(...SAFETENSORS_DTYPES), shape: shapeArb }), {
    selector: (s) => s.name,
    maxLength: 5,
  })
  .filter((specs) => {
    // A C64 `w` loads as `w.real` / `w.imag`: keep those names free.
    const names = new Set(specs.map((s) => s.name));
    return specs.every((s) => s.dtype !== 'C64' || (!names.has(`${s.name}.real`) && !names.has(`${s.name}.imag`)));
  })
  .chain((specs) =>
    fc.tuple(
      ...specs.map((s) => {
        const n = sizeOf(s.shape) * DTYPE_SIZE[s.dtype];
        return fc.uint8Array({ minLength: n, maxLength: n }).map((data) => ({ ...s, data: intoInt32(s.dtype, data) }));
      }),
    ),
  );

const metadataArb = fc.option(fc.uniqueArray(fc.tuple(nameArb, fc.string({ unit: 'binary', maxLength: 8 })), { selector: ([k]) => k, maxLength: 3 }), {
  nil: undefined,
});

/** Header pairs (key text, value text) and data for specs laid out in `order`. */
function layout(specs: readonly Spec[], order: readonly number[]): { pairs: [string, string][]; data: Uint8Array } {
  const offsets = new Map<number, [number, number]>();
  let at = 0;
  for (const i of order) {
    offsets.set(i, [at, at + specs[i].data.length]);
    at += specs[i].data.length;
  }
  const pairs = specs.map((s, i): [string, string] => [
    keyText(s.name),
    objectText([
      ['"dtype"', JSON.stringify(s.dtype)],
      ['"shape"', JSON.stringify(s.shape)],
      ['"data_offsets"', JSON.stringify(offsets.get(i))],
    ]),
  ]);
  return { pairs, data: concat(...order.map((i) => specs[i].data)) };
}

/** A valid file: specs, a data order other than key order, optional metadata, optional padding. */
const validFileArb = fc
  .record({
    specs: specsArb,
    seed: fc.nat(),
    meta: metadataArb,
    pad: fc.nat({ max: 9 }),
  })
  .map(({ specs, seed, meta, pad }) => {
    const order = specs.map((_, i) => i).sort((a, b) => ((a * 7919 + seed) % 101) - ((b * 7919 + seed) % 101) || a - b);
    const { pairs, data } = layout(specs, order);
    if (meta) pairs.unshift(['"__metadata__"', objectText(meta.map(([k, v]) => [keyText(k), JSON.stringify(v)]))]);
    return { specs, meta, pairs, data, pad };
  });

const build = (pairs: readonly (readonly [string, string])[], data: Uint8Array, pad = 0) =>
  fileFromHeaderBytes(utf8(objectText(pairs) + ' '.repeat(pad)), data);

// ---------------------------------------------------------------------------------------------

describe('safetensors round trips (property)', () => {
  it('saveSafetensors -> loadSafetensors gives back every tensor: dtype, shape and bits', () => {
    const dictArb = fc
      .uniqueArray(fc.record({ name: nameArb, dtype: fc.constantFrom('float32', 'int32', 'bool'), shape: shapeArb }), {
        selector: (s) => s.name,
        maxLength: 6,
      })
      .chain((specs) =>
        fc.tuple(
          ...specs.map((s) =>
            fc
              .array(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), { minLength: sizeOf(s.shape), maxLength: sizeOf(s.shape) })
              .map((words) => ({ ...s, words })),
          ),
        ),
      );
    fc.assert(
      fc.property(dictArb, metadataArb, (specs, meta) => {
        const before = tf.memory().numTensors;
        const dict: Record<string, tf.Tensor> = {};
        const metadata: Record<string, string> = {};
        for (const [k, v] of meta ?? []) Object.defineProperty(metadata, k, { value: v, enumerable: true });
        try {
          for (const { name, dtype, shape, words } of specs) {
            const values =
              dtype === 'float32'
                ? new Float32Array(new Int32Array(words).buffer) // every bit pattern: NaN payloads, -0, subnormals
                : dtype === 'int32'
                  ? new Int32Array(words)
                  : new Uint8Array(words.map((w) => w & 1));
            Object.defineProperty(dict, name, { value: tf.tensor(values, shape, dtype), enumerable: true });
          }
          const bytes = saveSafetensors(dict, meta ? metadata : undefined);
          expect(readSafetensorsHeader(bytes).metadata).toEqual(metadata);
          const loaded = loadSafetensors(bytes);
          try {
            expect(Object.keys(loaded).sort()).toEqual(specs.map((s) => s.name).sort());
            for (const { name, dtype, shape, words } of specs) {
              const t = loaded[name];
              expect(t.dtype).toBe(dtype);
              expect(t.shape).toEqual(shape);
              const got = t.dataSync();
              const bits = dtype === 'float32' ? Array.from(new Int32Array((got as Float32Array).slice().buffer)) : Array.from(got);
              expect(bits).toEqual(dtype === 'bool' ? words.map((w) => w & 1) : words);
            }
          } finally {
            for (const t of Object.values(loaded)) t.dispose();
          }
        } finally {
          for (const t of Object.values(dict)) t.dispose();
        }
        expect(tf.memory().numTensors).toBe(before);
      }),
      runs(300),
    );
  });

  it('valid files of every dtype (written from the spec) load as the reference decoder reads them', () => {
    fc.assert(
      fc.property(validFileArb, ({ pairs, data, pad }) => {
        expect(readChecked(build(pairs, data, pad))).toBe(true);
      }),
      runs(300),
    );
  });
});

// ---------------------------------------------------------------------------------------------

/** Shapes with a 0 beside dims whose product overflows, or nearly does. */
const zeroShapeArb = fc
  .tuple(fc.array(fc.constantFrom(1, 2, 3, 2 ** 20, 2 ** 26, 2 ** 30, 2 ** 31, 2 ** 49, 2 ** 52, 2 ** 53 - 1), { minLength: 1, maxLength: 4 }), fc.nat())
  .map(([dims, at]) => {
    dims.splice(at % (dims.length + 1), 0, 0);
    return JSON.stringify(dims);
  });

/** 100 000 nested arrays: JSON.parse reads them; a recursive describer would overflow the stack. */
const DEEP = '['.repeat(100_000) + ']'.repeat(100_000);

/** JSON texts that are wrong, or nearly right, for a shape, a dtype or data_offsets. */
const oddValueArb = fc.oneof(
  zeroShapeArb,
  fc.constantFrom(
    '[-0]',
    '[1e400]',
    '[1.0]',
    '[2e0]',
    '[0.5]',
    '[-1]',
    '[9007199254740993]',
    '[0,1152921504606846976,1152921504606846976]',
    '[0,1073741824,1073741824,1073741824]',
    '[1073741824,1073741824,1073741824,0]',
    '[2251799813685248,0,2]',
    '[4503599627370496]',
    '[]',
    '[[]]',
    '{}',
    'null',
    'true',
    '"F32"',
    '"C64"',
    '"f32"',
    '"F8_E4M3"',
    '""',
    '[0,0]',
    '[0]',
    '[8,0]',
    '[0,8,16]',
    '["0","8"]',
    '[0,9007199254740991]',
    '[9007199254740991,9007199254740991]',
    '[-0,-0]',
    '{"__proto__":1}',
  ),
  fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)),
  fc.array(fc.constantFrom(0, 1, 2, 3, 4, 8, 16, 2 ** 31, 2 ** 32, 2 ** 53 - 1), { maxLength: 4 }).map((v) => JSON.stringify(v)),
);

const FIELDS = ['"dtype"', '"shape"', '"data_offsets"'] as const;

/** A change to the header's fields, given as a function of the header pairs. */
type HeaderEdit = (pairs: [string, string][]) => void;

/** Edits the fields of entry `at` (a pair whose value is an object of fields). */
function editEntry(pairs: [string, string][], at: number, edit: (fields: [string, string][]) => void): void {
  if (pairs.length === 0) return;
  const i = at % pairs.length;
  let fields: [string, string][];
  try {
    const obj = JSON.parse(pairs[i][1]) as Record<string, unknown>;
    fields = Object.entries(obj).map(([k, v]) => [keyText(k), JSON.stringify(v)]);
  } catch {
    return;
  }
  edit(fields);
  pairs[i] = [pairs[i][0], objectText(fields)];
}

const headerEditArb: fc.Arbitrary<HeaderEdit> = fc.oneof(
  // A field set to an odd value.
  fc.tuple(fc.nat(), fc.nat({ max: 2 }), fc.oneof({ weight: 12, arbitrary: oddValueArb }, fc.constant(DEEP))).map(
    ([at, f, value]): HeaderEdit =>
      (pairs) =>
        editEntry(pairs, at, (fields) => {
          const k = fields.findIndex(([key]) => key === FIELDS[f]);
          if (k >= 0) fields[k][1] = value;
        }),
  ),
  // A field removed, or written twice (perhaps spelled with escapes).
  fc.tuple(fc.nat(), fc.nat({ max: 2 }), fc.boolean(), fc.nat()).map(
    ([at, f, twice, spell]): HeaderEdit =>
      (pairs) =>
        editEntry(pairs, at, (fields) => {
          const k = fields.findIndex(([key]) => key === FIELDS[f]);
          if (k < 0) return;
          if (twice) fields.push([keyText(JSON.parse(FIELDS[f]) as string, (i) => ((spell >> i) & 1) === 1), fields[k][1]]);
          else fields.splice(k, 1);
        }),
  ),
  // An unknown extra field.
  fc.tuple(fc.nat(), nameArb, oddValueArb).map(
    ([at, key, value]): HeaderEdit =>
      (pairs) =>
        editEntry(pairs, at, (fields) => fields.push([keyText(key), value])),
  ),
  // A key renamed (maybe onto another), or repeated with the same or another value.
  fc.tuple(fc.nat(), nameArb).map(([at, name]): HeaderEdit => (pairs) => {
    if (pairs.length) pairs[at % pairs.length][0] = keyText(name);
  }),
  fc.tuple(fc.nat(), fc.nat(), fc.nat()).map(([at, other, spell]): HeaderEdit => (pairs) => {
    if (!pairs.length) return;
    const [key, value] = pairs[at % pairs.length];
    const name = JSON.parse(key) as string;
    pairs.push([keyText(name, (i) => ((spell >> i) & 1) === 1), pairs[other % pairs.length][1] ?? value]);
  }),
  // An empty entry added, with a shape whose other dims overflow (or nearly) beside its 0.
  fc.tuple(nameArb, fc.constantFrom(...SAFETENSORS_DTYPES), zeroShapeArb).map(([name, dtype, shape]): HeaderEdit => (pairs) => {
    pairs.push([
      keyText(name),
      objectText([
        ['"dtype"', JSON.stringify(dtype)],
        ['"shape"', shape],
        ['"data_offsets"', '[0,0]'],
      ]),
    ]);
  }),
  // Two entries' data_offsets swapped, or one shifted.
  fc.tuple(fc.nat(), fc.nat()).map(([a, b]): HeaderEdit => (pairs) => {
    let offsetsA: string | undefined;
    editEntry(pairs, a, (fields) => (offsetsA = fields.find(([k]) => k === '"data_offsets"')?.[1]));
    if (offsetsA === undefined) return;
    let offsetsB: string | undefined;
    editEntry(pairs, b, (fields) => {
      const f = fields.find(([k]) => k === '"data_offsets"');
      if (f) [offsetsB, f[1]] = [f[1], offsetsA as string];
    });
    editEntry(pairs, a, (fields) => {
      const f = fields.find(([k]) => k === '"data_offsets"');
      if (f && offsetsB !== undefined) f[1] = offsetsB;
    });
  }),
  fc.tuple(fc.nat(), fc.integer({ min: -9, max: 9 }), fc.integer({ min: -9, max: 9 })).map(
    ([at, db, de]): HeaderEdit =>
      (pairs) =>
        editEntry(pairs, at, (fields) => {
          const f = fields.find(([k]) => k === '"data_offsets"');
          if (!f) return;
          const offsets: unknown = JSON.parse(f[1]);
          if (Array.isArray(offsets) && offsets.length === 2) f[1] = JSON.stringify([offsets[0] + db, offsets[1] + de]);
        }),
  ),
  // __metadata__ replaced by something odd, or given a non-string value / a repeated key.
  fc.oneof(oddValueArb, fc.constant('{"a":"1","a":"2"}'), fc.constant('{"a":1}'), fc.constant('{"a":"\\"}"}')).map((value): HeaderEdit => (pairs) => {
    pairs.push(['"__metadata__"', value]);
  }),
);

/** A change to a file's bytes. */
type ByteEdit = (bytes: Uint8Array) => Uint8Array;

const byteEditArb: fc.Arbitrary<ByteEdit> = fc.oneof(
  // A byte near the end, in the data section of most files: the header stays valid.
  fc.tuple(fc.nat({ max: 15 }), fc.nat({ max: 255 })).map(([back, v]): ByteEdit => (b) => {
    const out = b.slice();
    if (out.length > 16) out[out.length - 1 - back] = v;
    return out;
  }),
  fc.tuple(fc.nat(), fc.nat({ max: 7 })).map(([at, bit]): ByteEdit => (b) => {
    const out = b.slice();
    if (out.length) out[at % out.length] ^= 1 << bit;
    return out;
  }),
  fc.tuple(fc.nat(), fc.nat({ max: 255 })).map(([at, v]): ByteEdit => (b) => {
    const out = b.slice();
    if (out.length) out[at % out.length] = v;
    return out;
  }),
  fc.tuple(fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 8 })).map(([at, ins]): ByteEdit => (b) => {
    const i = at % (b.length + 1);
    return concat(b.subarray(0, i), ins, b.subarray(i));
  }),
  fc.tuple(fc.nat(), fc.integer({ min: 1, max: 8 })).map(([at, n]): ByteEdit => (b) => {
    const i = at % (b.length + 1);
    return concat(b.subarray(0, i), b.subarray(i + n));
  }),
  fc.nat().map(
    (at): ByteEdit =>
      (b) =>
        b.slice(0, at % (b.length + 1)),
  ),
  // The length prefix: shifted a little, or anything at all.
  fc.integer({ min: -16, max: 16 }).map((d): ByteEdit => (b) => {
    if (b.length < 8) return b;
    const out = b.slice();
    const view = new DataView(out.buffer);
    view.setBigUint64(0, BigInt.asUintN(64, view.getBigUint64(0, true) + BigInt(d)), true);
    return out;
  }),
  fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map((n): ByteEdit => (b) => {
    if (b.length < 8) return b;
    const out = b.slice();
    new DataView(out.buffer).setBigUint64(0, n, true);
    return out;
  }),
);

describe('hostile bytes: a correct result or a FormatError, no leak (property)', () => {
  it('random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        readChecked(bytes);
      }),
      runs(500),
    );
  });

  it('a consistent length prefix before random header bytes or random JSON, and random data', () => {
    const headerArb = fc.oneof(
      fc.uint8Array({ maxLength: 48 }),
      fc.json({ maxDepth: 3 }).map(utf8),
      fc.dictionary(fc.string({ maxLength: 3 }), fc.jsonValue({ maxDepth: 2 })).map((o) => utf8(JSON.stringify(o))),
    );
    fc.assert(
      fc.property(headerArb, fc.uint8Array({ maxLength: 32 }), (header, data) => {
        readChecked(fileFromHeaderBytes(header, data));
      }),
      runs(500),
    );
  });

  // Both outcomes must be common, or the property tests little: counted over the runs.
  const expectMixed = (accepted: number, total: number) => {
    expect(accepted, `${accepted} of ${total} files accepted`).toBeGreaterThan(total * 0.03);
    expect(accepted, `${accepted} of ${total} files accepted`).toBeLessThan(total * 0.95);
  };

  it('valid files with header fields changed: odd shapes, dtypes and offsets, keys renamed, dropped or repeated', () => {
    let accepted = 0;
    fc.assert(
      fc.property(validFileArb, fc.array(headerEditArb, { minLength: 1, maxLength: 3 }), fc.nat({ max: 9 }), (file, edits, grow) => {
        const pairs = file.pairs.map(([k, v]): [string, string] => [k, v]);
        for (const edit of edits) edit(pairs);
        // Sometimes resize the data section so edited sizes can still tile it.
        const data = grow % 3 === 0 ? concat(file.data, new Uint8Array(grow)) : file.data;
        if (readChecked(build(pairs, data, file.pad))) accepted++;
      }),
      runs(400),
    );
    expectMixed(accepted, 400);
  });

  it('valid files with bytes flipped, set, inserted or deleted, truncated, or the length prefix changed', () => {
    let accepted = 0;
    fc.assert(
      fc.property(validFileArb, fc.array(byteEditArb, { minLength: 1, maxLength: 3 }), (file, edits) => {
        let bytes = build(file.pairs, file.data, file.pad);
        for (const edit of edits) bytes = edit(bytes);
        if (readChecked(bytes)) accepted++;
      }),
      runs(500),
    );
    expectMixed(accepted, 500);
  });

  it('a key written twice in one object, however spelled, is a FormatError; distinct keys all load', () => {
    // Zero-size entries, so any set of names is a valid file; metadata values full of JSON syntax.
    const empty = objectText([
      ['"dtype"', '"F32"'],
      ['"shape"', '[0]'],
      ['"data_offsets"', '[0,0]'],
    ]);
    fc.assert(
      fc.property(
        fc.uniqueArray(nameArb, { maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        fc.option(fc.nat(), { nil: undefined }),
        fc.array(fc.tuple(fc.constantFrom('a', '"', '\\', '{"w":', '","', ':'), fc.constantFrom('x', '"}', '\\"', '[,', '"w"')), {
          maxLength: 3,
        }),
        (names, spellings, repeat, meta) => {
          const spell = (k: number) => (i: number) => (((spellings[k % (spellings.length || 1)] ?? 0) >> i) & 1) === 1;
          const pairs: [string, string][] = names.map((n, k) => [keyText(n, spell(k)), empty]);
          const metaPairs = meta.map(([k, v], i): [string, string] => [keyText(`${k}${i}`), JSON.stringify(v)]);
          if (metaPairs.length) pairs.push(['"__metadata__"', objectText(metaPairs)]);
          const twice = repeat !== undefined && names.length > 0 ? names[repeat % names.length] : undefined;
          if (twice !== undefined) pairs.splice(repeat! % (pairs.length + 1), 0, [keyText(twice, spell(repeat! + 1)), empty]);
          const bytes = build(pairs, new Uint8Array(0));
          if (twice === undefined) {
            expect(readChecked(bytes)).toBe(true);
          } else {
            for (const read of [loadSafetensors, readSafetensorsHeader]) {
              let caught: unknown;
              try {
                read(bytes);
              } catch (err) {
                caught = err;
              }
              expect(caught).toBeInstanceOf(FormatError);
              expect((caught as Error).message).toContain(`duplicate key ${JSON.stringify(twice)} in the header`);
            }
          }
        },
      ),
      runs(400),
    );
  });
});
