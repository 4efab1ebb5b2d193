import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { zipSync } from 'fflate';
import { DTypeError, FormatError, initBackend, tf } from '@basiskit/tensor';
import { loadNpz, parseNpz, saveNpz } from './npz';
import { saveNpy } from './npy';
import { arbNpyArray, expectOnlyBasiskitErrors, mutations } from './formats_testing';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

/** Offset of the last central-directory record of a zip (its last entry's). */
function centralDirectory(zip: Uint8Array): number {
  for (let i = zip.length - 22; i >= 0; i--) if (zip[i] === 0x50 && zip[i + 1] === 0x4b && zip[i + 2] === 1 && zip[i + 3] === 2) return i;
  throw new Error('no central directory');
}

describe('saveNpz / parseNpz', () => {
  it('round-trips random sets of arrays, stored and deflated, C and Fortran order', () => {
    const names = fc.uniqueArray(fc.stringMatching(/^[a-z_][a-z0-9_]{0,7}$/), { minLength: 0, maxLength: 4 });
    fc.assert(
      fc.property(names, fc.array(arbNpyArray(), { minLength: 4, maxLength: 4 }), fc.boolean(), fc.boolean(), (keys, arrays, compressed, fortranOrder) => {
        const input = Object.fromEntries(keys.map((k, i) => [k, arrays[i]]));
        const back = parseNpz(saveNpz(input, { compressed, fortranOrder }));
        expect(Object.keys(back).sort()).toEqual([...keys].sort());
        for (const k of keys) {
          expect(back[k].dtype).toBe(input[k].dtype);
          expect(back[k].shape).toEqual(input[k].shape);
          expect(back[k].fortranOrder).toBe(fortranOrder);
          expect(Array.from(back[k].data as ArrayLike<number>)).toEqual(Array.from(input[k].data as ArrayLike<number>));
        }
      }),
      { numRuns: 150, seed: 3 },
    );
  });

  it('compresses with compressed: true (savez_compressed) and stores otherwise (savez)', () => {
    const x = tf.zeros([100, 100]);
    const stored = saveNpz({ x });
    const deflated = saveNpz({ x }, { compressed: true });
    expect(stored.length).toBeGreaterThan(40000);
    expect(deflated.length).toBeLessThan(1000);
    const cd = centralDirectory(stored);
    expect(new DataView(stored.buffer).getUint16(cd + 10, true)).toBe(0);
    expect(new DataView(deflated.buffer).getUint16(centralDirectory(deflated) + 10, true)).toBe(8);
    const back = loadNpz(deflated);
    expect(back.x.shape).toEqual([100, 100]);
    tf.dispose([x, back.x]);
  });

  it('loads tensors by name and ignores entries that are not .npy', () => {
    const zip = zipSync({
      'a.npy': saveNpy({ data: new Float32Array([1, 2]), shape: [2] }),
      'README.txt': new Uint8Array([104, 105]),
      '__proto__.npy': saveNpy({ data: new Float32Array([3]), shape: [1] }),
    });
    const r = loadNpz(zip);
    expect(Object.keys(r).sort()).toEqual(['__proto__', 'a']);
    expect(Array.from(r.a.dataSync())).toEqual([1, 2]);
    expect(Object.getPrototypeOf(r)).toBe(Object.prototype);
    tf.dispose(Object.values(r));
  });
});

