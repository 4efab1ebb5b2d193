// Seeded random numbers that are the same on every platform and backend.
//
// Generator: xoshiro128** 1.1 by David Blackman and Sebastiano Vigna (2018),
//   reference C code https://prng.di.unimi.it/xoshiro128starstar.c, paper
//   "Scrambled linear pseudorandom number generators", ACM TOMS 47(4), 2021.
//   128-bit state, period 2^128 - 1, 32-bit outputs; all arithmetic is exact 32-bit integer
//   arithmetic (Math.imul, shifts, xor), so a seed gives the same stream in every JS engine.
// Seeding: SplitMix64 (Steele, Lea, Flood, "Fast splittable pseudorandom number generators",
//   OOPSLA 2014; reference C code https://prng.di.unimi.it/splitmix64.c), as the xoshiro authors
//   recommend. Its first two 64-bit outputs, as little-endian 32-bit words, are the state
//   [lo(o1), hi(o1), lo(o2), hi(o2)]; SplitMix64 is a bijection of its counter, so two
//   consecutive outputs are never both zero and the state is never the forbidden all-zero one.
//   SplitMix64 runs here on 32-bit halves (no BigInt), so it is exact as well.
//
// Floating point: uniform() builds a double from 53 random bits exactly. normal() uses
// Marsaglia's polar method (only Math.log and Math.sqrt; sqrt is correctly rounded by IEEE 754,
// and V8/SpiderMonkey compute log with the same fdlibm algorithm). Float32 outputs are the
// doubles rounded with Math.fround, so tensors made here are bit-identical on every tfjs backend.
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, ShapeError, formatShape } from './errors';

const TWO_32 = 4294967296;
const TWO_53 = 9007199254740992;
const TWO_26 = 67108864;

// ---------------------------------------------------------------------------------------------
// 64-bit arithmetic on (hi, lo) pairs of uint32, for SplitMix64.

/** High 32 bits of the unsigned 64-bit product of two uint32. */
function mulHi32(a: number, b: number): number {
  const a0 = a & 0xffff;
  const a1 = a >>> 16;
  const b0 = b & 0xffff;
  const b1 = b >>> 16;
  const p00 = a0 * b0;
  const p01 = a0 * b1;
  const p10 = a1 * b0;
  const p11 = a1 * b1;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  return (p11 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16)) >>> 0;
}

/** SplitMix64 on a [hi, lo] uint32 pair held in `st`; returns the output as [hi, lo]. */
function splitmix64Next(st: Uint32Array): [number, number] {
  // x += 0x9e3779b97f4a7c15
  let lo = st[1] + 0x7f4a7c15;
  const carry = lo >= TWO_32 ? 1 : 0;
  lo >>>= 0;
  const hi = (st[0] + 0x9e3779b9 + carry) >>> 0;
  st[0] = hi;
  st[1] = lo;
  let zh = hi;
  let zl = lo;
  // z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9
  zl = (zl ^ ((zl >>> 30) | (zh << 2))) >>> 0;
  zh = (zh ^ (zh >>> 30)) >>> 0;
  [zh, zl] = mul64(zh, zl, 0xbf58476d, 0x1ce4e5b9);
  // z = (z ^ (z >>> 27)) * 0x94d049bb133111eb
  zl = (zl ^ ((zl >>> 27) | (zh << 5))) >>> 0;
  zh = (zh ^ (zh >>> 27)) >>> 0;
  [zh, zl] = mul64(zh, zl, 0x94d049bb, 0x133111eb);
  // z ^ (z >>> 31)
  zl = (zl ^ ((zl >>> 31) | (zh << 1))) >>> 0;
  zh = (zh ^ (zh >>> 31)) >>> 0;
  return [zh, zl];
}

