// Named function-fitting targets, each usable with createDataset (`createDataset(feynman['I.6.2'])`,
// `createDataset(functionSuite('pykan exp_sin_y2'))`):
//   pykan   -- the KAN paper's toy functions (Liu et al. 2024, sec. 3.1 and pykan's tutorials:
//              J0(20x), exp(sin(pi x) + y^2), xy, the 100-D and 4-D exponentials, exp(J0(20x) + y^2))
//              plus 1-D high-frequency and discontinuous targets;
//   feynman -- 51 equations of the AI Feynman dataset (Udrescu & Tegmark 2020): id, output name,
//              formula text and variables with ranges exactly as in its FeynmanEquations.csv (column
//              order kept, e.g. I.6.2 is (sigma, theta));
//   special -- the special functions of this package over fixed ranges (pykan's special-function
//              fitting examples use J, Y, K, E, Legendre and spherical harmonics).
// Every entry has a float64 scalar `f(...vars)` and a dataset function `fn` evaluating it row by
// row (labels computed in float64 and rounded to float32).
import { ConfigError, show, tf } from '@basiskit/tensor';
import { j0, j1, y0, y1 } from './bessel';
import type { DatasetFunction, DatasetSpec } from './create_dataset';
import { ellipticEScalar, ellipticKScalar } from './elliptic';
import { associatedLegendrePScalar, legendrePScalar } from './legendre';
import { realSphericalHarmonicScalar } from './spherical_harmonics';

/** One input variable of a suite entry: its name and sampling range. */
export interface SuiteVariable {
  /** Name as in the source (`theta`, `m_0`, `x1`). */
  readonly name: string;
  /** Lower end of the range. */
  readonly low: number;
  /** Upper end of the range. */
  readonly high: number;
}

/** A named target function: metadata, a float64 scalar form and a {@link DatasetSpec} for createDataset. */
export interface FunctionSuite extends DatasetSpec {
  /** Full name, `<group> <id>`: `feynman I.6.2`, `pykan xy`, `special bessel_j0`. */
  readonly name: string;
  /** Group: `pykan`, `feynman` or `special`. */
  readonly group: 'pykan' | 'feynman' | 'special';
  /** Id within the group (`I.6.2`, `xy`). */
  readonly id: string;
  /** The formula as text (for Feynman entries, FeynmanEquations.csv's `Formula` column verbatim). */
  readonly formula: string;
  /** Name of the output quantity (`f`, `F`, `E_n`, `y`). */
  readonly output: string;
  /** The input variables, in argument order, with their ranges. */
  readonly variables: readonly SuiteVariable[];
  /** Number of variables. */
  readonly nVar: number;
  /** `[low, high]` of each variable. */
  readonly ranges: readonly (readonly [number, number])[];
  /** The function in float64, arguments in the order of {@link FunctionSuite.variables}. */
  readonly f: (...x: number[]) => number;
  /** `[n, nVar]` inputs to `[n, 1]` float32 labels (by `f`, row by row). */
  readonly fn: DatasetFunction;
}

/**
 * A dataset function `[n, nVar] -> [n, 1]` that evaluates the float64 scalar `f(...row)` on every
 * row of the input (labels rounded to float32). Data generation, not a differentiable op.
 */
export function rowFunction(f: (...x: number[]) => number): DatasetFunction {
  if (typeof f !== 'function')
    throw new ConfigError('invalid function', { where: 'rowFunction', argument: 'f', expected: 'a function of numbers', got: show(f) });
  return (x: tf.Tensor2D) => {
    const [n, c] = x.shape;
    const v = x.dataSync();
    const out = new Float32Array(n);
    const row = new Array<number>(c);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < c; j++) row[j] = v[i * c + j] as number;
      out[i] = f(...row);
    }
    return tf.tensor2d(out, [n, 1]);
  };
}

type Row = readonly [id: string, output: string, formula: string, variables: readonly (readonly [string, number, number])[], f: (...x: number[]) => number];

function makeSuite(group: FunctionSuite['group'], [id, output, formula, vars, f]: Row): FunctionSuite {
  const variables = vars.map(([name, low, high]) => Object.freeze({ name, low, high }));
  return Object.freeze({
    name: `${group} ${id}`,
    group,
    id,
    formula,
    output,
    variables: Object.freeze(variables),
    nVar: variables.length,
    ranges: Object.freeze(variables.map((v) => Object.freeze([v.low, v.high] as const))),
    f,
    fn: rowFunction(f),
  });
}

