// neuralop's `resample` of the FNO blocks' skip paths when a block changes the resolution
// (`outputShape`, `resolutionScalingFactor`): 1 spatial dim: F.interpolate(mode='linear'),
// 2 dims: F.interpolate(mode='bicubic'), both align_corners=True; 3 dims: not supported here.
// Both interpolations are separable, so each axis is one matrix M [out, in] applied with `linear`:
//   src(j) = j (in - 1) / (out - 1)  (0 when out = 1),  t = src - floor(src)
//   linear:  y_j = (1 - t) x_floor + t x_{floor+1}
//   bicubic: y_j = sum_{k=-1..2} w_k(t) x_{clamp(floor + k)}, Keys' cubic convolution a = -0.75
//            (PyTorch's upsample_bicubic2d), indices clamped to the border.
// Source: neuraloperator/neuraloperator, neuralop/layers/resample.py; PyTorch's
// aten/src/ATen/native/UpSample.h (cubic_convolution1/2, A = -0.75).
import { ConfigError, linear, tf } from '@basiskit/tensor';

const A = -0.75;
const cc1 = (x: number) => ((A + 2) * x - (A + 3)) * x * x + 1;
const cc2 = (x: number) => ((A * x - 5 * A) * x + 8 * A) * x - 4 * A;

/** The interpolation matrix [out, in] of one axis (see the file header). */
export function interpolationMatrix(inSize: number, outSize: number, mode: 'linear' | 'bicubic'): Float32Array {
  const m = new Float32Array(outSize * inSize);
  const scale = outSize > 1 ? (inSize - 1) / (outSize - 1) : 0;
  const clamp = (i: number) => Math.min(Math.max(i, 0), inSize - 1);
  for (let j = 0; j < outSize; j++) {
    const src = j * scale;
    const i0 = Math.floor(src);
    const t = src - i0;
    if (mode === 'linear') {
      m[j * inSize + clamp(i0)] += 1 - t;
      m[j * inSize + clamp(i0 + 1)] += t;
    } else {
      const w = [cc2(t + 1), cc1(t), cc1(1 - t), cc2(2 - t)];
      for (let k = 0; k < 4; k++) m[j * inSize + clamp(i0 - 1 + k)] += w[k];
    }
  }
  return m;
}

/**
 * Resamples the spatial `axes` of x to `outputShape` (one size per axis) as neuralop's
 * `resample` (linear in 1-D, bicubic in 2-D, align_corners). Returns x itself when the sizes
 * already match.
 */
export function resample(x: tf.Tensor, outputShape: readonly number[], axes: readonly number[], where = 'resample'): tf.Tensor {
  if (axes.every((a, i) => x.shape[a] === outputShape[i])) return x;
  if (axes.length > 2) {
    throw new ConfigError('changing the resolution of the skip paths is implemented for 1-D and 2-D data only', {
      where,
      argument: 'outputShape',
      expected: `the input's spatial size [${axes.map((a) => x.shape[a]).join(', ')}]`,
      got: `[${outputShape.join(', ')}]`,
    });
  }
  const mode = axes.length === 1 ? 'linear' : 'bicubic';
  return tf.tidy(() => {
    let y = x;
    axes.forEach((axis, i) => {
      const n = y.shape[axis] as number;
      const out = outputShape[i];
      if (n === out) return;
      const m = tf.tensor(interpolationMatrix(n, out, mode), [out, n]);
      const last = y.rank - 1;
      const perm = y.shape.map((_, j) => j);
      perm[axis] = last;
      perm[last] = axis;
      const moved = axis === last ? y : tf.transpose(y, perm);
      const r = linear(moved, m);
      y = axis === last ? r : tf.transpose(r, perm);
    });
    return y;
  });
}
