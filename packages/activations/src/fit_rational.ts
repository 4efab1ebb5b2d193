// Least-squares fit of a rational activation to a target function (used for the starting
// coefficients of Rational and KATGroupRational, which this library computes for the formula
// it evaluates instead of copying tables fitted for another version).
//
// 1. Linearised least squares (Padé-style): P(x) - f(x) (Q(x) - q0) = f(x) q0 is linear in the
//    coefficients, solved by normal equations in float64.
// 2. Levenberg-Marquardt on the true residual r_i = P(x_i)/Q(x_i) - f(x_i), with the analytic
//    Jacobian of the chosen version (A's |b_k| and B/C's |S| included), in float64.
// The target is sampled once with tfjs (float32); everything else is a small float64 problem.
import { ConfigError, checkInt, tf } from '@basiskit/tensor';
import type { RationalVersion } from './rational';

/** Options of {@link fitRational}. */
export interface FitRationalOptions {
  /** Interval fitted, default [-3, 3]. */
  range?: [number, number];
  /** [numerator degree m, denominator degree n], default [5, 4]. */
  degrees?: [number, number];
  /** Denominator form, default 'A'. */
  version?: RationalVersion;
  /** Sample points on the interval (uniform, endpoints included), default 1001. */
  samples?: number;
  /** Levenberg-Marquardt iterations at most (per start), default 200. */
  maxIterations?: number;
}

/** The fitted coefficients and how well they fit on the samples. */
export interface FitRationalResult {
  numerator: number[];
  denominator: number[];
  /** max |P/Q - f| over the samples */
  maxError: number;
  /** root mean square of P/Q - f over the samples */
  rmse: number;
}

interface Model {
  m: number;
  n: number;
  version: RationalVersion;
}

/** Denominator basis power of coefficient k: x^(k+1) for A/B, x^k for C. */
const power = (M: Model, k: number) => (M.version === 'C' ? k : k + 1);
const q0 = (M: Model) => (M.version === 'C' ? 0.1 : 1);

/** Powers of the samples: pow[j][i] = x_i^j and apow[j][i] = |x_i|^j, j = 0..m+n+1. */
interface Powers {
  pow: Float64Array[];
  apow: Float64Array[];
}

function powers(xs: Float64Array, maxPower: number): Powers {
  const pow = [new Float64Array(xs.length).fill(1)];
  const apow = [new Float64Array(xs.length).fill(1)];
  for (let j = 1; j <= maxPower; j++) {
    pow.push(pow[j - 1].map((v, i) => v * xs[i]));
    apow.push(apow[j - 1].map((v, i) => v * Math.abs(xs[i])));
  }
  return { pow, apow };
}

/** Denominator basis value of coefficient k at sample i (|x| for A, x for B/C). */
const phi = (M: Model, X: Powers, k: number, i: number) => (M.version === 'A' ? X.apow : X.pow)[power(M, k)][i];

/** P, Q and the denominator's inner sum S at sample i. */
function evaluate(M: Model, theta: Float64Array, X: Powers, i: number) {
  let p = 0;
  for (let j = 0; j <= M.m; j++) p += theta[j] * X.pow[j][i];
  let s = 0;
  for (let k = 0; k < M.n; k++) {
    const b = theta[M.m + 1 + k];
    s += (M.version === 'A' ? Math.abs(b) : b) * phi(M, X, k, i);
  }
  const q = M.version === 'A' ? q0(M) + s : q0(M) + Math.abs(s);
  return { p, q, s };
}

/** Solves the symmetric system A z = rhs (n x n, row-major) by Gaussian elimination with pivoting. */
function solve(A: Float64Array, rhs: Float64Array, n: number): Float64Array {
  const M = Float64Array.from(A);
  const z = Float64Array.from(rhs);
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r * n + c]) > Math.abs(M[piv * n + c])) piv = r;
    if (piv !== c) {
      for (let k = 0; k < n; k++) [M[c * n + k], M[piv * n + k]] = [M[piv * n + k], M[c * n + k]];
      [z[c], z[piv]] = [z[piv], z[c]];
    }
    const d = M[c * n + c] || 1e-300;
    for (let r = c + 1; r < n; r++) {
      const f = M[r * n + c] / d;
      if (f === 0) continue;
      for (let k = c; k < n; k++) M[r * n + k] -= f * M[c * n + k];
      z[r] -= f * z[c];
    }
  }
  for (let c = n - 1; c >= 0; c--) {
    let s = z[c];
    for (let k = c + 1; k < n; k++) s -= M[c * n + k] * z[k];
    z[c] = s / (M[c * n + c] || 1e-300);
  }
  return z;
}

