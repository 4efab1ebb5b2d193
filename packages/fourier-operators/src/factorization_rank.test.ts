import { ConfigError, createRng } from '@basiskit/tensor';
import { describe, expect, it } from 'vitest';
import { brentq, denseParameterCount, factorizedParameterCount, resolveRank, roundHalfEven, type Factorization } from './factorization_rank';

// Output of scripts/tensorly_ranks.py: a standalone Python transcription of tensorly's
// validate_tucker_rank / validate_cp_rank / validate_tt_rank, run with numpy and scipy's brentq.
const PYTHON = [
  { shape: [32, 32, 12, 7], fraction: 0.05, tucker: [14, 14, 5, 3], cp: 52, tt: [1, 13, 9, 4, 1] },
  { shape: [32, 32, 12, 7], fraction: 0.1, tucker: [17, 17, 6, 4], cp: 104, tt: [1, 18, 12, 5, 1] },
  { shape: [32, 32, 12, 7], fraction: 0.25, tucker: [22, 22, 8, 5], cp: 259, tt: [1, 29, 20, 9, 1] },
  { shape: [32, 32, 12, 7], fraction: 0.5, tucker: [27, 27, 10, 6], cp: 518, tt: [1, 41, 28, 12, 1] },
  { shape: [32, 32, 12, 7], fraction: 0.75, tucker: [30, 30, 11, 6], cp: 777, tt: [1, 51, 35, 15, 1] },
  { shape: [64, 64, 12, 7], fraction: 0.05, tucker: [28, 28, 5, 3], cp: 117, tt: [1, 20, 12, 3, 1] },
  { shape: [64, 64, 12, 7], fraction: 0.1, tucker: [35, 35, 7, 4], cp: 234, tt: [1, 29, 17, 4, 1] },
  { shape: [64, 64, 12, 7], fraction: 0.25, tucker: [44, 44, 8, 5], cp: 585, tt: [1, 46, 27, 7, 1] },
  { shape: [64, 64, 12, 7], fraction: 0.5, tucker: [53, 53, 10, 6], cp: 1170, tt: [1, 66, 39, 10, 1] },
  { shape: [64, 64, 12, 7], fraction: 0.75, tucker: [59, 59, 11, 6], cp: 1755, tt: [1, 80, 48, 12, 1] },
  { shape: [16, 16, 12, 7], fraction: 0.05, tucker: [7, 7, 5, 3], cp: 21, tt: [1, 7, 6, 4, 1] },
  { shape: [16, 16, 12, 7], fraction: 0.1, tucker: [9, 9, 6, 4], cp: 42, tt: [1, 10, 9, 6, 1] },
  { shape: [16, 16, 12, 7], fraction: 0.25, tucker: [11, 11, 8, 5], cp: 105, tt: [1, 16, 14, 9, 1] },
  { shape: [16, 16, 12, 7], fraction: 0.5, tucker: [13, 13, 10, 6], cp: 211, tt: [1, 23, 20, 13, 1] },
  { shape: [16, 16, 12, 7], fraction: 0.75, tucker: [15, 15, 11, 6], cp: 316, tt: [1, 28, 24, 16, 1] },
  { shape: [8, 6, 5], fraction: 0.05, tucker: [1, 1, 1], cp: 1, tt: [1, 1, 1, 1] },
  { shape: [8, 6, 5], fraction: 0.1, tucker: [1, 1, 1], cp: 1, tt: [1, 1, 1, 1] },
  { shape: [8, 6, 5], fraction: 0.25, tucker: [3, 2, 2], cp: 3, tt: [1, 3, 2, 1] },
  { shape: [8, 6, 5], fraction: 0.5, tucker: [5, 3, 3], cp: 6, tt: [1, 4, 3, 1] },
  { shape: [8, 6, 5], fraction: 0.75, tucker: [6, 4, 4], cp: 9, tt: [1, 5, 4, 1] },
  { shape: [32, 32, 16], fraction: 0.05, tucker: [8, 8, 4], cp: 10, tt: [1, 5, 4, 1] },
  { shape: [32, 32, 16], fraction: 0.1, tucker: [12, 12, 6], cp: 20, tt: [1, 7, 6, 1] },
  { shape: [32, 32, 16], fraction: 0.25, tucker: [18, 18, 9], cp: 51, tt: [1, 12, 9, 1] },
  { shape: [32, 32, 16], fraction: 0.5, tucker: [24, 24, 12], cp: 102, tt: [1, 18, 13, 1] },
  { shape: [32, 32, 16], fraction: 0.75, tucker: [27, 27, 14], cp: 154, tt: [1, 22, 16, 1] },
  { shape: [20, 20, 8, 8, 5], fraction: 0.05, tucker: [11, 11, 4, 4, 3], cp: 105, tt: [1, 19, 13, 7, 6, 1] },
  { shape: [20, 20, 8, 8, 5], fraction: 0.1, tucker: [12, 12, 5, 5, 3], cp: 210, tt: [1, 27, 19, 11, 9, 1] },
  { shape: [20, 20, 8, 8, 5], fraction: 0.25, tucker: [15, 15, 6, 6, 4], cp: 525, tt: [1, 42, 30, 17, 14, 1] },
  { shape: [20, 20, 8, 8, 5], fraction: 0.5, tucker: [17, 17, 7, 7, 4], cp: 1049, tt: [1, 60, 42, 24, 20, 1] },
  { shape: [20, 20, 8, 8, 5], fraction: 0.75, tucker: [19, 19, 8, 8, 5], cp: 1574, tt: [1, 74, 52, 30, 24, 1] },
  { shape: [32, 17], fraction: 0.05, tucker: [1, 1], cp: 1, tt: [1, 1, 1] },
  { shape: [32, 17], fraction: 0.1, tucker: [1, 1], cp: 1, tt: [1, 1, 1] },
  { shape: [32, 17], fraction: 0.25, tucker: [3, 2], cp: 3, tt: [1, 1, 1] },
  { shape: [32, 17], fraction: 0.5, tucker: [6, 3], cp: 6, tt: [1, 2, 1] },
  { shape: [32, 17], fraction: 0.75, tucker: [9, 5], cp: 8, tt: [1, 3, 1] },
  { shape: [4, 4, 9, 5], fraction: 0.05, tucker: [1, 1, 2, 1], cp: 2, tt: [1, 1, 1, 2, 1] },
  { shape: [4, 4, 9, 5], fraction: 0.1, tucker: [2, 2, 4, 2], cp: 3, tt: [1, 1, 2, 2, 1] },
  { shape: [4, 4, 9, 5], fraction: 0.25, tucker: [2, 2, 5, 3], cp: 8, tt: [1, 2, 4, 4, 1] },
  { shape: [4, 4, 9, 5], fraction: 0.5, tucker: [3, 3, 7, 4], cp: 16, tt: [1, 3, 5, 6, 1] },
  { shape: [4, 4, 9, 5], fraction: 0.75, tucker: [3, 3, 8, 4], cp: 25, tt: [1, 4, 6, 7, 1] },
];

