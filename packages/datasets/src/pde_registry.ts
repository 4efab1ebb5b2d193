// The PDE generators by name, as float64 sample makers, for shards run elsewhere (worker threads,
// other machines): each resolves its options (everything but seed/start/count) and makes samples
// start .. start+count-1 of the seeded set, which depend only on (seed, i).
import { burgersDefaults, burgersSamples } from './burgers';
import { darcyDefaults, darcySamples } from './darcy';
import { navierStokesDefaults, navierStokesSamples } from './navier_stokes';

/** Names of the PDE generators that `generateParallel` runs (the registry behind its `name` argument). */
export type PdeGeneratorName = 'darcy' | 'burgers' | 'navierStokes';

/** One generator: option resolution, sample shapes and the float64 sample maker. @internal */
export interface PdeGenerator {
  /** Checks and fills defaults; throws a ConfigError naming `where` and the argument. */
  resolve(options: Record<string, unknown>, where: string): Record<string, unknown>;
  /** Shapes of one x and one y sample for resolved options. */
  shapes(resolved: Record<string, unknown>): { x: number[]; y: number[] };
  /** The samples (flat, row-major per sample) and, for time-dependent ones, the recorded times. */
  samples(resolved: Record<string, unknown>, seed: number | bigint, start: number, count: number): { xs: Float64Array[]; ys: Float64Array[]; times?: number[] };
}

type R = Record<string, unknown>;

const generators: Record<PdeGeneratorName, PdeGenerator> = {
  darcy: {
    resolve: (o, where) => darcyDefaults(o, where),
    shapes: (o) => {
      const s = ((o.resolution as number) - 1) / (o.subsample as number) + 1;
      return { x: [s, s], y: [s, s] };
    },
    samples: (o, seed, start, count) => darcySamples(o as R as ReturnType<typeof darcyDefaults>, seed, start, count),
  },
  burgers: {
    resolve: (o, where) => burgersDefaults(o, where),
    shapes: (o) => {
      const s = (o.resolution as number) / (o.subsample as number);
      return { x: [s], y: [s] };
    },
    samples: (o, seed, start, count) => burgersSamples(o as R as ReturnType<typeof burgersDefaults>, seed, start, count),
  },
  navierStokes: {
    resolve: (o, where) => navierStokesDefaults(o, where),
    shapes: (o) => {
      const s = (o.resolution as number) / (o.subsample as number);
      return { x: [s, s], y: [s, s, o.recordSteps as number] };
    },
    samples: (o, seed, start, count) => navierStokesSamples(o as R as ReturnType<typeof navierStokesDefaults>, seed, start, count),
  },
};

/** The generator called `name`, or undefined. @internal */
export function pdeGenerator(name: string): PdeGenerator | undefined {
  return Object.hasOwn(generators, name) ? generators[name as PdeGeneratorName] : undefined;
}

/** The names {@link pdeGenerator} knows. @internal */
export const PDE_GENERATOR_NAMES: readonly PdeGeneratorName[] = ['darcy', 'burgers', 'navierStokes'];
