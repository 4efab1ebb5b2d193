// Least-squares B-spline coefficients of sampled curves (pykan's `curve2coef`, efficient-kan's
// `KANLinear.curve2coef`): for every input feature i and output o,
//
//   c[o, i, :] = argmin_c  sum_n ( sum_j B_j(x[n, i]) c_j - y[n, i, o] )^2  +  lambda |c|^2
//
// solved through the normal equations (B_i^T B_i + lambda I) c = B_i^T y_i, as pykan does (pykan:
// lambda = 1e-8 and a pseudo-inverse; efficient-kan: torch.linalg.lstsq, the lambda -> 0 limit).
// B_i^T B_i [in, G+k, G+k] and B_i^T y_i [in, G+k, out] come from two batched matMuls; the small
// symmetric systems are solved by Cholesky in float64, then one step of iterative refinement on
// the float32 residual recovers the accuracy lost by forming B^T B in float32.
import { bsplineBasis } from '@basiskit/kernels';
import { ShapeError, formatShape, tf } from '@basiskit/tensor';

/**
 * The B-spline bases of the KAN layers here: x [N, in], grid [in, G+2k+1] -> [N, in, G+k]
 * (efficient-kan's `b_splines`), by the kernels package (fused on cpu/wasm, with its own backward).
 */
export function splineBases(x: tf.Tensor, grid: tf.Tensor, splineOrder: number): tf.Tensor {
  return bsplineBasis(x, grid, { splineOrder });
}

/** Options of {@link curve2coef}. */
export interface Curve2CoefOptions {
  /**
   * Ridge lambda relative to the mean diagonal of each B^T B (so it does not depend on the
   * number of samples). Keeps systems with unsampled basis functions solvable; those
   * coefficients go to (nearly) zero, the minimum-norm choice. Default 1e-7.
   */
  ridge?: number;
  /** Refinement steps on the residual (0 = plain normal equations). Default 1. */
  refine?: number;
}

/** Cholesky solve of `nSys` symmetric positive definite n x n systems with m right-hand sides, in place on `rhs`. */
export function batchedCholeskySolve(mats: Float64Array, rhs: Float64Array, nSys: number, n: number, m: number): void {
  const l = new Float64Array(n * n);
  for (let s = 0; s < nSys; s++) {
    const a = mats.subarray(s * n * n, (s + 1) * n * n);
    const b = rhs.subarray(s * n * m, (s + 1) * n * m);
    l.fill(0);
    for (let j = 0; j < n; j++) {
      let d = a[j * n + j];
      for (let p = 0; p < j; p++) d -= l[j * n + p] * l[j * n + p];
      const ljj = Math.sqrt(Math.max(d, 1e-300));
      l[j * n + j] = ljj;
      for (let r = j + 1; r < n; r++) {
        let v = a[r * n + j];
        for (let p = 0; p < j; p++) v -= l[r * n + p] * l[j * n + p];
        l[r * n + j] = v / ljj;
      }
    }
    for (let c = 0; c < m; c++) {
      // forward: L z = b; backward: L^T x = z (column c of b, stride m)
      for (let r = 0; r < n; r++) {
        let v = b[r * m + c];
        for (let p = 0; p < r; p++) v -= l[r * n + p] * b[p * m + c];
        b[r * m + c] = v / l[r * n + r];
      }
      for (let r = n - 1; r >= 0; r--) {
        let v = b[r * m + c];
        for (let p = r + 1; p < n; p++) v -= l[p * n + r] * b[p * m + c];
        b[r * m + c] = v / l[r * n + r];
      }
    }
  }
}

/**
 * Spline coefficients whose curves best fit samples `y` at `x` in least squares:
 * x [N, in], y [N, in, out], grid [in, G+2k+1] -> coefficients [out, in, G+k]
 * (efficient-kan's `spline_weight` layout). Not differentiable (a fitting step).
 */
export function curve2coef(x: tf.Tensor, y: tf.Tensor, grid: tf.Tensor, splineOrder: number, options: Curve2CoefOptions = {}): tf.Tensor3D {
  const where = 'curve2coef';
  if (x.rank !== 2) throw new ShapeError('wrong rank', { where, argument: 'x', expected: '[N, in]', got: formatShape(x.shape) });
  const [nSamples, inF] = x.shape as number[];
  if (nSamples < 1) throw new ShapeError('no samples to fit', { where, argument: 'x', expected: '[N, in] with N >= 1', got: formatShape(x.shape) });
  if (y.rank !== 3 || y.shape[0] !== nSamples || y.shape[1] !== inF) {
    throw new ShapeError('wrong shape', { where, argument: 'y', expected: `[${nSamples}, ${inF}, out]`, got: formatShape(y.shape) });
  }
  const out = y.shape[2] as number;
  const nb = (grid.shape[1] as number) - splineOrder - 1;
  const ridge = options.ridge ?? 1e-7;
  const refineSteps = options.refine ?? 1;

  const bt = tf.tidy(() => tf.transpose(splineBases(x, grid, splineOrder), [1, 0, 2])); // [in, N, nb]
  const yt = tf.tidy(() => tf.transpose(y, [1, 0, 2])); // [in, N, out]
  try {
    const gram = tf.tidy(() => tf.matMul(bt, bt, true, false)); // [in, nb, nb]
    const gramData = Float64Array.from(gram.dataSync());
    gram.dispose();
    for (let i = 0; i < inF; i++) {
      const a = gramData.subarray(i * nb * nb, (i + 1) * nb * nb);
      let trace = 0;
      for (let j = 0; j < nb; j++) trace += a[j * nb + j];
      const lambda = ridge * Math.max(trace / nb, 1e-12);
      for (let j = 0; j < nb; j++) a[j * nb + j] += lambda;
    }
    const solve = (target: tf.Tensor): Float64Array => {
      const rhs = tf.tidy(() => tf.matMul(bt, target, true, false)); // [in, nb, out]
      const b = Float64Array.from(rhs.dataSync());
      rhs.dispose();
      batchedCholeskySolve(gramData.slice(), b, inF, nb, out);
      return b;
    };
    const coef = solve(yt); // [in, nb, out]
    for (let step = 0; step < refineSteps; step++) {
      const c32 = tf.tensor3d(Float32Array.from(coef), [inF, nb, out]);
      const resid = tf.tidy(() => tf.sub(yt, tf.matMul(bt, c32)));
      c32.dispose();
      const delta = solve(resid);
      resid.dispose();
      for (let e = 0; e < coef.length; e++) coef[e] += delta[e];
    }
    return tf.tidy(() => tf.transpose(tf.tensor3d(Float32Array.from(coef), [inF, nb, out]), [2, 0, 1]) as tf.Tensor3D);
  } finally {
    bt.dispose();
    yt.dispose();
  }
}