function makeGroup(group: FunctionSuite['group'], rows: readonly Row[]): Readonly<Record<string, FunctionSuite>> {
  return Object.freeze(Object.fromEntries(rows.map((r) => [r[0], makeSuite(group, r)])));
}

const { PI, sqrt, exp, sin, cos, asin, log } = Math;
const UNIT = (name: string): readonly [string, number, number] => [name, -1, 1];
const sinc2 = (u: number): number => (u === 0 ? 1 : (sin(u) / u) ** 2);

const PYKAN_ROWS: readonly Row[] = [
  ['j0_20x', 'y', 'J0(20*x)', [UNIT('x')], (x) => j0(20 * x)],
  ['exp_sin_y2', 'y', 'exp(sin(pi*x)+y**2)', [UNIT('x'), UNIT('y')], (x, y) => exp(sin(PI * x) + y * y)],
  ['xy', 'y', 'x*y', [UNIT('x'), UNIT('y')], (x, y) => x * y],
  [
    'exp_sin2_100d',
    'y',
    'exp(1/100*sum_{i=1..100} sin(pi*x_i/2)**2)',
    Array.from({ length: 100 }, (_, i) => UNIT(`x${i + 1}`)),
    (...x) => exp(x.reduce((s, v) => s + sin((PI * v) / 2) ** 2, 0) / 100),
  ],
  [
    'exp_sin_4d',
    'y',
    'exp((sin(pi*(x1**2+x2**2))+sin(pi*(x3**2+x4**2)))/2)',
    [UNIT('x1'), UNIT('x2'), UNIT('x3'), UNIT('x4')],
    (a, b, c, d) => exp((sin(PI * (a * a + b * b)) + sin(PI * (c * c + d * d))) / 2),
  ],
  ['exp_j0_y2', 'y', 'exp(J0(20*x)+y**2)', [UNIT('x'), UNIT('y')], (x, y) => exp(j0(20 * x) + y * y)],
  ['high_freq', 'y', 'sin(20*pi*x)', [UNIT('x')], (x) => sin(20 * PI * x)],
  ['multiscale', 'y', 'sin(pi*x)+0.3*sin(16*pi*x)', [UNIT('x')], (x) => sin(PI * x) + 0.3 * sin(16 * PI * x)],
  ['step', 'y', '1 if x >= 0 else 0', [UNIT('x')], (x) => (x >= 0 ? 1 : 0)],
  ['sawtooth', 'y', '2*x - floor(2*x)', [UNIT('x')], (x) => 2 * x - Math.floor(2 * x)],
];