/** (ah:al) * (bh:bl) mod 2^64 as [hi, lo]. */
function mul64(ah: number, al: number, bh: number, bl: number): [number, number] {
  const lo = Math.imul(al, bl) >>> 0;
  const hi = (mulHi32(al, bl) + Math.imul(ah, bl) + Math.imul(al, bh)) >>> 0;
  return [hi, lo];
}

/** xoshiro128** state from a 64-bit seed given as [hi, lo] uint32 words. */
function seedState(hi: number, lo: number): [number, number, number, number] {
  const st = new Uint32Array([hi, lo]);
  const [h1, l1] = splitmix64Next(st);
  const [h2, l2] = splitmix64Next(st);
  return [l1, h1, l2, h2];
}

/** A seed as its 64-bit two's-complement [hi, lo] words. */
function seedWords(seed: number | bigint, where: string): [number, number] {
  if (typeof seed === 'bigint') {
    const u = BigInt.asUintN(64, seed);
    return [Number(u >> 32n), Number(u & 0xffffffffn)];
  }
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) {
    throw new ConfigError('invalid seed', {
      where,
      argument: 'seed',
      expected: 'a safe integer number or a bigint',
      got: typeof seed === 'number' ? String(seed) : typeof seed,
    });
  }
  const hi = Math.floor(seed / TWO_32);
  const lo = seed - hi * TWO_32;
  return [hi >>> 0, lo >>> 0];
}

// ---------------------------------------------------------------------------------------------
// Float32 neighbours, so float32 outputs keep the promised interval after rounding.

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The float32 just above float32 `x`. */
function nextUp32(x: number): number {
  if (Number.isNaN(x) || x === Infinity) return x;
  if (x === 0) return 1.401298464324817e-45;
  f32[0] = x;
  u32[0] += x > 0 ? 1 : -1;
  return f32[0];
}

/** The float32 just below float32 `x`. */
function nextDown32(x: number): number {
  return -nextUp32(-x);
}

/** The smallest float32 >= x. */
function ceil32(x: number): number {
  const f = Math.fround(x);
  return f < x ? nextUp32(f) : f;
}

/** The largest float32 <= x. */
function floor32(x: number): number {
  const f = Math.fround(x);
  return f > x ? nextDown32(f) : f;
}

// ---------------------------------------------------------------------------------------------
// Standard normal CDF in log space and its inverse, for the truncated normal's deep tails.

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/** log Φ(x) for x <= -3: Laplace's continued fraction Φ(x) = φ(x) / (t + 1/(t + 2/(t + ...))), t = -x. */
function logPhiTail(x: number): number {
  const t = -x;
  let f = t;
  for (let k = 120; k >= 1; k--) f = t + k / f;
  return -0.5 * x * x - LOG_SQRT_2PI - Math.log(f);
}

/** Φ(x) for |x| <= 3 by the series Φ(x) = 1/2 + φ(x) (x + x³/3 + x⁵/(3·5) + ...) (Marsaglia 2004). */
function phiSeries(x: number): number {
  let term = x;
  let sum = x;
  const x2 = x * x;
  for (let n = 1; n < 200; n++) {
    term *= x2 / (2 * n + 1);
    const next = sum + term;
    if (next === sum) break;
    sum = next;
  }
  return 0.5 + Math.exp(-0.5 * x2 - LOG_SQRT_2PI) * sum;
}

/** log Φ(x), the log of the standard normal CDF, accurate in both tails. @internal */
export function logNormalCdf(x: number): number {
  if (x === -Infinity) return -Infinity;
  if (x === Infinity) return 0;
  if (x < -3) return logPhiTail(x);
  if (x <= 3) return Math.log(phiSeries(x));
  return Math.log1p(-Math.exp(logPhiTail(-x)));
}

