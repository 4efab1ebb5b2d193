// 1-D viscous Burgers u_t + (u^2/2)_x = nu u_xx on the periodic interval [0, 1), pseudo-spectral in
// space with the 2/3 dealiasing rule, ETDRK4 in time (Kassam & Trefethen's coefficients, see
// etdrk4.ts): the linear part -nu (2 pi k)^2 exactly, N(v) = -(i 2 pi k / 2) FFT(u^2).
//
// Data as the FNO paper's Burgers benchmark (Li et al., ICLR 2021, section 5.1) and its MATLAB data
// code (Chebfun's `spin`, an ETDRK4 solver with dt = 1e-4, on 2^13 = 8192 points, t = 1):
// u0 a periodic Gaussian random field (the data code's GRF1: alpha 2.5, tau 7, sigma 49, i.e.
// neuralop's GaussianRF; the paper's text states 625 (-Laplacian + 25)^-2, i.e. alpha 2, tau 5,
// sigma 25), nu = 0.1 (the paper; 1e-3 is the harder variant), then both u0 and u(1) subsampled
// by 8 (8192 -> 1024 points), as in the FNO training scripts.
import { checkOptions, collectNumber, throwProblems, type Problem, type Tensor } from '@basiskit/tensor';
import { Etdrk4Stepper, etdrk4Coefficients } from './etdrk4';
import { checkPow2, irfft64, rfft64 } from './fft64';
import { GaussianRF } from './grf';
import { sampleRng } from './sample_rng';
import { checkObject, checkShard, stackSamples, type ShardOptions } from './shards';

/** Options of {@link solveBurgers}. */
export interface BurgersSolveOptions {
  /** Viscosity nu. Default 0.1. */
  nu?: number;
  /** Final time. Default 1. */
  t?: number;
  /** Time step (rounded down so that an integer number of steps reaches `t`). Default 1e-4. */
  dt?: number;
}

const SOLVE_KEYS = ['nu', 't', 'dt'] as const;

function solveDefaults(o: Record<string, unknown>, where: string): Required<BurgersSolveOptions> {
  const p: Problem[] = [];
  for (const k of ['nu', 't', 'dt']) if (k in o) collectNumber(o, k, { gt: 0 }, p);
  throwProblems(p, { where });
  return { nu: (o.nu as number) ?? 0.1, t: (o.t as number) ?? 1, dt: (o.dt as number) ?? 1e-4 };
}

/** A Burgers integrator on `n` points: spectra, coefficients and work arrays for one step size. */
export class BurgersSolver {
  readonly n: number;
  readonly nu: number;
  readonly dt: number;
  private readonly stepper: Etdrk4Stepper;
  private readonly u: Float64Array;
  private readonly spec: Float64Array;

  constructor(n: number, nu: number, dt: number) {
    checkPow2(n, 'BurgersSolver', 'n', 8);
    this.n = n;
    this.nu = nu;
    this.dt = dt;
    const m = n / 2 + 1;
    const lin = new Float64Array(m);
    const ik = new Float64Array(m);
    const kmax = n / 3; // 2/3 rule: keep |k| < n/3 after the product
    for (let k = 0; k < m; k++) {
      lin[k] = -nu * (2 * Math.PI * k) ** 2;
      ik[k] = k < kmax ? -0.5 * 2 * Math.PI * k : 0;
    }
    const u = new Float64Array(n);
    const spec = new Float64Array(n + 2);
    this.u = u;
    this.spec = spec;
    this.stepper = new Etdrk4Stepper(etdrk4Coefficients(lin, dt), (v, out) => {
      irfft64(v, n, u);
      for (let i = 0; i < n; i++) u[i] *= u[i];
      rfft64(u, spec);
      // out = ik * spec (times i): (a + ib) i c = -b c + i a c
      for (let k = 0; k < m; k++) {
        out[2 * k] = -spec[2 * k + 1] * ik[k];
        out[2 * k + 1] = spec[2 * k] * ik[k];
      }
    });
  }

  /** Advances the field `u` (length n) by `steps` steps, in place. Returns `u`. */
  run(u: Float64Array, steps: number): Float64Array {
    const v = rfft64(u);
    for (let s = 0; s < steps; s++) this.stepper.step(v);
    return irfft64(v, this.n, u);
  }
}

/**
 * Solves viscous Burgers from `u0` (the field on `n` equispaced points of [0, 1), n a power of
 * two) to time `t`. Returns a new array u(t).
 */
