// Rational (Padé) activations, rational_activations' versions A, B and C:
//
//   y = P(x) / Q(x),   P(x) = sum_{j=0..m} a_j x^j
//   A: Q = 1   + sum_{k=1..n} |b_k| |x|^k          (safe PAU; KAT's formula)
//   B: Q = 1   + | sum_{k=1..n} b_k x^k |
//   C: Q = 0.1 + | sum_{k=0..n-1} b_k x^k |
//
// Source: Molina et al., "Padé Activation Units" (ICLR 2020), and the ml-research/
// rational_activations implementation (Rational_PYTORCH_{A,B,C}_F). Version A runs on the fused
// group-rational kernel of @basiskit/kernels; B and C are plain ops with a hand-written
// derivative (d|v|/dv = sign(v), sign(0) = 0, as PyTorch).
//
// B and C at large |x|. P and Q overflow float32 long before P/Q does (x^5 at |x| = 1e8), and
// dividing both by |x|^max(m, n) instead underflows whenever leading coefficients are 0 (the
// identity init has Q = 1). So each element is evaluated relative to the dominant term of Q:
// with k* the degree of the largest of c0, |b_k|·|x|^k (found from logs), P and Q are both
// multiplied by |x|^-k*: P̃ = sum_j a_j x^(j-k*) (Horner in x for j >= k*, in t = 1/x for
// j < k*), likewise S̃ for the polynomial inside |.|, and Q̃ = c0·|x|^-k* + |S̃| ~ |b_k*|. Then
// y = sign(x)^k*·P̃/Q̃ with nothing formed larger than y itself, and the derivatives
//   dy/dx   = (sign(x)^k*·P̃' − y·sign(S̃)·S̃')/Q̃,
//   dy/da_j = sign(x)^k*·x^(j-k*)/Q̃,   dy/db_k = −y·sign(S̃)·x^(deg_k − k*)/Q̃
// (P̃', S̃' the derivative polynomials, pivoted alike) are finite wherever the true ones are.
import { groupRational } from '@basiskit/kernels';
import { ConfigError, Module, ShapeError, checkDim, checkInt, checkTensor, formatShape, tf } from '@basiskit/tensor';
import { signOf } from './functions/elementwise';
import { rationalInit, type RationalInitName } from './rational_init';

/** Which denominator: see the file header. */
export type RationalVersion = 'A' | 'B' | 'C';

const VERSIONS: RationalVersion[] = ['A', 'B', 'C'];

/** Column j of a [rows, k] table: [rows], or a scalar when rows = 1 (so it broadcasts over any x, rank 0 included). */
function column(table: tf.Tensor, j: number): tf.Tensor {
  const rows = table.shape[0] as number;
  return tf.reshape(tf.slice(table, [0, j], [rows, 1]), rows === 1 ? [] : [rows]);
}

/** 0 where `b` is 0, else a·b: a product whose zero factor is exact (so ∞·0 is 0, not NaN). */
function mulZeroWins(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  return tf.where(tf.equal(b, 0), tf.zerosLike(tf.mul(a, b)), tf.mul(a, b));
}

/**
 * The pivot k* of each element (the degree of Q's dominant term), that term's coefficient M
 * (`coefficient`), and the machinery to evaluate relative to them: `poly(c, shift)` = sum_i c[i]·x^(i − k* − shift) (coefficients c by degree,
 * null or missing: 0), `polyAt(c, p, lo, hi)` the same at any integer pivot tensor p in
 * [lo, hi], and `powers(d, start)` = [start·x^(j − k*)] for j = 0..d.
 */