describe('hostile .npz files', () => {
  const good = saveNpz(
    { a: { data: Float32Array.from({ length: 1000 }, (_, i) => i), shape: [1000] }, b: { data: new Float64Array([1, 2]), shape: [2] } },
    { compressed: true },
  );

  it('a declared size past maxTotalSize (zip bomb) is refused before inflating', () => {
    const bomb = zipSync({ 'x.npy': [new Uint8Array(5_000_000), { level: 9 }] });
    expect(bomb.length).toBeLessThan(10000);
    expect(() => parseNpz(bomb, { maxTotalSize: 1_000_000, name: 'bomb.npz' })).toThrow(
      /bomb\.npz: archive too large.*at most 1000000 bytes.*5000000 bytes declared up to x\.npy/,
    );
    // a 4 GiB declaration is refused under the default limit without allocating it
    const lie = bomb.slice();
    new DataView(lie.buffer).setUint32(centralDirectory(lie) + 24, 0xfffffff0, true);
    expect(() => parseNpz(lie)).toThrow(/archive too large/);
    // under maxTotalSize but more than deflate can expand the compressed bytes to
    new DataView(lie.buffer).setUint32(centralDirectory(lie) + 24, 50_000_000, true);
    expect(() => parseNpz(lie)).toThrow(/declares more than deflate can expand to/);
  });

  it('an entry whose data is shorter or longer than declared is rejected', () => {
    const bytes = good.slice();
    const cd = centralDirectory(bytes);
    const dv = new DataView(bytes.buffer);
    // the last entry (b.npy) declared 100 bytes longer than it inflates to
    dv.setUint32(cd + 24, dv.getUint32(cd + 24, true) + 100, true);
    expect(() => parseNpz(bytes, { name: 'd.npz' })).toThrow(/entry b\.npy is shorter than declared/);
    // declared shorter: inflation stops at the declared size, and the .npy inside is incomplete
    dv.setUint32(cd + 24, dv.getUint32(cd + 24, true) - 108, true);
    expect(() => parseNpz(bytes, { name: 'd.npz' })).toThrow(/d\.npz:b\.npy: the header promises more data than the file holds/);
  });

  it('too many entries, duplicate names, unknown compression, truncation, not a zip', () => {
    expect(() => parseNpz(saveNpz({ a: { data: new Float32Array([1]), shape: [] }, b: { data: new Int8Array(1), shape: [] } }), { maxEntries: 1 })).toThrow(
      /too many entries/,
    );
    const dup = saveNpz({ a: { data: new Int8Array(1), shape: [] }, b: { data: new Int8Array(1), shape: [] } });
    const i = dup.lastIndexOf(0x62); // the "b" of b.npy in the central directory
    dup[i] = 0x61;
    expect(() => parseNpz(dup)).toThrow(/duplicate entry.*"a\.npy"/);
    const method = good.slice();
    new DataView(method.buffer).setUint16(centralDirectory(method) + 10, 14, true);
    expect(() => parseNpz(method)).toThrow(/unsupported compression.*method 14/);
    expect(() => parseNpz(good.subarray(0, good.length - 30), { name: 't.npz' })).toThrow(FormatError);
    expect(() => parseNpz(new Uint8Array(10))).toThrow(/not a zip archive/);
    expect(() => parseNpz(new Uint8Array(100))).toThrow(/corrupt zip archive/);
  });

  it('all or nothing: an entry that fails leaves no tensor allocated', () => {
    const bytes = saveNpz({ a: { data: new Float32Array(3), shape: [3] }, b: { data: new BigInt64Array([2n ** 40n]), shape: [1] } });
    const before = tf.memory().numTensors;
    expect(() => loadNpz(bytes, { name: 'm.npz' })).toThrow(DTypeError);
    expect(() => loadNpz(bytes, { name: 'm.npz' })).toThrow(/m\.npz:b\.npy/);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('random byte mutations and truncations parse to consistent arrays or throw a BasiskitError', () => {
    fc.assert(
      fc.property(fc.array(arbNpyArray(), { minLength: 1, maxLength: 3 }), fc.boolean(), mutations(), (arrays, compressed, mutate) => {
        const zip = saveNpz(Object.fromEntries(arrays.map((a, i) => [`a${i}`, a])), { compressed });
        const bytes = mutate(zip);
        expectOnlyBasiskitErrors(() => {
          const r = parseNpz(bytes);
          for (const a of Object.values(r)) expect(a.data.length).toBe(a.shape.reduce((x, y) => x * y, 1));
        });
      }),
      { numRuns: 600, seed: 4 },
    );
  });

  it('rejects bad options', () => {
    expect(() => saveNpz({ a: { data: new Float32Array([1]), shape: [] } }, { level: 12 })).toThrow(/level/);
    expect(() => saveNpz({ 'a/b': { data: new Int8Array(1), shape: [] } })).toThrow(/invalid array name/);
    expect(() => parseNpz(good, { maxTotal: 1 } as never)).toThrow(/unknown option/);
  });
});
