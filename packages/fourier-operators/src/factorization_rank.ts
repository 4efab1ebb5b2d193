// Ranks of the Tucker / CP / TT factorizations of a spectral weight, resolved exactly as tensorly's
// validate_tucker_rank, validate_cp_rank and validate_tt_rank (tensorly/tucker_tensor.py,
// cp_tensor.py, tt_tensor.py, rounding='round'), which tensorly-torch's FactorizedTensor.new calls
// and so neuraloperator's TFNO:
//
//   Tucker, fraction f: the c in [0, max(f, 1)] with  N c^n + (sum_k I_k^2) c = f N  (N = prod I_k,
//     n = number of compressed modes; fixed modes keep rank I_k and add I_k^2 c), found by scipy's
//     brentq (ported below, same steps and tolerances); rank_k = max(round(c I_k), 1).
//   CP, fraction f: R = round(N f / sum_k I_k).
//   TT, fraction f: with avg_k = (I_k + I_{k+1}) / 2, the positive root c of
//     a c^2 + b c - f N = 0,  a = sum_{k=1..n-2} avg_{k-1} I_k avg_k,  b = I_0 avg_0 + I_{n-1} avg_{n-2}
//     (order 2: a = avg_0^2 I_0); rank = (1, max(round(c avg_k), 1)..., 1).
//   An integer rank: Tucker (r, ..., r) (fixed modes I_k), CP r, TT (1, r, ..., r, 1).
//
// "round" is numpy's np.round: halves go to the even neighbour.
//
// JavaScript has one number type, so Python's float/int distinction is made by the value: a
// non-integer number is a fraction (Python float), an integer an explicit rank (Python int), and
// 'same' is tensorly's alias for the fraction 1.0 (neuraloperator's default rank=1.0).
import { ConfigError, formatShape, show } from '@basiskit/tensor';

/** The factorizations of tensorly-torch that neuraloperator's SpectralConv uses. */
export type Factorization = 'tucker' | 'cp' | 'tt';

/** The factorizations accepted (lower case; tltorch's names are case-insensitive). */
export const FACTORIZATIONS: readonly Factorization[] = ['tucker', 'cp', 'tt'];

/**
 * A rank as tensorly-torch takes it: a non-integer number is a fraction of the dense tensor's
 * parameter count (Python float), an integer is the rank itself (Python int), `'same'` is the
 * fraction 1.0; an array gives the rank per mode (Tucker: one per mode; TT: n + 1 entries, first
 * and last 1).
 */
export type FactorizationRank = number | 'same' | readonly number[];

/** Options of {@link resolveRank}. */
export interface ResolveRankOptions {
  /**
   * Tucker only (ignored by CP and TT, as in tensorly-torch): modes that are not compressed,
   * whose rank is their size (tensorly's `fixed_modes`, neuraloperator's `fixed_rank_modes`).
   * Default none.
   */
  fixedRankModes?: readonly number[] | null;
  /** The `where` of error messages. Default `'resolveRank'`. */
  where?: string;
}

/** numpy's `np.round` to an integer: halves to the even neighbour. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  // Math.round rounds halves up; numpy rounds them to the even neighbour
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** C's signbit: true for negative numbers and -0. */
const signbit = (x: number) => x < 0 || Object.is(x, -0);

/**
 * scipy.optimize.brentq (scipy/optimize/Zeros/brentq.c) with scipy's defaults
 * `xtol = 2e-12`, `rtol = 4 eps`, `maxiter = 100`: the same steps, so the same root.
 */
