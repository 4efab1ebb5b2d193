// @basiskit/kernels/testing: what tests and benchmarks need besides the ops — the plain-ops
// references (and closed-form derivatives) every fused kernel is checked against, and the tfjs
// kernel names (to look a kernel up, or to build a backend without them).
export { groupRationalReference } from './group_rational_reference';
export { bsplineBasisReference } from './bspline_basis_reference';
export { splineLinearReference } from './spline_linear_reference';
export { rbfBasisReference, rbfBasisDerivativeReference } from './rbf_basis_reference';
export { chebyshevBasisReference, chebyshevBasisDerivativeReference } from './chebyshev_basis_reference';
export { fourierBasisReference, fourierBasisDerivativeReference } from './fourier_basis_reference';
export { reluKanBasisReference, reluKanBasisDerivativeReference } from './relu_kan_basis_reference';
export { fftReference, rfftReference, irfftReference } from './fft_reference';
export type { FFTReferenceOptions } from './fft_reference';
export { spectralMixReference } from './spectral_mix_reference';
export type { SpectralMixReferenceOptions } from './spectral_mix_reference';
export { geluReference } from './gelu_reference';
export { biasGeluReference } from './bias_gelu_reference';
export { GROUP_RATIONAL_KERNEL, GROUP_RATIONAL_GRAD_KERNEL } from './group_rational_kernel';
export { BSPLINE_BASIS_KERNEL, BSPLINE_BASIS_GRAD_KERNEL } from './bspline_basis_kernel';
export { SPLINE_LINEAR_LOCAL_KERNEL, SPLINE_LINEAR_LOCAL_GRAD_KERNEL } from './spline_linear_kernel';
export { RBF_BASIS_KERNEL, RBF_BASIS_GRAD_KERNEL } from './rbf_basis_kernel';
export { CHEBYSHEV_BASIS_KERNEL, CHEBYSHEV_BASIS_GRAD_KERNEL } from './chebyshev_basis_kernel';
export { FOURIER_BASIS_KERNEL, FOURIER_BASIS_GRAD_KERNEL } from './fourier_basis_kernel';
export { RELU_KAN_BASIS_KERNEL, RELU_KAN_BASIS_GRAD_KERNEL } from './relu_kan_basis_kernel';
export { FFT_KERNEL, FFT_GRAD_KERNEL, RFFT_KERNEL, RFFT_GRAD_KERNEL, IRFFT_KERNEL, IRFFT_GRAD_KERNEL } from './fft_kernel';
export { GELU_KERNEL, GELU_GRAD_KERNEL } from './gelu_kernel';
export { BIAS_GELU_KERNEL, BIAS_GELU_GRAD_KERNEL, BIAS_SKIP_GELU_KERNEL, BIAS_SKIP_GELU_GRAD_KERNEL } from './bias_gelu_kernel';
export { MATMUL_TN_KERNEL, MATMUL_TN_GRAD_KERNEL } from './matmul_tn_kernel';
export { FUSED_KERNELS, registerAllKernels } from './register_all_kernels';
