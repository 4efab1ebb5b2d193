import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { ConfigError, ShapeError } from './errors';
import { Rng, createRng, inverseLogNormalCdf, logNormalCdf } from './rng';

// ---------------------------------------------------------------------------------------------
// Independent reference: SplitMix64 + xoshiro128** 1.1 written with BigInt, straight from the
// reference C (https://prng.di.unimi.it/splitmix64.c, https://prng.di.unimi.it/xoshiro128starstar.c).

const M64 = (1n << 64n) - 1n;
const M32 = 0xffffffffn;

function refSplitmix64(seed: bigint): () => bigint {
  let x = BigInt.asUintN(64, seed);
  return () => {
    x = (x + 0x9e3779b97f4a7c15n) & M64;
    let z = x;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & M64;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & M64;
    return z ^ (z >> 31n);
  };
}

function refXoshiro128ss(state: bigint[]): () => number {
  const s = [...state];
  const rotl = (x: bigint, k: bigint) => ((x << k) | (x >> (32n - k))) & M32;
  return () => {
    const result = (rotl((s[1] * 5n) & M32, 7n) * 9n) & M32;
    const t = (s[1] << 9n) & M32;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11n);
    return Number(result);
  };
}

function refStream(seed: bigint | number): () => number {
  const sm = refSplitmix64(BigInt(seed));
  const a = sm();
  const b = sm();
  return refXoshiro128ss([a & M32, a >> 32n, b & M32, b >> 32n]);
}

function take(rng: Rng, n: number): number[] {
  return Array.from({ length: n }, () => rng.nextUint32());
}

function moments(xs: ArrayLike<number>): { mean: number; variance: number } {
  let sum = 0;
  for (let i = 0; i < xs.length; i++) sum += xs[i];
  const mean = sum / xs.length;
  let sq = 0;
  for (let i = 0; i < xs.length; i++) sq += (xs[i] - mean) ** 2;
  return { mean, variance: sq / (xs.length - 1) };
}

/** Mean and variance of N(0,1) truncated to [lo, hi] by Simpson's rule (scaled to avoid underflow). */
function truncatedMoments(lo: number, hi: number): { mean: number; variance: number } {
  const c = lo > 0 ? lo : hi < 0 ? hi : 0;
  const w = (x: number) => Math.exp(-(x * x - c * c) / 2);
  const n = 20000;
  const h = (hi - lo) / n;
  let m0 = 0;
  let m1 = 0;
  let m2 = 0;
  for (let i = 0; i <= n; i++) {
    const x = lo + i * h;
    const k = i === 0 || i === n ? 1 : i % 2 ? 4 : 2;
    const v = k * w(x);
    m0 += v;
    m1 += v * x;
    m2 += v * x * x;
  }
  const mean = m1 / m0;
  return { mean, variance: m2 / m0 - mean * mean };
}

/** How many of `xs` lie outside [lo, hi] (or [lo, hi) when `closed` is false). */
function outside(xs: ArrayLike<number>, lo: number, hi: number, closed = true): number {
  let n = 0;
  for (let i = 0; i < xs.length; i++) {
    const v = xs[i];
    if (!(v >= lo && (closed ? v <= hi : v < hi))) n++;
  }
  return n;
}

function bytes(t: tf.Tensor): Uint8Array {
  const d = t.dataSync() as Float32Array;
  return new Uint8Array(d.buffer.slice(d.byteOffset, d.byteOffset + d.byteLength));
}

