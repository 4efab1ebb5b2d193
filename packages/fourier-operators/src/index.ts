// @basiskit/fourier-operators: Fourier neural operators on @basiskit/kernels' FFTs (re-exports only).