// FeynmanEquations.csv rows: id, output, formula (verbatim), variables (CSV order and ranges), f by hand.
const FEYNMAN_ROWS: readonly Row[] = [
  ['I.6.2a', 'f', 'exp(-theta**2/2)/sqrt(2*pi)', [['theta', 1, 3]], (theta) => exp(-(theta * theta) / 2) / sqrt(2 * PI)],
  [
    'I.6.2',
    'f',
    'exp(-(theta/sigma)**2/2)/(sqrt(2*pi)*sigma)',
    [
      ['sigma', 1, 3],
      ['theta', 1, 3],
    ],
    (sigma, theta) => exp(-((theta / sigma) ** 2) / 2) / (sqrt(2 * PI) * sigma),
  ],
  [
    'I.6.2b',
    'f',
    'exp(-((theta-theta1)/sigma)**2/2)/(sqrt(2*pi)*sigma)',
    [
      ['sigma', 1, 3],
      ['theta', 1, 3],
      ['theta1', 1, 3],
    ],
    (sigma, theta, theta1) => exp(-(((theta - theta1) / sigma) ** 2) / 2) / (sqrt(2 * PI) * sigma),
  ],
  [
    'I.8.14',
    'd',
    'sqrt((x2-x1)**2+(y2-y1)**2)',
    [
      ['x1', 1, 5],
      ['x2', 1, 5],
      ['y1', 1, 5],
      ['y2', 1, 5],
    ],
    (x1, x2, y1, y2) => sqrt((x2 - x1) ** 2 + (y2 - y1) ** 2),
  ],
  [
    'I.9.18',
    'F',
    'G*m1*m2/((x2-x1)**2+(y2-y1)**2+(z2-z1)**2)',
    [
      ['m1', 1, 2],
      ['m2', 1, 2],
      ['G', 1, 2],
      ['x1', 3, 4],
      ['x2', 1, 2],
      ['y1', 3, 4],
      ['y2', 1, 2],
      ['z1', 3, 4],
      ['z2', 1, 2],
    ],
    (m1, m2, G, x1, x2, y1, y2, z1, z2) => (G * m1 * m2) / ((x2 - x1) ** 2 + (y2 - y1) ** 2 + (z2 - z1) ** 2),
  ],
  [
    'I.10.7',
    'm',
    'm_0/sqrt(1-v**2/c**2)',
    [
      ['m_0', 1, 5],
      ['v', 1, 2],
      ['c', 3, 10],
    ],
    (m0, v, c) => m0 / sqrt(1 - (v * v) / (c * c)),
  ],
  [
    'I.11.19',
    'A',
    'x1*y1+x2*y2+x3*y3',
    [
      ['x1', 1, 5],
      ['x2', 1, 5],
      ['x3', 1, 5],
      ['y1', 1, 5],
      ['y2', 1, 5],
      ['y3', 1, 5],
    ],
    (x1, x2, x3, y1, y2, y3) => x1 * y1 + x2 * y2 + x3 * y3,
  ],
  [
    'I.12.1',
    'F',
    'mu*Nn',
    [
      ['mu', 1, 5],
      ['Nn', 1, 5],
    ],
    (mu, Nn) => mu * Nn,
  ],
  [
    'I.12.2',
    'F',
    'q1*q2*r/(4*pi*epsilon*r**3)',
    [
      ['q1', 1, 5],
      ['q2', 1, 5],
      ['epsilon', 1, 5],
      ['r', 1, 5],
    ],
    (q1, q2, eps, r) => (q1 * q2) / (4 * PI * eps * r * r),
  ],
  [
    'I.12.4',
    'Ef',
    'q1*r/(4*pi*epsilon*r**3)',
    [
      ['q1', 1, 5],
      ['epsilon', 1, 5],
      ['r', 1, 5],
    ],
    (q1, eps, r) => q1 / (4 * PI * eps * r * r),
  ],
  [
    'I.12.5',
    'F',
    'q2*Ef',
    [
      ['q2', 1, 5],
      ['Ef', 1, 5],
    ],
    (q2, Ef) => q2 * Ef,
  ],
  [
    'I.12.11',
    'F',
    'q*(Ef+B*v*sin(theta))',
    [
      ['q', 1, 5],
      ['Ef', 1, 5],
      ['B', 1, 5],
      ['v', 1, 5],
      ['theta', 1, 5],
    ],
    (q, Ef, B, v, theta) => q * (Ef + B * v * sin(theta)),
  ],
  [
    'I.13.4',
    'K',
    '1/2*m*(v**2+u**2+w**2)',
    [
      ['m', 1, 5],
      ['v', 1, 5],
      ['u', 1, 5],
      ['w', 1, 5],
    ],
    (m, v, u, w) => 0.5 * m * (v * v + u * u + w * w),
  ],
  [
    'I.13.12',
    'U',
    'G*m1*m2*(1/r2-1/r1)',
    [
      ['m1', 1, 5],
      ['m2', 1, 5],
      ['r1', 1, 5],
      ['r2', 1, 5],
      ['G', 1, 5],
    ],
    (m1, m2, r1, r2, G) => G * m1 * m2 * (1 / r2 - 1 / r1),
  ],
  [
    'I.14.3',
    'U',
    'm*g*z',
    [
      ['m', 1, 5],
      ['g', 1, 5],
      ['z', 1, 5],
    ],
    (m, g, z) => m * g * z,
  ],
  [
    'I.14.4',
    'U',
    '1/2*k_spring*x**2',
    [
      ['k_spring', 1, 5],
      ['x', 1, 5],
    ],
    (k, x) => 0.5 * k * x * x,
  ],
  [
    'I.15.3x',
    'x1',
    '(x-u*t)/sqrt(1-u**2/c**2)',
    [
      ['x', 5, 10],
      ['u', 1, 2],
      ['c', 3, 20],
      ['t', 1, 2],
    ],
    (x, u, c, t) => (x - u * t) / sqrt(1 - (u * u) / (c * c)),
  ],
  [
    'I.15.3t',
    't1',
    '(t-u*x/c**2)/sqrt(1-u**2/c**2)',
    [
      ['x', 1, 5],
      ['c', 3, 10],
      ['u', 1, 2],
      ['t', 1, 5],
    ],
    (x, c, u, t) => (t - (u * x) / (c * c)) / sqrt(1 - (u * u) / (c * c)),
  ],
  [
    'I.15.1',
    'p',
    'm_0*v/sqrt(1-v**2/c**2)',
    [
      ['m_0', 1, 5],
      ['v', 1, 2],
      ['c', 3, 10],
    ],
    (m0, v, c) => (m0 * v) / sqrt(1 - (v * v) / (c * c)),
  ],
  [
    'I.16.6',
    'v1',
    '(u+v)/(1+u*v/c**2)',
    [
      ['c', 1, 5],
      ['v', 1, 5],
      ['u', 1, 5],
    ],
    (c, v, u) => (u + v) / (1 + (u * v) / (c * c)),
  ],
  [
    'I.18.4',
    'r',
    '(m1*r1+m2*r2)/(m1+m2)',
    [
      ['m1', 1, 5],
      ['m2', 1, 5],
      ['r1', 1, 5],
      ['r2', 1, 5],
    ],
    (m1, m2, r1, r2) => (m1 * r1 + m2 * r2) / (m1 + m2),
  ],
  [
    'I.18.12',
    'tau',
    'r*F*sin(theta)',
    [
      ['r', 1, 5],
      ['F', 1, 5],
      ['theta', 0, 5],
    ],
    (r, F, theta) => r * F * sin(theta),
  ],
  [
    'I.24.6',
    'E_n',
    '1/2*m*(omega**2+omega_0**2)*1/2*x**2',
    [
      ['m', 1, 3],
      ['omega', 1, 3],
      ['omega_0', 1, 3],
      ['x', 1, 3],
    ],
    (m, w, w0, x) => 0.25 * m * (w * w + w0 * w0) * x * x,
  ],
  [
    'I.26.2',
    'theta1',
    'arcsin(n*sin(theta2))',
    [
      ['n', 0, 1],
      ['theta2', 1, 5],
    ],
    (n, theta2) => asin(n * sin(theta2)),
  ],
  [
    'I.27.6',
    'foc',
    '1/(1/d1+n/d2)',
    [
      ['d1', 1, 5],
      ['d2', 1, 5],
      ['n', 1, 5],
    ],
    (d1, d2, n) => 1 / (1 / d1 + n / d2),
  ],
  [
    'I.29.16',
    'x',
    'sqrt(x1**2+x2**2-2*x1*x2*cos(theta1-theta2))',
    [
      ['x1', 1, 5],
      ['x2', 1, 5],
      ['theta1', 1, 5],
      ['theta2', 1, 5],
    ],
    (x1, x2, t1, t2) => sqrt(x1 * x1 + x2 * x2 - 2 * x1 * x2 * cos(t1 - t2)),
  ],
  [
    'I.30.3',
    'Int',
    'Int_0*sin(n*theta/2)**2/sin(theta/2)**2',
    [
      ['Int_0', 1, 5],
      ['theta', 1, 5],
      ['n', 1, 5],
    ],
    (I0, theta, n) => (I0 * sin((n * theta) / 2) ** 2) / sin(theta / 2) ** 2,
  ],
  [
    'I.30.5',
    'theta',
    'arcsin(lambd/(n*d))',
    [
      ['lambd', 1, 2],
      ['d', 2, 5],
      ['n', 1, 5],
    ],
    (lambd, d, n) => asin(lambd / (n * d)),
  ],
  [
    'I.32.17',
    'Pwr',
    '(1/2*epsilon*c*Ef**2)*(8*pi*r**2/3)*(omega**4/(omega**2-omega_0**2)**2)',
    [
      ['epsilon', 1, 2],
      ['c', 1, 2],
      ['Ef', 1, 2],
      ['r', 1, 2],
      ['omega', 1, 2],
      ['omega_0', 3, 5],
    ],
    (eps, c, Ef, r, w, w0) => 0.5 * eps * c * Ef * Ef * ((8 * PI * r * r) / 3) * (w ** 4 / (w * w - w0 * w0) ** 2),
  ],
  [
    'I.34.8',
    'omega',
    'q*v*B/p',
    [
      ['q', 1, 5],
      ['v', 1, 5],
      ['B', 1, 5],
      ['p', 1, 5],
    ],
    (q, v, B, p) => (q * v * B) / p,
  ],
  [
    'I.37.4',
    'Int',
    'I1+I2+2*sqrt(I1*I2)*cos(delta)',
    [
      ['I1', 1, 5],
      ['I2', 1, 5],
      ['delta', 1, 5],
    ],
    (I1, I2, delta) => I1 + I2 + 2 * sqrt(I1 * I2) * cos(delta),
  ],
  [
    'I.39.22',
    'pr',
    'n*kb*T/V',
    [
      ['n', 1, 5],
      ['T', 1, 5],
      ['V', 1, 5],
      ['kb', 1, 5],
    ],
    (n, T, V, kb) => (n * kb * T) / V,
  ],
  [
    'I.40.1',
    'n',
    'n_0*exp(-m*g*x/(kb*T))',
    [
      ['n_0', 1, 5],
      ['m', 1, 5],
      ['x', 1, 5],
      ['T', 1, 5],
      ['g', 1, 5],
      ['kb', 1, 5],
    ],
    (n0, m, x, T, g, kb) => n0 * exp(-(m * g * x) / (kb * T)),
  ],
  [
    'I.41.16',
    'L_rad',
    'h/(2*pi)*omega**3/(pi**2*c**2*(exp((h/(2*pi))*omega/(kb*T))-1))',
    [
      ['omega', 1, 5],
      ['T', 1, 5],
      ['h', 1, 5],
      ['kb', 1, 5],
      ['c', 1, 5],
    ],
    (w, T, h, kb, c) => ((h / (2 * PI)) * w ** 3) / (PI * PI * c * c * (exp(((h / (2 * PI)) * w) / (kb * T)) - 1)),
  ],
  [
    'I.44.4',
    'E_n',
    'n*kb*T*ln(V2/V1)',
    [
      ['n', 1, 5],
      ['kb', 1, 5],
      ['T', 1, 5],
      ['V1', 1, 5],
      ['V2', 1, 5],
    ],
    (n, kb, T, V1, V2) => n * kb * T * log(V2 / V1),
  ],
  [
    'I.47.23',
    'c',
    'sqrt(Gamma*pr/rho)',
    [
      ['Gamma', 1, 5],
      ['pr', 1, 5],
      ['rho', 1, 5],
    ],
    (gamma, pr, rho) => sqrt((gamma * pr) / rho),
  ],
  [
    'I.48.2',
    'E_n',
    'm*c**2/sqrt(1-v**2/c**2)',
    [
      ['m', 1, 5],
      ['v', 1, 2],
      ['c', 3, 10],
    ],
    (m, v, c) => (m * c * c) / sqrt(1 - (v * v) / (c * c)),
  ],
  [
    'I.50.26',
    'x',
    'x1*(cos(omega*t)+alpha*cos(omega*t)**2)',
    [
      ['x1', 1, 3],
      ['omega', 1, 3],
      ['t', 1, 3],
      ['alpha', 1, 3],
    ],
    (x1, w, t, alpha) => x1 * (cos(w * t) + alpha * cos(w * t) ** 2),
  ],
  [
    'II.2.42',
    'Pwr',
    'kappa*(T2-T1)*A/d',
    [
      ['kappa', 1, 5],
      ['T1', 1, 5],
      ['T2', 1, 5],
      ['A', 1, 5],
      ['d', 1, 5],
    ],
    (kappa, T1, T2, A, d) => (kappa * (T2 - T1) * A) / d,
  ],
  [
    'II.6.15a',
    'Ef',
    'p_d/(4*pi*epsilon)*3*z/r**5*sqrt(x**2+y**2)',
    [
      ['epsilon', 1, 3],
      ['p_d', 1, 3],
      ['r', 1, 3],
      ['x', 1, 3],
      ['y', 1, 3],
      ['z', 1, 3],
    ],
    (eps, pd, r, x, y, z) => ((pd / (4 * PI * eps)) * 3 * z * sqrt(x * x + y * y)) / r ** 5,
  ],
  [
    'II.11.3',
    'x',
    'q*Ef/(m*(omega_0**2-omega**2))',
    [
      ['q', 1, 3],
      ['Ef', 1, 3],
      ['m', 1, 3],
      ['omega_0', 3, 5],
      ['omega', 1, 2],
    ],
    (q, Ef, m, w0, w) => (q * Ef) / (m * (w0 * w0 - w * w)),
  ],
  [
    'II.11.27',
    'Pol',
    'n*alpha/(1-(n*alpha/3))*epsilon*Ef',
    [
      ['n', 0, 1],
      ['alpha', 0, 1],
      ['epsilon', 1, 2],
      ['Ef', 1, 2],
    ],
    (n, alpha, eps, Ef) => ((n * alpha) / (1 - (n * alpha) / 3)) * eps * Ef,
  ],
  [
    'II.21.32',
    'Volt',
    'q/(4*pi*epsilon*r*(1-v/c))',
    [
      ['q', 1, 5],
      ['epsilon', 1, 5],
      ['r', 1, 5],
      ['v', 1, 2],
      ['c', 3, 10],
    ],
    (q, eps, r, v, c) => q / (4 * PI * eps * r * (1 - v / c)),
  ],
  [
    'II.24.17',
    'k',
    'sqrt(omega**2/c**2-pi**2/d**2)',
    [
      ['omega', 4, 6],
      ['c', 1, 2],
      ['d', 2, 4],
    ],
    (w, c, d) => sqrt((w * w) / (c * c) - (PI * PI) / (d * d)),
  ],
  [
    'II.35.18',
    'n',
    'n_0/(exp(mom*B/(kb*T))+exp(-mom*B/(kb*T)))',
    [
      ['n_0', 1, 3],
      ['kb', 1, 3],
      ['T', 1, 3],
      ['mom', 1, 3],
      ['B', 1, 3],
    ],
    (n0, kb, T, mom, B) => n0 / (2 * Math.cosh((mom * B) / (kb * T))),
  ],
  [
    'III.4.33',
    'E_n',
    '(h/(2*pi))*omega/(exp((h/(2*pi))*omega/(kb*T))-1)',
    [
      ['h', 1, 5],
      ['omega', 1, 5],
      ['kb', 1, 5],
      ['T', 1, 5],
    ],
    (h, w, kb, T) => ((h / (2 * PI)) * w) / Math.expm1(((h / (2 * PI)) * w) / (kb * T)),
  ],
  [
    'III.9.52',
    'prob',
    '(p_d*Ef*t/(h/(2*pi)))*sin((omega-omega_0)*t/2)**2/((omega-omega_0)*t/2)**2',
    [
      ['p_d', 1, 3],
      ['Ef', 1, 3],
      ['t', 1, 3],
      ['h', 1, 3],
      ['omega', 1, 5],
      ['omega_0', 1, 5],
    ],
    (pd, Ef, t, h, w, w0) => ((pd * Ef * t) / (h / (2 * PI))) * sinc2(((w - w0) * t) / 2),
  ],
  [
    'III.10.19',
    'E_n',
    'mom*sqrt(Bx**2+By**2+Bz**2)',
    [
      ['mom', 1, 5],
      ['Bx', 1, 5],
      ['By', 1, 5],
      ['Bz', 1, 5],
    ],
    (mom, Bx, By, Bz) => mom * sqrt(Bx * Bx + By * By + Bz * Bz),
  ],
  [
    'III.14.14',
    'I',
    'I_0*(exp(q*Volt/(kb*T))-1)',
    [
      ['I_0', 1, 5],
      ['q', 1, 2],
      ['Volt', 1, 2],
      ['kb', 1, 2],
      ['T', 1, 2],
    ],
    (I0, q, V, kb, T) => I0 * Math.expm1((q * V) / (kb * T)),
  ],
  [
    'III.17.37',
    'f',
    'beta*(1+alpha*cos(theta))',
    [
      ['beta', 1, 5],
      ['alpha', 1, 5],
      ['theta', 1, 5],
    ],
    (beta, alpha, theta) => beta * (1 + alpha * cos(theta)),
  ],
  [
    'III.19.51',
    'E_n',
    '-m*q**4/(2*(4*pi*epsilon)**2*(h/(2*pi))**2)*(1/n**2)',
    [
      ['m', 1, 5],
      ['q', 1, 5],
      ['h', 1, 5],
      ['n', 1, 5],
      ['epsilon', 1, 5],
    ],
    (m, q, h, n, eps) => (-m * q ** 4) / (2 * (4 * PI * eps) ** 2 * (h / (2 * PI)) ** 2 * n * n),
  ],
];