/** Normal equations J^T J and J^T r from a row generator, with a relative ridge. */
function normalEquations(rows: number, cols: number, row: (i: number, out: Float64Array) => number, ridge: number) {
  const JtJ = new Float64Array(cols * cols);
  const Jtr = new Float64Array(cols);
  const g = new Float64Array(cols);
  for (let i = 0; i < rows; i++) {
    const r = row(i, g);
    for (let a = 0; a < cols; a++) {
      Jtr[a] += g[a] * r;
      for (let b = a; b < cols; b++) JtJ[a * cols + b] += g[a] * g[b];
    }
  }
  for (let a = 0; a < cols; a++) for (let b = 0; b < a; b++) JtJ[a * cols + b] = JtJ[b * cols + a];
  for (let a = 0; a < cols; a++) JtJ[a * cols + a] *= 1 + ridge;
  return { JtJ, Jtr };
}

function cost(M: Model, theta: Float64Array, X: Powers, fs: Float64Array): number {
  let c = 0;
  for (let i = 0; i < fs.length; i++) {
    const { p, q } = evaluate(M, theta, X, i);
    c += (p / q - fs[i]) ** 2;
  }
  return c;
}

/** Levenberg-Marquardt from `start` on the true residual; returns the best coefficients and cost. */
function levenbergMarquardt(M: Model, start: Float64Array, X: Powers, fs: Float64Array, maxIterations: number) {
  const cols = M.m + 1 + M.n;
  let theta = start;
  let c = cost(M, theta, X, fs);
  if (!Number.isFinite(c)) return { theta, c };
  let lambda = 1e-3;
  for (let it = 0; it < maxIterations && c > 1e-30; it++) {
    const ne = normalEquations(
      fs.length,
      cols,
      (i, g) => {
        const { p, q, s } = evaluate(M, theta, X, i);
        for (let j = 0; j <= M.m; j++) g[j] = X.pow[j][i] / q;
        const dq = -p / (q * q);
        for (let k = 0; k < M.n; k++) {
          const sign = M.version === 'A' ? Math.sign(theta[M.m + 1 + k]) : Math.sign(s);
          g[M.m + 1 + k] = dq * sign * phi(M, X, k, i);
        }
        return p / q - fs[i];
      },
      lambda,
    );
    const step = solve(ne.JtJ, ne.Jtr, cols);
    const trial = theta.map((v, i) => v - step[i]);
    const ct = cost(M, trial, X, fs);
    if (Number.isFinite(ct) && ct < c) {
      const improvement = (c - ct) / c;
      theta = trial;
      c = ct;
      lambda = Math.max(lambda / 3, 1e-12);
      if (improvement < 1e-10) break;
    } else {
      lambda *= 4;
      if (lambda > 1e12) break;
    }
  }
  return { theta, c };
}

/**
 * Fits `P/Q` (the given version and degrees) to `fn` on `range` by least squares and returns
 * the coefficients with their max and RMS error on the samples. A local method (several
 * starts, best kept): for versions B and C, a target whose best fit has S changing sign many
 * times on the range can end in a local minimum; check `maxError`.
 *
 * @example
 * const { numerator, denominator, maxError } = fitRational((x) => tf.tanh(x), { version: 'A' });
 */