/** Φ⁻¹(p) to about 1e-9 relative (P. J. Acklam's rational approximation), for 0 < p < 1. */
function acklam(p: number): number {
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const pLow = 0.02425;
  if (p < pLow || p > 1 - pLow) {
    const q = Math.sqrt(-2 * Math.log(p < pLow ? p : 1 - p));
    const x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    return p < pLow ? x : -x;
  }
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

/** The x with log Φ(x) = logP (logP <= 0): Acklam's start, then Newton on log Φ (concave, so it converges). @internal */
export function inverseLogNormalCdf(logP: number): number {
  if (logP >= 0) return Infinity;
  if (logP === -Infinity) return -Infinity;
  const p = Math.exp(logP);
  // Below ~1e-300 Acklam's formula loses p; -sqrt(-2 logP) lies left of the root, where Newton
  // on a concave increasing function climbs monotonically to it.
  let x = p > 1e-300 ? acklam(p) : -Math.sqrt(-2 * logP);
  for (let i = 0; i < 100; i++) {
    const lp = logNormalCdf(x);
    const slope = Math.exp(-0.5 * x * x - LOG_SQRT_2PI - lp); // φ(x) / Φ(x)
    const dx = (lp - logP) / slope;
    x -= dx;
    if (!(Math.abs(dx) > 1e-15 * Math.max(1, Math.abs(x)))) break;
  }
  return x;
}

// Below this probability of landing in [a, b], fillTruncatedNormal draws by inverse CDF.
const MIN_ACCEPTANCE = 0.1;

// ---------------------------------------------------------------------------------------------

/** Throws unless `shape` is an array of non-negative integers; returns its element count. @internal */
export function shapeSize(shape: readonly number[], where: string, argument = 'shape'): number {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new ShapeError('invalid shape', {
      where,
      argument,
      expected: 'an array of non-negative integers',
      got: Array.isArray(shape) ? formatShape(shape) : String(shape),
    });
  }
  return shape.reduce((n, d) => n * d, 1);
}

function checkNumber(value: unknown, where: string, argument: string, finite = true): asserts value is number {
  if (typeof value !== 'number' || Number.isNaN(value) || (finite && !Number.isFinite(value))) {
    throw new ConfigError('invalid value', {
      where,
      argument,
      expected: finite ? 'a finite number' : 'a number (not NaN)',
      got: String(value),
    });
  }
}

/** Validates (mean, std) of a normal distribution. @internal */
export function checkMeanStd(mean: unknown, std: unknown, where: string): void {
  checkNumber(mean, where, 'mean');
  checkNumber(std, where, 'std');
  if ((std as number) < 0) {
    throw new ConfigError('standard deviation must not be negative', { where, argument: 'std', expected: '>= 0', got: String(std) });
  }
}

/** Validates the interval [low, high) of a uniform distribution. @internal */
export function checkLowHigh(low: unknown, high: unknown, where: string): void {
  checkNumber(low, where, 'low');
  checkNumber(high, where, 'high');
  if ((low as number) > (high as number)) {
    throw new ConfigError('low must not exceed high', { where, argument: 'low', expected: `<= high (${high})`, got: String(low) });
  }
}

/** Validates the truncation bounds a < b (either may be infinite). @internal */
export function checkTruncBounds(a: unknown, b: unknown, where: string): void {
  checkNumber(a, where, 'a', false);
  checkNumber(b, where, 'b', false);
  if (!((a as number) < (b as number))) {
    throw new ConfigError('lower bound a must be below upper bound b', { where, argument: 'a', expected: `< b (${b})`, got: String(a) });
  }
}

function checkOut(out: unknown, where: string): void {
  if (!(out instanceof Float32Array)) {
    throw new ConfigError('invalid output array', { where, argument: 'out', expected: 'a Float32Array', got: Object.prototype.toString.call(out) });
  }
}

/**
 * A seeded random number generator: xoshiro128** seeded through SplitMix64, with exact 32-bit
 * integer arithmetic, so a seed gives the same stream in every JS engine and the tensors made
 * from it are bit-identical on every tfjs backend. Make one with {@link createRng}; save and
 * restore it exactly with {@link Rng.state} / {@link Rng.setState} (checkpoint resume).
 *
 * @example
 * const rng = createRng(42);
 * const w = rng.normalTensor([3, 4], 0, 0.02);
 */
