// Suites: every Feynman entry at one point against an independent evaluation (Python's `math` on
// the formula text of FeynmanEquations.csv, at variable i = low + (high - low) * frac((i + 1) * golden)),
// pykan's toy functions at hand-picked points, and createDataset on suite entries.
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '@basiskit/tensor';
import { createDataset } from './create_dataset';
import { feynman, functionSuite, functionSuiteNames, pykanFunctions, rowFunction, specialFunctions } from './function_suites';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

const GOLDEN = 0.6180339887498949;
// eval(formula, math namespace) in Python 3 at the point above
const FEYNMAN_AT_POINT: [string, number][] = [
  ['I.6.2a', 0.03274717653776664],
  ['I.6.2', 0.14364993925543593],
  ['I.6.2b', 0.15313369832300783],
  ['I.8.14', 2.1607260539018114],
  ['I.9.18', 0.21785685764461077],
  ['I.10.7', 3.5055132043315917],
  ['I.11.19', 29.60222585509213],
  ['I.12.1', 6.750776405003787],
  ['I.12.2', 0.014578631701582436],
  ['I.12.4', 0.00728603926043681],
  ['I.12.5', 6.750776405003787],
  ['I.12.11', 50.07059684310227],
  ['I.13.4', 54.90929041726091],
  ['I.13.12', 1.1001356271282035],
  ['I.14.3', 29.814182009906638],
  ['I.14.4', 6.562672467466986],
  ['I.15.3x', 6.2861747315752075],
  ['I.15.3t', 2.825166442012291],
  ['I.15.1', 4.333052616576958],
  ['I.16.6', 3.7148068938541132],
  ['I.18.4', 3.8679663112915015],
  ['I.18.12', -6.10236205280416],
  ['I.24.6', 20.078607992609648],
  ['I.26.2', 0.61312951245126],
  ['I.27.6', 0.39070067026032385],
  ['I.29.16', 3.90595019567408],
  ['I.30.3', 4.245595933228578],
  ['I.30.5', 0.13569715726437812],
  ['I.32.17', 0.2627775803003702],
  ['I.34.8', 10.32152664726547],
  ['I.37.4', 3.9007150527402943],
  ['I.39.22', 4.415333470308844],
  ['I.40.1', 1.2085815929069679],
  ['I.41.16', 2.9583010461457855],
  ['I.44.4', -22.443165061103194],
  ['I.47.23', 1.2363523953364957],
  ['I.48.2', 282.6050126318539],
  ['I.50.26', 0.4304410833499872],
  ['II.2.42', 18.221834755339383],
  ['II.6.15a', 0.005929602326882491],
  ['II.11.3', 0.08459228255397978],
  ['II.11.27', 0.41858411521815353],
  ['II.21.32', 0.05411855272764959],
  ['II.24.17', 4.150484673780756],
  ['II.35.18', 0.9553449291632022],
  ['III.4.33', 12.227317852165331],
  ['III.9.52', 0.1074947956708501],
  ['III.10.19', 19.527033646782375],
  ['III.14.14', 11.008155181909192],
  ['III.17.37', 1.5030800018183543],
  ['III.19.51', -0.020583850221559688],
];

describe('Feynman equations (AI Feynman FeynmanEquations.csv)', () => {
  it('has at least 20 equations, each with CSV metadata, and each matches an independent evaluation', () => {
    expect(Object.keys(feynman).length).toBeGreaterThanOrEqual(20);
    expect(FEYNMAN_AT_POINT.map(([id]) => id).sort()).toEqual(Object.keys(feynman).sort());
    for (const [id, want] of FEYNMAN_AT_POINT) {
      const s = feynman[id]!;
      expect(s.name).toBe(`feynman ${id}`);
      expect(s.nVar).toBe(s.variables.length);
      expect(s.ranges).toEqual(s.variables.map((v) => [v.low, v.high]));
      s.variables.forEach((v) => expect(v.low).toBeLessThan(v.high));
      const x = s.variables.map((v, i) => v.low + (v.high - v.low) * (((i + 1) * GOLDEN) % 1));
      const got = s.f(...x);
      expect(Math.abs(got - want) / Math.max(1, Math.abs(want)), id).toBeLessThan(1e-12);
    }
  });

  it('keeps the CSV variable order and ranges (spot checks)', () => {
    expect(feynman['I.6.2']!.variables).toEqual([
      { name: 'sigma', low: 1, high: 3 },
      { name: 'theta', low: 1, high: 3 },
    ]);
    expect(feynman['I.9.18']!.variables.map((v) => v.name)).toEqual(['m1', 'm2', 'G', 'x1', 'x2', 'y1', 'y2', 'z1', 'z2']);
    expect(feynman['I.12.11']!.formula).toBe('q*(Ef+B*v*sin(theta))');
    expect(feynman['II.2.42']!.ranges).toEqual([
      [1, 5],
      [1, 5],
      [1, 5],
      [1, 5],
      [1, 5],
    ]);
    expect(feynman['III.17.37']!.output).toBe('f');
    // hand computations: Coulomb's law I.12.2 at q1 = q2 = 1, epsilon = 1 / (4 pi), r = 2 -> 1/4
    expect(feynman['I.12.2']!.f(1, 1, 1 / (4 * Math.PI), 2)).toBeCloseTo(0.25, 14);
    // III.17.37 at beta = 2, alpha = 0.5, theta = pi/3 -> 2 (1 + 0.25) = 2.5
    expect(feynman['III.17.37']!.f(2, 0.5, Math.PI / 3)).toBeCloseTo(2.5, 14);
    // III.9.52's removable singularity at omega = omega_0: sin(u)^2/u^2 -> 1
    expect(feynman['III.9.52']!.f(1, 1, 1, 2 * Math.PI, 3, 3)).toBeCloseTo(1, 14);
  });

  it('generate datasets in the CSV ranges with labels f(row)', () => {
    const d = createDataset(functionSuite('feynman I.6.2'), { nTrain: 64, nTest: 8, seed: 2 });
    expect(d.trainInput.shape).toEqual([64, 2]);
    const x = d.trainInput.arraySync();
    const y = d.trainLabel.dataSync();
    x.forEach(([sigma, theta], i) => {
      expect(sigma).toBeGreaterThanOrEqual(1);
      expect(theta).toBeLessThanOrEqual(3);
      expect(y[i]).toBeCloseTo(Math.exp(-((theta! / sigma!) ** 2) / 2) / (Math.sqrt(2 * Math.PI) * sigma!), 6);
    });
    tf.dispose([d.trainInput, d.trainLabel, d.testInput, d.testLabel]);
    // every equation produces finite labels over its whole range
    for (const s of Object.values(feynman)) {
      const e = createDataset(s, { nTrain: 200, nTest: 0, seed: 1 });
      expect(e.trainLabel.shape).toEqual([200, 1]);
      tf.dispose([e.trainInput, e.trainLabel, e.testInput, e.testLabel]);
    }
  });
});

