// Activation Modules: fixed ones (a function with constant options) and learnable ones.
export { ActivationModule, LearnableActivation } from './activation_module';
export type { ConstantOptions } from './activation_module';
export {
  Identity,
  ReLU,
  LeakyReLU,
  ReLU6,
  Hardtanh,
  ELU,
  SELU,
  CELU,
  SquaredReLU,
  SmeLU,
  CRReLU,
  GELU,
  GELUTanh,
  SiLU,
  Swish,
  Mish,
  GoLU,
  Hardswish,
  Sigmoid,
  Tanh,
  Hardsigmoid,
  Softplus,
  Softsign,
  LogSigmoid,
  TemperedSigmoid,
  Sine,
  Periodic,
  GCU,
  SPDER,
  Elephant,
} from './fixed';
export { Snake, APA, AGLU, PReLU, ExpandedGate, XGELU, XSiLU, LearnableSwish, CauchyActivation } from './learnable';
export type {
  LearnableOptions,
  SnakeModuleOptions,
  ApaModuleOptions,
  PReLUOptions,
  ExpandedGateModuleOptions,
  GateKind,
  LearnableSwishOptions,
  CauchyActivationOptions,
} from './learnable';
export { sirenInit } from './siren';
export type { SirenInitOptions } from './siren';
export type { LeakyReLUOptions, HardtanhOptions } from './fixed';
