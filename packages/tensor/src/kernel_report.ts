// Which fused kernels (@basiskit/kernels) a backend runs, for initBackend's report. tensor does not
// import kernels: kernels registers a reporter here when it loads, and without one nothing runs
// fused ('none').

/** What {@link BackendInfo.fusedKernels} says: which of basiskit's fused kernels run on the backend. */
export interface FusedKernelReport {
  /**
   * `'typed-array'`: the cpu/wasm kernels (every fused op; each registers its kernels on first
   * use). `'webgpu'`: the WGSL kernels (`registerWebGPUKernels()` from '@basiskit/kernels/webgpu'
   * ran). `'none'`: the ops run their plain-ops references (webgl, tfjs-node, webgpu before the
   * WGSL kernels are registered, or @basiskit/kernels not loaded).
   */
  kind: 'typed-array' | 'webgpu' | 'none';
  /** With `'webgpu'`: the tfjs kernel names that have a WGSL kernel (forward kernels; their backward kernels too). */
  kernels?: string[];
}

/** A function that reports which fused kernels the backend `backend` runs. */
export type KernelReporter = (backend: string) => FusedKernelReport;

let reporter: KernelReporter | undefined;

/**
 * Sets the function {@link initBackend} asks which fused kernels a backend runs (called by
 * @basiskit/kernels when it loads; the last call wins). `undefined` removes it.
 */
export function registerKernelReport(fn: KernelReporter | undefined): void {
  reporter = fn;
}

/** Which fused kernels `backend` runs: the registered reporter's answer, or `'none'` without one. */
export function fusedKernelReport(backend: string): FusedKernelReport {
  return reporter ? reporter(backend) : { kind: 'none' };
}
