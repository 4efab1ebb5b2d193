// 2-D incompressible Navier-Stokes in vorticity form on the unit torus,
//   w_t + u . grad w = nu Laplacian w + f,   u = (psi_y, -psi_x),   -Laplacian psi = w,
// pseudo-spectral as the FNO paper's data code (Li et al., ICLR 2021, section 5.3; its ns_2d.py):
// velocity and grad w from the spectrum, the product u . grad w in physical space, 2/3 dealiasing
// (|k_x|, |k_y| <= 2/3 k_max), Crank-Nicolson for diffusion, forcing
// f = 0.1 (sin(2 pi (x + y)) + cos(2 pi (x + y))), initial vorticity a Gaussian random field
// (alpha 2.5, tau 7), nu = 1e-3 (also 1e-4, 1e-5), dt = 1e-4, T = 50, 200 recorded snapshots,
// solved on 256^2 and subsampled to 64^2.
// Time schemes: 'euler' is the FNO code's (explicit Euler advection + Crank-Nicolson diffusion,
// first order); 'heun' (default) adds Heun's corrector (trapezoidal advection, second order):
//   w* = CN(w^n; F(w^n)),  w^{n+1} = CN(w^n; (F(w^n) + F(w*)) / 2),
//   CN(w; F) = ((1 - dt nu |k|^2 / 2) w + dt (f - F)) / (1 + dt nu |k|^2 / 2)  with |k|^2 = 4 pi^2 (k_x^2 + k_y^2).
import { checkOptions, collectChoice, collectNumber, ShapeError, throwProblems, type Problem, type Tensor } from '@basiskit/tensor';
import { checkPow2, irfft2d64, irfft2d64Scaled, rfft2d64, rfft2d64Masked, wavenumbers } from './fft64';
import { GaussianRF } from './grf';
import { sampleRng } from './sample_rng';
import { checkObject, checkShard, stackSamples, type ShardOptions } from './shards';

/** The FNO forcing 0.1 (sin(2 pi (x + y)) + cos(2 pi (x + y))) on the `n x n` grid (x along axis 0). */
export function fnoForcing(n: number): Float64Array {
  const f = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) f[i * n + j] = 0.1 * (Math.sin((2 * Math.PI * (i + j)) / n) + Math.cos((2 * Math.PI * (i + j)) / n));
  return f;
}

/** A vorticity integrator on an `n x n` grid (x along axis 0, y along axis 1) for one step size. */
export class NavierStokesSolver {
  readonly n: number;
  private readonly h: number;
  /** Spectral factors of the four fields (times i): psi_y = ky / lap, -psi_x = -kx / lap, w_x = kx, w_y = ky. */
  private readonly sq: Float64Array;
  private readonly sv: Float64Array;
  private readonly kx: Float64Array;
  private readonly ky: Float64Array;
  /** Crank-Nicolson factors per bin: w' = cnA w + cnB (f - F), cnA = (1 - a) / (1 + a), cnB = dt / (1 + a), a = dt nu lap / 2. */
  private readonly cnA: Float64Array;
  private readonly cnB: Float64Array;
  private readonly mask: Uint8Array;
  /** Columns c >= colLimit are all dealiased away. */
  private readonly colLimit: number;
  private readonly fh: Float64Array;
  private readonly q: Float64Array;
  private readonly v: Float64Array;
  private readonly wx: Float64Array;
  private readonly wy: Float64Array;
  private readonly f0: Float64Array;
  private readonly f1: Float64Array;
  private readonly wStar: Float64Array;