export function brentq(f: (x: number) => number, xa: number, xb: number, xtol = 2e-12, rtol = 4 * Number.EPSILON, maxiter = 100): number {
  let xpre = xa;
  let xcur = xb;
  let xblk = 0;
  let fblk = 0;
  let spre = 0;
  let scur = 0;
  let fpre = f(xpre);
  let fcur = f(xcur);
  if (fpre === 0) return xpre;
  if (fcur === 0) return xcur;
  if (signbit(fpre) === signbit(fcur)) throw new ConfigError('f(a) and f(b) must have different signs', { where: 'brentq' });
  for (let i = 0; i < maxiter; i++) {
    if (fpre !== 0 && fcur !== 0 && signbit(fpre) !== signbit(fcur)) {
      xblk = xpre;
      fblk = fpre;
      spre = scur = xcur - xpre;
    }
    if (Math.abs(fblk) < Math.abs(fcur)) {
      xpre = xcur;
      xcur = xblk;
      xblk = xpre;
      fpre = fcur;
      fcur = fblk;
      fblk = fpre;
    }
    const delta = (xtol + rtol * Math.abs(xcur)) / 2;
    const sbis = (xblk - xcur) / 2;
    if (fcur === 0 || Math.abs(sbis) < delta) return xcur;
    if (Math.abs(spre) > delta && Math.abs(fcur) < Math.abs(fpre)) {
      let stry: number;
      if (xpre === xblk) {
        stry = (-fcur * (xcur - xpre)) / (fcur - fpre); // interpolate
      } else {
        const dpre = (fpre - fcur) / (xpre - xcur); // extrapolate
        const dblk = (fblk - fcur) / (xblk - xcur);
        stry = (-fcur * (fblk * dblk - fpre * dpre)) / (dblk * dpre * (fblk - fpre));
      }
      if (2 * Math.abs(stry) < Math.min(Math.abs(spre), 3 * Math.abs(sbis) - delta)) {
        spre = scur; // good short step
        scur = stry;
      } else {
        spre = sbis; // bisect
        scur = sbis;
      }
    } else {
      spre = sbis; // bisect
      scur = sbis;
    }
    xpre = xcur;
    fpre = fcur;
    xcur += Math.abs(scur) > delta ? scur : sbis > 0 ? delta : -delta;
    fcur = f(xcur);
  }
  throw new ConfigError(`no convergence in ${maxiter} iterations`, { where: 'brentq' });
}

const prod = (xs: readonly number[]) => xs.reduce((a, b) => a * b, 1);
const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

/** The dense complex tensor's parameter count: `2 prod(shape)` (complex counted as 2 reals). */
export function denseParameterCount(shape: readonly number[]): number {
  return 2 * prod(shape);
}

/**
 * The real parameter count of a complex factorization of `shape` at the resolved `rank`
 * (from {@link resolveRank}; complex counted as 2): Tucker `2 (prod r + sum I_k r_k)`, CP
 * `2 (R + R sum I_k)` (weights and factors), TT `2 sum r_k I_k r_{k+1}`.
 */
export function factorizedParameterCount(shape: readonly number[], factorization: Factorization, rank: number | readonly number[]): number {
  if (factorization === 'cp') {
    const r = rank as number;
    return 2 * (r + r * sum(shape));
  }
  const r = rank as readonly number[];
  if (factorization === 'tucker') return 2 * (prod(r) + sum(shape.map((s, k) => s * r[k])));
  return 2 * sum(shape.map((s, k) => r[k] * s * r[k + 1]));
}

function tuckerFraction(shape: readonly number[], f: number, fixed: readonly number[] | null): number[] {
  const nParam = prod(shape);
  const free = shape.filter((_, k) => !fixed?.includes(k));
  const nCompressed = free.length;
  const nFixed = sum(shape.filter((_, k) => fixed?.includes(k)).map((s) => s ** 2));
  const squared = sum(free.map((s) => s ** 2));
  const fun = (x: number) => nParam * x ** nCompressed + squared * x + nFixed * x - f * nParam;
  const c = brentq(fun, 0, Math.max(f, 1));
  return shape.map((s, k) => (fixed?.includes(k) ? s : Math.max(roundHalfEven(s * c), 1)));
}

function ttFraction(shape: readonly number[], f: number): number[] {
  const order = shape.length;
  const avg: number[] = [];
  for (let i = 0; i < order - 1; i++) avg.push((shape[i] + shape[i + 1]) / 2);
  let a = 0;
  if (avg.length > 1) for (let i = 1; i < order - 1; i++) a += avg[i - 1] * shape[i] * avg[i];
  else a = avg[0] ** 2 * shape[0];
  const b = shape[0] * avg[0] + shape[order - 1] * avg[avg.length - 1];
  const c = -prod(shape) * f;
  const delta = Math.sqrt(b ** 2 - 4 * a * c);
  const fraction = (-b + delta) / (2 * a);
  return [1, ...avg.map((d) => Math.max(roundHalfEven(d * fraction), 1)), 1];
}

/**
 * The rank tensorly gives `factorization` of a tensor of `shape` for `rank` (see the file
 * header): Tucker and TT a number array (TT with the boundary 1s), CP a number. Throws a
 * ConfigError naming the argument for a bad shape, factorization or rank: a rank <= 0 (or one
 * that resolves to 0, as CP's can on small shapes), a fraction above 1, or an explicit rank
 * whose factorization has more parameters than the dense tensor ("rank too large": no
 * compression; tensorly-torch accepts both, basiskit asks for a dense weight instead).
 */