const prod = (xs: number[]) => xs.reduce((a, b) => a * b, 1);
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
/** np.round, written differently from the implementation: distance to the floor. */
const npRound = (x: number) => {
  const f = Math.floor(x);
  const d = x - f;
  return d < 0.5 ? f : d > 0.5 ? f + 1 : f % 2 === 0 ? f : f + 1;
};

// The rank formulas of tensorly's validate_*_rank, reimplemented here from the Python source
// (tensorly/tucker_tensor.py, cp_tensor.py, tt_tensor.py) with a bisection instead of brentq.
function tuckerRef(shape: number[], f: number, fixed: number[] = []): number[] {
  const n = prod(shape);
  const free = shape.filter((_, k) => !fixed.includes(k));
  const sq = sum(free.map((s) => s * s)) + sum(shape.filter((_, k) => fixed.includes(k)).map((s) => s * s));
  const fun = (x: number) => n * Math.pow(x, free.length) + sq * x - f * n;
  let lo = 0;
  let hi = Math.max(f, 1);
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (fun(mid) > 0) hi = mid;
    else lo = mid;
  }
  return shape.map((s, k) => (fixed.includes(k) ? s : Math.max(npRound(s * lo), 1)));
}
const cpRef = (shape: number[], f: number) => npRound((prod(shape) * f) / sum(shape));
function ttRef(shape: number[], f: number): number[] {
  const avg = shape.slice(0, -1).map((s, i) => (s + shape[i + 1]) / 2);
  let a = 0;
  for (let i = 1; i < shape.length - 1; i++) a += avg[i - 1] * shape[i] * avg[i];
  if (avg.length === 1) a = avg[0] * avg[0] * shape[0];
  const b = shape[0] * avg[0] + shape[shape.length - 1] * avg[avg.length - 1];
  const x = (-b + Math.sqrt(b * b + 4 * a * prod(shape) * f)) / (2 * a);
  return [1, ...avg.map((d) => Math.max(npRound(d * x), 1)), 1];
}

