// A factorized complex spectral weight, as neuraloperator's TFNO stores SpectralConv's weight
// [in, out, *modes]: tensorly-torch's ComplexTuckerTensor / ComplexCPTensor / ComplexTTTensor
// (tltorch/factorized_tensors/factorized_tensors.py, complex_factorized_tensors.py), created by
// `FactorizedTensor.new(shape, rank, factorization, fixed_rank_modes, dtype=cfloat)` and
// initialized by `.normal_(0, init_std)` (neuralop/layers/spectral_convolution.py).
//
// Parameters and state-dict keys (tltorch's names; tltorch keeps each complex tensor as one
// float tensor [..., 2] (torch.view_as_real), basiskit as `<name>.real` / `<name>.imag`):
//   Tucker  core.real/.imag [r_0..r_{n-1}], factors.factor_k.real/.imag [I_k, r_k]
//   CP      weights.real/.imag [R],          factors.factor_k.real/.imag [I_k, R]
//   TT      factors.factor_k.real/.imag [r_k, I_k, r_{k+1}]
// so a tltorch key `weight.factors.factor_0` [I, r, 2] is `weight.factors.factor_0.real` =
// `[..., 0]` and `.imag` = `[..., 1]`.
//
// Init (tltorch's normal_(0, std); a complex normal of std s has real and imaginary parts of
// std s/sqrt(2), as torch's complex normal_):
//   Tucker  core and factors ~ CN(0, s^2), s = (std / prod_k sqrt(r_k))^(1/(n+1))  -> std(W) = std
//   CP      weights = 1, factors ~ CN(0, s^2), s = (std / sqrt(R))^(1/n)           -> std(W) = std
//   TT      factors ~ CN(0, s^2), s = (std / prod_k r_k)^(1/n) (tltorch divides by prod r, not
//           its square root)                                                        -> std(W) = std / sqrt(prod_k r_k)
// Ranks: see factorization_rank.ts (tensorly's validate_*_rank). Reconstruction:
// tensor_decomposition.ts.
import type { ComplexTensor } from '@basiskit/kernels';
import { ConfigError, Module, checkNumber, checkOptions, createRng, formatShape, show, tf, type Parameter, type Rng } from '@basiskit/tensor';
import { FACTORIZATIONS, factorizedParameterCount, resolveRank, type Factorization, type FactorizationRank } from './factorization_rank';
import { cpToTensor, ttToTensor, tuckerToTensor } from './tensor_decomposition';

/** A complex parameter: two float32 {@link Parameter}s of one shape. */
export interface ComplexParameter {
  real: Parameter;
  imag: Parameter;
}

/** Options of {@link FactorizedSpectralWeight} (tltorch's `FactorizedTensor.new` arguments, camelCase). */
export interface FactorizedSpectralWeightOptions {
  /** Shape of the full complex tensor, `[in, out, ...modes]` for a SpectralConv weight. */
  shape: readonly number[];
  /** `'tucker'`, `'cp'` or `'tt'` (case-insensitive, as tltorch: `'Tucker'` is neuralop's TFNO default). */
  factorization: Factorization | 'Tucker' | 'CP' | 'TT';
  /**
   * A non-integer number is a fraction of the dense parameter count (Python float, TFNO's 0.1), an
   * integer the rank itself (Python int), `'same'` the fraction 1.0 (neuralop's default
   * `rank=1.0`), an array the rank per mode (see {@link resolveRank}).
   */
  rank: FactorizationRank;
  /** Standard deviation of the reconstructed tensor at init (neuralop's `init_std`). Default 1 (tltorch's `normal_`). */
  std?: number;
  /** Tucker only: modes kept at full rank (neuralop's `fixed_rank_modes`, `[0]` when `true`). Default none. */
  fixedRankModes?: readonly number[] | null;
  /** Seed of the initialization (ignored when `rng` is given). Default 0. */
  seed?: number;
  /** Generator of the initialization. */
  rng?: Rng;
}

/** tltorch's FactorList of complex factors: parameters `factor_0.real`, `factor_0.imag`, `factor_1.real`, ... */
export class FactorList extends Module {
  /** The factors in order. */
  readonly items: ComplexParameter[] = [];

  /** Appends a complex factor `factor_<i>` (takes ownership of both tensors). */
  push(real: tf.Tensor, imag: tf.Tensor): ComplexParameter {
    const p = this.registerComplexParameter(`factor_${this.items.length}`, real, imag);
    this.items.push(p);
    return p;
  }

  /** A FactorList holds parameters; it has no computation of its own. */
  forward(): never {
    throw new ConfigError('FactorList has no forward', { where: this.where('forward') });
  }
}

const complexValue = (p: ComplexParameter): ComplexTensor => ({ real: p.real.value, imag: p.imag.value });

/**
 * A complex tensor `shape` stored as a Tucker, CP or TT factorization with tensorly-torch's
 * ranks, parameter names and init (see the file header): the factorized weight of neuraloperator's
 * TFNO `SpectralConv`. {@link FactorizedSpectralWeight.toDense} reconstructs the full tensor,
 * differentiably with respect to every factor.
 *
 * @example
 * const w = new FactorizedSpectralWeight({ shape: [32, 32, 12, 7], factorization: 'tucker', rank: 0.1, std: 0.25 });
 * w.rank; // [17, 17, 6, 4], as tensorly
 * w.parameterCount; // 16248 (complex counted as 2)
 * const { real, imag } = w.toDense(); // [32, 32, 12, 7] each
 */
