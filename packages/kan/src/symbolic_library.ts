// The library of symbolic functions a KAN edge can be fixed to: pykan's SYMBOLIC_LIB (kan/utils.py)
// with its complexities, plus cosh and sigmoid (commented out in pykan) and Bessel's J0 (the KAN
// paper's special-function targets). Every function is
// evaluated in pykan's singularity-protected form (`f_inv`, `f_sqrt`, `f_log`, ... with
// y_th = 1000): finite everywhere, equal to the plain function on its natural domain away from
// singularities, and with finite gradients (the unused branch of every `where` sees a safe
// input, so no 0 * inf = NaN reaches the gradient).
import { ConfigError, tf } from '@basiskit/tensor';

/** One function of the library. */
export interface SymbolicFunction {
  /** pykan's name ('x^2', 'sin', '1/sqrt(x)', ...). */
  readonly name: string;
  /** pykan's complexity score (used by {@link KANLinear.suggestSymbolic}'s ranking). */
  readonly complexity: number;
  /** Singularity-protected evaluation on tensors (differentiable). */
  tensor(x: tf.Tensor): tf.Tensor;
  /** The same function on one number (for evaluating formulas). */
  scalar(x: number): number;
  /** The function applied to `arg` as text; `atomic` when `arg` needs no parentheses. */
  format(arg: string, atomic: boolean): string;
}

/** Threshold of pykan's singularity protection (`y_th` of `fit`, default 1000). */
export const SINGULARITY_THRESHOLD = 1000;
const Y = SINGULARITY_THRESHOLD;

const paren = (arg: string, atomic: boolean) => (atomic ? arg : `(${arg})`);
const sign = (v: number) => (v > 0 ? 1 : v < 0 ? -1 : 0);

/** Odd power `x^p` or even power by repeated products (exact for the integer powers). */
function power(x: tf.Tensor, p: number): tf.Tensor {
  let out = x;
  for (let i = 1; i < p; i++) out = tf.mul(out, x);
  return out;
}

/**
 * pykan's protected inverse powers: for |x| < x_th = y^(-1/p) a constant y (even p) or the line
 * y/x_th * x (odd p); 1/x^p elsewhere.
 */
function invPower(p: number): Pick<SymbolicFunction, 'tensor' | 'scalar'> {
  const xTh = Y ** (-1 / p);
  const odd = p % 2 === 1;
  return {
    tensor: (x) =>
      tf.tidy(() => {
        const small = tf.less(tf.abs(x), xTh);
        const safe = tf.where(small, tf.onesLike(x), x);
        const far = tf.reciprocal(power(safe, p));
        const near = odd ? tf.mul(x, Y / xTh) : tf.fill(x.shape, Y);
        return tf.where(small, near, far);
      }),
    scalar: (v) => (Math.abs(v) < xTh ? (odd ? (Y / xTh) * v : Y) : 1 / v ** p),
  };
}

/** pykan's f_sqrt: odd extension sqrt(|x|) sign(x), linear below x_th = 1/y^2. */
const sqrtFns: Pick<SymbolicFunction, 'tensor' | 'scalar'> = {
  tensor: (x) =>
    tf.tidy(() => {
      const xTh = 1 / (Y * Y);
      const small = tf.less(tf.abs(x), xTh);
      const safe = tf.where(small, tf.onesLike(x), x);
      return tf.where(small, tf.mul(x, xTh / Y), tf.mul(tf.sqrt(tf.abs(safe)), tf.sign(safe)));
    }),
  scalar: (v) => (Math.abs(v) < 1 / (Y * Y) ? v / (Y * Y) / Y : Math.sqrt(Math.abs(v)) * sign(v)),
};

/** pykan's f_invsqrt: y below x_th = 1/y^2, 1/sqrt(|x|) elsewhere. */
const invSqrtFns: Pick<SymbolicFunction, 'tensor' | 'scalar'> = {
  tensor: (x) =>
    tf.tidy(() => {
      const small = tf.less(tf.abs(x), 1 / (Y * Y));
      const safe = tf.where(small, tf.onesLike(x), x);
      return tf.where(small, tf.fill(x.shape, Y), tf.rsqrt(tf.abs(safe)));
    }),
  scalar: (v) => (Math.abs(v) < 1 / (Y * Y) ? Y : 1 / Math.sqrt(Math.abs(v))),
};

/** Clamps |x| to at most `limit` (for arcsin/arccos/arctanh beyond their domain). */
function clampUnit(x: tf.Tensor, limit: number): tf.Tensor {
  return tf.clipByValue(x, -limit, limit);
}

/**
 * pykan's f_arcsin / f_arccos: the function inside (-1, 1), its limit (a function of sign(x))
 * for |x| >= 1; the gradient is 0 outside instead of infinite at +-1.
 */
