// @basiskit/kernels/webgpu: WGSL kernels of the fused ops for tfjs-backend-webgpu (an optional
// peer dependency). `registerWebGPUKernels()` makes the ops run them on the 'webgpu' backend.
export { registerWebGPUKernels, WEBGPU_KERNELS } from './webgpu/register_webgpu_kernels';
export type { WebGPUKernelConfig, WGSLProgram, WGSLSide } from './webgpu/program';