describe("pykan's toy functions and the 1-D targets", () => {
  it('match hand computations', () => {
    const p = pykanFunctions;
    expect(p.exp_sin_y2!.f(0.5, 0.5)).toBeCloseTo(Math.exp(1.25), 14);
    expect(p.exp_sin_y2!.nVar).toBe(2);
    expect(p.xy!.f(-0.5, 0.25)).toBe(-0.125);
    expect(p.j0_20x!.f(0.05)).toBeCloseTo(0.765197686558, 11); // J0(1), A&S Table 9.1
    expect(p.exp_j0_y2!.f(0.05, 0.5)).toBeCloseTo(Math.exp(0.765197686558 + 0.25), 10);
    expect(p.exp_sin_4d!.nVar).toBe(4);
    expect(p.exp_sin_4d!.f(0.5, 0.5, 0.5, 0.5)).toBeCloseTo(Math.E, 14); // sin(pi/2) twice, halved
    expect(p.exp_sin_4d!.f(0, 0, 0, 0)).toBe(1);
    expect(p.exp_sin2_100d!.nVar).toBe(100);
    expect(p.exp_sin2_100d!.f(...new Array<number>(100).fill(1))).toBeCloseTo(Math.E, 14);
    expect(p.high_freq!.f(0.025)).toBeCloseTo(1, 14);
    expect(p.multiscale!.f(0.5)).toBeCloseTo(1, 14);
    expect([p.step!.f(-1e-9), p.step!.f(0), p.step!.f(0.3)]).toEqual([0, 1, 1]);
    expect(p.sawtooth!.f(0.3)).toBeCloseTo(0.6, 14);
    expect(p.sawtooth!.f(-0.3)).toBeCloseTo(0.4, 14);
  });

  it("special-function entries use this package's functions", () => {
    expect(specialFunctions.bessel_j0!.f(1)).toBeCloseTo(0.765197686558, 11);
    expect(specialFunctions.ellipk!.f(0.5)).toBeCloseTo(1.854074677301, 11); // A&S Table 17.1, alpha = 45 deg
    expect(specialFunctions.legendre_p4!.f(0.5)).toBeCloseTo((35 / 16 - 30 / 4 + 3) / 8, 14);
    expect(specialFunctions.sph_harm_l2_m1!.nVar).toBe(2);
  });
});

describe('functionSuite lookup and rowFunction', () => {
  it('finds entries by full name or unique bare id; lists names; rejects unknown ones helpfully', () => {
    expect(functionSuite('feynman I.6.2')).toBe(feynman['I.6.2']);
    expect(functionSuite('I.6.2')).toBe(feynman['I.6.2']);
    expect(functionSuite('pykan xy')).toBe(pykanFunctions.xy);
    expect(functionSuite('xy')).toBe(pykanFunctions.xy);
    expect(functionSuiteNames()).toContain('special ellipe');
    expect(functionSuiteNames().length).toBe(Object.keys(feynman).length + Object.keys(pykanFunctions).length + Object.keys(specialFunctions).length);
    expect(() => functionSuite('feynman I.6.3')).toThrow(/functionSuite: argument name: unknown function suite.*feynman I\.6/s);
    expect(() => functionSuite('nope')).toThrow(/group pykan, feynman or special/);
    expect(() => functionSuite(3 as never)).toThrow(/argument name/);
  });

  it('rowFunction evaluates a scalar function per row into [n, 1]', () => {
    const x = tf.tensor2d([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    const y = rowFunction((a, b) => a * 10 + b)(x);
    expect(y.shape).toEqual([3, 1]);
    expect(Array.from(y.dataSync())).toEqual([12, 34, 56]);
    tf.dispose([x, y]);
    expect(() => rowFunction(1 as never)).toThrow(/rowFunction: argument f/);
  });
});
