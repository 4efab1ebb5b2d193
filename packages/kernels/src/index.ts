// @basiskit/kernels: fused ops with hand-written gradients, each beside a plain-ops reference.
// Kernel names and the references are in '@basiskit/kernels/testing'.
export { groupRational } from './group_rational';
export type { GroupRationalOptions } from './group_rational';
export { bsplineBasis } from './bspline_basis';
export type { BsplineBasisOptions } from './bspline_basis';
export { uniformGrid } from './bspline_grid';
export { splineLinear } from './spline_linear';
export type { SplineLinearOptions } from './spline_linear';
export { rbfBasis } from './rbf_basis';
export type { RBFBasisOptions } from './rbf_basis';
export { chebyshevBasis } from './chebyshev_basis';
export type { ChebyshevBasisOptions } from './chebyshev_basis';
export { fourierBasis } from './fourier_basis';
export type { FourierBasisOptions } from './fourier_basis';
export { reluKanBasis, reluKanPhases, reluKanScale } from './relu_kan_basis';
export type { ReLUKANBasisOptions } from './relu_kan_basis';
export { fft, ifft, rfft, irfft } from './fft';
export type { ComplexTensor, FFTNorm, FFTOptions } from './fft';
export { fftn, ifftn, rfftn, irfftn, fftshift, ifftshift } from './fft_nd';
export type { FFTNOptions, FFTShiftOptions } from './fft_nd';
export { truncatedRfft, truncatedIrfft } from './fft_truncated';
export type { TruncatedRfftOptions, TruncatedIrfftOptions, TruncatedImpl } from './fft_truncated';
export { spectralMix } from './spectral_mix';
export type { SpectralMixOptions } from './spectral_mix';
export { gelu } from './gelu';
export type { GeluKernelOptions } from './gelu';
export { hasFusedKernels } from './kernel_dispatch';
export { setWasmSimd } from './wasm_simd_module';