export function fitRational(fn: (x: tf.Tensor) => tf.Tensor, options: FitRationalOptions = {}): FitRationalResult {
  const [lo, hi] = options.range ?? [-3, 3];
  const [m, n] = options.degrees ?? [5, 4];
  const version = options.version ?? 'A';
  const samples = options.samples ?? 1001;
  checkInt(m, 0, 'fitRational', 'degrees[0]');
  checkInt(n, 1, 'fitRational', 'degrees[1]');
  checkInt(samples, m + n + 2, 'fitRational', 'samples');
  if (!(lo < hi) || !Number.isFinite(lo) || !Number.isFinite(hi)) {
    throw new ConfigError('invalid range', { where: 'fitRational', argument: 'range', expected: 'finite [lo, hi] with lo < hi', got: `[${lo}, ${hi}]` });
  }
  if (!['A', 'B', 'C'].includes(version)) {
    throw new ConfigError('unknown version', { where: 'fitRational', argument: 'version', expected: "'A', 'B' or 'C'", got: String(version) });
  }
  const M: Model = { m, n, version };
  const xs = new Float64Array(samples);
  for (let i = 0; i < samples; i++) xs[i] = lo + ((hi - lo) * i) / (samples - 1);
  const fs = Float64Array.from(
    tf.tidy(() => {
      const y = fn(tf.tensor1d(Float32Array.from(xs)));
      if (y.size !== samples) {
        throw new ConfigError('target must map x elementwise', {
          where: 'fitRational',
          argument: 'fn',
          expected: `${samples} values`,
          got: `shape [${y.shape}]`,
        });
      }
      return y.dataSync();
    }),
  );
  if (fs.some((v) => !Number.isFinite(v))) {
    throw new ConfigError('target is not finite on the range', { where: 'fitRational', argument: 'fn', got: `a non-finite value on [${lo}, ${hi}]` });
  }
  const cols = m + 1 + n;
  const X = powers(xs, m + n + 1);

  // Start 1: linearised least squares, P(x) - f(x) (Q(x) - q0) = f(x) q0. For B and C, whose
  // Q has |S|, the sign of S at each sample is iterated: solve with S's signs fixed, update
  // the signs from the solution, repeat.
  const sign = new Float64Array(samples).fill(1);
  const linearStarts: Float64Array[] = [];
  for (let round = 0; round < (version === 'A' ? 1 : 6); round++) {
    const lin = normalEquations(
      samples,
      cols,
      (i, g) => {
        for (let j = 0; j <= m; j++) g[j] = X.pow[j][i];
        for (let k = 0; k < n; k++) g[m + 1 + k] = -fs[i] * sign[i] * phi(M, X, k, i);
        return fs[i] * q0(M);
      },
      1e-10,
    );
    const linear = solve(lin.JtJ, lin.Jtr, cols);
    if (!linear.every(Number.isFinite)) break;
    linearStarts.push(linear);
    if (version === 'A') break;
    let changed = 0;
    for (let i = 0; i < samples; i++) {
      const si = evaluate(M, linear, X, i).s >= 0 ? 1 : -1;
      if (si !== sign[i]) changed++;
      sign[i] = si;
    }
    if (changed === 0) break;
  }
  // Start 2: a polynomial (Q = 1): pole-free, so descent from it stays pole-free (matters for
  // B and C, whose |S| the linearisation ignores).
  const poly = normalEquations(
    samples,
    m + 1,
    (i, g) => {
      for (let j = 0; j <= m; j++) g[j] = X.pow[j][i];
      return fs[i];
    },
    1e-10,
  );
  const polynomialStart = new Float64Array(cols);
  polynomialStart.set(solve(poly.JtJ, poly.Jtr, m + 1));
  if (version === 'C') {
    polynomialStart[m + 1] = 0.9; // Q = 0.1 + |0.9| = 1
  }
  const maxIterations = options.maxIterations ?? 200;
  // Descend from the polynomial, the first linearisation and the sign-iterated one; keep the best.
  const starts = [polynomialStart, ...linearStarts.slice(0, 1), ...linearStarts.slice(1).slice(-1)];
  let best = levenbergMarquardt(M, starts[0], X, fs, maxIterations);
  for (const start of starts.slice(1)) {
    const other = levenbergMarquardt(M, start, X, fs, maxIterations);
    if (Number.isFinite(other.c) && !(other.c >= best.c)) best = other;
  }
  const theta = best.theta;
  const c = best.c;

  let maxError = 0;
  for (let i = 0; i < samples; i++) {
    const { p, q } = evaluate(M, theta, X, i);
    maxError = Math.max(maxError, Math.abs(p / q - fs[i]));
  }
  return {
    numerator: Array.from(theta.subarray(0, m + 1)),
    denominator: Array.from(theta.subarray(m + 1)),
    maxError,
    rmse: Math.sqrt(c / samples),
  };
}
