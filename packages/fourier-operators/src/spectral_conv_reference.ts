// Plain-ops reference of neuraloperator 2.x's SpectralConv forward (neuralop/layers/spectral_convolution.py),
// the one the fast path of spectral_conv.ts is tested against:
//
//   X   = rfftn(x, axes = spatial, norm)                          [b, in, N1, ..., N(d-1), Nd/2+1]
//   X   = fftshift(X, axes = all spatial but the last)            zero frequency at index N//2
//   Xk  = X[..., c-m//2 : c+m//2+m%2, ..., :mL]                   c = N//2 per dim, mL = weight's last size
//   Y   = einsum('bi...,io...->bo...', Xk, W)                     (separable: Xk * W[i, ...])
//   Y   placed centred in the output spectrum, ifftshift, ifftn over all but the last axis,
//   y   = irfft(last axis, n = output size) + bias                irfft ignores imag of bin 0 and Nyquist:
//                                                                 neuralop's enforce_hermitian_symmetry
//
// Full spectra, full FFTs and elementwise products summed: slow and plain, for tests.
import { fftshift, ifftn, ifftshift, irfft, rfftn, type ComplexTensor, type FFTNorm } from '@basiskit/kernels';
import { tf } from '@basiskit/tensor';

/** Options of {@link spectralConvReference}. */
export interface SpectralConvReferenceOptions {
  /** Spatial output size (default: the input's). */
  outputShape?: number[];
  /** FFT normalisation; default `'forward'` (neuralop's `fft_norm`). */
  fftNorm?: FFTNorm;
  /** Weight `[in, ...modes]` multiplied elementwise (out = in) instead of `[in, out, ...modes]`. */
  separable?: boolean;
}

/**
 * Where a kept block of `m` centred frequencies (-floor(m/2) .. m - floor(m/2) - 1) meets a
 * shifted spectrum of size `size` (frequencies -floor(size/2) ..): the block's first index, the
 * spectrum's first index and the overlap length.
 */
export function centredOverlap(m: number, size: number): { blockStart: number; spectrumStart: number; length: number } {
  const fb = -Math.floor(m / 2);
  const fo = -Math.floor(size / 2);
  const lo = Math.max(fb, fo);
  const hi = Math.min(fb + m, fo + size);
  return { blockStart: lo - fb, spectrumStart: lo - fo, length: Math.max(0, hi - lo) };
}

function complexMul(a: ComplexTensor, b: ComplexTensor): ComplexTensor {
  return {
    real: tf.sub(tf.mul(a.real, b.real), tf.mul(a.imag, b.imag)),
    imag: tf.add(tf.mul(a.real, b.imag), tf.mul(a.imag, b.real)),
  };
}

/**
 * neuraloperator's SpectralConv forward with plain ops (see the file header): x `[b, in, ...spatial]`,
 * weight `{real, imag}` `[in, out, ...modes]` (modes: the kept block, last dim nModes//2+1),
 * bias `[out, 1, ...]` or null. No argument checks (the layer checks).
 */
export function spectralConvReference(x: tf.Tensor, weight: ComplexTensor, bias: tf.Tensor | null, options: SpectralConvReferenceOptions = {}): tf.Tensor {
  return tf.tidy(() => {
    const d = x.rank - 2;
    const spatial = x.shape.slice(2);
    const outShape = options.outputShape ?? spatial;
    const norm = options.fftNorm ?? 'forward';
    const separable = options.separable ?? false;
    const kept = weight.real.shape.slice(separable ? 1 : 2);
    const axes = spatial.map((_, i) => i + 2);
    let X = rfftn(x, { axes, norm });
    if (d > 1) X = fftshift(X, { axes: axes.slice(0, -1) });
    // the centred block (first mL bins on the last axis)
    const begin = [0, 0, ...spatial.map((n, i) => (i < d - 1 ? Math.floor(n / 2) - Math.floor(kept[i] / 2) : 0))];
    const size = [-1, -1, ...kept];
    const Xk: ComplexTensor = { real: tf.slice(X.real, begin, size), imag: tf.slice(X.imag, begin, size) };
    let Y: ComplexTensor;
    if (separable) {
      Y = complexMul(Xk, { real: tf.expandDims(weight.real, 0), imag: tf.expandDims(weight.imag, 0) });
    } else {
      // [b, in, 1, ...] * [1, in, out, ...] summed over in
      const P = complexMul(
        { real: tf.expandDims(Xk.real, 2), imag: tf.expandDims(Xk.imag, 2) },
        { real: tf.expandDims(weight.real, 0), imag: tf.expandDims(weight.imag, 0) },
      );
      Y = { real: tf.sum(P.real, 1), imag: tf.sum(P.imag, 1) };
    }
    // into the output spectrum: centred on the shifted axes, the first bins on the last
    const place = (t: tf.Tensor): tf.Tensor => {
      const sBegin = [0, 0];
      const sSize = [-1, -1];
      const pads: [number, number][] = [
        [0, 0],
        [0, 0],
      ];
      for (let i = 0; i < d; i++) {
        const m = kept[i];
        if (i < d - 1) {
          const o = centredOverlap(m, outShape[i]);
          sBegin.push(o.blockStart);
          sSize.push(o.length);
          pads.push([o.spectrumStart, outShape[i] - o.spectrumStart - o.length]);
        } else {
          const bins = Math.floor(outShape[i] / 2) + 1;
          const len = Math.min(m, bins);
          sBegin.push(0);
          sSize.push(len);
          pads.push([0, bins - len]);
        }
      }
      return tf.pad(tf.slice(t, sBegin, sSize), pads);
    };
    let Z: ComplexTensor = { real: place(Y.real), imag: place(Y.imag) };
    if (d > 1) {
      Z = ifftshift(Z, { axes: axes.slice(0, -1) });
      Z = ifftn(Z, { axes: axes.slice(0, -1), norm });
    }
    const y = irfft(Z, { axis: -1, n: outShape[d - 1], norm });
    return bias ? tf.add(y, bias) : y;
  });
}
