// Test support for the file-format tests (not exported by the package): random arrays, files
// assembled byte by byte from the format specs, byte mutations, and the "only BasiskitErrors" check.
import fc from 'fast-check';
import { expect } from 'vitest';
import { BasiskitError } from '@basiskit/tensor';
import type { NpyArrayInput, NpyDType, NpyTypedArray } from './npy';

const INT_RANGE: Partial<Record<NpyDType, [number, number]>> = {
  int8: [-128, 127],
  uint8: [0, 255],
  int16: [-32768, 32767],
  uint16: [0, 65535],
  int32: [-2147483648, 2147483647],
  uint32: [0, 4294967295],
  bool: [0, 1],
};

const CTOR: Record<NpyDType, new (a: ArrayLike<never>) => NpyTypedArray> = {
  float32: Float32Array,
  float64: Float64Array,
  int8: Int8Array,
  uint8: Uint8Array,
  int16: Int16Array,
  uint16: Uint16Array,
  int32: Int32Array,
  uint32: Uint32Array,
  int64: BigInt64Array,
  uint64: BigUint64Array,
  bool: Uint8Array,
} as never;

/** Values of one dtype. */
export function arbValues(dtype: NpyDType, n: number): fc.Arbitrary<NpyTypedArray> {
  const len = { minLength: n, maxLength: n };
  let values: fc.Arbitrary<unknown[]>;
  if (dtype === 'float32') values = fc.array(fc.float(), len);
  else if (dtype === 'float64') values = fc.array(fc.double(), len);
  else if (dtype === 'int64') values = fc.array(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), len);
  else if (dtype === 'uint64') values = fc.array(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), len);
  else {
    const [min, max] = INT_RANGE[dtype]!;
    values = fc.array(fc.integer({ min, max }), len);
  }
  return values.map((v) => new CTOR[dtype](v as never));
}

/** A shape of rank 0..maxRank with dims 0..maxDim. */
export function arbShape(maxRank = 4, maxDim = 4): fc.Arbitrary<number[]> {
  return fc.array(fc.integer({ min: 0, max: maxDim }), { maxLength: maxRank });
}

/** A random array of a random dtype and shape (0-d and empty included). */
export function arbNpyArray(dtypes: readonly NpyDType[] = Object.keys(CTOR) as NpyDType[]): fc.Arbitrary<NpyArrayInput & { dtype: NpyDType }> {
  return fc.record({ dtype: fc.constantFrom(...dtypes), shape: arbShape() }).chain(({ dtype, shape }) =>
    arbValues(
      dtype,
      shape.reduce((a, b) => a * b, 1),
    ).map((data) => ({ dtype, shape, data })),
  );
}

/** A .npy file from header text and data bytes, in format `version` (1: u16 length, 2/3: u32). */
export function npyFile(header: string, data: ArrayLike<number>, version = 1): Uint8Array {
  const text = new TextEncoder().encode(header + '\n');
  const pre = version === 1 ? 10 : 12;
  const out = new Uint8Array(pre + text.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const dv = new DataView(out.buffer);
  if (version === 1) dv.setUint16(8, text.length, true);
  else dv.setUint32(8, text.length, true);
  out.set(text, pre);
  out.set(data, pre + text.length);
  return out;
}

/** A random change to a file: byte overwrites, a truncation, an insertion or a deletion (or several). */
export function mutations(): fc.Arbitrary<(bytes: Uint8Array) => Uint8Array> {
  const one = fc.oneof(
    fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
    fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
    fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), count: fc.integer({ min: 1, max: 8 }) }),
    // numbers that hostile files like: in headers, lengths and sizes
    fc.record({ kind: fc.constant('u32' as const), at: fc.nat(), value: fc.constantFrom(0, 1, 0x7fffffff, 0xffffffff, 0x10000, 0xffff) }),
  );
  return fc.array(one, { minLength: 1, maxLength: 3 }).map((ops) => (input: Uint8Array) => {
    let b = input.slice();
    for (const op of ops) {
      const at = b.length ? op.at % (b.length + 1) : 0;
      if (op.kind === 'set' && b.length) b[at % b.length] = op.value;
      else if (op.kind === 'truncate') b = b.slice(0, at);
      else if (op.kind === 'insert') b = Uint8Array.from([...b.subarray(0, at), ...op.bytes, ...b.subarray(at)]);
      else if (op.kind === 'delete') b = Uint8Array.from([...b.subarray(0, at), ...b.subarray(at + op.count)]);
      else if (op.kind === 'u32' && b.length >= 4) new DataView(b.buffer).setUint32(at % (b.length - 3), op.value, true);
    }
    return b;
  });
}

/** Runs `f`; it may return or throw a BasiskitError, never another error. */
export function expectOnlyBasiskitErrors(f: () => unknown): void {
  try {
    f();
  } catch (e) {
    if (!(e instanceof BasiskitError)) expect.fail(`expected a BasiskitError, got ${(e as Error)?.name}: ${(e as Error)?.message}\n${(e as Error)?.stack}`);
  }
}

/** Async form of {@link expectOnlyBasiskitErrors}. */
export async function expectOnlyBasiskitErrorsAsync(f: () => Promise<unknown>): Promise<void> {
  try {
    await f();
  } catch (e) {
    if (!(e instanceof BasiskitError)) expect.fail(`expected a BasiskitError, got ${(e as Error)?.name}: ${(e as Error)?.message}\n${(e as Error)?.stack}`);
  }
}
