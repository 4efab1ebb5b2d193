// 1-D Kuramoto-Sivashinsky u_t + u u_x + u_xx + u_xxxx = 0 on the periodic interval [0, L),
// pseudo-spectral with 2/3 dealiasing, ETDRK4 in time: the stiff linear part q^2 - q^4 (q = 2 pi k / L)
// exactly, N(v) = -(i q / 2) FFT(u^2), as Kassam & Trefethen's kursiv.m (SIAM J. Sci. Comput. 26(4),
// 2005: L = 32 pi, N = 128, h = 1/4). Initial conditions for data are Gaussian random fields
// (neuralop's spectrum on the unit interval, mapped to [0, L)); trajectories are recorded at equal times.
import { checkOptions, collectNumber, ShapeError, throwProblems, type Problem, type Tensor } from '@basiskit/tensor';
import { Etdrk4Stepper, etdrk4Coefficients } from './etdrk4';
import { checkPow2, irfft64, rfft64 } from './fft64';
import { GaussianRF } from './grf';
import { sampleRng } from './sample_rng';
import { checkObject, checkShard, stackSamples, type ShardOptions } from './shards';

/** Options of {@link solveKuramotoSivashinsky}. */
export interface KuramotoSivashinskySolveOptions {
  /** Domain length L. Default 32 pi. */
  length?: number;
  /** Final time. Default 50. */
  t?: number;
  /** Time step. Default 0.25 (Kassam & Trefethen). */
  dt?: number;
  /** Number of snapshots at equal times, the last at `t`. Default 1. */
  recordSteps?: number;
}

const SOLVE_KEYS = ['length', 't', 'dt', 'recordSteps'] as const;

function solveDefaults(o: Record<string, unknown>, where: string): Required<KuramotoSivashinskySolveOptions> {
  const p: Problem[] = [];
  for (const k of ['length', 't', 'dt']) if (k in o) collectNumber(o, k, { gt: 0 }, p);
  if ('recordSteps' in o) collectNumber(o, 'recordSteps', { integer: true, min: 1 }, p);
  throwProblems(p, { where });
  return { length: (o.length as number) ?? 32 * Math.PI, t: (o.t as number) ?? 50, dt: (o.dt as number) ?? 0.25, recordSteps: (o.recordSteps as number) ?? 1 };
}

function integrate(u0: Float64Array, o: Required<KuramotoSivashinskySolveOptions>): { u: Float64Array[]; times: number[] } {
  const n = u0.length;
  const m = n / 2 + 1;
  const per = Math.max(1, Math.ceil(o.t / o.recordSteps / o.dt - 1e-9));
  const steps = per * o.recordSteps;
  const dt = o.t / steps;
  const lin = new Float64Array(m);
  const iq = new Float64Array(m);
  for (let k = 0; k < m; k++) {
    const q = (2 * Math.PI * k) / o.length;
    lin[k] = q * q - q ** 4;
    iq[k] = k < n / 3 ? -0.5 * q : 0;
  }
  const u = new Float64Array(n);
  const spec = new Float64Array(n + 2);
  const stepper = new Etdrk4Stepper(etdrk4Coefficients(lin, dt), (v, out) => {
    irfft64(v, n, u);
    for (let i = 0; i < n; i++) u[i] *= u[i];
    rfft64(u, spec);
    for (let k = 0; k < m; k++) {
      out[2 * k] = -spec[2 * k + 1] * iq[k];
      out[2 * k + 1] = spec[2 * k] * iq[k];
    }
  });
  const v = rfft64(u0);
  const snaps: Float64Array[] = [];
  const times: number[] = [];
  for (let s = 1; s <= steps; s++) {
    stepper.step(v);
    if (s % per === 0) {
      snaps.push(irfft64(v, n));
      times.push(s * dt);
    }
  }
  return { u: snaps, times };
}

/**
 * Solves Kuramoto-Sivashinsky from `u0` (`n` equispaced values on [0, L), n a power of two >= 8).
 * Returns the `recordSteps` snapshots and their times.
 */
export function solveKuramotoSivashinsky(u0: Float64Array, options?: KuramotoSivashinskySolveOptions): { u: Float64Array[]; times: number[] } {
  const where = 'solveKuramotoSivashinsky';
  const o = solveDefaults(checkOptions(options, { where, known: SOLVE_KEYS }) as Record<string, unknown>, where);
  if (!(u0 instanceof Float64Array))
    throw new ShapeError('initial condition must be a Float64Array', { where, argument: 'u0', expected: 'a Float64Array', got: typeof u0 });
  checkPow2(u0.length, where, 'u0.length', 8);
  return integrate(u0, o);
}

/** Options of {@link generateKuramotoSivashinsky}. */
export interface KuramotoSivashinskyOptions extends KuramotoSivashinskySolveOptions, ShardOptions {
  /** Grid points (a power of two). Default 128. */
  resolution?: number;
  /** GRF exponent of the initial condition (on the unit interval). Default 2.5. */
  alpha?: number;
  /** GRF inverse length scale. Default 7. */
  tau?: number;
  /** GRF scale. Default 49 (O(1) fields). */
  sigma?: number;
}

const GEN_KEYS = ['length', 't', 'dt', 'recordSteps', 'resolution', 'alpha', 'tau', 'sigma'] as const;

/**
 * Samples `start .. start + count - 1` of a seeded Kuramoto-Sivashinsky dataset: `x` the initial
 * conditions `[count, resolution]`, `y` the trajectories `[count, recordSteps, resolution]`, `times`
 * the recorded times. Sample i depends only on (seed, i). The caller disposes the tensors.
 */
export function generateKuramotoSivashinsky(options: KuramotoSivashinskyOptions): { x: Tensor; y: Tensor; times: number[] } {
  const where = 'generateKuramotoSivashinsky';
  checkObject(options, where);
  const { seed, start, count, rest } = checkShard(options, where);
  const o = checkOptions(rest, { where, known: GEN_KEYS }) as Record<string, unknown>;
  const p: Problem[] = [];
  if ('resolution' in o) collectNumber(o, 'resolution', { integer: true, min: 8 }, p);
  for (const k of ['alpha', 'tau', 'sigma']) if (k in o) collectNumber(o, k, { gt: 0 }, p);
  throwProblems(p, { where });
  const so = solveDefaults(o, where);
  const n = (o.resolution as number) ?? 128;
  checkPow2(n, where, 'resolution', 8);
  const grf = new GaussianRF({ dim: 1, size: n, alpha: (o.alpha as number) ?? 2.5, tau: (o.tau as number) ?? 7, sigma: (o.sigma as number) ?? 49 });
  const xs: Float64Array[] = [];
  const ys: Float64Array[] = [];
  let times: number[] = [];
  for (let i = start; i < start + count; i++) {
    const u0 = grf.sample(sampleRng(seed, i));
    const sol = integrate(u0, so);
    times = sol.times;
    const y = new Float64Array(so.recordSteps * n);
    sol.u.forEach((s, k) => y.set(s, k * n));
    xs.push(u0);
    ys.push(y);
  }
  return { x: stackSamples(xs, [n]), y: stackSamples(ys, [so.recordSteps, n]), times };
}
