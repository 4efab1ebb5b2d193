import './tf';
import './register_gradients';
import './wasm_fallback_kernels';

export { tf } from './tf';
export type { Tensor, Tensor1D, Tensor2D, Tensor3D, Tensor4D, Rank, DataType } from './tf';
export { initBackend, defaultBackendOrder, isNode } from './backend';
export type { BackendName, BackendInfo, BackendAttempt, InitBackendOptions } from './backend';
export { Module, ModuleList } from './module';
export type { LoadStateDictOptions, LoadStateDictResult } from './module';
export { Parameter } from './parameter';
export type { ParameterOptions } from './parameter';
export {
  BasiskitError,
  ShapeError,
  ConfigError,
  DTypeError,
  StateDictError,
  FormatError,
  BackendError,
  formatShape,
} from './errors';
export type { ErrorContext } from './errors';
export { checkRank, checkDim, checkInt, checkFinite } from './checks';
export { Rng, createRng } from './rng';
export * as init from './initializers';
export type {
  Nonlinearity,
  FanMode,
  Fans,
  UniformOptions,
  NormalOptions,
  TruncatedNormalOptions,
  XavierOptions,
  KaimingOptions,
  ConstantOptions,
} from './initializers';
export { saveSafetensors, loadSafetensors, readSafetensorsHeader, MAX_HEADER_SIZE, SAFETENSORS_DTYPES } from './safetensors';
export type { SafetensorsDType, SafetensorsTensorInfo, SafetensorsHeader } from './safetensors';
