// The complex contraction of a Fourier layer (neuraloperator's SpectralConv `_contract_dense`,
// the original FNO's `compl_mul1d/2d`):
//
//   y[b, o, k] = sum_i x[b, i, k] w[i, o, k]       complex, for every kept mode k (einsum 'bi...,io...->bo...')
//   separable:   y[b, i, k] = x[b, i, k] w[i, k]
//
// Fast path: modes moved to the front, then ONE batched real matMul per mode of the block form
//
//   [Xr | Xi] [M, b, 2 in]  x  [[Wr, Wi], [-Wi, Wr]] [M, 2 in, 2 out]  =  [Yr | Yi] [M, b, 2 out]
//
// with a customGrad whose products are untransposed too (dA = dY B^T, dB = A^T dY with explicit
// transposes): tfjs-wasm's matMul with transposeA/B is 4-17x slower, and tfjs's own BatchMatMul
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
    // A = [Xr | Xi] -> [M, b, 2 in]
    const a = tf.transpose(tf.reshape(tf.concat([x.real, x.imag], 1), [b, 2 * cin, M]), [2, 0, 1]);
    // B = [[Wr, Wi], [-Wi, Wr]] -> [M, 2 in, 2 out]
    const blk = tf.concat([tf.concat([w.real, w.imag], 1), tf.concat([tf.neg(w.imag), w.real], 1)], 0);
    const bb = tf.transpose(tf.reshape(blk, [2 * cin, 2 * cout, M]), [2, 0, 1]);
    const y = tf.reshape(tf.transpose(bmm(a, bb), [1, 2, 0]), [b, 2 * cout, ...modes]);
    const [yr, yi] = tf.split(y, 2, 1);
    return [yr, yi];
  });
  return { real, imag };
}