  /**
   * @param n grid points per side (a power of two >= 4)
   * @param nu viscosity
   * @param dt time step
   * @param scheme 'heun' (second order) or 'euler' (the FNO code's)
   * @param forcing `n * n` values, or null for none
   */
  constructor(
    n: number,
    readonly nu: number,
    readonly dt: number,
    readonly scheme: 'heun' | 'euler',
    forcing: Float64Array | null,
  ) {
    checkPow2(n, 'NavierStokesSolver', 'n', 4);
    this.n = n;
    const h = n / 2 + 1;
    this.h = h;
    const k = wavenumbers(n);
    const kmax = n / 2;
    const m = n * h;
    this.kx = new Float64Array(m);
    this.ky = new Float64Array(m);
    this.sq = new Float64Array(m);
    this.sv = new Float64Array(m);
    this.cnA = new Float64Array(m);
    this.cnB = new Float64Array(m);
    this.mask = new Uint8Array(m);
    let colLimit = 0;
    for (let r = 0; r < n; r++)
      for (let c = 0; c < h; c++) {
        const i = r * h + c;
        const ky = c === kmax ? -kmax : c;
        const kx2 = 2 * Math.PI * k[r];
        const ky2 = 2 * Math.PI * ky;
        const lap = 4 * Math.PI ** 2 * (k[r] ** 2 + ky ** 2);
        const psi = i === 0 ? 1 : lap; // psi = w / lap, lap[0] taken as 1
        this.kx[i] = kx2;
        this.ky[i] = ky2;
        this.sq[i] = ky2 / psi;
        this.sv[i] = -kx2 / psi;
        const a = 0.5 * dt * nu * lap;
        this.cnA[i] = (1 - a) / (1 + a);
        this.cnB[i] = dt / (1 + a);
        const keep = Math.abs(k[r]) <= (2 / 3) * kmax && Math.abs(ky) <= (2 / 3) * kmax;
        this.mask[i] = keep ? 1 : 0;
        if (keep) colLimit = Math.max(colLimit, c + 1);
      }
    this.colLimit = colLimit;
    this.fh = forcing ? rfft2d64(forcing, n, n) : new Float64Array(2 * m);
    this.f0 = new Float64Array(2 * m);
    this.f1 = new Float64Array(2 * m);
    this.wStar = new Float64Array(2 * m);
    this.q = new Float64Array(n * n);
    this.v = new Float64Array(n * n);
    this.wx = new Float64Array(n * n);
    this.wy = new Float64Array(n * n);
  }

  /** The dealiased spectrum of u . grad w for the vorticity spectrum `wh`, into `out`. */
  private advection(wh: Float64Array, out: Float64Array): void {
    const { n, q, v, wx, wy } = this;
    // q = psi_y, v = -psi_x, w_x, w_y: each one inverse transform of (i factor wh), the factor applied in the transform's gather
    irfft2d64Scaled(wh, this.sq, true, n, n, q);
    irfft2d64Scaled(wh, this.sv, true, n, n, v);
    irfft2d64Scaled(wh, this.kx, true, n, n, wx);
    irfft2d64Scaled(wh, this.ky, true, n, n, wy);
    for (let i = 0; i < n * n; i++) q[i] = q[i] * wx[i] + v[i] * wy[i];
    // forward transform with the 2/3 mask applied (columns beyond it not transformed)
    rfft2d64Masked(q, this.mask, this.colLimit, n, n, out);
  }

  private crankNicolson(w: Float64Array, adv: Float64Array, out: Float64Array): void {
    const { cnA, cnB, fh } = this;
    const m = this.n * this.h;
    for (let i = 0; i < m; i++) {
      const a = cnA[i];
      const b = cnB[i];
      out[2 * i] = a * w[2 * i] + b * (fh[2 * i] - adv[2 * i]);
      out[2 * i + 1] = a * w[2 * i + 1] + b * (fh[2 * i + 1] - adv[2 * i + 1]);
    }
  }

  /** One step of the vorticity spectrum `wh` (`rfft2d64` layout) in place. */
  step(wh: Float64Array): void {
    this.advection(wh, this.f0);
    if (this.scheme === 'euler') {
      this.crankNicolson(wh, this.f0, wh);
      return;
    }
    this.crankNicolson(wh, this.f0, this.wStar);
    this.advection(this.wStar, this.f1);
    for (let i = 0; i < this.f0.length; i++) this.f0[i] = 0.5 * (this.f0[i] + this.f1[i]);
    this.crankNicolson(wh, this.f0, wh);
  }
}

