// @basiskit/fourier-operators: Fourier neural operators on @basiskit/kernels' FFTs (re-exports only).
export { AFNO2D, AFNOBlock, AFNOMlp } from './afno2d';
export type { AFNO2DOptions, AFNOBlockOptions, AFNOMlpOptions } from './afno2d';
export { FFTMixer } from './fft_mixer';
export type { FFTMixerOptions } from './fft_mixer';
export { FactorizedSpectralWeight, FactorList } from './factorized_weight';
export type { FactorizedSpectralWeightOptions, ComplexParameter } from './factorized_weight';
export { resolveRank, denseParameterCount, factorizedParameterCount, FACTORIZATIONS } from './factorization_rank';
export type { Factorization, FactorizationRank, ResolveRankOptions } from './factorization_rank';
export { tuckerToTensor, cpToTensor, ttToTensor } from './tensor_decomposition';
export { SpecBoost } from './spec_boost';
export { sobolevLoss } from './sobolev_loss';
export type { SobolevLossOptions } from './sobolev_loss';
export { SpectralConv } from './spectral_conv';
export type { SpectralConvOptions, SpectralConvForwardOptions } from './spectral_conv';
export { SpectralConv1dCorner, SpectralConv2dCorner } from './spectral_conv_corner';
export type { SpectralConv1dCornerOptions, SpectralConv2dCornerOptions } from './spectral_conv_corner';