export class Rng {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  private hasSpare = false;
  private spare = 0;

  /** The generator seeded with `seed` (same as {@link createRng}). */
  constructor(seed: number | bigint) {
    const [hi, lo] = seedWords(seed, 'createRng');
    [this.s0, this.s1, this.s2, this.s3] = seedState(hi, lo);
  }

  /**
   * A generator in the given state, as returned by {@link Rng.state}: 4 words (`[s0, s1, s2, s3]`,
   * the raw xoshiro128** state, not all zero) or 6 (with the cached normal deviate).
   */
  static fromState(state: readonly number[]): Rng {
    const rng = new Rng(0);
    rng.setState(state);
    return rng;
  }

  /** The next 32-bit output, an integer in [0, 2^32). */
  nextUint32(): number {
    const s0 = this.s0;
    const s1 = this.s1;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    this.s2 ^= s0;
    this.s3 ^= s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /**
   * A double uniform in [0, 1) with 53 random bits: `((x >>> 5) · 2^26 + (y >>> 6)) / 2^53`
   * from two outputs x, y (every value a multiple of 2^-53).
   */
  uniform(): number {
    const hi = this.nextUint32() >>> 5;
    const lo = this.nextUint32() >>> 6;
    return (hi * TWO_26 + lo) / TWO_53;
  }

  /** A double uniform in the open interval (0, 1), from 53 random bits plus one half. */
  private uniformOpen(): number {
    const hi = this.nextUint32() >>> 5;
    const lo = this.nextUint32() >>> 6;
    return (hi * TWO_26 + lo + 0.5) / TWO_53;
  }

  /**
   * A standard normal deviate (mean 0, variance 1) by Marsaglia's polar method: draw u, v
   * uniform in (-1, 1) until s = u² + v² is in (0, 1); then u·m and v·m with m = sqrt(-2 ln s / s)
   * are two independent deviates. The second is cached (and part of {@link Rng.state}).
   */
  normal(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spare;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * this.uniform() - 1;
      v = 2 * this.uniform() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const m = Math.sqrt((-2 * Math.log(s)) / s);
    this.spare = v * m;
    this.hasSpare = true;
    return u * m;
  }

  /**
   * A uniform integer in [0, n), without modulo bias (rejection of the top partial block).
   * `n` is an integer in [1, 2^53]; up to 2^32 it uses one output per try, above it 53 bits.
   */
  randint(n: number): number {
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > TWO_53) {
      throw new ConfigError('invalid bound', { where: 'Rng.randint', argument: 'n', expected: 'an integer in [1, 2^53]', got: String(n) });
    }
    if (n <= TWO_32) {
      const limit = TWO_32 - (TWO_32 % n);
      for (;;) {
        const r = this.nextUint32();
        if (r < limit) return r % n;
      }
    }
    const limit = TWO_53 - (TWO_53 % n);
    for (;;) {
      const r = (this.nextUint32() >>> 11) * TWO_32 + this.nextUint32();
      if (r < limit) return r % n;
    }
  }

