// Starting coefficients of rational activations, fitted by this library (fitRational on
// [-3, 3]) for the version and degrees actually computed. Never copied from KAT: its gelu table
// was fitted for version B and is far off under version A. Fitted once per (target, version,
// degrees) and cached.
import { ConfigError } from '@basiskit/tensor';
import { fitRational, type FitRationalResult } from './fit_rational';
import { gelu, identity, leakyRelu, relu, sigmoid, silu, tanh } from './functions';
import type { RationalVersion } from './rational';
import type { Tensor } from '@basiskit/tensor';

/** Targets a rational activation can start from. */
export const RATIONAL_INIT_TARGETS = {
  identity,
  gelu: (x: Tensor) => gelu(x),
  swish: silu,
  silu,
  tanh,
  sigmoid,
  relu,
  leaky_relu: (x: Tensor) => leakyRelu(x, { alpha: 0.01 }),
} as const;

/** Name of a starting function (see {@link RATIONAL_INIT_TARGETS}). */
export type RationalInitName = keyof typeof RATIONAL_INIT_TARGETS;

const cache = new Map<string, FitRationalResult>();

/** The fitted coefficients (and their fit error on [-3, 3]) for a named starting function. */
export function rationalInit(name: RationalInitName, version: RationalVersion, degrees: [number, number]): FitRationalResult {
  const target = RATIONAL_INIT_TARGETS[name];
  if (!target) {
    throw new ConfigError('unknown init', {
      where: 'rationalInit',
      argument: 'init',
      expected: Object.keys(RATIONAL_INIT_TARGETS).join(', '),
      got: JSON.stringify(name),
    });
  }
  const key = `${name}/${version}/${degrees.join(',')}`;
  let fit = cache.get(key);
  if (!fit) {
    fit = fitRational(target, { version, degrees, range: [-3, 3] });
    cache.set(key, fit);
  }
  return fit;
}
