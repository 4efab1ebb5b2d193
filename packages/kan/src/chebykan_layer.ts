// ChebyKAN's layer (SynodicMonth/ChebyKAN, ChebyKANLayer.py):
//
//   y_o = sum_i sum_{d=0..D} cheby_coeffs[i, o, d] * T_d(tanh x_i)
//
// (torch.einsum('bid,iod->bo')), no bias and no base branch. Parameter `cheby_coeffs`
// [in, out, D+1], initialized normal(0, 1/(in (D+1))) as ChebyKAN. The Chebyshev basis runs on
// the fused kernel of @basiskit/kernels (recurrence T_{d+1} = 2 t T_d - T_{d-1}, equal to
// ChebyKAN's cos(d acos t) and with a finite derivative at |t| = 1).
import { chebyshevBasis } from '@basiskit/kernels';
import { Module, checkNumber, checkOptions, checkTensor, createRng, init, tf, type Parameter, type Rng } from '@basiskit/tensor';

/** Options of {@link ChebyKANLayer} (ChebyKAN's constructor arguments, camelCase). */
export interface ChebyKANLayerOptions {
  inputDim: number;
  outputDim: number;
  /** Highest Chebyshev degree D (D + 1 coefficients per edge). */
  degree: number;
  /** Seed of the initialization (ignored when `rng` is given). Default 0. */
  seed?: number;
  /** Generator of the initialization. */
  rng?: Rng;
}

/** ChebyKAN's layer (see the file header): x [..., inputDim] -> [..., outputDim]. */
export class ChebyKANLayer extends Module {
  readonly inputDim: number;
  readonly outputDim: number;
  readonly degree: number;
  /** The coefficients [in, out, degree+1] (ChebyKAN's `cheby_coeffs`). */
  readonly cheby_coeffs: Parameter;

  constructor(options: ChebyKANLayerOptions) {
    super();
    const where = 'ChebyKANLayer';
    const o = checkOptions(options, { where, known: ['inputDim', 'outputDim', 'degree', 'seed', 'rng'] });
    this.inputDim = checkNumber(o.inputDim, { where, argument: 'inputDim', integer: true, min: 1 });
    this.outputDim = checkNumber(o.outputDim, { where, argument: 'outputDim', integer: true, min: 1 });
    this.degree = checkNumber(o.degree, { where, argument: 'degree', integer: true, min: 0 });
    const rng = o.rng ?? createRng(checkNumber(o.seed ?? 0, { where, argument: 'seed', integer: true, min: 0 }));
    const n = this.degree + 1;
    this.cheby_coeffs = this.registerParameter('cheby_coeffs', init.normal([this.inputDim, this.outputDim, n], { rng, mean: 0, std: 1 / (this.inputDim * n) }));
  }

  /** x [..., inputDim] (float32) -> [..., outputDim]. */
  forward(x: tf.Tensor): tf.Tensor {
    checkTensor(x, { where: this.where('forward'), dtype: 'float32', minRank: 1, lastDim: this.inputDim });
    return tf.tidy(() => {
      const lead = x.shape.slice(0, -1);
      const rows = x.size / this.inputDim;
      const n = this.degree + 1;
      const basis = tf.reshape(chebyshevBasis(tf.reshape(x, [rows, this.inputDim]), { degree: this.degree }), [rows, this.inputDim * n]);
      // cheby_coeffs [in, out, D+1] -> [in, D+1, out] -> [in*(D+1), out], row i*(D+1) + d
      const w = tf.reshape(tf.transpose(this.cheby_coeffs.value, [0, 2, 1]), [this.inputDim * n, this.outputDim]);
      return tf.reshape(tf.matMul(basis, w), [...lead, this.outputDim]);
    });
  }
}
