// Plain-ops reference of spectralMix (spectral_mix.ts), the complex einsum of a Fourier layer's
// weights with the kept modes, as elementwise products summed:
//
//   y[b, o, ...] = sum_i x[b, i, ...] w[i, o, ...]        (neuraloperator's 'bi...,io...->bo...')
//   separable:   y[b, i, ...] = x[b, i, ...] w[i, ...]
import { tf } from '@basiskit/tensor';
import type { ComplexTensor } from './fft_reference';

/** Options of {@link spectralMixReference}. */
export interface SpectralMixReferenceOptions {
  /** `w` is `[in, ...modes]`, multiplied elementwise (out = in); default false. */
  separable?: boolean;
}

/**
 * `x` `[b, in, ...modes]` times `w` `[in, out, ...modes]` (complex, `{ real, imag }`), summed over
 * `in` -> `[b, out, ...modes]`, by broadcast products (autograd gradients). No argument checks.
 */
export function spectralMixReference(x: ComplexTensor, w: ComplexTensor, options: SpectralMixReferenceOptions = {}): ComplexTensor {
  const [real, imag] = tf.tidy(() => {
    const sep = options.separable ?? false;
    const xr = sep ? x.real : tf.expandDims(x.real, 2);
    const xi = sep ? x.imag : tf.expandDims(x.imag, 2);
    const wr = tf.expandDims(w.real, 0);
    const wi = tf.expandDims(w.imag, 0);
    const pr = tf.sub(tf.mul(xr, wr), tf.mul(xi, wi));
    const pi = tf.add(tf.mul(xr, wi), tf.mul(xi, wr));
    return sep ? [pr, pi] : [tf.sum(pr, 1), tf.sum(pi, 1)];
  });
  return { real, imag };
}
