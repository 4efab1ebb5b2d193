import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BasiskitError, DTypeError, FormatError, initBackend, tf } from '@basiskit/tensor';
import { NPY_DTYPES, loadNpy, parseNpy, readNpyHeader, saveNpy, type NpyDType, type NpyTypedArray } from './npy';
import { arbNpyArray, expectOnlyBasiskitErrors, mutations, npyFile } from './formats_testing';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe('saveNpy / parseNpy', () => {
  it('round-trips random arrays of every dtype, shape (0-d, empty), memory order and byte order', () => {
    fc.assert(
      fc.property(arbNpyArray(), fc.boolean(), fc.constantFrom('little', 'big') as fc.Arbitrary<'little' | 'big'>, (a, fortranOrder, endian) => {
        const bytes = saveNpy(a, { fortranOrder, endian });
        const h = readNpyHeader(bytes);
        expect(h.dataOffset % 64).toBe(0);
        expect(h.fortranOrder).toBe(fortranOrder);
        const back = parseNpy(bytes);
        expect(back.dtype).toBe(a.dtype ?? back.dtype);
        expect(back.shape).toEqual(a.shape);
        expect(Array.from(back.data as ArrayLike<number>)).toEqual(Array.from(a.data as ArrayLike<number>));
      }),
      { numRuns: 300, seed: 1 },
    );
  });

  it('reads a hand-assembled Fortran-order big-endian file (independent of saveNpy)', () => {
    // a = [[1, 2, 3], [4, 5, 6]] (int16) stored column-major: 1 4 2 5 3 6
    const bytes = npyFile("{'descr': '>i2', 'fortran_order': True, 'shape': (2, 3), }", [0, 1, 0, 4, 0, 2, 0, 5, 0, 3, 0, 6]);
    const a = parseNpy(bytes);
    expect(a.dtype).toBe('int16');
    expect(a.fortranOrder).toBe(true);
    expect(Array.from(a.data as Int16Array)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('reads format 2.0 and 3.0 headers, Python 2 long shapes and double-quoted strings', () => {
    const v2 = npyFile('{"descr": "<u2", "fortran_order": False, "shape": (2L,)}', [1, 0, 2, 1], 2);
    expect(readNpyHeader(v2).version).toEqual([2, 0]);
    expect(Array.from(parseNpy(v2).data as Uint16Array)).toEqual([1, 258]);
    const v3 = npyFile("{'descr': '|b1', 'fortran_order': False, 'shape': (3,), }", [0, 1, 7], 3);
    const b = parseNpy(v3);
    expect(b.dtype).toBe('bool');
    expect(Array.from(b.data as Uint8Array)).toEqual([0, 1, 1]);
  });

  it('writes what NumPy writes byte for byte (header text, padding, data)', () => {
    const bytes = saveNpy({ data: new Float64Array([1.5, -2]), shape: [2] });
    const text = new TextDecoder().decode(bytes.subarray(10, 128));
    expect(text).toBe(`{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }`.padEnd(117, ' ') + '\n');
    expect(Array.from(bytes.subarray(0, 10))).toEqual([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, 118, 0]);
    expect(Array.from(new Float64Array(bytes.slice(128).buffer))).toEqual([1.5, -2]);
  });

  it('converts on write with dtype, refusing values the target cannot hold', () => {
    const x = tf.tensor1d([1, 2.5, -3]);
    const f64 = parseNpy(saveNpy(x, { dtype: 'float64' }));
    expect(f64.data).toBeInstanceOf(Float64Array);
    expect(Array.from(f64.data as Float64Array)).toEqual([1, 2.5, -3]);
    expect(() => saveNpy(x, { dtype: 'int32' })).toThrow(DTypeError);
    const i = tf.tensor1d([5, -7], 'int32');
    expect(Array.from(parseNpy(saveNpy(i, { dtype: 'int64' })).data as BigInt64Array)).toEqual([5n, -7n]);
    expect(() => saveNpy(i, { dtype: 'uint8' })).toThrow(/-7 at flat index 1/);
    tf.dispose([x, i]);
  });
});

describe('loadNpy', () => {
  it('gives float32 tensors for float64, int32 for int64 (range-checked), bool for bool, scalars and empty arrays', () => {
    const f = loadNpy(saveNpy({ data: new Float64Array([0.1, 1e10]), shape: [1, 2] }));
    expect(f.dtype).toBe('float32');
    expect(f.shape).toEqual([1, 2]);
    expect(Array.from(f.dataSync())).toEqual([Math.fround(0.1), 1e10]);
    const i = loadNpy(saveNpy({ data: new BigInt64Array([-(2n ** 31n), 2n ** 31n - 1n]), shape: [2] }));
    expect(i.dtype).toBe('int32');
    expect(Array.from(i.dataSync())).toEqual([-(2 ** 31), 2 ** 31 - 1]);
    expect(() => loadNpy(saveNpy({ data: new BigInt64Array([0n, 2n ** 40n]), shape: [2] }), { name: 'big.npy' })).toThrow(
      /big\.npy.*int64 value does not fit int32.*1099511627776 at flat index 1/,
    );
    const b = loadNpy(saveNpy({ data: new Uint8Array([1, 0]), shape: [2], dtype: 'bool' }));
    expect(b.dtype).toBe('bool');
    const s = loadNpy(saveNpy({ data: new Float32Array([4]), shape: [] }));
    expect(s.rank).toBe(0);
    expect(s.dataSync()[0]).toBe(4);
    const e = loadNpy(saveNpy({ data: new Int16Array(0), shape: [3, 0] }));
    expect(e.shape).toEqual([3, 0]);
    expect(e.dtype).toBe('int32');
    tf.dispose([f, i, b, s, e]);
  });

  it('round-trips tensors of every tfjs dtype in both orders', () => {
    for (const [x, order] of [
      [tf.randomUniform([3, 4, 2], -1, 1, 'float32', 1), true],
      [tf.tensor2d([[1, 2, 3]], [1, 3], 'int32'), false],
      [
        tf.tensor2d(
          [
            [true, false],
            [false, true],
          ],
          [2, 2],
          'bool',
        ),
        true,
      ],
    ] as const) {
      const y = loadNpy(saveNpy(x, { fortranOrder: order }));
      expect(y.dtype).toBe(x.dtype);
      expect(y.shape).toEqual(x.shape);
      expect(Array.from(y.dataSync())).toEqual(Array.from(x.dataSync()));
      tf.dispose([x, y]);
    }
  });
});

describe('hostile .npy files give a FormatError naming the file and load nothing', () => {
  const good = saveNpy({ data: new Float32Array([1, 2, 3, 4, 5, 6]), shape: [2, 3] });
  const cases: [string, Uint8Array, RegExp][] = [
    ['bad magic', Uint8Array.from([0x50, 0x4b, 3, 4, ...good.subarray(4)]), /bad magic.*got 50 4b 03 04/],
    ['a file shorter than the magic', good.subarray(0, 5), /bad magic.*got 5 bytes/],
    ['unknown version', Uint8Array.from([...good.subarray(0, 6), 9, 0, ...good.subarray(8)]), /version.*got 9\.0/],
    ['truncated header', good.subarray(0, 60), /truncated header/],
    ['truncated data', good.subarray(0, good.length - 1), /more data than the file holds.*24 bytes.*got 23 bytes/],
    ['extra data', Uint8Array.from([...good, 0, 0, 0, 0]), /extra bytes.*28 bytes of data/],
    ['a header that lies about the shape', npyFile("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 3), }", new Array(24).fill(0)), /shape \[3, 3\]/],
    ['a shape that overflows', npyFile("{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296, 4294967296), }", []), /more data than/],
    ['a dimension past 2^53', npyFile("{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999,), }", []), /shape too large/],
    ['a header that is code', npyFile("__import__('os').system('echo hi')", []), /not a dict literal/],
    ['a call inside the dict', npyFile("{'descr': str(1), 'fortran_order': False, 'shape': (1,), }", [0, 0, 0, 0]), /not a dict literal/],
    ['an integer where a tuple belongs', npyFile("{'descr': '<f4', 'fortran_order': False, 'shape': (1), }", [0, 0, 0, 0]), /tuple for shape/],
    ['a missing key', npyFile("{'descr': '<f4', 'shape': (1,), }", [0, 0, 0, 0]), /wrong keys.*got descr, shape/],
    ['an extra key', npyFile("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': 1}", [0, 0, 0, 0]), /wrong keys/],
    ['a duplicate key', npyFile("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (1,)}", [0, 0, 0, 0]), /duplicate key/],
    ['a negative dimension', npyFile("{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }", []), /not a dict literal.*non-negative integer/],
    ['an unknown dtype', npyFile("{'descr': '<c16', 'fortran_order': False, 'shape': (1,), }", new Array(16).fill(0)), /unsupported dtype.*"<c16"/],
    ['an object array (pickle)', npyFile("{'descr': '|O', 'fortran_order': False, 'shape': (1,), }", new Array(8).fill(0)), /object arrays/],
    ['a structured dtype', npyFile("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", [0, 0, 0, 0]), /structured/],
    ['fortran_order not a bool', npyFile("{'descr': '<f4', 'fortran_order': 0, 'shape': (1,), }", [0, 0, 0, 0]), /fortran_order is not a boolean/],
    [
      'a header past maxHeaderSize',
      npyFile(`{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }${' '.repeat(20000)}`, [0, 0, 0, 0], 2),
      /header too large/,
    ],
    [
      'invalid UTF-8 in a 3.0 header',
      Uint8Array.from([...npyFile("{'descr': '<f4', 'fortran_order': False, 'shape': (), }", [0, 0, 0, 0], 3)].map((b, i) => (i === 14 ? 0xff : b))),
      /UTF-8/,
    ],
  ];
  for (const [what, bytes, message] of cases) {
    it(what, () => {
      const before = tf.memory().numTensors;
      let error: unknown;
      try {
        loadNpy(bytes, { name: 'data/u.npy' }).dispose();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(FormatError);
      expect((error as Error).message).toMatch(/^loadNpy: argument data\/u\.npy: /);
      expect((error as Error).message).toMatch(message);
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it('random byte mutations and truncations parse to a consistent array or throw a BasiskitError', () => {
    fc.assert(
      fc.property(arbNpyArray(), fc.boolean(), mutations(), (a, fortranOrder, mutate) => {
        const bytes = mutate(saveNpy(a, { fortranOrder }));
        expectOnlyBasiskitErrors(() => {
          const r = parseNpy(bytes);
          expect(r.data.length).toBe(r.shape.reduce((x, y) => x * y, 1));
          expect(r.data.length * r.data.BYTES_PER_ELEMENT).toBeLessThanOrEqual(bytes.length);
          loadNpy(bytes).dispose();
        });
      }),
      { numRuns: 1000, seed: 2 },
    );
  });

  it('rejects bad arguments with a ConfigError', () => {
    expect(() => loadNpy('x' as never)).toThrow(/loadNpy: argument bytes: not bytes/);
    expect(() => saveNpy({ data: [1, 2] as never, shape: [2] })).toThrow(/not a typed array/);
    expect(() => saveNpy({ data: new Float32Array(2), shape: [3] })).toThrow(/shape does not match/);
    expect(() => saveNpy({ data: new Float32Array(2), shape: [2] }, { dtype: 'float16' as NpyDType })).toThrow(/one of float32/);
    expect(() => saveNpy({ data: new Float32Array(2), shape: [2] }, { order: 'F' } as never)).toThrow(/unknown option/);
    expect(BasiskitError).toBeDefined();
  });

  it('knows every dtype it lists', () => {
    for (const dtype of NPY_DTYPES) {
      const data: NpyTypedArray = dtype === 'int64' ? new BigInt64Array(2) : dtype === 'uint64' ? new BigUint64Array(2) : new Float64Array(2);
      expect(parseNpy(saveNpy({ data, shape: [2] }, { dtype })).dtype).toBe(dtype);
    }
  });
});
