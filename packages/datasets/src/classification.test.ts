import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '@basiskit/tensor';
import { makeBlobs, makeCircles, makeMoons, makeSpirals, makeXor, type ClassificationData } from './classification';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

const unpack = (d: ClassificationData): { x: number[][]; y: number[] } => {
  const out = { x: d.x.arraySync(), y: Array.from(d.y.dataSync()) };
  tf.dispose([d.x, d.y]);
  return out;
};
const key = (r: number[]): string => r.map((v) => v.toFixed(5)).join(',');

describe('makeMoons (sklearn make_moons)', () => {
  it('without noise or shuffle: n//2 points on the upper unit half circle, the rest on the shifted lower one', () => {
    const { x, y } = unpack(makeMoons({ nSamples: 7, shuffle: false }));
    expect(y).toEqual([0, 0, 0, 1, 1, 1, 1]);
    // outer: t = 0, pi/2, pi; inner: t = 0, pi/3, 2pi/3, pi
    const want = [
      [1, 0],
      [0, 1],
      [-1, 0],
      [0, 0.5],
      [0.5, 0.5 - Math.sin(Math.PI / 3)],
      [1.5, 0.5 - Math.sin((2 * Math.PI) / 3)],
      [2, 0.5],
    ];
    x.forEach((r, i) => r.forEach((v, j) => expect(v).toBeCloseTo(want[i]![j]!, 6)));
  });

  it('shuffles rows with their labels, adds noise of the requested std, and is seeded', () => {
    const plain = unpack(makeMoons({ nSamples: 200, shuffle: false }));
    const shuf = unpack(makeMoons({ nSamples: 200, seed: 3 }));
    const byKey = new Map(plain.x.map((r, i) => [key(r), plain.y[i]]));
    expect(shuf.x.map(key).sort()).toEqual(plain.x.map(key).sort());
    shuf.x.forEach((r, i) => expect(byKey.get(key(r))).toBe(shuf.y[i]));
    expect(shuf.y.slice(0, 100)).not.toEqual(plain.y.slice(0, 100));
    const a = unpack(makeMoons({ nSamples: 2000, noise: 0.1, shuffle: false, seed: 5 }));
    const exact = unpack(makeMoons({ nSamples: 2000, shuffle: false }));
    const d = a.x.flatMap((r, i) => r.map((v, j) => v - exact.x[i]![j]!));
    const sd = Math.sqrt(d.reduce((s, v) => s + v * v, 0) / d.length);
    expect(sd).toBeGreaterThan(0.095);
    expect(sd).toBeLessThan(0.105);
    const b = unpack(makeMoons({ nSamples: 50, noise: 0.1, seed: 9 }));
    const c = unpack(makeMoons({ nSamples: 50, noise: 0.1, seed: 9 }));
    expect(b).toEqual(c);
  });
});

describe('makeCircles (sklearn make_circles)', () => {
  it('two concentric circles of radius 1 and factor, angles without the end point', () => {
    const { x, y } = unpack(makeCircles({ nSamples: 9, factor: 0.5, shuffle: false }));
    expect(y).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 1]);
    x.forEach((r, i) => expect(Math.hypot(r[0]!, r[1]!)).toBeCloseTo(y[i] === 0 ? 1 : 0.5, 6));
    expect(x[1]![0]).toBeCloseTo(0, 6); // outer angles 0, pi/2, pi, 3pi/2
    expect(x[1]![1]).toBeCloseTo(1, 6);
    expect(x[5]![0]).toBeCloseTo(0.5 * Math.cos((2 * Math.PI) / 5), 6); // inner: 5 angles step 2pi/5
    expect(() => makeCircles({ factor: 1 })).toThrow(/makeCircles: argument factor/);
  });
});