/** Options of {@link solveNavierStokes}. */
export interface NavierStokesSolveOptions {
  /** Viscosity. Default 1e-3. */
  nu?: number;
  /** Final time. Default 50. */
  t?: number;
  /** Time step. Default 1e-4. */
  dt?: number;
  /** Number of snapshots, equally spaced in time, the last at `t` (FNO's record_steps). Default 1. */
  recordSteps?: number;
  /** Time scheme: `'heun'` (second order) or `'euler'` (the FNO code's). Default `'heun'`. */
  scheme?: 'heun' | 'euler';
  /** Forcing: `'fno'`, `'none'` or `n * n` values. Default `'fno'`. */
  forcing?: 'fno' | 'none' | Float64Array;
}

const SOLVE_KEYS = ['nu', 't', 'dt', 'recordSteps', 'scheme', 'forcing'] as const;

function solveDefaults(o: Record<string, unknown>, where: string): Required<NavierStokesSolveOptions> {
  const p: Problem[] = [];
  for (const k of ['nu', 't', 'dt']) if (k in o) collectNumber(o, k, { gt: 0 }, p);
  if ('recordSteps' in o) collectNumber(o, 'recordSteps', { integer: true, min: 1 }, p);
  if ('scheme' in o) collectChoice(o, 'scheme', ['heun', 'euler'], p);
  if ('forcing' in o && !(o.forcing instanceof Float64Array)) collectChoice(o, 'forcing', ['fno', 'none'], p);
  throwProblems(p, { where });
  return {
    nu: (o.nu as number) ?? 1e-3,
    t: (o.t as number) ?? 50,
    dt: (o.dt as number) ?? 1e-4,
    recordSteps: (o.recordSteps as number) ?? 1,
    scheme: (o.scheme as 'heun' | 'euler') ?? 'heun',
    forcing: (o.forcing as 'fno' | 'none' | Float64Array) ?? 'fno',
  };
}

/** Steps of `dt` to reach `t`, a multiple of `record` (the step shrinks to fit). @internal */
function stepCount(t: number, dt: number, record: number): number {
  const per = Math.max(1, Math.ceil(t / record / dt - 1e-9));
  return per * record;
}

/**
 * Solves the vorticity equation from `w0` (`n * n` values, n a power of two; x along axis 0) on
 * [0, 1)^2. Returns the `recordSteps` snapshots (each `n * n`) and their times.
 */
export function solveNavierStokes(w0: Float64Array, options?: NavierStokesSolveOptions): { w: Float64Array[]; times: number[] } {
  const where = 'solveNavierStokes';
  const o = solveDefaults(checkOptions(options, { where, known: SOLVE_KEYS }) as Record<string, unknown>, where);
  const n = Math.round(Math.sqrt(w0?.length ?? 0));
  if (!(w0 instanceof Float64Array) || n * n !== w0.length)
    throw new ShapeError('vorticity must be a square grid', {
      where,
      argument: 'w0',
      expected: 'a Float64Array of n * n values',
      got: w0 instanceof Float64Array ? `length ${w0.length}` : typeof w0,
    });
  checkPow2(n, where, 'sqrt(w0.length)', 4);
  return runNavierStokes(w0, n, o);
}

function runNavierStokes(w0: Float64Array, n: number, o: Required<NavierStokesSolveOptions>): { w: Float64Array[]; times: number[] } {
  const forcing = o.forcing === 'fno' ? fnoForcing(n) : o.forcing === 'none' ? null : o.forcing;
  if (forcing && forcing.length !== n * n)
    throw new ShapeError('forcing size differs from the grid', {
      where: 'solveNavierStokes',
      argument: 'forcing',
      expected: `${n * n} values`,
      got: `${forcing.length}`,
    });
  const steps = stepCount(o.t, o.dt, o.recordSteps);
  const dt = o.t / steps;
  const solver = new NavierStokesSolver(n, o.nu, dt, o.scheme, forcing);
  const wh = rfft2d64(w0, n, n);
  const every = steps / o.recordSteps;
  const w: Float64Array[] = [];
  const times: number[] = [];
  for (let s = 1; s <= steps; s++) {
    solver.step(wh);
    if (s % every === 0) {
      w.push(irfft2d64(wh, n, n));
      times.push(s * dt);
    }
  }
  return { w, times };
}