function pivot(x: tf.Tensor, c0: number, sCoeffs: (tf.Tensor | null)[]) {
  const K = sCoeffs.length - 1;
  const logAbsX = tf.log(tf.abs(x));
  // deg 0: c0 (and C's b_0); deg k >= 1: log|b_k| + k·log|x| (−∞ for b_k = 0 or x = 0).
  // M: the dominant term's coefficient, max(c0, |b_0|) or |b_k*|.
  let coefficient: tf.Tensor = tf.add(tf.zerosLike(x), sCoeffs[0] ? tf.maximum(tf.abs(sCoeffs[0]), c0) : c0);
  let best: tf.Tensor = tf.log(coefficient);
  let kStar: tf.Tensor = tf.zerosLike(x);
  for (let k = 1; k <= K; k++) {
    const ck = sCoeffs[k];
    if (!ck) continue;
    const absCk = tf.abs(ck);
    const l = tf.add(tf.log(absCk), tf.mul(k, logAbsX));
    const better = tf.greater(l, best);
    best = tf.where(better, l, best);
    kStar = tf.where(better, tf.fill(x.shape, k), kStar);
    coefficient = tf.where(better, tf.mul(absCk, tf.onesLike(x)), coefficient);
  }
  const t = tf.reciprocal(tf.where(tf.equal(x, 0), tf.onesLike(x), x)); // 1/x (unused where k* = 0)
  /**
   * sum_i c[i]·x^(i − p): Horner in x over the degrees i >= p (then times x^−p where p < 0), and
   * in t = 1/x over those below p. No partial result is larger than the total's largest term.
   */
  const polyAt = (c: (tf.Tensor | null)[], p: tf.Tensor, lo: number, hi: number): tf.Tensor => {
    let high: tf.Tensor = tf.zerosLike(x);
    for (let i = c.length - 1; i >= 0; i--) {
      const ci = c[i];
      high = tf.where(tf.lessEqual(p, i), ci ? tf.add(tf.mul(high, x), ci) : tf.mul(high, x), high);
    }
    for (let r = 1; r <= -lo; r++) high = tf.where(tf.lessEqual(p, -r), tf.mul(high, x), high);
    let low: tf.Tensor = tf.zerosLike(x);
    for (let i = 0; i < hi; i++) {
      const ci = c[i];
      low = tf.where(tf.lessEqual(p, i), low, tf.mul(ci ? tf.add(low, ci) : low, t));
    }
    return tf.add(high, low);
  };
  const poly = (c: (tf.Tensor | null)[], shift: -1 | 0 | 1 = 0) => polyAt(c, shift === 0 ? kStar : tf.add(kStar, shift), shift, K + shift);
  const atLeast = (i: number) => tf.lessEqual(kStar, i); // i >= k*
  const powers = (d: number, start: tf.Tensor): tf.Tensor[] => {
    const first = tf.mul(start, tf.onesLike(x));
    const up: tf.Tensor[] = []; // start·x^(j − k*) for j >= k*
    let g: tf.Tensor = first;
    for (let j = 0; j <= d; j++) {
      g = tf.where(tf.greaterEqual(kStar, j), first, tf.mul(g, x));
      up.push(g);
    }
    const down: tf.Tensor[] = new Array(d + 1); // start·t^(k* − j) for j < k*
    let f: tf.Tensor = first;
    for (let j = Math.max(d, K); j >= 0; j--) {
      f = tf.where(atLeast(j), first, tf.mul(f, t));
      if (j <= d) down[j] = f;
    }
    return up.map((u, j) => tf.where(atLeast(j), u, down[j]));
  };
  // sign(x)^k*: −1 where x < 0 and k* is odd
  const flip = tf.logicalAnd(tf.less(x, 0), tf.equal(tf.mod(kStar, 2), 1));
  const sign = tf.where(flip, tf.fill(x.shape, -1), tf.onesLike(x));
  return { kStar, K, coefficient, poly, polyAt, powers, sign };
}

let directPath = true;

/**
 * Turns the direct evaluation of versions B and C off (every call then takes the pivoted one),
 * or back on; for tests and benchmarks that compare the two. Not exported from the package.
 */
export function setRationalDirectPath(enabled: boolean): void {
  directPath = enabled;
}

/**
 * Whether P, Q and every derivative can be evaluated directly (plain Horner) without leaving
 * float32's range: max|x|^d·max(1, |coefficients|) <= 1e30 with d the highest degree. Decided
 * from three maxima read back, so only on the cpu and wasm backends, where that costs nothing;
 * elsewhere (and for inputs past the bound) the pivoted evaluation is used.
 */