const SPECIAL_ROWS: readonly Row[] = [
  ['bessel_j0', 'y', 'J0(x)', [['x', 0, 20]], (x) => j0(x)],
  ['bessel_j1', 'y', 'J1(x)', [['x', 0, 20]], (x) => j1(x)],
  ['bessel_y0', 'y', 'Y0(x)', [['x', 0.5, 20]], (x) => y0(x)],
  ['bessel_y1', 'y', 'Y1(x)', [['x', 0.5, 20]], (x) => y1(x)],
  ['ellipk', 'y', 'K(m)', [['m', 0, 0.99]], (m) => ellipticKScalar(m)],
  ['ellipe', 'y', 'E(m)', [['m', 0, 1]], (m) => ellipticEScalar(m)],
  ['legendre_p4', 'y', 'P_4(x)', [UNIT('x')], (x) => legendrePScalar(4, x)],
  ['lpmv_m1_n3', 'y', 'P_3^1(x)', [UNIT('x')], (x) => associatedLegendrePScalar(3, 1, x)],
  [
    'sph_harm_l2_m1',
    'y',
    'Y_2^1(theta, phi) (real)',
    [
      ['theta', 0, PI],
      ['phi', 0, 2 * PI],
    ],
    (theta, phi) => realSphericalHarmonicScalar(2, 1, theta, phi),
  ],
];

