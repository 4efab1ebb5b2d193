// 2-D Darcy flow -div(a grad u) = f on (0,1)^2 with u = 0 on the boundary, as in the FNO paper's
// Darcy benchmark (Li et al., ICLR 2021, section 5.2): a = psi(g), g the Neumann Gaussian random
// field N(0, (-Laplacian + 9)^-2) of its data code (GRF.m: alpha 2, tau 3; CosineRF here),
// psi = 12 where g >= 0 and 3 where g < 0, f = 1; the data code solves on 421 x 421 nodes
// (subsampled to 85 x 85 and 141 x 141 for training).
//
// Discretisation: s x s nodes x_i = i / (s - 1) (the boundary nodes included), a at the nodes,
// 5-point finite differences with harmonic-mean face coefficients,
//   (1/h^2) sum_{faces} a_face (u_P - u_nb) = f_P,  a_{i+1/2} = 2 a_i a_{i+1} / (a_i + a_{i+1}),
// second order for smooth a. Solver: conjugate gradients preconditioned by the modified incomplete
// Cholesky factorisation MIC(0) of the 5-point matrix (Gustafsson 1978; M = (D + L) D^-1 (D + L^T),
// D from IC(0) plus omega times the dropped fill's row sums), 'ic' (omega = 0) and 'jacobi' as options.
import { checkOptions, collectChoice, collectNumber, ShapeError, throwProblems, type Problem, type Tensor } from '@basiskit/tensor';
import { CosineRF } from './grf';
import { sampleRng } from './sample_rng';
import { checkObject, checkShard, stackSamples, type ShardOptions } from './shards';

/** Options of {@link solveDarcy}. */
export interface DarcySolveOptions {
  /** Right-hand side: a constant or `s * s` node values (row-major). Default 1. */
  f?: number | Float64Array;
  /** Stop when ||r|| <= tol ||f|| (2-norms over the interior). Default 1e-10. */
  tol?: number;
  /** Iteration limit. Default 2000. */
  maxIter?: number;
  /** Preconditioner: `'mic'` (modified incomplete Cholesky), `'ic'` (IC(0)) or `'jacobi'`. Default `'mic'`. */
  preconditioner?: 'mic' | 'ic' | 'jacobi';
}

/** Result of {@link solveDarcy}. */
export interface DarcySolution {
  /** u at the `s * s` nodes (row-major), zero on the boundary. */
  u: Float64Array;
  /** CG iterations taken. */
  iterations: number;
  /** Final relative residual ||r|| / ||f||. */
  residual: number;
}

const SOLVE_KEYS = ['f', 'tol', 'maxIter', 'preconditioner'] as const;

function solveDefaults(o: Record<string, unknown>, where: string): Required<DarcySolveOptions> {
  const p: Problem[] = [];
  if ('f' in o && !(o.f instanceof Float64Array)) collectNumber(o, 'f', {}, p);
  if ('tol' in o) collectNumber(o, 'tol', { gt: 0 }, p);
  if ('maxIter' in o) collectNumber(o, 'maxIter', { integer: true, min: 1 }, p);
  if ('preconditioner' in o) collectChoice(o, 'preconditioner', ['mic', 'ic', 'jacobi'], p);
  throwProblems(p, { where });
  return {
    f: (o.f as number | Float64Array) ?? 1,
    tol: (o.tol as number) ?? 1e-10,
    maxIter: (o.maxIter as number) ?? 2000,
    preconditioner: (o.preconditioner as 'mic' | 'ic' | 'jacobi') ?? 'mic',
  };
}