function fitsDirectly(x: tf.Tensor, a: tf.Tensor, b: tf.Tensor, degree: number): boolean {
  if (!directPath) return false;
  if (x.size === 0) return true;
  if (tf.getBackend() !== 'cpu' && tf.getBackend() !== 'wasm') return false;
  const [maxX, maxA, maxB] = tf.tidy(() => tf.stack([tf.max(tf.abs(x)), tf.max(tf.abs(a)), tf.max(tf.abs(b))]).dataSync());
  return Math.max(1, maxX) ** degree * Math.max(1, maxA, maxB) <= 1e30;
}

/** sum_i c[i]·x^i by Horner (null: 0). */
function horner(c: (tf.Tensor | null)[], x: tf.Tensor): tf.Tensor {
  let s: tf.Tensor = tf.zerosLike(x);
  for (let i = c.length - 1; i >= 0; i--) {
    const ci = c[i];
    s = ci ? tf.add(tf.mul(s, x), ci) : tf.mul(s, x);
  }
  return s;
}

/** The coefficients of the derivative of sum_i c[i]·x^i. */
function derivative(c: (tf.Tensor | null)[]): (tf.Tensor | null)[] {
  return c.slice(1).map((ci, i) => (ci ? tf.mul(i + 1, ci) : null));
}

/** y and its per-element derivatives: dy/dx, dy/da_j (j = 0..m), dy/db_k (k = 0..n-1). */
interface RationalParts {
  y: tf.Tensor;
  grads?: () => { dx: tf.Tensor; da: tf.Tensor[]; db: tf.Tensor[] };
}

/** Direct evaluation (inputs within fitsDirectly's bound): y = P/Q, dy/dx = (P' − y·sign(S)·S')/Q, dy/da_j = x^j/Q, dy/db_k = −y·sign(S)·x^deg/Q. */
function directParts(x: tf.Tensor, aCols: tf.Tensor[], bCols: (tf.Tensor | null)[], c0: number): RationalParts {
  const s = horner(bCols, x);
  const q = tf.add(c0, tf.abs(s));
  const y = tf.div(horner(aCols, x), q);
  return {
    y,
    grads: () => {
      const sgnS = signOf(s);
      const dx = tf.div(tf.sub(horner(derivative(aCols), x), tf.mul(tf.mul(y, sgnS), horner(derivative(bCols), x))), q);
      const powers: tf.Tensor[] = [tf.onesLike(x)];
      while (powers.length < Math.max(aCols.length, bCols.length)) powers.push(tf.mul(powers[powers.length - 1], x));
      const perB = tf.neg(tf.div(tf.mul(y, sgnS), q));
      return {
        dx,
        da: aCols.map((_, j) => tf.div(powers[j], q)),
        db: bCols.flatMap((c, deg) => (c ? [tf.mul(powers[deg], perB)] : [])),
      };
    },
  };
}

