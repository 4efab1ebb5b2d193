// The complex contraction of a Fourier layer (neuraloperator's SpectralConv `_contract_dense`,
// the original FNO's `compl_mul1d/2d`):
//
//   y[b, o, k] = sum_i x[b, i, k] w[i, o, k]       complex, for every kept mode k (einsum 'bi...,io...->bo...')
//   separable:   y[b, i, k] = x[b, i, k] w[i, k]
//
// Fast path: modes moved to the front ([M, b, in] and [M, in, out]), then Gauss's three real
// batched matMuls
//
//   k1 = (Xr + Xi) Wr,  k2 = Xr (Wi - Wr),  k3 = Xi (Wr + Wi);   Yr = k1 - k3,  Yi = k1 + k2
//
// (measured on wasm, b 8, 32 -> 32 channels, 12x7 modes, fwd+bwd: Gauss ~12-14 ms, four real
// matMuls ~15-29 ms, one [M, b, 2in] x [M, 2in, 2out] block matMul ~24-56 ms; the plain-ops
// reference ~230-360 ms; 2-core machine, noisy), each with a customGrad whose products are
// untransposed too (dA = dY B^T, dB = A^T dY with explicit transposes): tfjs-wasm's matMul with transposeA/B is 4-17x slower, and tfjs's own BatchMatMul
// gradient uses those flags. Reference: spectral_mix_reference.ts.
import { ConfigError, ShapeError, checkOptions, formatShape, tf } from '@basiskit/tensor';
import { checkComplex } from './fft';
import type { ComplexTensor } from './fft_reference';

/** Options of {@link spectralMix}. */
export interface SpectralMixOptions {
  /** `w` is `[in, ...modes]`, multiplied elementwise (out = in); default false. */
  separable?: boolean;
}

/** a [M, p, q] @ b [M, q, r], gradient in untransposed batched matMuls. */
const bmm = tf.customGrad(((a: tf.Tensor3D, b: tf.Tensor3D, save: tf.GradSaveFunc) => {
  save([a, b]);
  return {
    value: tf.matMul(a, b),
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
      const [sa, sb] = saved;
      const g = dy as tf.Tensor3D;
      return [tf.matMul(g, tf.transpose(sb, [0, 2, 1])), tf.matMul(tf.transpose(sa, [0, 2, 1]), g)];
    },
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as (a: tf.Tensor, b: tf.Tensor) => tf.Tensor;

/**
 * The complex einsum `'bi...,io...->bo...'` of a Fourier layer: `x` `{ real, imag }`
 * `[b, in, ...modes]` with `w` `[in, out, ...modes]` -> `[b, out, ...modes]`; with `separable`,
 * `w` `[in, ...modes]` multiplies elementwise. Differentiable in both (batched untransposed
 * matMuls forward and backward).
 *
 * @example
 * const y = spectralMix({ real: xr, imag: xi }, { real: wr, imag: wi }); // [b, out, m1, m2]
 */
export function spectralMix(x: ComplexTensor, w: ComplexTensor, options?: SpectralMixOptions): ComplexTensor {
  const where = 'spectralMix';
  const o = checkOptions(options, { where, known: ['separable'] });
  const separable = o.separable ?? false;
  if (typeof separable !== 'boolean') throw new ConfigError('invalid value', { where, argument: 'separable', expected: 'a boolean', got: String(separable) });
  checkComplex(x, where, 'x');
  checkComplex(w, where, 'w');
  const xs = x.real.shape;
  const ws = w.real.shape;
  const modes = xs.slice(2);
  const wantW = separable ? [xs[1], ...modes] : [xs[1], null, ...modes];
  if (xs.length < 2 || ws.length !== wantW.length || ws.some((d, i) => wantW[i] !== null && d !== wantW[i])) {
    throw new ShapeError('weight does not fit x', {
      where,
      argument: 'w',
      expected: xs.length < 2 ? 'x of rank >= 2 ([b, in, ...modes])' : `shape [${wantW.map((d) => d ?? 'out').join(', ')}] (x ${formatShape(xs)})`,
      got: `shape ${formatShape(ws)}`,
    });
  }
  if (separable) {
    const [real, imag] = tf.tidy(() => {
      const wr = tf.expandDims(w.real, 0);
      const wi = tf.expandDims(w.imag, 0);
      return [tf.sub(tf.mul(x.real, wr), tf.mul(x.imag, wi)), tf.add(tf.mul(x.real, wi), tf.mul(x.imag, wr))];
    });
    return { real, imag };
  }
  const b = xs[0] as number;
  const cin = xs[1] as number;
  const cout = ws[1] as number;
  const M = modes.reduce((p, d) => p * d, 1);
  const [real, imag] = tf.tidy(() => {
    const xm = (t: tf.Tensor) => tf.transpose(tf.reshape(t, [b, cin, M]), [2, 0, 1]); // [M, b, in]
    const wm = (t: tf.Tensor) => tf.transpose(tf.reshape(t, [cin, cout, M]), [2, 0, 1]); // [M, in, out]
    const xr = xm(x.real);
    const xi = xm(x.imag);
    const wr = wm(w.real);
    const wi = wm(w.imag);
    // Gauss: k1 = (Xr + Xi) Wr, k2 = Xr (Wi - Wr), k3 = Xi (Wr + Wi); Yr = k1 - k3, Yi = k1 + k2
    const k1 = bmm(tf.add(xr, xi), wr);
    const k2 = bmm(xr, tf.sub(wi, wr));
    const k3 = bmm(xi, tf.add(wr, wi));
    const back = (t: tf.Tensor) => tf.reshape(tf.transpose(t, [1, 2, 0]), [b, cout, ...modes]);
    return [back(tf.sub(k1, k3)), back(tf.add(k1, k2))];
  });
  return { real, imag };
}
