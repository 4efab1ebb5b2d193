// initBackend's `fusedKernels` once @basiskit/kernels is loaded: kernel_dispatch.ts registers its
// reporter with @basiskit/tensor (the webgpu answer is checked in the browser: test/webgpu.test.ts).
import { initBackend } from '@basiskit/tensor';
import { describe, expect, it } from 'vitest';
import { fusedKernelReport } from './kernel_dispatch';

describe('fusedKernels report', () => {
  it("says 'typed-array' on cpu and wasm, 'none' on other backends and on webgpu without the WGSL kernels", async () => {
    expect((await initBackend({ backend: 'cpu' })).fusedKernels).toEqual({ kind: 'typed-array' });
    expect((await initBackend({ backend: 'wasm' })).fusedKernels).toEqual({ kind: 'typed-array' });
    expect(fusedKernelReport('webgl')).toEqual({ kind: 'none' });
    expect(fusedKernelReport('webgpu')).toEqual({ kind: 'none' });
    expect(fusedKernelReport('tensorflow')).toEqual({ kind: 'none' });
  });
});