/** Work arrays of one grid size, reused across solves. */
class DarcyWork {
  readonly m: number;
  readonly diag: Float64Array;
  readonly cx: Float64Array;
  readonly cy: Float64Array;
  readonly d: Float64Array;
  /** 1 / d. */
  readonly invd: Float64Array;
  /** cx and cy shifted: the couplings to the west and south neighbours (0 at the edges). */
  readonly cw: Float64Array;
  readonly cs: Float64Array;
  readonly x: Float64Array;
  readonly r: Float64Array;
  readonly z: Float64Array;
  readonly p: Float64Array;
  readonly q: Float64Array;
  constructor(readonly s: number) {
    const m = s - 2;
    const n = m * m;
    this.m = m;
    this.diag = new Float64Array(n);
    this.cx = new Float64Array(n);
    this.cy = new Float64Array(n);
    this.d = new Float64Array(n);
    this.invd = new Float64Array(n);
    this.cw = new Float64Array(n);
    this.cs = new Float64Array(n);
    this.x = new Float64Array(n);
    this.r = new Float64Array(n);
    // z and p carry m zeros before and after (index k at k + m), so neighbours need no bounds checks
    this.z = new Float64Array(n + 2 * m);
    this.p = new Float64Array(n + 2 * m);
    this.q = new Float64Array(n);
  }
}

const workCache = new Map<number, DarcyWork>();

const harmonic = (a: number, b: number): number => (2 * a * b) / (a + b);

/**
 * Solves `-div(a grad u) = f` on the unit square with zero Dirichlet boundary on `s x s` nodes
 * (`a`: `s * s` positive node values, row-major; s >= 3). Returns u at the nodes.
 */
export function solveDarcy(a: Float64Array, options?: DarcySolveOptions): DarcySolution {
  const where = 'solveDarcy';
  const o = solveDefaults(checkOptions(options, { where, known: SOLVE_KEYS }) as Record<string, unknown>, where);
  const s = Math.round(Math.sqrt(a?.length ?? 0));
  if (!(a instanceof Float64Array) || s * s !== a.length || s < 3)
    throw new ShapeError('coefficient must be a square grid', {
      where,
      argument: 'a',
      expected: 'a Float64Array of s * s values, s >= 3',
      got: a instanceof Float64Array ? `length ${a.length}` : typeof a,
    });
  if (o.f instanceof Float64Array && o.f.length !== a.length)
    throw new ShapeError('right-hand side size differs from the coefficient', { where, argument: 'f', expected: `${a.length} values`, got: `${o.f.length}` });
  for (let i = 0; i < a.length; i++)
    if (!(a[i] > 0) || !Number.isFinite(a[i]))
      throw new ShapeError('coefficient must be positive and finite', { where, argument: 'a', expected: 'values > 0', got: `a[${i}] = ${a[i]}` });
  return solveDarcyInto(a, o, new Float64Array(s * s));
}