export function solveBurgers(u0: Float64Array, options?: BurgersSolveOptions): Float64Array {
  const where = 'solveBurgers';
  const o = solveDefaults(checkOptions(options, { where, known: SOLVE_KEYS }) as Record<string, unknown>, where);
  const steps = Math.max(1, Math.ceil(o.t / o.dt - 1e-9));
  const solver = new BurgersSolver(u0.length, o.nu, o.t / steps);
  return solver.run(Float64Array.from(u0), steps);
}

/** Options of {@link generateBurgers}. */
export interface BurgersOptions extends BurgersSolveOptions, ShardOptions {
  /** Solver grid points (a power of two). Default 8192 (FNO). */
  resolution?: number;
  /** Keep every `subsample`-th point of u0 and u(t). Default 8 (FNO's 1024-point data). */
  subsample?: number;
  /** GRF exponent of the initial condition. Default 2.5 (FNO data code). */
  alpha?: number;
  /** GRF inverse length scale. Default 7. */
  tau?: number;
  /** GRF scale. Default 49. */
  sigma?: number;
}

const GEN_KEYS = ['nu', 't', 'dt', 'resolution', 'subsample', 'alpha', 'tau', 'sigma'] as const;

/** Resolved options of {@link generateBurgers} (everything but the shard). */
export function burgersDefaults(options: Record<string, unknown>, where = 'generateBurgers'): Required<Omit<BurgersOptions, keyof ShardOptions>> {
  const o = checkOptions(options, { where, known: GEN_KEYS }) as Record<string, unknown>;
  const p: Problem[] = [];
  for (const k of ['resolution', 'subsample']) if (k in o) collectNumber(o, k, { integer: true, min: 1 }, p);
  for (const k of ['alpha', 'tau', 'sigma']) if (k in o) collectNumber(o, k, { gt: 0 }, p);
  throwProblems(p, { where });
  const resolution = (o.resolution as number) ?? 8192;
  checkPow2(resolution, where, 'resolution', 8);
  const subsample = (o.subsample as number) ?? 8;
  if (resolution % subsample !== 0)
    throwProblems([{ argument: 'subsample', expected: `a divisor of resolution ${resolution}`, got: String(subsample) }], { where });
  return {
    ...solveDefaults(o, where),
    resolution,
    subsample,
    alpha: (o.alpha as number) ?? 2.5,
    tau: (o.tau as number) ?? 7,
    sigma: (o.sigma as number) ?? 49,
  };
}

/**
 * Samples `start .. start + count - 1` of a seeded Burgers dataset (FNO setup by default): `x` the
 * initial conditions, `y` the solutions at time `t`, float32 tensors `[count, resolution / subsample]`.
 * Sample i depends only on (seed, i). The caller disposes both tensors.
 */
export function generateBurgers(options: BurgersOptions): { x: Tensor; y: Tensor } {
  const where = 'generateBurgers';
  checkObject(options, where);
  const { seed, start, count, rest } = checkShard(options, where);
  const o = burgersDefaults(rest, where);
  const { xs, ys } = burgersSamples(o, seed, start, count);
  const s = o.resolution / o.subsample;
  return { x: stackSamples(xs, [s]), y: stackSamples(ys, [s]) };
}

/** The float64 samples of {@link generateBurgers} (subsampled). @internal */
export function burgersSamples(
  o: Required<Omit<BurgersOptions, keyof ShardOptions>>,
  seed: number | bigint,
  start: number,
  count: number,
): { xs: Float64Array[]; ys: Float64Array[] } {
  const grf = new GaussianRF({ dim: 1, size: o.resolution, alpha: o.alpha, tau: o.tau, sigma: o.sigma });
  const steps = Math.max(1, Math.ceil(o.t / o.dt - 1e-9));
  const solver = new BurgersSolver(o.resolution, o.nu, o.t / steps);
  const s = o.resolution / o.subsample;
  const xs: Float64Array[] = [];
  const ys: Float64Array[] = [];
  for (let i = start; i < start + count; i++) {
    const u = grf.sample(sampleRng(seed, i));
    const x = new Float64Array(s);
    for (let j = 0; j < s; j++) x[j] = u[j * o.subsample];
    solver.run(u, steps);
    const y = new Float64Array(s);
    for (let j = 0; j < s; j++) y[j] = u[j * o.subsample];
    xs.push(x);
    ys.push(y);
  }
  return { xs, ys };
}