function outsideUnit(x: tf.Tensor, f: (t: tf.Tensor) => tf.Tensor, edge: (sign: tf.Tensor) => tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const out = tf.greaterEqual(tf.abs(x), 1);
    return tf.where(out, edge(tf.sign(x)), f(tf.where(out, tf.zerosLike(x), x)));
  });
}

const ATANH_LIMIT = Math.fround(1 - (1 - Math.tanh(Y) + 1e-4)); // float32, so tensor and scalar clamp alike

function entry(name: string, complexity: number, fns: Pick<SymbolicFunction, 'tensor' | 'scalar'>, format: SymbolicFunction['format']): SymbolicFunction {
  return Object.freeze({ name, complexity, tensor: fns.tensor, scalar: fns.scalar, format });
}

const call = (fn: string) => (arg: string) => `${fn}(${arg})`;
const powFmt = (p: string) => (arg: string, atomic: boolean) => `${paren(arg, atomic)}^${p}`;
const invFmt = (p: string) => (arg: string, atomic: boolean) => (p === '1' ? `1/${paren(arg, atomic)}` : `1/${paren(arg, atomic)}^${p}`);

// Bessel J0 by Abramowitz & Stegun 9.4.1 (|x| <= 3, error < 5e-8) and 9.4.3 (|x| > 3:
// J0 = f0 cos(theta0) / sqrt|x|, error < 1.6e-8): polynomials, so differentiable as tensor ops.
// (@basiskit/datasets has a float64 J0 for data; kan must not depend on datasets, and needs gradients.)
const J0_SMALL = [1, -2.2499997, 1.2656208, -0.3163866, 0.0444479, -0.0039444, 0.00021];
const J0_F = [0.79788456, -0.00000077, -0.0055274, -0.00009512, 0.00137237, -0.00072805, 0.00014476];
const J0_THETA = [-0.78539816, -0.04166397, -0.00003954, 0.00262573, -0.00054125, -0.00029333, 0.00013558];
const horner = (c: readonly number[], t: number) => c.reduceRight((s, v) => s * t + v, 0);
const hornerT = (c: readonly number[], t: tf.Tensor) =>
  c.slice(0, -1).reduceRight<tf.Tensor>((s, v) => tf.add(tf.mul(s, t), v), tf.fill(t.shape, c[c.length - 1]));

function besselJ0Scalar(v: number): number {
  const a = Math.abs(v);
  if (a <= 3) return horner(J0_SMALL, (a / 3) ** 2);
  const t = 3 / a;
  return (horner(J0_F, t) * Math.cos(a + horner(J0_THETA, t))) / Math.sqrt(a);
}

function besselJ0Tensor(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const a = tf.abs(x);
    const small = tf.lessEqual(a, 3);
    const near = hornerT(J0_SMALL, tf.square(tf.div(a, 3)));
    const far0 = tf.where(small, tf.fill(x.shape, 4), a); // a safe input for the unused branch
    const t = tf.div(3, far0);
    const far = tf.div(tf.mul(hornerT(J0_F, t), tf.cos(tf.add(far0, hornerT(J0_THETA, t)))), tf.sqrt(far0));
    return tf.where(small, near, far);
  });
}