/** Pivoted evaluation (see the file header): finite wherever the true values are. */
function pivotedParts(x: tf.Tensor, aColsRaw: tf.Tensor[], bCols: (tf.Tensor | null)[], c0: number): RationalParts {
  const m = aColsRaw.length - 1;
  const pv = pivot(x, c0, bCols);
  const scale = pv.coefficient;
  const aCols = aColsRaw.map((c) => tf.div(c, scale));
  const sCoeffs = bCols.map((c) => (c ? tf.div(c, scale) : null));
  const sT = pv.poly(sCoeffs);
  const qT = tf.add(tf.abs(pv.poly([tf.div(c0, scale)])), tf.abs(sT));
  const y = tf.div(tf.mul(pv.sign, pv.poly(aCols)), qT);
  return {
    y,
    grads: () => {
      const sgnS = signOf(sT);
      // Where |x| > 1, y = yS·x with yS = sign·P̃₁/Q̃ (P̃₁ = P̃/x, pivoted one degree up), and
      // x·S̃' is pivoted one degree down: y·S̃' is formed as yS·(x·S̃'), finite where dy/dx
      // is even when y overflows (and x·S̃' ~ k*·b_k* does not underflow as S̃' ~ b/x can).
      const big = tf.greater(tf.abs(x), 1);
      const yS = tf.where(big, tf.div(tf.mul(pv.sign, pv.poly(aCols, 1)), qT), y);
      const dS = derivative(sCoeffs);
      const xdsT = tf.where(big, pv.poly(dS, -1), pv.poly(dS));
      // dy/dx = sign·P̃'/Q̃ − y·sign(S̃)·S̃'/Q̃
      const fromP = tf.div(tf.mul(pv.sign, pv.poly(derivative(aCols))), qT);
      const diff = tf.sub(fromP, mulZeroWins(yS, tf.div(tf.mul(sgnS, xdsT), qT)));
      // Both terms overflow only where P's degree m exceeds k*, and then the P' term (m/k* times
      // the other) sets the sign: ∞ − ∞ is that term's ∞, not NaN.
      const dx = tf.where(tf.isNaN(diff), fromP, diff);
      // dy/da_j = x^j/Q = sign·(x^(j−k*)/M)/Q̃
      const perA = tf.div(pv.sign, qT);
      const da = pv.powers(m, tf.reciprocal(scale)).map((w) => mulZeroWins(w, perA));
      // dy/db_k = −sign(S)·P·x^deg/Q² = −sign·sign(S̃)·(sum_j (a_j/M²)·x^(j + deg − 2k*))/Q̃²: the
      // polynomial pivoted at 2k* − deg is the gradient's own size
      const aCols2 = aCols.map((c) => tf.div(c, scale));
      const perB = tf.neg(tf.mul(pv.sign, sgnS));
      const twoK = tf.mul(2, pv.kStar);
      const db = bCols.flatMap((c, deg) => (c ? [mulZeroWins(tf.div(tf.div(pv.polyAt(aCols2, tf.sub(twoK, deg), -deg, 2 * pv.K), qT), qT), perB)] : []));
      return { dx, da, db };
    },
  };
}

/**
 * Version B or C on 2-D coefficient tables a [1 or C, m+1], b [1 or C, n] (see the file
 * header): directly where nothing can overflow (fitsDirectly), else pivoted. In the pivoted
 * evaluation every coefficient is divided by the dominant term's coefficient M (per element),
 * so that the pivoted Q̃ = Q·|x|^(−k*) / M lies in [0, n+1] and is 1 or more unless |S| cancels:
 * no pivoted polynomial over- or underflows far from the quotient it is part of.
 */
function rationalBC(x: tf.Tensor, a: tf.Tensor, b: tf.Tensor, version: 'B' | 'C'): tf.Tensor {
  const m = (a.shape[1] as number) - 1;
  const n = b.shape[1] as number;
  const c0 = version === 'B' ? 1 : 0.1;
  const offset = version === 'B' ? 1 : 0; // degree of b's column 0
  const parts = (direct: boolean, x: tf.Tensor, a: tf.Tensor, b: tf.Tensor) => {
    const aCols = Array.from({ length: m + 1 }, (_, j) => column(a, j));
    const bCols = Array.from({ length: n + offset }, (_, k) => (k < offset ? null : column(b, k - offset)));
    return (direct ? directParts : pivotedParts)(x, aCols, bCols, c0);
  };
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, a, b, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    save([x, a, b]);
    const direct = fitsDirectly(x, a, b, Math.max(m, n + offset - 1));
    return {
      value: parts(direct, x, a, b).y,
      gradFunc: (dy: tf.Tensor, [sx, sa, sb]: tf.Tensor[]) => {
        const { dx, da, db } = (parts(direct, sx, sa, sb).grads as NonNullable<RationalParts['grads']>)();
        const reduce = (g: tf.Tensor, rows: number) => (rows === 1 ? tf.sum(g) : tf.sum(tf.reshape(g, [-1, rows]), 0)); // [] or [C]
        const table = (cols: tf.Tensor[], rows: number) => tf.reshape(tf.stack(cols, cols[0].rank), [rows, cols.length]);
        const rowsA = sa.shape[0] as number;
        const rowsB = sb.shape[0] as number;
        const times = direct ? tf.mul : mulZeroWins; // direct: nothing is infinite
        return [
          times(dx, dy),
          table(
            da.map((g) => reduce(times(g, dy), rowsA)),
            rowsA,
          ),
          table(
            db.map((g) => reduce(times(g, dy), rowsB)),
            rowsB,
          ),
        ];
      },
    };
  });
  return op(x, a, b);
}

