// SIREN's initialization of the linear layers around sine activations.
import { ConfigError, ShapeError, formatShape, type Rng, type Tensor } from '@basiskit/tensor';
import { resolveOptions, type OptionSpec } from '../functions/options';

/** Options of {@link sirenInit}. */
export interface SirenInitOptions {
  /** The seeded generator the weights are drawn from (`createRng(seed)`). */
  rng: Rng;
  /** The ω0 of the sine that follows the layer. Default 30. */
  w0?: number;
  /** Whether this is the network's first layer (the one that sees the raw coordinates). Default false. */
  isFirst?: boolean;
}

const SIREN_INIT_SPEC: OptionSpec<Omit<SirenInitOptions, 'rng'>> = {
  w0: { default: 30, check: 'positive' },
  isFirst: { default: false, boolean: true },
};

/**
 * SIREN's initialization of a linear layer's weight `[out, in]` (PyTorch layout; fan_in =
 * shape[1]·prod(shape[2:])): uniform in (−1/fan_in, 1/fan_in) for the first layer, and in
 * (−√(6/fan_in)/w0, √(6/fan_in)/w0) otherwise, so that sin(w0·(Wx + b)) keeps its activations'
 * distribution through depth. A tfjs Dense kernel is [in, out]: pass the shape reversed and
 * transpose the result.
 * Source: Sitzmann et al., "Implicit neural representations with periodic activation
 * functions", NeurIPS 2020 (Sec. 3.2 and its reference code).
 *
 * @example
 * const rng = createRng(0);
 * const w1 = sirenInit([256, 2], { rng, isFirst: true });
 * const w2 = sirenInit([256, 256], { rng });
 */
export function sirenInit(shape: readonly number[], options: SirenInitOptions): Tensor {
  const where = 'sirenInit';
  if (typeof options !== 'object' || options === null) {
    throw new ConfigError('options are required', { where, argument: 'options', expected: '{ rng, w0?, isFirst? }', got: String(options) });
  }
  const { rng, ...rest } = options;
  if (!rng || typeof (rng as Partial<Rng>).uniformTensor !== 'function') {
    throw new ConfigError('a seeded generator is required', {
      where,
      argument: 'rng',
      expected: 'an Rng from createRng(seed)',
      got: rng === undefined ? 'undefined' : typeof rng,
    });
  }
  const { w0, isFirst } = resolveOptions(SIREN_INIT_SPEC, rest, where);
  if (!Array.isArray(shape) || shape.length < 2 || !shape.every((d) => Number.isSafeInteger(d) && d >= 1)) {
    throw new ShapeError('invalid weight shape', {
      where,
      argument: 'shape',
      expected: '[out, in, ...kernel] with positive integer dims',
      got: Array.isArray(shape) ? formatShape(shape) : String(shape),
    });
  }
  const fanIn = shape.slice(1).reduce((a, b) => a * b, 1);
  const bound = isFirst ? 1 / fanIn : Math.sqrt(6 / fanIn) / w0;
  return rng.uniformTensor(shape, -bound, bound);
}