export function resolveRank(
  shape: readonly number[],
  factorization: Factorization,
  rank: FactorizationRank,
  options: ResolveRankOptions = {},
): number | number[] {
  const where = options.where ?? 'resolveRank';
  if (!Array.isArray(shape) || shape.length < 2 || !shape.every((s) => Number.isInteger(s) && s >= 1)) {
    throw new ConfigError('invalid shape', { where, argument: 'shape', expected: 'an array of at least 2 integers >= 1', got: show(shape) });
  }
  if (!FACTORIZATIONS.includes(factorization)) {
    throw new ConfigError('unknown factorization', {
      where,
      argument: 'factorization',
      expected: `one of ${FACTORIZATIONS.map(show).join(', ')}`,
      got: show(factorization),
    });
  }
  const n = shape.length;
  const fixedIn = options.fixedRankModes ?? null;
  if (
    fixedIn !== null &&
    (!Array.isArray(fixedIn) || !fixedIn.every((m) => Number.isInteger(m) && m >= 0 && m < n) || new Set(fixedIn).size !== fixedIn.length)
  ) {
    throw new ConfigError('invalid fixed rank modes', {
      where,
      argument: 'fixedRankModes',
      expected: `distinct mode indices in [0, ${n})`,
      got: show(fixedIn),
    });
  }
  const fixed = factorization === 'tucker' && fixedIn?.length ? fixedIn : null;
  if (fixed && fixed.length === n) {
    throw new ConfigError('every mode is fixed: nothing left to factorize', {
      where,
      argument: 'fixedRankModes',
      expected: `fewer than ${n} modes`,
      got: show(fixedIn),
    });
  }
  const dense = prod(shape);

  let resolved: number | number[];
  const isFraction = rank === 'same' || (typeof rank === 'number' && Number.isFinite(rank) && !Number.isInteger(rank));
  if (isFraction) {
    const f = rank === 'same' ? 1 : rank;
    if (!(f > 0))
      throw new ConfigError('rank must be > 0', { where, argument: 'rank', expected: 'a fraction in (0, 1], an integer >= 1 or "same"', got: show(rank) });
    if (f > 1) {
      throw new ConfigError('rank too large: a fraction above 1 gives more parameters than the dense weight', {
        where,
        argument: 'rank',
        expected: 'a fraction in (0, 1] (or an integer rank)',
        got: show(rank),
      });
    }
    if (factorization === 'tucker') resolved = tuckerFraction(shape, f, fixed);
    else if (factorization === 'cp') resolved = roundHalfEven((dense * f) / sum(shape));
    else resolved = ttFraction(shape, f);
  } else if (typeof rank === 'number') {
    if (!Number.isInteger(rank) || rank < 1) {
      throw new ConfigError(Number.isFinite(rank) ? 'rank must be > 0' : 'invalid rank', {
        where,
        argument: 'rank',
        expected: 'a fraction in (0, 1], an integer >= 1 or "same"',
        got: show(rank),
      });
    }
    if (factorization === 'tucker') resolved = shape.map((s, k) => (fixed?.includes(k) ? s : rank));
    else if (factorization === 'cp') resolved = rank;
    else resolved = [1, ...new Array<number>(n - 1).fill(rank), 1];
  } else if (Array.isArray(rank)) {
    const len = factorization === 'tt' ? n + 1 : n;
    const ok = factorization !== 'cp' && rank.length === len && rank.every((r) => Number.isInteger(r) && r >= 1);
    const ends = factorization !== 'tt' || (rank[0] === 1 && rank[n] === 1);
    if (!ok || !ends) {
      const expected =
        factorization === 'cp'
          ? 'a number (CP has one rank)'
          : factorization === 'tt'
            ? `${len} integers >= 1, the first and last 1`
            : `${len} integers >= 1 (one per mode of ${formatShape(shape)})`;
      throw new ConfigError('invalid rank', { where, argument: 'rank', expected, got: show(rank) });
    }
    resolved = [...rank];
  } else {
    throw new ConfigError('invalid rank', {
      where,
      argument: 'rank',
      expected: 'a fraction in (0, 1], an integer >= 1, "same" or an array of ranks',
      got: show(rank),
    });
  }

  if (resolved === 0) {
    throw new ConfigError(`rank too small: the fraction resolves to CP rank 0 on ${formatShape(shape)} (round(${dense} * f / ${sum(shape)}))`, {
      where,
      argument: 'rank',
      expected: `a fraction >= ${(0.5 * sum(shape)) / dense} or an integer rank`,
      got: show(rank),
    });
  }
  if (!isFraction) {
    const count = factorizedParameterCount(shape, factorization, resolved);
    if (count > 2 * dense) {
      throw new ConfigError(`rank too large: ${factorization} rank ${show(resolved)} of ${formatShape(shape)} has more parameters than the dense weight`, {
        where,
        argument: 'rank',
        expected: `at most ${2 * dense} real parameters (the dense tensor's)`,
        got: `${count}`,
      });
    }
  }
  return resolved;
}