/** Checks the coefficient tables and x's channels; returns them as 2-D [rows, k] with rows 1 or x's channels. */
function coefficientTables(x: tf.Tensor, numerator: tf.Tensor, denominator: tf.Tensor, where: string): [tf.Tensor, tf.Tensor] {
  checkTensor(numerator, { where, argument: 'numerator', dtype: 'float32' });
  checkTensor(denominator, { where, argument: 'denominator', dtype: 'float32' });
  const rows = (t: tf.Tensor) => (t.rank === 1 ? 1 : (t.shape[0] as number));
  if (numerator.rank !== denominator.rank || numerator.rank < 1 || numerator.rank > 2 || (rows(numerator) !== 1 && rows(numerator) !== rows(denominator))) {
    throw new ShapeError('numerator and denominator must both be [k] or [G, k] (numerator [1, k] shared)', {
      where,
      argument: 'numerator/denominator',
      got: `${formatShape(numerator.shape)} and ${formatShape(denominator.shape)}`,
    });
  }
  if ((numerator.shape[numerator.rank - 1] as number) < 1 || (denominator.shape[denominator.rank - 1] as number) < 1) {
    throw new ShapeError('empty coefficient table', {
      where,
      argument: 'numerator/denominator',
      expected: 'at least 1 coefficient each',
      got: `${formatShape(numerator.shape)} and ${formatShape(denominator.shape)}`,
    });
  }
  const groups = rows(denominator);
  const channels = x.rank === 0 ? 1 : (x.shape[x.rank - 1] as number);
  if (groups > 1 && (x.rank === 0 || channels % groups !== 0)) {
    throw new ShapeError('channels not divisible by groups', {
      where,
      argument: 'x',
      expected: `channels last, the last dim a multiple of ${groups} (the coefficient rows)`,
      got: `shape ${formatShape(x.shape)}`,
    });
  }
  return [numerator, denominator].map((t) => (t.rank === 1 ? tf.reshape(t, [1, -1]) : t)) as [tf.Tensor, tf.Tensor];
}

/**
 * Rational activation `P(x)/Q(x)` (versions A, B, C; see the file header), channels last.
 * `numerator` is [m+1] (shared) or [G, m+1] (G groups of channels: per channel when G = C;
 * [1, m+1] shares the numerator); `denominator` is [n] or [G, n]. `x` is float32 of any shape
 * with shared coefficients (a scalar gives a scalar), else [..., C] with C a multiple of G.
 * Versions B and C are finite in value and gradients wherever P/Q and its derivatives are
 * (|x| = 1e30 included; see the file header); A is computed by `groupRational`.
 */
export function rational(x: tf.Tensor, numerator: tf.Tensor, denominator: tf.Tensor, options: { version?: RationalVersion } = {}): tf.Tensor {
  const where = 'rational';
  const version = options.version ?? 'A';
  if (!VERSIONS.includes(version)) {
    throw new ConfigError('unknown version', { where, argument: 'version', expected: "'A', 'B' or 'C'", got: String(version) });
  }
  checkTensor(x, { where, dtype: 'float32' });
  return tf.tidy(() => {
    const [a, b] = coefficientTables(x, numerator, denominator, where);
    if (version === 'A') {
      return x.rank === 0 ? tf.reshape(groupRational(tf.reshape(x, [1]), a, b), []) : groupRational(x, a, b);
    }
    const groups = b.shape[0] as number;
    const channels = x.rank === 0 ? 1 : (x.shape[x.rank - 1] as number);
    if (groups > 1 && groups !== channels) {
      // G groups of C/G channels each: one row per channel
      const rowOf = tf.tensor1d(
        Array.from({ length: channels }, (_, c) => Math.floor(c / (channels / groups))),
        'int32',
      );
      return rationalBC(x, a.shape[0] === 1 ? a : tf.gather(a, rowOf), tf.gather(b, rowOf), version);
    }
    return rationalBC(x, a, b, version);
  });
}

