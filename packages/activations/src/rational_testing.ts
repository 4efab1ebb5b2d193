// Test support (not exported by the package): rational activations evaluated in float64, with
// the size of float32's rounding error for each output, and the comparison the large-|x| tests
// of rational.test.ts and rational_large_a.test.ts make.
import { tf } from '@basiskit/tensor';
import { expect } from 'vitest';
import { rational, type RationalVersion } from './rational';

const FLOAT32_MAX = 3.4028234663852886e38;

/** An output's float64 value and how far float32 rounding can move it (its scale times 1e-4). */
export interface Reference {
  value: number;
  slack: number;
}

/** y, dy/dx, dy/da_j and dy/db_k of one element in float64, for float32 coefficients. */
export interface RationalReference {
  y: Reference;
  dx: Reference;
  da: Reference[];
  db: Reference[];
}

const RTOL = 1e-4;

/**
 * Version A/B/C at x in float64. Each output's slack is RTOL times the sum of the magnitudes its
 * formula adds up (so cancellation in P or Q near a root widens it, as it does float32's error).
 */
export function rationalReference(x: number, a: number[], b: number[], version: RationalVersion): RationalReference {
  const ax = Math.abs(x);
  const powSigned = (j: number) => (j === 0 ? 1 : x ** j);
  const pow = (j: number) => (j === 0 ? 1 : ax ** j);
  // P, P' and their magnitude sums
  let p = 0;
  let pAbs = 0;
  let dp = 0;
  let dpAbs = 0;
  a.forEach((c, j) => {
    p += c * powSigned(j);
    pAbs += Math.abs(c) * pow(j);
    if (j > 0) {
      dp += j * c * powSigned(j - 1);
      dpAbs += j * Math.abs(c) * pow(j - 1);
    }
  });
  // Q = c0 + |S| (A: S = sum |b_k| |x|^k, sign 1), dQ/dx = sgn·S', and d|S|/db_k = sgn·x^deg
  const c0 = version === 'C' ? 0.1 : 1;
  const deg = (k: number) => (version === 'C' ? k : k + 1);
  let sum = 0;
  let sAbs = 0;
  let ds = 0;
  let dsAbs = 0;
  b.forEach((c, k) => {
    const d = deg(k);
    const term = version === 'A' ? Math.abs(c) * pow(d) : c * powSigned(d);
    sum += term;
    sAbs += Math.abs(c) * pow(d);
    if (d > 0) {
      ds += version === 'A' ? d * Math.abs(c) * pow(d - 1) * Math.sign(x) : d * c * powSigned(d - 1);
      dsAbs += d * Math.abs(c) * pow(d - 1);
    }
  });
  const sgn = Math.sign(sum);
  const q = c0 + Math.abs(sum);
  const qAbs = c0 + sAbs;
  const y = p / q;
  const yScale = (pAbs + Math.abs(y) * qAbs) / q;
  const dx = (dp - y * sgn * ds) / q;
  const dxScale = (dpAbs + (yScale + Math.abs(y)) * dsAbs + Math.abs(dx) * qAbs) / q;
  const ref = (value: number, scale: number): Reference => ({ value, slack: RTOL * scale });
  return {
    y: ref(y, yScale),
    dx: ref(dx, dxScale),
    da: a.map((_, j) => ref(powSigned(j) / q, (pow(j) * qAbs) / (q * q))),
    db: b.map((c, k) => {
      // A: d/db_k of |b_k| |x|^k is sign(b_k)·|x|^k; B/C: sign(S)·x^deg
      const dq = version === 'A' ? Math.sign(c) * pow(deg(k)) : sgn * powSigned(deg(k));
      return ref(-y * (dq / q), ((yScale + Math.abs(y)) * pow(deg(k)) + Math.abs(y * dq) * (qAbs / q)) / q);
    }),
  };
}

/**
 * Checks float32 results against float64 references: never NaN; ±∞ (or beyond 1e38) of the
 * reference's sign where even the lowest value within the slack overflows float32; any ∞ or a
 * close finite value where the slack reaches past float32, or (`yOverflows`, for gradients)
 * where y itself overflows; elsewhere finite and within the slack plus 1e-36 (results that
 * small pass through float32's subnormal range in the pivoted products and may come out 0).
 */
