// efficient-kan's extended uniform knot grid, one row per input feature:
//   grid = arange(-k, G+k+1) * h + lo,  h = (hi - lo) / G          (efficient-kan KANLinear)
// G intervals on [lo, hi] plus k knots on each side, so G + k B-splines of order k cover [lo, hi].
import { ConfigError, checkInt, checkNumber, tf } from '@basiskit/tensor';

/** The extended uniform grid `[inFeatures, G + 2k + 1]` of efficient-kan for `gridRange` [lo, hi]. */
export function uniformGrid(inFeatures: number, gridSize: number, splineOrder: number, gridRange: readonly [number, number] = [-1, 1]): tf.Tensor2D {
  const where = 'uniformGrid';
  checkInt(inFeatures, 1, where, 'inFeatures');
  checkInt(gridSize, 1, where, 'gridSize');
  checkInt(splineOrder, 0, where, 'splineOrder');
  const [lo, hi] = gridRange;
  checkNumber(lo, { where, argument: 'gridRange[0]' });
  checkNumber(hi, { where, argument: 'gridRange[1]' });
  if (!(hi > lo)) {
    throw new ConfigError('invalid range', { where, argument: 'gridRange', expected: 'finite [lo, hi] with lo < hi', got: `[${lo}, ${hi}]` });
  }
  const h = (hi - lo) / gridSize;
  const n = gridSize + 2 * splineOrder + 1;
  const row = new Float32Array(n);
  // float32 of the float64 product, as torch.arange(...) * h + lo computes in float32 from
  // float32 h and lo: do the same arithmetic in float32 so knots match bit for bit.
  const hf = Math.fround(h);
  const lof = Math.fround(lo);
  for (let j = 0; j < n; j++) row[j] = Math.fround(Math.fround((j - splineOrder) * hf) + lof);
  const data = new Float32Array(n * inFeatures);
  for (let i = 0; i < inFeatures; i++) data.set(row, i * n);
  return tf.tensor2d(data, [inFeatures, n]);
}
