// Name → function table of the activations with their default options, for configuration
// by string (`baseActivation: 'silu'`), as PyTorch's `getattr(nn, name)` is used.
import { ConfigError } from '@basiskit/tensor';
import type { Tensor } from '@basiskit/tensor';
import { apa, aglu } from './adaptive';
import { gelu, geluTanh, golu, hardSwish, mish, silu, swish, xgelu, xsilu } from './gated';
import { gcu, periodic, sine, snake, spder } from './periodic';
import { cauchy, elephant } from './rational_like';
import { celu, crrelu, elu, hardTanh, leakyRelu, prelu, relu, relu6, selu, smelu, squaredRelu } from './relu_family';
import { hardSigmoid, logSigmoid, sigmoid, softplus, softsign, tanh, temperedSigmoid } from './sigmoidal';

/** An activation applied with its default options. */
export type ActivationFn = (x: Tensor) => Tensor;

/** `identity(x) = x` (the same tensor; for configurations that may switch the activation off). */
export function identity(x: Tensor): Tensor {
  return x;
}

const TABLE = {
  identity,
  relu,
  leaky_relu: (x: Tensor) => leakyRelu(x),
  prelu: (x: Tensor) => prelu(x),
  relu6,
  elu: (x: Tensor) => elu(x),
  selu,
  celu: (x: Tensor) => celu(x),
  gelu: (x: Tensor) => gelu(x),
  gelu_tanh: geluTanh,
  silu,
  swish: (x: Tensor) => swish(x),
  mish,
  golu,
  softplus: (x: Tensor) => softplus(x),
  softsign,
  sigmoid,
  hard_sigmoid: hardSigmoid,
  tanh,
  hard_tanh: (x: Tensor) => hardTanh(x),
  hard_swish: hardSwish,
  log_sigmoid: logSigmoid,
  smelu: (x: Tensor) => smelu(x),
  squared_relu: squaredRelu,
  gcu,
  sine: (x: Tensor) => sine(x),
  periodic,
  snake: (x: Tensor) => snake(x),
  tempered_sigmoid: (x: Tensor) => temperedSigmoid(x),
  elephant: (x: Tensor) => elephant(x),
  cauchy: (x: Tensor) => cauchy(x),
  spder,
  crrelu: (x: Tensor) => crrelu(x),
  apa: (x: Tensor) => apa(x),
  aglu: (x: Tensor) => aglu(x),
  xgelu: (x: Tensor) => xgelu(x),
  xsilu: (x: Tensor) => xsilu(x),
} satisfies Record<string, ActivationFn>;

/** The snake_case names of {@link activations}. */
export type ActivationName = keyof typeof TABLE;

/**
 * Every activation by snake_case name, each with its default options (`gelu` is the exact
 * erf form, `swish` has beta = 1, `sine` w0 = 30, `smelu` beta = 2, ...). Frozen.
 */
export const activations: Readonly<Record<ActivationName, ActivationFn>> = Object.freeze(TABLE);

/** The names {@link getActivation} accepts, sorted. */
export const activationNames: readonly ActivationName[] = Object.freeze((Object.keys(TABLE) as ActivationName[]).sort());

/**
 * The activation registered under `name` (see {@link activations}). Throws a ConfigError
 * listing the valid names when there is none.
 */
export function getActivation(name: string): ActivationFn {
  if (typeof name === 'string' && Object.prototype.hasOwnProperty.call(TABLE, name)) {
    return TABLE[name as ActivationName];
  }
  throw new ConfigError('unknown activation', {
    where: 'getActivation',
    argument: 'name',
    expected: `one of ${activationNames.join(', ')}`,
    got: typeof name === 'string' ? JSON.stringify(name) : String(name),
  });
}