/** {@link solveDarcy} with checked options, writing u into `u` (`s * s` values). @internal */
function solveDarcyInto(a: Float64Array, o: Required<DarcySolveOptions>, u: Float64Array): DarcySolution {
  const s = Math.round(Math.sqrt(a.length));
  let w = workCache.get(s);
  if (!w) {
    w = new DarcyWork(s);
    workCache.set(s, w);
  }
  const { m, diag, cx, cy, d, x, r, z, p, q } = w;
  const n = m * m;
  const h2 = 1 / (s - 1) ** 2;
  // matrix h^2 A and right-hand side h^2 f over the interior nodes (i, j) = 1..s-2, p = (i-1) m + (j-1)
  let fnorm = 0;
  for (let i = 1; i <= m; i++)
    for (let j = 1; j <= m; j++) {
      const k = (i - 1) * m + (j - 1);
      const c = i * s + j;
      const ae = harmonic(a[c], a[c + 1]);
      const aw = harmonic(a[c], a[c - 1]);
      const an = harmonic(a[c], a[c + s]);
      const as = harmonic(a[c], a[c - s]);
      diag[k] = ae + aw + an + as;
      cx[k] = j < m ? -ae : 0;
      cy[k] = i < m ? -an : 0;
      const fv = typeof o.f === 'number' ? o.f : o.f[c];
      r[k] = h2 * fv;
      fnorm += r[k] * r[k];
    }
  fnorm = Math.sqrt(fnorm);
  // preconditioner diagonal
  const omega = o.preconditioner === 'mic' ? 0.97 : 0;
  const jacobi = o.preconditioner === 'jacobi';
  for (let k = 0; k < n; k++) {
    if (jacobi) {
      d[k] = diag[k];
      continue;
    }
    let v = diag[k];
    if (k % m > 0) v -= (cx[k - 1] * (cx[k - 1] + omega * cy[k - 1])) / d[k - 1];
    if (k >= m) v -= (cy[k - m] * (cy[k - m] + omega * cx[k - m])) / d[k - m];
    d[k] = v < 0.25 * diag[k] ? diag[k] : v;
  }
  const { invd, cw, cs } = w;
  for (let k = 0; k < n; k++) {
    invd[k] = 1 / d[k];
    cw[k] = k % m > 0 ? cx[k - 1] : 0;
    cs[k] = k >= m ? cy[k - m] : 0;
  }
  const o0 = m; // offset of index 0 in the padded z and p
  /** z = M^-1 r (z padded). */
  const precondition = (): void => {
    if (jacobi) {
      for (let k = 0; k < n; k++) z[o0 + k] = r[k] * invd[k];
      return;
    }
    // (D + L) y = r
    for (let k = 0; k < n; k++) z[o0 + k] = (r[k] - cw[k] * z[o0 + k - 1] - cs[k] * z[o0 + k - m]) * invd[k];
    // (D + L^T) z = D y
    for (let k = n - 1; k >= 0; k--) z[o0 + k] -= (cx[k] * z[o0 + k + 1] + cy[k] * z[o0 + k + m]) * invd[k];
  };
  x.fill(0);
  u.fill(0);
  if (fnorm === 0) return { u, iterations: 0, residual: 0 };
  precondition();
  p.set(z);
  let rz = 0;
  for (let k = 0; k < n; k++) rz += r[k] * z[o0 + k];
  let it = 0;
  let rnorm = fnorm;
  while (it < o.maxIter) {
    // q = A p
    let pq = 0;
    for (let k = 0; k < n; k++) {
      const i = o0 + k;
      const v = diag[k] * p[i] + cw[k] * p[i - 1] + cx[k] * p[i + 1] + cs[k] * p[i - m] + cy[k] * p[i + m];
      q[k] = v;
      pq += p[i] * v;
    }
    const alpha = rz / pq;
    let rr = 0;
    for (let k = 0; k < n; k++) {
      x[k] += alpha * p[o0 + k];
      r[k] -= alpha * q[k];
      rr += r[k] * r[k];
    }
    it++;
    rnorm = Math.sqrt(rr);
    if (rnorm <= o.tol * fnorm) break;
    precondition();
    let rzNew = 0;
    for (let k = 0; k < n; k++) rzNew += r[k] * z[o0 + k];
    const beta = rzNew / rz;
    rz = rzNew;
    for (let k = 0; k < n; k++) p[o0 + k] = z[o0 + k] + beta * p[o0 + k];
  }
  for (let i = 1; i <= m; i++) for (let j = 1; j <= m; j++) u[i * s + j] = x[(i - 1) * m + (j - 1)];
  return { u, iterations: it, residual: rnorm / fnorm };
}

/** Options of {@link generateDarcy}. */
export interface DarcyOptions extends ShardOptions {
  /** Grid nodes per side, the boundary included (s >= 3). Default 64. */
  resolution?: number;
  /** Keep every `subsample`-th node (FNO: 421 nodes subsampled by 5 -> 85). Must divide resolution - 1. Default 1. */
  subsample?: number;
  /** GRF exponent. Default 2. */
  alpha?: number;
  /** GRF inverse length scale. Default 3. */
  tau?: number;
  /** Coefficient where the GRF is >= 0. Default 12. */
  aHigh?: number;
  /** Coefficient where the GRF is < 0. Default 3. */
  aLow?: number;
  /** Constant right-hand side. Default 1. */
  f?: number;
  /** CG tolerance (relative residual). Default 1e-10. */
  tol?: number;
}