const LIB: SymbolicFunction[] = [
  entry('x', 1, { tensor: (x) => tf.clone(x), scalar: (v) => v }, (a) => a),
  entry('x^2', 2, { tensor: (x) => tf.square(x), scalar: (v) => v * v }, powFmt('2')),
  entry('x^3', 3, { tensor: (x) => tf.tidy(() => power(x, 3)), scalar: (v) => v * v * v }, powFmt('3')),
  entry('x^4', 3, { tensor: (x) => tf.tidy(() => power(x, 4)), scalar: (v) => v ** 4 }, powFmt('4')),
  entry('x^5', 3, { tensor: (x) => tf.tidy(() => power(x, 5)), scalar: (v) => v ** 5 }, powFmt('5')),
  entry('1/x', 2, invPower(1), invFmt('1')),
  entry('1/x^2', 2, invPower(2), invFmt('2')),
  entry('1/x^3', 3, invPower(3), invFmt('3')),
  entry('1/x^4', 4, invPower(4), invFmt('4')),
  entry('1/x^5', 5, invPower(5), invFmt('5')),
  entry('sqrt', 2, sqrtFns, call('sqrt')),
  entry('x^0.5', 2, sqrtFns, call('sqrt')),
  entry('x^1.5', 4, { tensor: (x) => tf.tidy(() => tf.pow(tf.abs(x), 1.5)), scalar: (v) => Math.abs(v) ** 1.5 }, (a) => `abs(${a})^1.5`),
  entry('1/sqrt(x)', 2, invSqrtFns, (a) => `1/sqrt(${a})`),
  entry('1/x^0.5', 2, invSqrtFns, (a) => `1/sqrt(${a})`),
  entry(
    'exp',
    2,
    {
      // f_exp: y beyond x_th = log(y), exp(x) below
      tensor: (x) => tf.tidy(() => tf.exp(tf.minimum(x, Math.log(Y)))),
      scalar: (v) => Math.exp(Math.min(v, Math.log(Y))),
    },
    call('exp'),
  ),
  entry(
    'log',
    2,
    {
      // f_log: log|x|, -y below x_th = e^-y (floored at float32's smallest normal)
      tensor: (x) => tf.tidy(() => tf.log(tf.maximum(tf.abs(x), Math.max(Math.exp(-Y), 1.1754944e-38)))),
      scalar: (v) => Math.log(Math.max(Math.abs(v), Math.max(Math.exp(-Y), 1.1754944e-38))),
    },
    call('log'),
  ),
  entry('abs', 3, { tensor: (x) => tf.abs(x), scalar: Math.abs }, call('abs')),
  entry('sin', 2, { tensor: (x) => tf.sin(x), scalar: Math.sin }, call('sin')),
  entry('cos', 2, { tensor: (x) => tf.cos(x), scalar: Math.cos }, call('cos')),
  entry(
    'tan',
    3,
    {
      // |tan| capped at y (pykan's f_tan caps it near the poles)
      tensor: (x) => tf.tidy(() => tf.clipByValue(tf.tan(x), -Y, Y)),
      scalar: (v) => Math.min(Math.max(Math.tan(v), -Y), Y),
    },
    call('tan'),
  ),
  entry('tanh', 3, { tensor: (x) => tf.tanh(x), scalar: Math.tanh }, call('tanh')),
  entry('sgn', 3, { tensor: (x) => tf.sign(x), scalar: sign }, call('sign')),
  entry(
    'arcsin',
    4,
    { tensor: (x) => outsideUnit(x, tf.asin, (s) => tf.mul(s, Math.PI / 2)), scalar: (v) => Math.asin(Math.min(Math.max(v, -1), 1)) },
    call('asin'),
  ),
  entry(
    'arccos',
    4,
    { tensor: (x) => outsideUnit(x, tf.acos, (s) => tf.mul(tf.sub(1, s), Math.PI / 2)), scalar: (v) => Math.acos(Math.min(Math.max(v, -1), 1)) },
    call('acos'),
  ),
  entry('arctan', 4, { tensor: (x) => tf.atan(x), scalar: Math.atan }, call('atan')),
  entry(
    'arctanh',
    4,
    {
      tensor: (x) => tf.tidy(() => tf.atanh(clampUnit(x, ATANH_LIMIT))),
      scalar: (v) => Math.atanh(Math.min(Math.max(v, -ATANH_LIMIT), ATANH_LIMIT)),
    },
    call('atanh'),
  ),
  entry('0', 0, { tensor: (x) => tf.zerosLike(x), scalar: () => 0 }, () => '0'),
  entry(
    'gaussian',
    3,
    { tensor: (x) => tf.tidy(() => tf.exp(tf.neg(tf.square(x)))), scalar: (v) => Math.exp(-v * v) },
    (a, atomic) => `exp(-${paren(a, atomic)}^2)`,
  ),
  entry(
    'cosh',
    5,
    {
      tensor: (x) => tf.tidy(() => tf.cosh(tf.clipByValue(x, -Math.acosh(Y), Math.acosh(Y)))),
      scalar: (v) => Math.cosh(Math.min(Math.max(v, -Math.acosh(Y)), Math.acosh(Y))),
    },
    call('cosh'),
  ),
  entry('sigmoid', 4, { tensor: (x) => tf.sigmoid(x), scalar: (v) => 1 / (1 + Math.exp(-v)) }, (a) => `1/(1 + exp(-(${a})))`),
  entry('J0', 4, { tensor: besselJ0Tensor, scalar: besselJ0Scalar }, call('J0')),
];

/** Every library function by pykan's name (frozen). */
export const SYMBOLIC_LIB: Readonly<Record<string, SymbolicFunction>> = Object.freeze(Object.fromEntries(LIB.map((f) => [f.name, f])));

/** The names of {@link SYMBOLIC_LIB}, in pykan's order. */
export const symbolicNames: readonly string[] = Object.freeze(LIB.map((f) => f.name));

/** The library function `name` (a ConfigError listing the names if there is none). */
export function getSymbolic(name: string, where = 'getSymbolic'): SymbolicFunction {
  if (typeof name === 'string' && Object.prototype.hasOwnProperty.call(SYMBOLIC_LIB, name)) return SYMBOLIC_LIB[name];
  throw new ConfigError('unknown symbolic function', {
    where,
    argument: 'name',
    expected: `one of ${symbolicNames.join(', ')}`,
    got: typeof name === 'string' ? JSON.stringify(name) : String(name),
  });
}
