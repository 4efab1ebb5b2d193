// Registers basiskit's WGSL kernels for tfjs-backend-webgpu under the same kernel names as the
// cpu/wasm kernels (one loop over WEBGPU_KERNELS, the way register_all_kernels.ts lists the
// typed-array configs). Each entry's cpu/wasm config is registered too (`ensureRegistered`): that
// registers the backend-agnostic gradient, which runs the backward kernel by name, so autograd on
// webgpu runs the WGSL backward.
import { tf } from '@basiskit/tensor';
import { ensureRegistered } from '../kernel_dispatch';
import { biasGeluWebGPU, biasSkipGeluWebGPU } from './bias_gelu_webgpu';
import { fftWebGPU, irfftWebGPU, rfftWebGPU } from './fft_webgpu';
import { bsplineBasisWebGPU } from './bspline_basis_webgpu';
import { chebyshevBasisWebGPU } from './chebyshev_basis_webgpu';
import { fourierBasisWebGPU } from './fourier_basis_webgpu';
import { geluWebGPU } from './gelu_webgpu';
import { groupRationalWebGPU } from './group_rational_webgpu';
import { matMulTNWebGPU } from './matmul_tn_webgpu';
import { WGSLContext, type WebGPUBackendLike, type WebGPUKernelConfig, type WGSLSide } from './program';
import { rbfBasisWebGPU } from './rbf_basis_webgpu';
import { reluKanBasisWebGPU } from './relu_kan_basis_webgpu';
import { kanLinearLocalWebGPU, splineLinearLocalWebGPU } from './spline_linear_webgpu';

/** The WGSL kernels, one entry per fused op. */
export const WEBGPU_KERNELS: readonly WebGPUKernelConfig[] = [
  geluWebGPU,
  biasGeluWebGPU,
  biasSkipGeluWebGPU,
  groupRationalWebGPU,
  rbfBasisWebGPU,
  chebyshevBasisWebGPU,
  fourierBasisWebGPU,
  reluKanBasisWebGPU,
  bsplineBasisWebGPU,
  fftWebGPU,
  rfftWebGPU,
  irfftWebGPU,
  splineLinearLocalWebGPU,
  kanLinearLocalWebGPU,
  matMulTNWebGPU,
];

function kernelFunc(side: WGSLSide<object>, inputNames: readonly string[], outputShapes: (shapes: number[][], attrs: object) => number[][]): tf.KernelFunc {
  return ({ inputs, attrs, backend }) => {
    const infos = inputNames.map((n) => {
      const t = (inputs as Record<string, tf.TensorInfo | undefined>)[n];
      if (!t || t.dtype !== 'float32') throw new Error(`input ${n} must be a float32 tensor, got ${t ? t.dtype : 'nothing'}`);
      return t;
    });
    const shapes = outputShapes(
      infos.map((t) => t.shape),
      attrs as object,
    );
    const outs = side(new WGSLContext(backend as unknown as WebGPUBackendLike), infos, attrs as object);
    // results are flat: give them their shapes (same data)
    const shaped = outs.map((o, i) => ({ dataId: o.dataId, shape: shapes[i], dtype: o.dtype }));
    return shaped.length === 1 ? shaped[0] : shaped;
  };
}

/**
 * Registers the WGSL kernels for the 'webgpu' backend (and, for their gradients, the same ops'
 * cpu/wasm kernels); later calls do nothing. Import '@tensorflow/tfjs-backend-webgpu' first (it
 * registers the backend), then call this, then `tf.setBackend('webgpu')`. Every fused op of
 * FUSED_KERNELS has a WGSL kernel.
 */
export function registerWebGPUKernels(): void {
  for (const k of WEBGPU_KERNELS) {
    ensureRegistered(k.fused as Parameters<typeof ensureRegistered>[0]);
    const { fused } = k;
    const cotangents = fused.cotangents ?? ['dy'];
    const sides: [string, WGSLSide<object>, readonly string[], (s: number[][], a: object) => number[][]][] = [
      [fused.name, k.forward, fused.inputs, fused.forward.outputShapes],
      [fused.gradName, k.backward, [...cotangents, ...fused.inputs], fused.backward.outputShapes],
    ];
    for (const [kernelName, side, inputNames, outputShapes] of sides) {
      if (tf.getKernel(kernelName, 'webgpu')) continue;
      tf.registerKernel({ kernelName, backendName: 'webgpu', kernelFunc: kernelFunc(side, inputNames, outputShapes) });
    }
  }
}