  /** A uniformly random permutation of 0..n-1 (Fisher-Yates, drawing j = randint(i + 1) for i = n-1..1). */
  permutation(n: number): Int32Array {
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 0x7fffffff) {
      throw new ConfigError('invalid length', { where: 'Rng.permutation', argument: 'n', expected: 'an integer in [0, 2^31)', got: String(n) });
    }
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.randint(i + 1);
      const tmp = p[i];
      p[i] = p[j];
      p[j] = tmp;
    }
    return p;
  }

  /**
   * Fills `out` with `low + (high - low) · U`, U = {@link Rng.uniform}, rounded to float32 and kept
   * in [low, high): a rounded value outside moves to the nearest float32 inside (when the
   * interval holds one). `low === high` fills with `low`. Returns `out`.
   */
  fillUniform(out: Float32Array, low: number, high: number): Float32Array {
    const where = 'Rng.fillUniform';
    checkOut(out, where);
    checkLowHigh(low, high, where);
    const width = high - low;
    const lo32 = ceil32(low);
    const hi32 = nextDown32(ceil32(high)); // largest float32 < high
    const clamp = lo32 <= hi32;
    for (let i = 0; i < out.length; i++) {
      let v = Math.fround(low + width * this.uniform());
      if (clamp) v = v < lo32 ? lo32 : v > hi32 ? hi32 : v;
      out[i] = v;
    }
    return out;
  }

  /** Fills `out` with `mean + std · Z`, Z = {@link Rng.normal}, rounded to float32. Returns `out`. */
  fillNormal(out: Float32Array, mean: number, std: number): Float32Array {
    const where = 'Rng.fillNormal';
    checkOut(out, where);
    checkMeanStd(mean, std, where);
    for (let i = 0; i < out.length; i++) out[i] = mean + std * this.normal();
    return out;
  }

  /**
   * Fills `out` from N(mean, std²) truncated to the absolute bounds [a, b], like PyTorch's
   * `torch.nn.init.trunc_normal_(t, mean, std, a, b)` (a and b are values, not multiples of std;
   * either may be infinite). With α = (a - mean)/std, β = (b - mean)/std and acceptance
   * P = Φ(β) - Φ(α): when P >= 0.1, rejection sampling (draw `mean + std · Z` until it lies in
   * [a, b]); otherwise, so far-tail bounds never stall, inverse-CDF sampling
   * x = mean + std · Φ⁻¹(Φ(α) + U·P), done in log space on the lower tail (mirrored when
   * α > 0) so it stays exact even where Φ underflows. `std = 0` fills with mean clamped to
   * [a, b]. Values are rounded to float32 and kept in [a, b]. Returns `out`.
   */
  fillTruncatedNormal(out: Float32Array, mean: number, std: number, a: number, b: number): Float32Array {
    const where = 'Rng.fillTruncatedNormal';
    checkOut(out, where);
    checkMeanStd(mean, std, where);
    checkTruncBounds(a, b, where);
    const lo32 = ceil32(a);
    const hi32 = floor32(b);
    const clamp = lo32 <= hi32;
    const put = (i: number, x: number): void => {
      let v = Math.fround(x < a ? a : x > b ? b : x);
      if (clamp) v = v < lo32 ? lo32 : v > hi32 ? hi32 : v;
      out[i] = v;
    };
    if (std === 0) {
      for (let i = 0; i < out.length; i++) put(i, mean);
      return out;
    }
    const alpha = (a - mean) / std;
    const beta = (b - mean) / std;
    // Mirror an interval wholly above the mean to below it: log Φ is exact on the lower tail.
    const flip = alpha > 0;
    const lo = flip ? -beta : alpha;
    const hi = flip ? -alpha : beta;
    const logHi = logNormalCdf(hi);
    const logLo = logNormalCdf(lo);
    const ratio = Math.exp(logLo - logHi); // Φ(lo) / Φ(hi), in [0, 1)
    const acceptance = Math.exp(logHi) * (1 - ratio);
    if (acceptance >= MIN_ACCEPTANCE) {
      for (let i = 0; i < out.length; i++) {
        let x: number;
        do x = mean + std * this.normal();
        while (!(x >= a && x <= b));
        put(i, x);
      }
      return out;
    }
    for (let i = 0; i < out.length; i++) {
      // u = Φ(lo) + U (Φ(hi) - Φ(lo)) = Φ(hi) (ratio + U (1 - ratio)), U in (0, 1).
      const logU = logHi + Math.log(ratio + this.uniformOpen() * (1 - ratio));
      let z = inverseLogNormalCdf(logU);
      z = z < lo ? lo : z > hi ? hi : z;
      put(i, mean + std * (flip ? -z : z));
    }
    return out;
  }

  /**
   * An independent generator, derived deterministically: two outputs of this one (which advances
   * by 2) form a 64-bit seed, expanded through SplitMix64 like {@link createRng}. Forks of equal
   * states are equal; the child's stream is statistically independent of the parent's.
   */
  fork(): Rng {
    const hi = this.nextUint32();
    const lo = this.nextUint32();
    const child = new Rng(0);
    [child.s0, child.s1, child.s2, child.s3] = seedState(hi, lo);
    return child;
  }

  /**
   * The full state, to restore exactly with {@link Rng.setState} or {@link Rng.fromState}:
   * `[s0, s1, s2, s3, hasSpare, spare]` — the four uint32 xoshiro128** words, 1 or 0 for
   * whether a normal deviate is cached, and that deviate (a double; JSON round-trips it exactly).
   */
  state(): number[] {
    return [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0, this.hasSpare ? 1 : 0, this.hasSpare ? this.spare : 0];
  }

  /**
   * Restores a state from {@link Rng.state}: 6 numbers, or 4 (the xoshiro128** words alone, no
   * cached deviate). The words must be uint32 and not all zero. Returns `this`.
   */
  setState(state: readonly number[]): this {
    const where = 'Rng.setState';
    const ok =
      Array.isArray(state) &&
      (state.length === 4 || state.length === 6) &&
      state.slice(0, 4).every((w) => Number.isInteger(w) && w >= 0 && w < TWO_32) &&
      state.slice(0, 4).some((w) => w !== 0) &&
      (state.length === 4 || ((state[4] === 0 || state[4] === 1) && Number.isFinite(state[5])));
    if (!ok) {
      throw new ConfigError('invalid generator state', {
        where,
        argument: 'state',
        expected: '[s0, s1, s2, s3] uint32 words, not all zero, optionally followed by hasSpare (0 or 1) and a finite spare',
        got: Array.isArray(state) ? `[${state.join(', ')}]` : String(state),
      });
    }
    this.s0 = state[0] | 0;
    this.s1 = state[1] | 0;
    this.s2 = state[2] | 0;
    this.s3 = state[3] | 0;
    this.hasSpare = state.length === 6 && state[4] === 1;
    this.spare = this.hasSpare ? state[5] : 0;
    return this;
  }

  /** A float32 tensor of `shape` uniform in [low, high), filled by {@link Rng.fillUniform} in row-major order. */
  uniformTensor(shape: readonly number[], low = 0, high = 1): tf.Tensor {
    const data = new Float32Array(shapeSize(shape, 'Rng.uniformTensor'));
    checkLowHigh(low, high, 'Rng.uniformTensor');
    this.fillUniform(data, low, high);
    return tf.tensor(data, [...shape], 'float32');
  }

  /** A float32 tensor of `shape` from N(mean, std²), filled by {@link Rng.fillNormal} in row-major order. */
  normalTensor(shape: readonly number[], mean = 0, std = 1): tf.Tensor {
    const data = new Float32Array(shapeSize(shape, 'Rng.normalTensor'));
    checkMeanStd(mean, std, 'Rng.normalTensor');
    this.fillNormal(data, mean, std);
    return tf.tensor(data, [...shape], 'float32');
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/**
 * A seeded {@link Rng}: xoshiro128** 1.1 (Blackman & Vigna) with its state taken from SplitMix64
 * seeded with `seed` (a safe integer, negative allowed, or a bigint; both read as 64-bit
 * two's complement, so `createRng(-1)` equals `createRng(2n ** 64n - 1n)` and `createRng(7)`
 * equals `createRng(7n)`). The same seed gives the same stream everywhere.
 */
export function createRng(seed: number | bigint): Rng {
  return new Rng(seed);
}
