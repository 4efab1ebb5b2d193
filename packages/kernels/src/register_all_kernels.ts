// Every fused kernel of the package, as data (each `*_kernel.ts` exports its config), registered
// for cpu and wasm with its gradient in one place, the way tfjs's register_all_kernels.ts lists
// its kernel configs. Ops do not use this list: each registers only its own configs on first
// use (kernel_dispatch.ts `useFusedKernel`), so a bundle carries only the kernels of the ops it
// calls. `registerAllKernels` registers every one eagerly (tests, the testing entry).
import { biasGeluKernel, biasSkipGeluKernel } from './bias_gelu_kernel';
import { bsplineBasisKernel } from './bspline_basis_kernel';
import { chebyshevBasisKernel } from './chebyshev_basis_kernel';
import { fftKernel, irfftKernel, rfftKernel } from './fft_kernel';
import { fourierBasisKernel } from './fourier_basis_kernel';
import { geluKernel } from './gelu_kernel';
import { registerFusedKernel, type FusedKernelConfig } from './fused_kernel';
import { groupRationalKernel } from './group_rational_kernel';
import { matMulTNKernel } from './matmul_tn_kernel';
import { rbfBasisKernel } from './rbf_basis_kernel';
import { reluKanBasisKernel } from './relu_kan_basis_kernel';
import { kanLinearParamsKernel, kanLinearScaledKernel } from './kan_linear_kernel';
import { kanLinearLocalKernel, splineLinearLocalKernel } from './spline_linear_kernel';

/** The fused kernels, in no particular order (`any`: each has its own attribute and SIMD export types). */
export const FUSED_KERNELS: readonly FusedKernelConfig<any, any>[] = [
  groupRationalKernel,
  bsplineBasisKernel,
  splineLinearLocalKernel,
  kanLinearLocalKernel,
  kanLinearParamsKernel,
  kanLinearScaledKernel,
  rbfBasisKernel,
  chebyshevBasisKernel,
  fourierBasisKernel,
  reluKanBasisKernel,
  fftKernel,
  rfftKernel,
  irfftKernel,
  geluKernel,
  matMulTNKernel,
  biasGeluKernel,
  biasSkipGeluKernel,
];

let registered = false;

/** Registers every fused kernel (cpu and wasm) and its gradient; later calls do nothing. */
export function registerAllKernels(): void {
  if (registered) return;
  registered = true;
  for (const config of FUSED_KERNELS) registerFusedKernel(config);
}