beforeAll(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

afterAll(async () => {
  await tf.setBackend('cpu');
});

describe('generator', () => {
  it('matches an independent BigInt re-implementation of SplitMix64 + xoshiro128**', () => {
    const seeds: (number | bigint)[] = [0, 1, 42, -1, 2 ** 53 - 1, -(2 ** 40) + 3, 123456789012345678901234567890n, -5n];
    for (const seed of seeds) {
      const rng = createRng(seed);
      const ref = refStream(seed);
      for (let i = 0; i < 2000; i++) expect(rng.nextUint32()).toBe(ref());
    }
  });

  it('gives the known first outputs (checked against the reference C code)', () => {
    // Computed once with splitmix64.c + xoshiro128starstar.c compiled with gcc.
    expect(take(createRng(42), 6)).toEqual([1776835114, 4165204688, 17111135, 2317295270, 2792088233, 2554630222]);
    expect(take(createRng(0), 6)).toEqual([3737715805, 2584255861, 2876756834, 3286328325, 1553311962, 1625202774]);
    expect(take(createRng(-1), 6)).toEqual([477689756, 2493998634, 555695776, 607808419, 61340979, 301466976]);
  });

  it('reproduces the published xoshiro128** 1.1 and SplitMix64 test vectors', () => {
    // rand_xoshiro's reference test: state {1, 2, 3, 4}, values from xoshiro128starstar.c (v1.1).
    expect(take(Rng.fromState([1, 2, 3, 4]), 10)).toEqual([
      11520, 0, 5927040, 70819200, 2031721883, 1637235492, 1287239034, 3734860849, 3729100597, 4258142804,
    ]);
    // rand_xoshiro's SplitMix64 reference test (seed 1477776061723855037): the first two outputs
    // 1985237415132408290 and 2979275885539914483 become the state as little-endian words.
    const o1 = 1985237415132408290n;
    const o2 = 2979275885539914483n;
    expect(createRng(1477776061723855037n).state().slice(0, 4)).toEqual([Number(o1 & M32), Number(o1 >> 32n), Number(o2 & M32), Number(o2 >> 32n)]);
  });

  it('same seed -> same stream, different seeds differ', () => {
    expect(take(createRng(7), 100)).toEqual(take(createRng(7), 100));
    expect(take(createRng(7), 100)).toEqual(take(createRng(7n), 100));
    expect(take(createRng(-1), 10)).toEqual(take(createRng(2n ** 64n - 1n), 10));
    const a = take(createRng(1), 1000);
    const b = take(createRng(2), 1000);
    expect(a.filter((x, i) => x === b[i]).length).toBeLessThan(3);
    const firsts = new Set(Array.from({ length: 1000 }, (_, s) => createRng(s).nextUint32()));
    expect(firsts.size).toBe(1000);
  });

  it('outputs are uint32 with balanced bits', () => {
    const rng = createRng(3);
    const ones = new Array(32).fill(0);
    const n = 20000;
    let bad = 0;
    for (let i = 0; i < n; i++) {
      const x = rng.nextUint32();
      if (!(Number.isInteger(x) && x >= 0 && x < 2 ** 32)) bad++;
      for (let bit = 0; bit < 32; bit++) ones[bit] += (x >>> bit) & 1;
    }
    expect(bad).toBe(0);
    // Each bit is Bernoulli(1/2): sd of the count is 70.7; allow 6 sd.
    for (const c of ones) expect(Math.abs(c - n / 2)).toBeLessThan(425);
  });

  it('rejects invalid seeds', () => {
    for (const bad of [1.5, NaN, Infinity, 2 ** 53, '3' as unknown as number]) {
      expect(() => createRng(bad)).toThrow(ConfigError);
    }
    expect(() => createRng(0.5)).toThrow(/createRng: argument seed: invalid seed/);
  });
});

describe('state', () => {
  it('save/restore continues identically, through JSON and the cached normal', () => {
    const rng = createRng(2024);
    for (let i = 0; i < 37; i++) rng.uniform();
    rng.normal(); // leaves a cached spare
    const saved = rng.state();
    expect(saved[4]).toBe(1);
    const draw = (r: Rng) => [r.normal(), r.normal(), r.uniform(), r.randint(1000), ...r.permutation(20), r.nextUint32(), r.normal()];
    const a = draw(rng);
    const b = draw(Rng.fromState(JSON.parse(JSON.stringify(saved)) as number[]));
    const other = createRng(1);
    other.setState(saved);
    const c = draw(other);
    expect(b).toEqual(a);
    expect(c).toEqual(a);
    // the four-word form restores the generator alone (no cached deviate)
    const bare = Rng.fromState(saved.slice(0, 4));
    expect(bare.state()[4]).toBe(0);
  });

  it('state() is a snapshot, not a live view', () => {
    const rng = createRng(5);
    const s = rng.state();
    rng.nextUint32();
    expect(rng.state()).not.toEqual(s);
    expect(Rng.fromState(s).nextUint32()).toBe(createRng(5).nextUint32());
  });

  it('rejects invalid states', () => {
    const rng = createRng(1);
    const before = rng.state();
    for (const bad of [
      [0, 0, 0, 0],
      [1, 2, 3],
      [1, 2, 3, 2 ** 32],
      [1, 2, 3, -1],
      [1, 2, 3, 4.5],
      [1, 2, 3, 4, 2, 0],
      [1, 2, 3, 4, 1, NaN],
    ]) {
      expect(() => rng.setState(bad)).toThrow(ConfigError);
    }
    expect(() => rng.setState([0, 0, 0, 0])).toThrow(/Rng\.setState: argument state: invalid generator state/);
    expect(rng.state()).toEqual(before);
  });
});

describe('fork', () => {
  it('is deterministic and advances the parent by two outputs', () => {
    const p1 = createRng(11);
    const p2 = createRng(11);
    expect(take(p1.fork(), 50)).toEqual(take(p2.fork(), 50));
    const p3 = createRng(11);
    p3.nextUint32();
    p3.nextUint32();
    expect(take(p1, 10)).toEqual(take(p3, 10));
  });

  it('gives streams independent of the parent and of each other', () => {
    const parent = createRng(99);
    const kids = Array.from({ length: 8 }, () => parent.fork());
    const streams = [parent, ...kids].map((r) => Array.from({ length: 20000 }, () => r.uniform()));
    const firsts = new Set(streams.map((s) => s[0]));
    expect(firsts.size).toBe(streams.length);
    // Pearson correlation of each pair, also with lag 1: sd 1/sqrt(20000) = 0.007, allow ~6 sd.
    for (let i = 0; i < streams.length; i++) {
      for (let j = i + 1; j < streams.length; j++) {
        for (const lag of [0, 1]) {
          const x = streams[i].slice(0, 19999);
          const y = streams[j].slice(lag, 19999 + lag);
          const mx = moments(x);
          const my = moments(y);
          let cov = 0;
          for (let k = 0; k < x.length; k++) cov += (x[k] - mx.mean) * (y[k] - my.mean);
          const r = cov / (x.length - 1) / Math.sqrt(mx.variance * my.variance);
          expect(Math.abs(r)).toBeLessThan(0.045);
        }
      }
    }
  });
});

describe('distributions', () => {
  it('uniform: [0, 1), 53-bit grid, mean 1/2 and variance 1/12', () => {
    const rng = createRng(1);
    const n = 100000;
    const xs = new Float64Array(n);
    for (let i = 0; i < n; i++) xs[i] = rng.uniform();
    expect(outside(xs, 0, 1, false)).toBe(0);
    expect(Number.isInteger(xs[0] * 2 ** 53)).toBe(true);
    const { mean, variance } = moments(xs);
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.005); // sd 0.0009
    expect(Math.abs(variance - 1 / 12)).toBeLessThan(0.0015); // sd 0.00024
  });

  it('normal: mean 0, std 1, 68.3% within one std', () => {
    const rng = createRng(2);
    const n = 100000;
    const xs = new Float64Array(n);
    let within = 0;
    for (let i = 0; i < n; i++) {
      xs[i] = rng.normal();
      if (Math.abs(xs[i]) < 1) within++;
    }
    const { mean, variance } = moments(xs);
    expect(Math.abs(mean)).toBeLessThan(0.02); // sd 0.0032
    expect(Math.abs(Math.sqrt(variance) - 1)).toBeLessThan(0.015); // sd 0.0022
    expect(Math.abs(within / n - 0.6827)).toBeLessThan(0.01); // sd 0.0015
  });

  it('randint: range, no bias, large bounds, bad bounds', () => {
    const rng = createRng(3);
    const counts = new Array(6).fill(0);
    for (let i = 0; i < 60000; i++) counts[rng.randint(6)]++;
    // sd of each count ~91; allow 6 sd
    for (const c of counts) expect(Math.abs(c - 10000)).toBeLessThan(550);
    expect(rng.randint(1)).toBe(0);
    for (let i = 0; i < 100; i++) {
      const big = rng.randint(2 ** 40);
      expect(Number.isInteger(big) && big >= 0 && big < 2 ** 40).toBe(true);
      const full = rng.randint(2 ** 32);
      expect(full >= 0 && full < 2 ** 32).toBe(true);
    }
    for (const bad of [0, -1, 1.5, NaN, 2 ** 53 + 2]) expect(() => rng.randint(bad)).toThrow(ConfigError);
    expect(() => rng.randint(0)).toThrow(/Rng\.randint: argument n/);
  });

  it('permutation is a permutation, and uniform over orders', () => {
    const rng = createRng(4);
    for (const n of [0, 1, 2, 17, 1000]) {
      const p = rng.permutation(n);
      expect(p).toBeInstanceOf(Int32Array);
      expect(Array.from(p).sort((x, y) => x - y)).toEqual(Array.from({ length: n }, (_, i) => i));
    }
    expect(Array.from(createRng(1).permutation(50))).not.toEqual(Array.from(createRng(2).permutation(50)));
    const counts = new Map<string, number>();
    for (let i = 0; i < 6000; i++) {
      const key = rng.permutation(3).join('');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect(counts.size).toBe(6);
    for (const c of counts.values()) expect(Math.abs(c - 1000)).toBeLessThan(180); // sd 29
    expect(() => rng.permutation(-1)).toThrow(/Rng\.permutation: argument n/);
  });

  it('fillUniform stays in [low, high) after float32 rounding', () => {
    const rng = createRng(5);
    const out = rng.fillUniform(new Float32Array(50000), -0.1, 0.1);
    expect(outside(out, -0.1, 0.1, false)).toBe(0);
    const { mean, variance } = moments(out);
    expect(Math.abs(mean)).toBeLessThan(0.002);
    expect(Math.abs(variance - 0.04 / 12)).toBeLessThan(0.0001);
    // [1 - 2^-23, 1) holds two float32s; plain rounding would give 1.0 about a quarter of the time.
    const low = 1 - 2 ** -23;
    const narrow = rng.fillUniform(new Float32Array(2000), low, 1);
    const seen = new Set(narrow);
    expect([...seen].sort()).toEqual([low, 1 - 2 ** -24]);
    // low === high fills with low
    expect(Array.from(rng.fillUniform(new Float32Array(3), 2.5, 2.5))).toEqual([2.5, 2.5, 2.5]);
  });

  it('fillNormal: mean and std', () => {
    const out = createRng(6).fillNormal(new Float32Array(100000), 3, 2);
    const { mean, variance } = moments(out);
    expect(Math.abs(mean - 3)).toBeLessThan(0.04);
    expect(Math.abs(Math.sqrt(variance) - 2)).toBeLessThan(0.03);
    expect(Array.from(createRng(6).fillNormal(new Float32Array(4), 1, 0))).toEqual([1, 1, 1, 1]);
  });

  it('fill* consume the stream exactly like the scalar draws', () => {
    const a = createRng(8);
    const b = createRng(8);
    const u = a.fillUniform(new Float32Array(5), -1, 3);
    expect(Array.from(u)).toEqual([0, 1, 2, 3, 4].map(() => Math.fround(-1 + 4 * b.uniform())));
    const z = a.fillNormal(new Float32Array(5), 0.5, 2);
    expect(Array.from(z)).toEqual([0, 1, 2, 3, 4].map(() => Math.fround(0.5 + 2 * b.normal())));
    expect(a.state()).toEqual(b.state());
  });
});

describe('truncated normal', () => {
  const cases: [string, number, number, number, number][] = [
    // name, mean, std, a, b   (a, b absolute)
    ['torch default [-2, 2] (rejection)', 0, 1, -2, 2],
    ['shifted and scaled, asymmetric', 5, 0.5, 4, 7],
    ['upper tail [3, 4] (inverse CDF)', 0, 1, 3, 4],
    ['deep upper tail [10, 11]', 0, 1, 10, 11],
    ['deep lower tail [-40, -39.5]', 0, 1, -40, -39.5],
    ['narrow around the mean [-0.05, 0.05]', 0, 1, -0.05, 0.05],
    ['tail of a scaled normal', 1, 0.02, 1.08, 1.2],
  ];
  for (const [name, mean, std, a, b] of cases) {
    it(`${name}: within bounds, moments match`, () => {
      const n = 20000;
      const out = createRng(7).fillTruncatedNormal(new Float32Array(n), mean, std, a, b);
      expect(outside(out, a, b)).toBe(0);
      const ref = truncatedMoments((a - mean) / std, (b - mean) / std);
      const m = moments(out);
      const sd = Math.sqrt(ref.variance) * std;
      expect(Math.abs(m.mean - (mean + std * ref.mean))).toBeLessThan(6 * (sd / Math.sqrt(n)) + 1e-6 * Math.abs(mean));
      expect(Math.abs(Math.sqrt(m.variance) / sd - 1)).toBeLessThan(0.05);
    });
  }

  it('half-infinite bounds and std = 0', () => {
    const out = createRng(9).fillTruncatedNormal(new Float32Array(50000), 0, 1, -Infinity, 0);
    expect(outside(out, -Infinity, 0)).toBe(0);
    expect(Math.abs(moments(out).mean + Math.sqrt(2 / Math.PI))).toBeLessThan(0.02);
    const far = createRng(9).fillTruncatedNormal(new Float32Array(1000), 0, 1, 50, Infinity);
    expect(outside(far, 50, 50.5)).toBe(0);
    expect(Array.from(createRng(9).fillTruncatedNormal(new Float32Array(2), 3, 0, -1, 1))).toEqual([1, 1]);
  });

  it('keeps float32-rounded values inside non-representable bounds', () => {
    const out = createRng(10).fillTruncatedNormal(new Float32Array(20000), 0.1, 0.001, 0.1, 0.1000001);
    expect(outside(out, 0.1, 0.1000001)).toBe(0);
  });

  it('log-CDF and its inverse match high-precision values', () => {
    // log Φ(x) computed with mpmath at 40 digits
    const ref: [number, number][] = [
      [-1000, -500007.82669481216],
      [-38, -726.5572160188201],
      [-10, -53.23128515051247],
      [-3, -6.607726221510349],
      [-1, -1.8410216450092636],
      [0, -0.6931471805599453],
      [0.5, -0.3689464152886564],
      [5, -2.866516129637636e-7],
    ];
    for (const [x, lp] of ref) {
      expect(Math.abs(logNormalCdf(x) - lp)).toBeLessThan(1e-12 * Math.abs(lp));
      expect(Math.abs(inverseLogNormalCdf(lp) - x)).toBeLessThan(1e-9 * Math.max(1, Math.abs(x)));
    }
  });

  it('rejects bad bounds and std', () => {
    const rng = createRng(1);
    const out = new Float32Array(4);
    expect(() => rng.fillTruncatedNormal(out, 0, 1, 2, 2)).toThrow(/Rng\.fillTruncatedNormal: argument a: lower bound a must be below upper bound b/);
    expect(() => rng.fillTruncatedNormal(out, 0, 1, 3, -3)).toThrow(ConfigError);
    expect(() => rng.fillTruncatedNormal(out, 0, -1, -2, 2)).toThrow(/argument std: standard deviation must not be negative/);
    expect(() => rng.fillTruncatedNormal(out, 0, 1, NaN, 2)).toThrow(ConfigError);
    expect(() => rng.fillUniform(out, 1, 0)).toThrow(/Rng\.fillUniform: argument low: low must not exceed high/);
    expect(() => rng.fillNormal(out, Infinity, 1)).toThrow(/Rng\.fillNormal: argument mean/);
    expect(() => rng.fillNormal([0, 0] as unknown as Float32Array, 0, 1)).toThrow(/argument out/);
  });
});

describe('tensors', () => {
  it('uniformTensor/normalTensor: float32, shaped, equal to the filled array', () => {
    const u = createRng(12).uniformTensor([3, 4], -2, 2);
    const z = createRng(12).normalTensor([2, 5]);
    expect(u.dtype).toBe('float32');
    expect(u.shape).toEqual([3, 4]);
    expect(z.shape).toEqual([2, 5]);
    expect(Array.from(u.dataSync())).toEqual(Array.from(createRng(12).fillUniform(new Float32Array(12), -2, 2)));
    expect(Array.from(z.dataSync())).toEqual(Array.from(createRng(12).fillNormal(new Float32Array(10), 0, 1)));
    u.dispose();
    z.dispose();
    const empty = createRng(1).normalTensor([0, 3]);
    expect(empty.shape).toEqual([0, 3]);
    empty.dispose();
  });

  it('rejects bad shapes and options without creating tensors', () => {
    const rng = createRng(1);
    expect(() => rng.uniformTensor([2, -1])).toThrow(ShapeError);
    expect(() => rng.normalTensor([2.5])).toThrow(/Rng\.normalTensor: argument shape: invalid shape/);
    expect(() => rng.normalTensor([2], 0, -1)).toThrow(ConfigError);
    expect(() => rng.uniformTensor([2], 1, 0)).toThrow(ConfigError);
  });

  it('same seed gives bit-identical tensors on cpu and wasm', async () => {
    const make = () => {
      const rng = createRng(31337);
      return [rng.uniformTensor([64, 33], -1, 1), rng.normalTensor([7, 5, 3], 0.25, 3)];
    };
    await tf.setBackend('cpu');
    const onCpu = make();
    const cpuBytes = onCpu.map(bytes);
    await tf.setBackend('wasm');
    expect(tf.getBackend()).toBe('wasm');
    const onWasm = make();
    const wasmBytes = onWasm.map(bytes);
    tf.dispose(onWasm);
    await tf.setBackend('cpu');
    tf.dispose(onCpu);
    expect(wasmBytes[0].length).toBe(64 * 33 * 4);
    for (let i = 0; i < cpuBytes.length; i++) expect(Buffer.from(wasmBytes[i]).equals(Buffer.from(cpuBytes[i]))).toBe(true);
  });
});