describe('resolveRank', () => {
  it.each(PYTHON)('equals the Python transcription of tensorly on $shape at $fraction', ({ shape, fraction, tucker, cp, tt }) => {
    expect(resolveRank(shape, 'tucker', fraction)).toEqual(tucker);
    expect(resolveRank(shape, 'cp', fraction)).toBe(cp);
    expect(resolveRank(shape, 'tt', fraction)).toEqual(tt);
  });

  it('Tucker with fixed rank modes equals the Python transcription', () => {
    expect(resolveRank([32, 32, 12, 7], 'tucker', 0.1, { fixedRankModes: [0] })).toEqual([32, 14, 5, 3]);
    expect(resolveRank([32, 32, 12, 7], 'tucker', 0.25, { fixedRankModes: [2, 0] })).toEqual([32, 16, 12, 3]);
    // CP and TT ignore fixed modes, as tensorly-torch
    expect(resolveRank([32, 32, 12, 7], 'cp', 0.1, { fixedRankModes: [0] })).toBe(104);
  });

  it('equals the rank formulas reimplemented from the Python source on 200 random shapes and fractions', () => {
    const rng = createRng(3);
    let checked = 0;
    for (let t = 0; t < 200; t++) {
      const order = 2 + rng.randint(4);
      const shape = Array.from({ length: order }, () => 2 + rng.randint(40));
      const f = 0.02 + 0.96 * rng.uniform();
      const fixed = order > 2 && rng.uniform() < 0.3 ? [rng.randint(order)] : [];
      expect(resolveRank(shape, 'tucker', f, { fixedRankModes: fixed })).toEqual(tuckerRef(shape, f, fixed));
      expect(resolveRank(shape, 'tt', f)).toEqual(ttRef(shape, f));
      if (cpRef(shape, f) > 0) expect(resolveRank(shape, 'cp', f)).toBe(cpRef(shape, f));
      checked++;
    }
    expect(checked).toBe(200);
  });

  it('reads integers as explicit ranks, "same" as the fraction 1.0, arrays as given', () => {
    expect(resolveRank([32, 32, 12, 7], 'tucker', 4)).toEqual([4, 4, 4, 4]);
    expect(resolveRank([32, 32, 12, 7], 'tucker', 4, { fixedRankModes: [3] })).toEqual([4, 4, 4, 7]);
    expect(resolveRank([32, 32, 12, 7], 'cp', 20)).toBe(20);
    expect(resolveRank([32, 32, 12, 7], 'tt', 6)).toEqual([1, 6, 6, 6, 1]);
    expect(resolveRank([32, 32, 12, 7], 'tucker', [8, 6, 4, 2])).toEqual([8, 6, 4, 2]);
    expect(resolveRank([32, 32, 12, 7], 'tt', [1, 3, 5, 2, 1])).toEqual([1, 3, 5, 2, 1]);
    // 'same' = 1.0: Tucker keeps (almost) the whole shape, TT over-parametrizes as tensorly does
    expect(resolveRank([32, 32, 12, 7], 'tucker', 'same')).toEqual(tuckerRef([32, 32, 12, 7], 1));
    expect(resolveRank([32, 32, 12, 7], 'tt', 'same')).toEqual(ttRef([32, 32, 12, 7], 1));
  });

  it('rejects bad ranks, shapes and factorizations with clear errors', () => {
    const bad = (fn: () => unknown, pattern: RegExp) => {
      expect(fn).toThrow(ConfigError);
      expect(fn).toThrow(pattern);
    };
    const shape = [32, 32, 12, 7];
    bad(() => resolveRank(shape, 'tucker', 0), /argument rank: rank must be > 0/);
    bad(() => resolveRank(shape, 'tucker', -0.1), /argument rank: rank must be > 0/);
    bad(() => resolveRank(shape, 'cp', -3), /rank must be > 0/);
    bad(() => resolveRank(shape, 'tt', NaN), /invalid rank/);
    bad(() => resolveRank(shape, 'tucker', 1.5), /rank too large: a fraction above 1/);
    bad(() => resolveRank(shape, 'tucker', 33), /rank too large: tucker rank \[33, 33, 33, 33\].*expected at most 172032 real parameters/);
    bad(() => resolveRank(shape, 'cp', 5000), /rank too large/);
    bad(() => resolveRank(shape, 'tt', [1, 300, 300, 7, 1]), /rank too large/);
    bad(() => resolveRank([3, 4, 5], 'cp', 0.1), /rank too small: the fraction resolves to CP rank 0/);
    bad(() => resolveRank(shape, 'tucker', [4, 4, 4]), /invalid rank.*expected 4 integers >= 1/);
    bad(() => resolveRank(shape, 'tt', [2, 4, 4, 4, 1]), /the first and last 1/);
    bad(() => resolveRank(shape, 'cp', [4, 4, 4, 4]), /CP has one rank/);
    bad(
      () => resolveRank(shape, 'dense' as Factorization, 0.1),
      /argument factorization: unknown factorization \(expected one of "tucker", "cp", "tt", got "dense"\)/,
    );
    bad(() => resolveRank([32], 'tucker', 0.1), /argument shape: invalid shape/);
    bad(() => resolveRank([32, 0, 3], 'tucker', 0.1), /invalid shape/);
    bad(() => resolveRank(shape, 'tucker', 0.1, { fixedRankModes: [4] }), /argument fixedRankModes/);
    bad(() => resolveRank(shape, 'tucker', 0.1, { fixedRankModes: [0, 1, 2, 3] }), /every mode is fixed/);
  });
});

