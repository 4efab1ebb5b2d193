import './tf';
import './register_gradients';
import './register_chained_ops';
import './wasm_fallback_kernels';

export { tf } from './tf';
export type { Tensor, Tensor1D, Tensor2D, Tensor3D, Tensor4D, Rank, DataType } from './tf';
export { initBackend, defaultBackendOrder, isNode } from './backend';
export type { BackendName, BackendInfo, BackendAttempt, InitBackendOptions } from './backend';
export { registerKernelReport } from './kernel_report';
export type { FusedKernelReport, KernelReporter } from './kernel_report';
export { threadPool, ThreadPool, decodeBase64 } from './thread_pool';
export { registerTypedArrayKernel, runKernel, hasKernel, tfjsWasmMemory, TYPED_ARRAY_BACKENDS, POOL_MIN_FLOATS } from './typed_array_kernel';
export type { KernelBody, TypedArrayKernel, PoolKernel, RowSplit } from './typed_array_kernel';
export type { ThreadPoolInfo, PoolModuleSource, PoolPhase } from './thread_pool';
export { simdModule, setWasmSimd, wasmSimdEnabled } from './wasm_simd_module';
export type { SimdModuleSource } from './wasm_simd_module';
export { Module } from './module';
export { ModuleList } from './module_list';
export { ModuleDict } from './module_dict';
export { Linear } from './linear_layer';
export type { LinearOptions } from './linear_layer';
export { LayerNorm } from './layer_norm';
export type { LayerNormOptions } from './layer_norm';
export { linear } from './linear';
export type { LoadStateDictOptions, LoadStateDictResult } from './module';
export { Parameter } from './parameter';
export type { ParameterOptions } from './parameter';
export { BasiskitError, ShapeError, ConfigError, DTypeError, StateDictError, FormatError, BackendError, DisposedError, formatShape } from './errors';
export type { ErrorContext } from './errors';
export {
  checkNumber,
  checkTensor,
  checkOptions,
  collectNumber,
  collectBool,
  collectChoice,
  throwProblems,
  formatProblem,
  numberOk,
  describeNumber,
  show,
  isRecord,
  definedOnly,
  copyJson,
  checkRank,
  checkDim,
  checkInt,
  checkFinite,
} from './validate';
export type { Problem, NumberSpec, TensorSpec, CheckSite } from './validate';
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
