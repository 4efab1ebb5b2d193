// Heat equation u_t = kappa Laplacian u on the periodic unit interval or square, solved exactly in
// Fourier space: u_k(t) = e^{-kappa |2 pi k|^2 t} u_k(0). For tests and as a smooth operator-learning
// baseline (initial conditions: neuralop-spectrum Gaussian random fields).
import { checkOptions, collectChoice, collectNumber, throwProblems, type Problem, type Tensor } from '@basiskit/tensor';
import { GaussianRF } from './grf';
import { sampleRng } from './sample_rng';
import { checkObject, checkShard, stackSamples, type ShardOptions } from './shards';
import { fourierMultiply } from './spectral_exact';

/** Options of {@link solveHeat}. */
export interface HeatSolveOptions {
  /** Dimension of the grid, 1 or 2. Default 1. */
  dim?: 1 | 2;
  /** Diffusivity. Default 0.01. */
  kappa?: number;
  /** Time. Default 1. */
  t?: number;
}

function heatDefaults(o: Record<string, unknown>, where: string): Required<HeatSolveOptions> {
  const p: Problem[] = [];
  if ('dim' in o) collectChoice(o, 'dim', [1, 2], p);
  if ('kappa' in o) collectNumber(o, 'kappa', { gt: 0 }, p);
  if ('t' in o) collectNumber(o, 't', { min: 0 }, p);
  throwProblems(p, { where });
  return { dim: (o.dim as 1 | 2) ?? 1, kappa: (o.kappa as number) ?? 0.01, t: (o.t as number) ?? 1 };
}

/** The exact heat solution at time `t` from `u0` (`n` or `n * n` values, n a power of two). */
export function solveHeat(u0: Float64Array, options?: HeatSolveOptions): Float64Array {
  const where = 'solveHeat';
  const o = heatDefaults(checkOptions(options, { where, known: ['dim', 'kappa', 't'] }) as Record<string, unknown>, where);
  return fourierMultiply(u0, o.dim, (k2) => Math.exp(-o.kappa * k2 * o.t), where, 'u0');
}

/** Options of {@link generateHeat}. */
export interface HeatOptions extends HeatSolveOptions, ShardOptions {
  /** Grid points per dimension (a power of two). Default 64. */
  resolution?: number;
  /** GRF exponent. Default 2. */
  alpha?: number;
  /** GRF inverse length scale. Default 3. */
  tau?: number;
}

/**
 * Samples of the heat equation: `x` = u0 (a Gaussian random field), `y` = u(t), float32 tensors
 * `[count, n]` or `[count, n, n]`. Sample i depends only on (seed, i). The caller disposes them.
 */
export function generateHeat(options: HeatOptions): { x: Tensor; y: Tensor } {
  const where = 'generateHeat';
  checkObject(options, where);
  const { seed, start, count, rest } = checkShard(options, where);
  const o = checkOptions(rest, { where, known: ['dim', 'kappa', 't', 'resolution', 'alpha', 'tau'] }) as Record<string, unknown>;
  const h = heatDefaults(o, where);
  const grf = new GaussianRF({ dim: h.dim, size: (o.resolution as number) ?? 64, alpha: (o.alpha as number) ?? 2, tau: (o.tau as number) ?? 3 });
  const xs: Float64Array[] = [];
  const ys: Float64Array[] = [];
  for (let i = start; i < start + count; i++) {
    const u0 = grf.sample(sampleRng(seed, i));
    xs.push(u0);
    ys.push(solveHeat(u0, h));
  }
  const shape = h.dim === 1 ? [grf.size] : [grf.size, grf.size];
  return { x: stackSamples(xs, shape), y: stackSamples(ys, shape) };
}