export function expectFloat64Match(got: ArrayLike<number>, want: Reference[], xs: readonly number[], label: string, yOverflows?: boolean[]): void {
  want.forEach(({ value, slack }, i) => {
    const g = got[i];
    const at = `${label} at x = ${xs[i]}: got ${g}, float64 ${value} (± ${slack})`;
    expect(Number.isNaN(g), at).toBe(false);
    if (Math.abs(value) - slack > FLOAT32_MAX) {
      expect(Math.sign(g) === Math.sign(value) && Math.abs(g) >= 1e38, at).toBe(true);
      return;
    }
    if ((Math.abs(value) + slack > FLOAT32_MAX || yOverflows?.[i]) && !Number.isFinite(g)) return;
    expect(Number.isFinite(g), at).toBe(true);
    expect(Math.abs(g - value), at).toBeLessThanOrEqual(1e-36 + slack);
  });
}

/** Whether each y reference overflows float32 (gradients there may be ∞). */
export function overflows(refs: Reference[]): boolean[] {
  return refs.map(({ value, slack }) => Math.abs(value) - slack > FLOAT32_MAX);
}

/** Float32 results to check against {@link RationalReference}s: one entry per element of xs; da/db hold one row per element. */
export interface RationalResults {
  y: ArrayLike<number>;
  dx: ArrayLike<number>;
  da?: number[][];
  db?: number[][];
}

/** How {@link expectRationalMatch} names each output in its messages. */
export interface RationalLabels {
  y?: string;
  dx?: string;
  da?: (j: number) => string;
  db?: (k: number) => string;
}

/**
 * Checks y, dy/dx and (where given) every element's coefficient gradients against the float64
 * references with {@link expectFloat64Match}; gradients may be ∞ where y overflows.
 */
export function expectRationalMatch(got: RationalResults, refs: readonly RationalReference[], xs: readonly number[], labels: RationalLabels = {}): void {
  const { y = 'y', dx = 'dy/dx', da = (j: number) => `dy/da${j}`, db = (k: number) => `dy/db${k}` } = labels;
  const yOver = overflows(refs.map((r) => r.y));
  expectFloat64Match(
    got.y,
    refs.map((r) => r.y),
    xs,
    y,
  );
  expectFloat64Match(
    got.dx,
    refs.map((r) => r.dx),
    xs,
    dx,
    yOver,
  );
  const coefficientGradients = (grads: number[][] | undefined, refsOf: (r: RationalReference) => Reference[], label: (j: number) => string) => {
    if (!grads || refs.length === 0) return;
    refsOf(refs[0]).forEach((_, j) =>
      expectFloat64Match(
        grads.map((row) => row[j]),
        refs.map((r) => refsOf(r)[j]),
        xs,
        label(j),
        yOver,
      ),
    );
  };
  coefficientGradients(got.da, (r) => r.da, da);
  coefficientGradients(got.db, (r) => r.db, db);
}

/**
 * rational(x, a, b, { version }) and its gradients with one coefficient row per element of xs
 * (x [1, N], tables [N, k]), so that each element's coefficient gradients stand apart.
 */
export function rationalPerElement(xs: readonly number[], a: number[], b: number[], version: RationalVersion): Required<RationalResults> {
  return tf.tidy(() => {
    const x = tf.tensor2d([[...xs]]);
    const at = tf.tensor2d(xs.map(() => a));
    const bt = tf.tensor2d(xs.map(() => b));
    const f = (xx: tf.Tensor, aa: tf.Tensor, bb: tf.Tensor) => rational(xx, aa, bb, { version });
    const [gx, ga, gb] = tf.grads(f)([x, at, bt]);
    expect(gx.size).toBe(xs.length);
    return { y: f(x, at, bt).dataSync(), dx: gx.dataSync(), da: ga.arraySync() as number[][], db: gb.arraySync() as number[][] };
  });
}

/** Large and ordinary inputs, as float32 values: ±1e30 (the bound of the rational tests) down to 0 and a subnormal. */
export const RATIONAL_XS: readonly number[] = [1e30, -1e30, 3e29, -7e25, 1e20, -1e20, 1e10, -3e9, 1e4, -1e4, 100, -37, 3, -2.5, 0.5, -0.25, 0, 1e-40].map(
  Math.fround,
);