describe('rank helpers', () => {
  it('roundHalfEven is numpy round', () => {
    for (const [x, want] of [
      [0.5, 0],
      [1.5, 2],
      [2.5, 2],
      [-0.5, -0],
      [-1.5, -2],
      [2.4999, 2],
      [2.5001, 3],
      [7, 7],
    ]) {
      expect(roundHalfEven(x)).toBe(want);
    }
    const rng = createRng(1);
    for (let i = 0; i < 1000; i++) {
      const x = (rng.uniform() - 0.5) * 100;
      expect(roundHalfEven(x) + 0).toBe(npRound(x) + 0);
    }
  });

  it("brentq gives scipy's roots bit for bit", () => {
    // repr() of scipy.optimize.brentq on the same functions (scipy 1.17)
    expect(brentq((x) => x ** 3 - 2 * x - 5, 0, 3)).toBe(2.094551481542328);
    expect(brentq((x) => Math.cos(x) - x, 0, 1)).toBe(0.7390851332151559);
    const tucker = (shape: number[], f: number) => (x: number) => prod(shape) * x ** shape.length + sum(shape.map((s) => s * s)) * x - f * prod(shape);
    expect(brentq(tucker([32, 32, 12, 7], 0.1), 0, 1)).toBe(0.5413681489452834);
    expect(brentq(tucker([64, 64, 12, 7], 0.05), 0, 1)).toBe(0.44484400661246726);
    expect(brentq(tucker([8, 6, 5], 0.5), 0, 1)).toBe(0.5818292661155199);
    expect(() => brentq((x) => x * x + 1, 0, 1)).toThrow(/different signs/);
  });

  it('parameter counts follow the factor shapes', () => {
    const shape = [32, 32, 12, 7];
    expect(denseParameterCount(shape)).toBe(2 * 32 * 32 * 12 * 7);
    // Tucker: core [17, 17, 6, 4] + factors [32, 17], [32, 17], [12, 6], [7, 4], complex
    expect(factorizedParameterCount(shape, 'tucker', [17, 17, 6, 4])).toBe(2 * (17 * 17 * 6 * 4 + 32 * 17 * 2 + 12 * 6 + 7 * 4));
    // CP: weights [104] + factors [I_k, 104]
    expect(factorizedParameterCount(shape, 'cp', 104)).toBe(2 * 104 * (1 + 32 + 32 + 12 + 7));
    // TT: cores [1, 32, 18], [18, 32, 12], [12, 12, 5], [5, 7, 1]
    expect(factorizedParameterCount(shape, 'tt', [1, 18, 12, 5, 1])).toBe(2 * (32 * 18 + 18 * 32 * 12 + 12 * 12 * 5 + 5 * 7));
  });
});