describe('makeBlobs (sklearn make_blobs)', () => {
  it('splits samples over centers like sklearn and spreads each by its clusterStd', () => {
    const small = unpack(makeBlobs({ nSamples: 10, centers: 3, shuffle: false }));
    expect(small.y).toEqual([0, 0, 0, 0, 1, 1, 1, 2, 2, 2]);
    const centers = [
      [5, -5, 0],
      [-3, 2, 8],
    ];
    const { x, y } = unpack(makeBlobs({ nSamples: 4000, centers, clusterStd: [0.5, 2], seed: 2 }));
    expect(x[0]).toHaveLength(3);
    for (let c = 0; c < 2; c++) {
      const rows = x.filter((_, i) => y[i] === c);
      expect(rows.length).toBe(2000);
      for (let f = 0; f < 3; f++) {
        const col = rows.map((r) => r[f]!);
        const mean = col.reduce((s, v) => s + v, 0) / col.length;
        const sd = Math.sqrt(col.reduce((s, v) => s + (v - mean) ** 2, 0) / col.length);
        expect(Math.abs(mean - centers[c]![f]!)).toBeLessThan(0.15);
        expect(sd / [0.5, 2][c]!).toBeGreaterThan(0.93);
        expect(sd / [0.5, 2][c]!).toBeLessThan(1.07);
      }
    }
  });

  it('draws random centers inside centerBox; one-hot labels; clear errors', () => {
    const d = makeBlobs({ nSamples: 300, centers: 4, nFeatures: 5, clusterStd: 0, centerBox: [2, 3], oneHot: true, seed: 1 });
    expect(d.x.shape).toEqual([300, 5]);
    expect(d.y.shape).toEqual([300, 4]);
    expect(d.y.dtype).toBe('float32');
    const { x, y } = { x: d.x.arraySync(), y: d.y.arraySync() as number[][] };
    tf.dispose([d.x, d.y]);
    x.flat().forEach((v) => {
      expect(v).toBeGreaterThanOrEqual(2);
      expect(v).toBeLessThanOrEqual(3);
    });
    y.forEach((r) => expect(r.reduce((s, v) => s + v, 0)).toBe(1));
    expect(new Set(x.map(key)).size).toBe(4); // clusterStd 0: every point sits on its center
    expect(() => makeBlobs({ centers: [[1, 2], [3]] })).toThrow(/argument centers/);
    expect(() => makeBlobs({ centers: 2, clusterStd: [1, 2, 3] })).toThrow(/argument clusterStd/);
    expect(() => makeBlobs({ noise: 0.1 } as never)).toThrow(/makeBlobs: argument noise.*clusterStd/);
  });
});

describe('makeSpirals and makeXor', () => {
  it('spirals: radius t, angle 2 pi turns t, class 1 rotated by pi', () => {
    const { x, y } = unpack(makeSpirals({ nSamples: 40, turns: 2, startRadius: 0.2, shuffle: false }));
    expect(y.filter((v) => v === 0).length).toBe(20);
    for (let i = 0; i < 20; i++) {
      const t = 0.2 + (0.8 * i) / 19;
      const a = 2 * Math.PI * 2 * t;
      expect(x[i]![0]).toBeCloseTo(t * Math.cos(a), 6);
      expect(x[i]![1]).toBeCloseTo(t * Math.sin(a), 6);
      expect(x[20 + i]![0]).toBeCloseTo(-x[i]![0]!, 6);
      expect(x[20 + i]![1]).toBeCloseTo(-x[i]![1]!, 6);
    }
  });

  it('xor: labels are the xor of the coordinate signs; int32 by default; seeded', () => {
    const d = makeXor({ nSamples: 500, seed: 4 });
    expect(d.y.dtype).toBe('int32');
    const { x, y } = unpack(d);
    x.forEach(([a, b], i) => expect(y[i]).toBe(a! > 0 !== b! > 0 ? 1 : 0));
    expect(y.filter((v) => v === 1).length).toBeGreaterThan(200);
    expect(y.filter((v) => v === 1).length).toBeLessThan(300);
    expect(unpack(makeXor({ nSamples: 20, seed: 4 }))).not.toEqual(unpack(makeXor({ nSamples: 20, seed: 5 })));
  });

  it('reject bad options, naming the generator and the argument', () => {
    expect(() => makeMoons({ nSamples: 0 })).toThrow(/makeMoons: argument nSamples/);
    expect(() => makeSpirals({ turns: -1 })).toThrow(/makeSpirals: argument turns/);
    expect(() => makeXor({ seed: 1.5 })).toThrow(/makeXor: argument seed/);
    expect(() => makeMoons({ nsamples: 10 } as never)).toThrow(/unknown option "nsamples"/);
  });
});
