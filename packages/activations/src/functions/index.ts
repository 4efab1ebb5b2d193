// Fixed activation functions: (x, options?) => y, each with a closed-form derivative.
export { relu, leakyRelu, prelu, relu6, hardTanh, elu, selu, celu, squaredRelu, smelu, crrelu, SELU_ALPHA, SELU_SCALE } from './relu_family';
export type { LeakyReluOptions, HardTanhOptions, EluOptions, SmeluOptions, CrreluOptions } from './relu_family';
export { gelu, geluTanh, silu, swish, mish, golu, hardSwish, xgelu, xsilu } from './gated';
export type { GeluOptions, SwishOptions, ExpandedGateOptions } from './gated';
export { sigmoid, tanh, hardSigmoid, softplus, softsign, logSigmoid, temperedSigmoid } from './sigmoidal';
export type { SoftplusOptions, TemperedSigmoidOptions } from './sigmoidal';
export { sine, periodic, snake, gcu, spder } from './periodic';
export type { SineOptions, SnakeOptions } from './periodic';
export { elephant, cauchy } from './rational_like';
export type { ElephantOptions, CauchyOptions } from './rational_like';
export { apa, aglu, APA_MIN_LAMBDA } from './adaptive';
export type { ApaOptions } from './adaptive';
export { activations, activationNames, getActivation, identity } from './registry';
export type { ActivationFn, ActivationName } from './registry';
export type { Param } from './options';