/** pykan's toy functions (KAN paper sec. 3.1 and tutorials) plus 1-D high-frequency and discontinuous targets, by id. */
export const pykanFunctions: Readonly<Record<string, FunctionSuite>> = makeGroup('pykan', PYKAN_ROWS);

/** 51 AI Feynman equations by id (`'I.6.2'`, `'II.2.42'`, `'III.17.37'`), with FeynmanEquations.csv's variables and ranges. */
export const feynman: Readonly<Record<string, FunctionSuite>> = makeGroup('feynman', FEYNMAN_ROWS);

/** Special-function targets (Bessel, elliptic, Legendre, spherical harmonics) over fixed ranges, by id. */
export const specialFunctions: Readonly<Record<string, FunctionSuite>> = makeGroup('special', SPECIAL_ROWS);

const GROUPS: Readonly<Record<FunctionSuite['group'], Readonly<Record<string, FunctionSuite>>>> = { pykan: pykanFunctions, feynman, special: specialFunctions };

/** Every suite name, `<group> <id>` (`feynman I.6.2`, `pykan xy`, `special bessel_j0`). */
export function functionSuiteNames(): string[] {
  return Object.values(GROUPS).flatMap((g) => Object.values(g).map((s) => s.name));
}

/**
 * The suite entry named `name`: `<group> <id>` (`'feynman I.6.2'`, `'pykan exp_sin_y2'`,
 * `'special ellipk'`) or a bare id when only one group has it (`'I.6.2'`, `'xy'`). Pass it to
 * `createDataset`, whose `nVar` and `ranges` then default to the entry's.
 */
export function functionSuite(name: string): FunctionSuite {
  if (typeof name === 'string') {
    const space = name.indexOf(' ');
    if (space > 0) {
      const group = GROUPS[name.slice(0, space) as FunctionSuite['group']];
      const hit = group && Object.hasOwn(group, name.slice(space + 1)) ? group[name.slice(space + 1)] : undefined;
      if (hit) return hit;
    } else {
      const hits = Object.values(GROUPS).flatMap((g) => (Object.hasOwn(g, name) ? [g[name] as FunctionSuite] : []));
      if (hits.length === 1) return hits[0] as FunctionSuite;
    }
  }
  const lower = typeof name === 'string' ? name.toLowerCase() : '';
  const near = functionSuiteNames().filter((n) => lower && (n.toLowerCase().includes(lower) || lower.includes(n.split(' ')[1]!.toLowerCase())));
  throw new ConfigError('unknown function suite', {
    where: 'functionSuite',
    argument: 'name',
    expected: near.length ? `one of ${near.slice(0, 8).join(', ')}` : `'<group> <id>' with group pykan, feynman or special (functionSuiteNames() lists them)`,
    got: show(name),
  });
}