/** Options of {@link Rational}. */
export interface RationalOptions {
  /** Degree m of the numerator (m+1 coefficients). Default 5. */
  numeratorDegree?: number;
  /** Degree n of the denominator (n coefficients). Default 4. */
  denominatorDegree?: number;
  /** Denominator form, default `'A'` (see {@link rational}). */
  version?: RationalVersion;
  /**
   * Starting function, fitted by this library for this version and these degrees
   * (`fitRational` on [-3, 3]), or explicit coefficients. Default `'leaky_relu'`
   * (rational_activations' default).
   */
  init?: RationalInitName | { numerator: number[]; denominator: number[] };
  /** One set of coefficients per channel (channels last) instead of one shared set. */
  channels?: number;
  /** Whether the coefficients are learned. Default true. */
  trainable?: boolean;
}

/**
 * Learnable rational activation (PAU), rational_activations' `Rational`: parameters
 * `numerator` [m+1] and `denominator` [n] (or [channels, ·] per channel).
 */
export class Rational extends Module {
  readonly version: RationalVersion;
  readonly channels?: number;
  readonly numerator;
  readonly denominator;

  constructor(options: RationalOptions = {}) {
    super();
    const m = options.numeratorDegree ?? 5;
    const n = options.denominatorDegree ?? 4;
    checkInt(m, 0, 'Rational', 'numeratorDegree');
    checkInt(n, 1, 'Rational', 'denominatorDegree');
    this.version = options.version ?? 'A';
    if (!VERSIONS.includes(this.version)) {
      throw new ConfigError('unknown version', { where: 'Rational', argument: 'version', expected: "'A', 'B' or 'C'", got: String(this.version) });
    }
    if (options.channels !== undefined) checkInt(options.channels, 1, 'Rational', 'channels');
    this.channels = options.channels;
    const init = options.init ?? 'leaky_relu';
    const coeffs = typeof init === 'string' ? rationalInit(init, this.version, [m, n]) : init;
    if (coeffs.numerator.length !== m + 1 || coeffs.denominator.length !== n) {
      throw new ConfigError('init coefficients do not match the degrees', {
        where: 'Rational',
        argument: 'init',
        expected: `${m + 1} numerator and ${n} denominator coefficients`,
        got: `${coeffs.numerator.length} and ${coeffs.denominator.length}`,
      });
    }
    const table = (c: number[]) => (this.channels === undefined ? tf.tensor1d(c) : tf.tile(tf.tensor2d([c]), [this.channels, 1]));
    const trainable = options.trainable ?? true;
    this.numerator = this.registerParameter(
      'numerator',
      tf.tidy(() => table(coeffs.numerator)),
      { trainable },
    );
    this.denominator = this.registerParameter(
      'denominator',
      tf.tidy(() => table(coeffs.denominator)),
      { trainable },
    );
  }

  /** `x` [..., channels] (any shape when shared). */
  forward(x: tf.Tensor): tf.Tensor {
    checkTensor(x, { where: this.where('forward'), dtype: 'float32' });
    if (this.channels !== undefined) checkDim(x, -1, this.channels, this.where('forward'));
    return rational(x, this.numerator.value, this.denominator.value, { version: this.version });
  }
}

/** Alias of {@link Rational}: Padé Activation Unit (the PAU paper's name). */
export const PAU = Rational;
/** Alias of {@link Rational}'s instance type. */
export type PAU = Rational;
