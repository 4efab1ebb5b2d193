// The `nonLinearity` option of neuralop's modules (`F.gelu` by default): an activation of
// @basiskit/activations by name, or any function of a tensor.
import { getActivation, type ActivationFn } from '@basiskit/activations';
import { ConfigError, show } from '@basiskit/tensor';

/** An activation by name (`'gelu'`, `'relu'`, ... of `@basiskit/activations`) or a function `x => y`. */
export type NonLinearity = string | ActivationFn;

/** The function of `value` (`'gelu'` when undefined); a ConfigError naming `where` otherwise. */
export function resolveNonLinearity(value: unknown, where: string, argument = 'nonLinearity'): ActivationFn {
  if (value === undefined) return getActivation('gelu');
  if (typeof value === 'function') return value as ActivationFn;
  if (typeof value === 'string') {
    try {
      return getActivation(value);
    } catch {
      throw new ConfigError(`unknown activation ${JSON.stringify(value)}`, {
        where,
        argument,
        expected: 'an activation name of @basiskit/activations or a function',
        got: show(value),
      });
    }
  }
  throw new ConfigError('invalid value', { where, argument, expected: 'an activation name or a function', got: show(value) });
}
