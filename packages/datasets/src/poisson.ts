// Poisson equation -Laplacian u = f on the periodic unit interval or square, solved exactly in
// Fourier space: u_k = f_k / |2 pi k|^2 for k != 0, u_0 = 0 (the zero-mean solution; the mean of f,
// which no periodic u can balance, is dropped). For tests and as a linear operator-learning baseline.
import { checkOptions, collectChoice, throwProblems, type Problem, type Tensor } from '@basiskit/tensor';
import { GaussianRF } from './grf';
import { sampleRng } from './sample_rng';
import { checkObject, checkShard, stackSamples, type ShardOptions } from './shards';
import { fourierMultiply } from './spectral_exact';

/** Options of {@link solvePoisson}. */
export interface PoissonSolveOptions {
  /** Dimension of the grid, 1 or 2. Default 2. */
  dim?: 1 | 2;
}

/** The zero-mean periodic solution of -Laplacian u = f (`n` or `n * n` values, n a power of two). */
export function solvePoisson(f: Float64Array, options?: PoissonSolveOptions): Float64Array {
  const where = 'solvePoisson';
  const o = checkOptions(options, { where, known: ['dim'] }) as Record<string, unknown>;
  const p: Problem[] = [];
  if ('dim' in o) collectChoice(o, 'dim', [1, 2], p);
  throwProblems(p, { where });
  return fourierMultiply(f, (o.dim as 1 | 2) ?? 2, (k2) => (k2 === 0 ? 0 : 1 / k2), where, 'f');
}

/** Options of {@link generatePoisson}. */
export interface PoissonOptions extends PoissonSolveOptions, ShardOptions {
  /** Grid points per dimension (a power of two). Default 64. */
  resolution?: number;
  /** GRF exponent of f. Default 2. */
  alpha?: number;
  /** GRF inverse length scale. Default 3. */
  tau?: number;
}

/**
 * Samples of the Poisson problem: `x` = f (a zero-mean Gaussian random field), `y` = u, float32
 * tensors `[count, n]` or `[count, n, n]`. Sample i depends only on (seed, i). The caller disposes them.
 */
export function generatePoisson(options: PoissonOptions): { x: Tensor; y: Tensor } {
  const where = 'generatePoisson';
  checkObject(options, where);
  const { seed, start, count, rest } = checkShard(options, where);
  const o = checkOptions(rest, { where, known: ['dim', 'resolution', 'alpha', 'tau'] }) as Record<string, unknown>;
  const dim = (o.dim as 1 | 2) ?? 2;
  const p: Problem[] = [];
  collectChoice({ dim }, 'dim', [1, 2], p);
  throwProblems(p, { where });
  const grf = new GaussianRF({ dim, size: (o.resolution as number) ?? 64, alpha: (o.alpha as number) ?? 2, tau: (o.tau as number) ?? 3 });
  const xs: Float64Array[] = [];
  const ys: Float64Array[] = [];
  for (let i = start; i < start + count; i++) {
    const f = grf.sample(sampleRng(seed, i));
    xs.push(f);
    ys.push(solvePoisson(f, { dim }));
  }
  const shape = dim === 1 ? [grf.size] : [grf.size, grf.size];
  return { x: stackSamples(xs, shape), y: stackSamples(ys, shape) };
}
