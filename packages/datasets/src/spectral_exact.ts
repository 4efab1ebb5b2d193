// Shared core of heat.ts and poisson.ts: multiply the Fourier modes of a periodic field on
// [0,1)^d (d = 1, 2; `n` or `n * n` values, n a power of two) by a real function of the squared
// wavevector |2 pi k|^2, exactly.
import { ShapeError } from '@basiskit/tensor';
import { checkPow2, irfft2d64, irfft64, rfft2d64, rfft64, wavenumbers } from './fft64';

/** Applies the Fourier multiplier `mult(|2 pi k|^2)` to `field` (dimension `dim`). @internal */
export function fourierMultiply(field: Float64Array, dim: 1 | 2, mult: (k2: number) => number, where: string, argument: string): Float64Array {
  const n = dim === 1 ? field?.length : Math.round(Math.sqrt(field?.length ?? 0));
  if (!(field instanceof Float64Array) || (dim === 2 && n * n !== field.length))
    throw new ShapeError('field must be a Float64Array grid', {
      where,
      argument,
      expected: dim === 1 ? 'a Float64Array of n values' : 'a Float64Array of n * n values',
      got: field instanceof Float64Array ? `length ${field.length}` : typeof field,
    });
  checkPow2(n, where, dim === 1 ? `${argument}.length` : `sqrt(${argument}.length)`, 4);
  const k = wavenumbers(n);
  const h = n / 2 + 1;
  const c = 4 * Math.PI ** 2;
  if (dim === 1) {
    const s = rfft64(field);
    for (let b = 0; b < h; b++) {
      const m = mult(c * b * b);
      s[2 * b] *= m;
      s[2 * b + 1] *= m;
    }
    return irfft64(s, n);
  }
  const s = rfft2d64(field, n, n);
  for (let r = 0; r < n; r++)
    for (let b = 0; b < h; b++) {
      const m = mult(c * (k[r] ** 2 + b * b));
      s[2 * (r * h + b)] *= m;
      s[2 * (r * h + b) + 1] *= m;
    }
  return irfft2d64(s, n, n);
}