const GEN_KEYS = ['resolution', 'subsample', 'alpha', 'tau', 'aHigh', 'aLow', 'f', 'tol'] as const;

/** Resolved options of {@link generateDarcy} (everything but the shard). @internal */
export function darcyDefaults(options: Record<string, unknown>, where = 'generateDarcy'): Required<Omit<DarcyOptions, keyof ShardOptions>> {
  const o = checkOptions(options, { where, known: GEN_KEYS }) as Record<string, unknown>;
  const p: Problem[] = [];
  if ('resolution' in o) collectNumber(o, 'resolution', { integer: true, min: 3 }, p);
  if ('subsample' in o) collectNumber(o, 'subsample', { integer: true, min: 1 }, p);
  for (const k of ['alpha', 'tau', 'aHigh', 'aLow', 'tol']) if (k in o) collectNumber(o, k, { gt: 0 }, p);
  if ('f' in o) collectNumber(o, 'f', {}, p);
  throwProblems(p, { where });
  const resolution = (o.resolution as number) ?? 64;
  const subsample = (o.subsample as number) ?? 1;
  if ((resolution - 1) % subsample !== 0)
    throwProblems([{ argument: 'subsample', expected: `a divisor of resolution - 1 = ${resolution - 1}`, got: String(subsample) }], { where });
  return {
    resolution,
    subsample,
    alpha: (o.alpha as number) ?? 2,
    tau: (o.tau as number) ?? 3,
    aHigh: (o.aHigh as number) ?? 12,
    aLow: (o.aLow as number) ?? 3,
    f: (o.f as number) ?? 1,
    tol: (o.tol as number) ?? 1e-10,
  };
}

/** The float64 samples of {@link generateDarcy} (subsampled). @internal */
export function darcySamples(
  o: Required<Omit<DarcyOptions, keyof ShardOptions>>,
  seed: number | bigint,
  start: number,
  count: number,
): { xs: Float64Array[]; ys: Float64Array[] } {
  const s = o.resolution;
  const grf = new CosineRF({ size: s, alpha: o.alpha, tau: o.tau });
  const so = (s - 1) / o.subsample + 1;
  const g = new Float64Array(s * s);
  const a = new Float64Array(s * s);
  const u = new Float64Array(s * s);
  const xs: Float64Array[] = [];
  const ys: Float64Array[] = [];
  for (let i = start; i < start + count; i++) {
    grf.sample(sampleRng(seed, i), g);
    for (let k = 0; k < s * s; k++) a[k] = g[k] >= 0 ? o.aHigh : o.aLow;
    solveDarcyInto(a, { f: o.f, tol: o.tol, maxIter: 2000, preconditioner: 'mic' }, u);
    const x = new Float64Array(so * so);
    const y = new Float64Array(so * so);
    for (let r = 0; r < so; r++)
      for (let c = 0; c < so; c++) {
        x[r * so + c] = a[r * o.subsample * s + c * o.subsample];
        y[r * so + c] = u[r * o.subsample * s + c * o.subsample];
      }
    xs.push(x);
    ys.push(y);
  }
  return { xs, ys };
}

/**
 * Samples `start .. start + count - 1` of a seeded Darcy dataset (FNO setup): `x` the coefficient
 * a (12 / 3), `y` the solution u, float32 tensors `[count, s, s]` with s = (resolution - 1) /
 * subsample + 1. Sample i depends only on (seed, i). The caller disposes both tensors.
 */
export function generateDarcy(options: DarcyOptions): { x: Tensor; y: Tensor } {
  const where = 'generateDarcy';
  checkObject(options, where);
  const { seed, start, count, rest } = checkShard(options, where);
  const o = darcyDefaults(rest, where);
  const { xs, ys } = darcySamples(o, seed, start, count);
  const so = (o.resolution - 1) / o.subsample + 1;
  return { x: stackSamples(xs, [so, so]), y: stackSamples(ys, [so, so]) };
}