/** Options of {@link generateNavierStokes}. */
export interface NavierStokesOptions extends Omit<NavierStokesSolveOptions, 'forcing'>, ShardOptions {
  /** Solver grid points per side (a power of two). Default 256 (FNO). */
  resolution?: number;
  /** Keep every `subsample`-th point per side. Default 4 (FNO's 64 x 64 data). */
  subsample?: number;
  /** GRF exponent of the initial vorticity. Default 2.5. */
  alpha?: number;
  /** GRF inverse length scale. Default 7. */
  tau?: number;
  /** Forcing: `'fno'` or `'none'`. Default `'fno'`. */
  forcing?: 'fno' | 'none';
}

const GEN_KEYS = ['nu', 't', 'dt', 'recordSteps', 'scheme', 'forcing', 'resolution', 'subsample', 'alpha', 'tau'] as const;

/** Resolved options of {@link generateNavierStokes} (everything but the shard). @internal */
export function navierStokesDefaults(
  options: Record<string, unknown>,
  where = 'generateNavierStokes',
): Required<Omit<NavierStokesOptions, keyof ShardOptions>> {
  const o = checkOptions(options, { where, known: GEN_KEYS }) as Record<string, unknown>;
  const p: Problem[] = [];
  for (const k of ['resolution', 'subsample']) if (k in o) collectNumber(o, k, { integer: true, min: 1 }, p);
  for (const k of ['alpha', 'tau']) if (k in o) collectNumber(o, k, { gt: 0 }, p);
  if ('forcing' in o) collectChoice(o, 'forcing', ['fno', 'none'], p);
  throwProblems(p, { where });
  const resolution = (o.resolution as number) ?? 256;
  checkPow2(resolution, where, 'resolution', 4);
  const subsample = (o.subsample as number) ?? 4;
  if (resolution % subsample !== 0)
    throwProblems([{ argument: 'subsample', expected: `a divisor of resolution ${resolution}`, got: String(subsample) }], { where });
  const solve = solveDefaults(o, where);
  return { ...solve, forcing: solve.forcing as 'fno' | 'none', resolution, subsample, alpha: (o.alpha as number) ?? 2.5, tau: (o.tau as number) ?? 7 };
}

/** The float64 samples of {@link generateNavierStokes} (subsampled; y is [s, s, recordSteps]). @internal */
export function navierStokesSamples(
  o: Required<Omit<NavierStokesOptions, keyof ShardOptions>>,
  seed: number | bigint,
  start: number,
  count: number,
): { xs: Float64Array[]; ys: Float64Array[]; times: number[] } {
  const n = o.resolution;
  const grf = new GaussianRF({ dim: 2, size: n, alpha: o.alpha, tau: o.tau });
  const s = n / o.subsample;
  const r = o.recordSteps;
  const xs: Float64Array[] = [];
  const ys: Float64Array[] = [];
  let times: number[] = [];
  for (let i = start; i < start + count; i++) {
    const w0 = grf.sample(sampleRng(seed, i));
    const sol = runNavierStokes(w0, n, o);
    times = sol.times;
    const x = new Float64Array(s * s);
    const y = new Float64Array(s * s * r);
    for (let a = 0; a < s; a++)
      for (let b = 0; b < s; b++) {
        const src = a * o.subsample * n + b * o.subsample;
        x[a * s + b] = w0[src];
        for (let k = 0; k < r; k++) y[(a * s + b) * r + k] = sol.w[k][src];
      }
    xs.push(x);
    ys.push(y);
  }
  return { xs, ys, times };
}

/**
 * Samples `start .. start + count - 1` of a seeded Navier-Stokes dataset (FNO setup by default):
 * `x` the initial vorticity `[count, s, s]`, `y` the recorded vorticity `[count, s, s, recordSteps]`
 * (FNO's layout, time last), `times` the recorded times; s = resolution / subsample. Sample i
 * depends only on (seed, i). The caller disposes the tensors.
 */
export function generateNavierStokes(options: NavierStokesOptions): { x: Tensor; y: Tensor; times: number[] } {
  const where = 'generateNavierStokes';
  checkObject(options, where);
  const { seed, start, count, rest } = checkShard(options, where);
  const o = navierStokesDefaults(rest, where);
  const { xs, ys, times } = navierStokesSamples(o, seed, start, count);
  const s = o.resolution / o.subsample;
  return { x: stackSamples(xs, [s, s]), y: stackSamples(ys, [s, s, o.recordSteps]), times };
}
