import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { gzipSync } from 'fflate';
import { FormatError, ShapeError, initBackend, tf } from '@basiskit/tensor';
import { loadIdx, loadMnist, parseIdx, saveIdx, type IdxArray, type IdxDType } from './idx';
import { expectOnlyBasiskitErrors, mutations } from './formats_testing';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

const RANGES: Record<IdxDType, fc.Arbitrary<number>> = {
  uint8: fc.integer({ min: 0, max: 255 }),
  int8: fc.integer({ min: -128, max: 127 }),
  int16: fc.integer({ min: -32768, max: 32767 }),
  int32: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
  float32: fc.float({ noNaN: true }),
  float64: fc.double({ noNaN: true }),
};
const CTORS = { uint8: Uint8Array, int8: Int8Array, int16: Int16Array, int32: Int32Array, float32: Float32Array, float64: Float64Array };

const arbIdx: fc.Arbitrary<IdxArray> = fc
  .record({ dtype: fc.constantFrom(...(Object.keys(RANGES) as IdxDType[])), shape: fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 4 }) })
  .chain(({ dtype, shape }) => {
    const n = shape.reduce((a, b) => a * b, 1);
    return fc.array(RANGES[dtype], { minLength: n, maxLength: n }).map((v) => ({ dtype, shape, data: CTORS[dtype].from(v) }));
  });

/** An MNIST-like file pair written byte by byte from the IDX spec (independent of saveIdx). */
function mnistFiles(n: number, rows: number, cols: number): { images: Uint8Array; labels: Uint8Array; pixels: Uint8Array; digits: Uint8Array } {
  const pixels = Uint8Array.from({ length: n * rows * cols }, (_, i) => (i * 37) % 256);
  const digits = Uint8Array.from({ length: n }, (_, i) => (i * 3) % 10);
  const be = (v: number) => [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
  const images = Uint8Array.from([0, 0, 8, 3, ...be(n), ...be(rows), ...be(cols), ...pixels]);
  const labels = Uint8Array.from([0, 0, 8, 1, ...be(n), ...digits]);
  return { images, labels, pixels, digits };
}

describe('IDX files', () => {
  it('loadMnist reads raw and gzipped image/label files the test writes', () => {
    const { images, labels, pixels, digits } = mnistFiles(5, 4, 3);
    expect(images[3]).toBe(3);
    for (const [im, lb] of [
      [images, labels],
      [gzipSync(images), gzipSync(labels)],
      [gzipSync(images), labels],
    ]) {
      const { x, y } = loadMnist(im, lb);
      expect(x.shape).toEqual([5, 4, 3]);
      expect(x.dtype).toBe('int32');
      expect(Array.from(x.dataSync())).toEqual(Array.from(pixels));
      expect(y.dtype).toBe('int32');
      expect(Array.from(y.dataSync())).toEqual(Array.from(digits));
      tf.dispose([x, y]);
    }
    const { x, y } = loadMnist(images, labels, { scale: true });
    expect(x.dtype).toBe('float32');
    const v = x.dataSync();
    expect(v[1]).toBeCloseTo(37 / 255, 7);
    expect(Math.max(...v)).toBeLessThanOrEqual(1);
    tf.dispose([x, y]);
  });

  it('round-trips random arrays of every type through saveIdx/parseIdx, raw and gzipped', () => {
    fc.assert(
      fc.property(arbIdx, fc.boolean(), (a, gzip) => {
        const back = parseIdx(saveIdx(a, { gzip }));
        expect(back.dtype).toBe(a.dtype);
        expect(back.shape).toEqual(a.shape);
        expect(Array.from(back.data)).toEqual(Array.from(a.data));
      }),
      { numRuns: 200, seed: 5 },
    );
  });

  it('loadIdx gives int32 for integer types and float32 for float types', () => {
    const i = loadIdx(saveIdx({ dtype: 'int16', shape: [2], data: new Int16Array([-5, 300]) }));
    const f = loadIdx(saveIdx({ dtype: 'float64', shape: [1, 1], data: new Float64Array([0.1]) }));
    expect(i.dtype).toBe('int32');
    expect(Array.from(i.dataSync())).toEqual([-5, 300]);
    expect(f.dtype).toBe('float32');
    expect(f.dataSync()[0]).toBe(Math.fround(0.1));
    tf.dispose([i, f]);
  });

  it('hostile files throw a FormatError naming the file and load nothing', () => {
    const { images, labels } = mnistFiles(3, 2, 2);
    const before = tf.memory().numTensors;
    const bad: [Uint8Array, RegExp][] = [
      [Uint8Array.from([1, 2, 3]), /bad magic/],
      [Uint8Array.from([0, 0, 0x07, 1, 0, 0, 0, 1, 9]), /unknown IDX data type.*0x07/],
      [images.subarray(0, images.length - 1), /more data than the file holds/],
      [images.subarray(0, 10), /truncated header/],
      [Uint8Array.from([...images, 0]), /extra bytes/],
      [Uint8Array.from([0, 0, 8, 3, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255]), /more data than the file holds/],
      [gzipSync(images).subarray(0, 20), /gzip/],
    ];
    for (const [bytes, message] of bad) {
      expect(() => loadMnist(bytes, labels, { names: { images: 'train-images.gz' } })).toThrow(FormatError);
      expect(() => loadMnist(bytes, labels, { names: { images: 'train-images.gz' } })).toThrow(message);
      expect(() => loadMnist(bytes, labels, { names: { images: 'train-images.gz' } })).toThrow(/loadMnist: argument train-images\.gz/);
    }
    expect(() => loadMnist(labels, labels)).toThrow(/not an MNIST image file/);
    expect(() => loadMnist(images, mnistFiles(4, 2, 2).labels)).toThrow(ShapeError);
    // a gzip bomb: the trailer declares more than maxSize
    const bomb = gzipSync(new Uint8Array(3_000_000));
    expect(() => parseIdx(bomb, { maxSize: 1_000_000, name: 'bomb.gz' })).toThrow(/bomb\.gz: gzip file too large.*3000000 bytes declared/);
    // a trailer that declares more than deflate can expand to
    const high = gzipSync(images);
    new DataView(high.buffer).setUint32(high.length - 4, 500_000_000, true);
    expect(() => parseIdx(high)).toThrow(/more than deflate can expand to/);
    // a trailer that lies low: inflation stops at the declared size and the mismatch is reported
    const lie = gzipSync(images);
    new DataView(lie.buffer).setUint32(lie.length - 4, 10, true);
    expect(() => parseIdx(lie)).toThrow(FormatError);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('random byte mutations and truncations parse to a consistent array or throw a BasiskitError', () => {
    fc.assert(
      fc.property(arbIdx, fc.boolean(), mutations(), (a, gzip, mutate) => {
        const bytes = mutate(saveIdx(a, { gzip }));
        expectOnlyBasiskitErrors(() => {
          const r = parseIdx(bytes, { maxSize: 1 << 20 });
          expect(r.data.length).toBe(r.shape.reduce((x, y) => x * y, 1));
          loadIdx(bytes, { maxSize: 1 << 20 }).dispose();
        });
      }),
      { numRuns: 800, seed: 6 },
    );
  });
});