export class FactorizedSpectralWeight extends Module {
  /** Shape of the full tensor. */
  readonly shape: readonly number[];
  /** The factorization (lower case). */
  readonly factorization: Factorization;
  /** The resolved rank: per mode for Tucker, `[1, r_1, ..., r_{n-1}, 1]` for TT, one number for CP. */
  readonly rank: number | readonly number[];
  /** Standard deviation asked for at init. */
  readonly std: number;
  /** Tucker's core `[r_0, ..., r_{n-1}]` (`core.real`, `core.imag`); null otherwise. */
  readonly core: ComplexParameter | null = null;
  /** CP's weights `[R]` (`weights.real`, `weights.imag`); null otherwise. */
  readonly weights: ComplexParameter | null = null;
  /** The factors (`factors.factor_<k>.real/.imag`): Tucker `[I_k, r_k]`, CP `[I_k, R]`, TT `[r_k, I_k, r_{k+1}]`. */
  readonly factors: FactorList;

  constructor(options: FactorizedSpectralWeightOptions) {
    super();
    const where = 'FactorizedSpectralWeight';
    const o = checkOptions(options, { where, known: ['shape', 'factorization', 'rank', 'std', 'fixedRankModes', 'seed', 'rng'] });
    const shape = o.shape;
    if (!Array.isArray(shape) || shape.length < 2 || !shape.every((s) => Number.isInteger(s) && s >= 1)) {
      throw new ConfigError('invalid shape', {
        where,
        argument: 'shape',
        expected: 'an array of at least 2 integers >= 1 ([in, out, ...modes])',
        got: show(shape),
      });
    }
    const fact = typeof o.factorization === 'string' ? (o.factorization.toLowerCase() as Factorization) : o.factorization;
    if (!FACTORIZATIONS.includes(fact as Factorization)) {
      throw new ConfigError('unknown factorization', {
        where,
        argument: 'factorization',
        expected: `one of ${FACTORIZATIONS.map(show).join(', ')}`,
        got: show(o.factorization),
      });
    }
    if (o.rank === undefined)
      throw new ConfigError('missing rank', {
        where,
        argument: 'rank',
        expected: 'a fraction in (0, 1], an integer >= 1, "same" or an array of ranks',
        got: 'undefined',
      });
    this.std = checkNumber(o.std ?? 1, { where, argument: 'std', min: 0 });
    const rng = o.rng ?? createRng(checkNumber(o.seed ?? 0, { where, argument: 'seed', integer: true }));
    this.shape = [...shape];
    this.factorization = fact as Factorization;
    this.rank = resolveRank(this.shape, this.factorization, o.rank, { fixedRankModes: o.fixedRankModes, where });

    const n = this.shape.length;
    // complex normal of std s: real and imaginary parts of std s / sqrt(2), as torch's normal_
    const cnormal = (dims: number[], s: number): [tf.Tensor, tf.Tensor] => [
      rng.normalTensor(dims, 0, s / Math.SQRT2),
      rng.normalTensor(dims, 0, s / Math.SQRT2),
    ];
    if (this.factorization === 'tucker') {
      const r = this.rank as number[];
      const s = (this.std / r.reduce((a, x) => a * Math.sqrt(x), 1)) ** (1 / (n + 1));
      this.core = this.registerComplexParameter('core', ...cnormal(r, s));
      this.factors = this.registerModule('factors', new FactorList());
      this.shape.forEach((size, k) => this.factors.push(...cnormal([size, r[k]], s)));
    } else if (this.factorization === 'cp') {
      const r = this.rank as number;
      const s = (this.std / Math.sqrt(r)) ** (1 / n);
      this.weights = this.registerComplexParameter('weights', tf.ones([r]), tf.zeros([r]));
      this.factors = this.registerModule('factors', new FactorList());
      for (const size of this.shape) this.factors.push(...cnormal([size, r], s));
    } else {
      const r = this.rank as number[];
      const s = (this.std / r.reduce((a, x) => a * x, 1)) ** (1 / n);
      this.factors = this.registerModule('factors', new FactorList());
      this.shape.forEach((size, k) => this.factors.push(...cnormal([r[k], size, r[k + 1]], s)));
    }
  }

  /** Real parameters (complex counted as 2): what neuralop's parameter count reports for this weight. */
  get parameterCount(): number {
    return factorizedParameterCount(this.shape, this.factorization, this.rank);
  }

  /**
   * The full complex tensor `shape` from the factors (tensorly's `*_to_tensor`), differentiable
   * with respect to every factor. The caller disposes both tensors.
   */
  toDense(): ComplexTensor {
    this.assertLive('toDense');
    const factors = this.factors.items.map(complexValue);
    if (this.factorization === 'tucker') return tuckerToTensor(complexValue(this.core as ComplexParameter), factors);
    if (this.factorization === 'cp') return cpToTensor(complexValue(this.weights as ComplexParameter), factors);
    return ttToTensor(factors);
  }

  /** The full tensor as one float32 tensor `[...shape, 2]` (real, imaginary; torch's `view_as_real` of tltorch's `to_tensor()`). */
  forward(): tf.Tensor {
    return tf.tidy(() => {
      const { real, imag } = this.toDense();
      return tf.stack([real, imag], -1);
    });
  }

  /** `FactorizedSpectralWeight(tucker, shape [32, 32, 12, 7], rank [17, 17, 6, 4])`. */
  override toString(): string {
    return `FactorizedSpectralWeight(${this.factorization}, shape ${formatShape(this.shape)}, rank ${show(this.rank)})`;
  }
}
