// Rational (Padé) activations, rational_activations' versions A, B and C:
//
//   y = P(x) / Q(x),   P(x) = sum_{j=0..m} a_j x^j
//   A: Q = 1   + sum_{k=1..n} |b_k| |x|^k          (safe PAU; KAT's formula)
//   B: Q = 1   + | sum_{k=1..n} b_k x^k |
//   C: Q = 0.1 + | sum_{k=0..n-1} b_k x^k |
//
// Source: Molina et al., "Padé Activation Units" (ICLR 2020), and the ml-research/
// rational_activations implementation (Rational_PYTORCH_{A,B,C}_F). Version A runs on the fused
// group-rational kernel of @basiskit/kernels; B and C are plain ops. |v| is written
// v * sign(v) so d|v|/dv = sign(v) with sign(0) = 0, as PyTorch.
import { groupRational } from '@basiskit/kernels';
import { ConfigError, Module, ShapeError, checkDim, checkInt, formatShape, tf } from '@basiskit/tensor';
import { rationalInit, type RationalInitName } from './rational_init';

/** Which denominator: see the file header. */
export type RationalVersion = 'A' | 'B' | 'C';

const VERSIONS: RationalVersion[] = ['A', 'B', 'C'];

function absSign0(v: tf.Tensor): tf.Tensor {
  return tf.mul(v, tf.sign(v));
}

/** Column j of a [rows, k] table as [rows] (rows = 1 broadcasts as a scalar per element). */
function column(table: tf.Tensor, j: number): tf.Tensor {
  return tf.reshape(tf.slice(table, [0, j], [table.shape[0] as number, 1]), [table.shape[0] as number]);
}

/** sum_j c[:, j] v^(j + offset) (offset 0 or 1), by Horner; c is [1 or C, k], v is [..., C]. */
function polynomial(v: tf.Tensor, c: tf.Tensor, offset: 0 | 1): tf.Tensor {
  const k = c.shape[1] as number;
  let s = column(c, k - 1);
  for (let j = k - 2; j >= 0; j--) s = tf.add(tf.mul(s, v), column(c, j));
  return offset === 0 ? s : tf.mul(s, v);
}

/**
 * Rational activation `P(x)/Q(x)` (versions A, B, C; see the file header), channels last.
 * `numerator` is [m+1] (shared) or [C, m+1] (per channel); `denominator` is [n] or [C, n].
 */
export function rational(
  x: tf.Tensor,
  numerator: tf.Tensor,
  denominator: tf.Tensor,
  options: { version?: RationalVersion } = {},
): tf.Tensor {
  const version = options.version ?? 'A';
  if (!VERSIONS.includes(version)) {
    throw new ConfigError('unknown version', { where: 'rational', argument: 'version', expected: "'A', 'B' or 'C'", got: String(version) });
  }
  if (numerator.rank !== denominator.rank || numerator.rank < 1 || numerator.rank > 2) {
    throw new ShapeError('numerator and denominator must both be [k] or both [C, k]', {
      where: 'rational',
      argument: 'numerator/denominator',
      got: `${formatShape(numerator.shape)} and ${formatShape(denominator.shape)}`,
    });
  }
  return tf.tidy(() => {
    const a = numerator.rank === 1 ? tf.reshape(numerator, [1, -1]) : numerator;
    const b = denominator.rank === 1 ? tf.reshape(denominator, [1, -1]) : denominator;
    if (version === 'A') return groupRational(x, a, b);
    const p = polynomial(x, a, 0);
    const s = version === 'B' ? polynomial(x, b, 1) : polynomial(x, b, 0);
    return tf.div(p, tf.add(absSign0(s), version === 'B' ? 1 : 0.1));
  });
}

/** Options of {@link Rational}. */
export interface RationalOptions {
  /** Degree m of the numerator (m+1 coefficients). Default 5. */
  numeratorDegree?: number;
  /** Degree n of the denominator (n coefficients). Default 4. */
  denominatorDegree?: number;
  /** Denominator form, default `'A'` (see {@link rational}). */
  version?: RationalVersion;
  /**
   * Starting function, fitted by this library for this version and these degrees
   * (`fitRational` on [-3, 3]), or explicit coefficients. Default `'leaky_relu'`
   * (rational_activations' default).
   */
  init?: RationalInitName | { numerator: number[]; denominator: number[] };
  /** One set of coefficients per channel (channels last) instead of one shared set. */
  channels?: number;
  /** Whether the coefficients are learned. Default true. */
  trainable?: boolean;
}

/**
 * Learnable rational activation (PAU), rational_activations' `Rational`: parameters
 * `numerator` [m+1] and `denominator` [n] (or [channels, ·] per channel).
 */
export class Rational extends Module {
  readonly version: RationalVersion;
  readonly channels?: number;
  readonly numerator;
  readonly denominator;

  constructor(options: RationalOptions = {}) {
    super();
    const m = options.numeratorDegree ?? 5;
    const n = options.denominatorDegree ?? 4;
    checkInt(m, 0, 'Rational', 'numeratorDegree');
    checkInt(n, 1, 'Rational', 'denominatorDegree');
    this.version = options.version ?? 'A';
    if (!VERSIONS.includes(this.version)) {
      throw new ConfigError('unknown version', { where: 'Rational', argument: 'version', expected: "'A', 'B' or 'C'", got: String(this.version) });
    }
    if (options.channels !== undefined) checkInt(options.channels, 1, 'Rational', 'channels');
    this.channels = options.channels;
    const init = options.init ?? 'leaky_relu';
    const coeffs = typeof init === 'string' ? rationalInit(init, this.version, [m, n]) : init;
    if (coeffs.numerator.length !== m + 1 || coeffs.denominator.length !== n) {
      throw new ConfigError('init coefficients do not match the degrees', {
        where: 'Rational',
        argument: 'init',
        expected: `${m + 1} numerator and ${n} denominator coefficients`,
        got: `${coeffs.numerator.length} and ${coeffs.denominator.length}`,
      });
    }
    const table = (c: number[]) =>
      this.channels === undefined ? tf.tensor1d(c) : tf.tile(tf.tensor2d([c]), [this.channels, 1]);
    const trainable = options.trainable ?? true;
    this.numerator = this.registerParameter('numerator', tf.tidy(() => table(coeffs.numerator)), { trainable });
    this.denominator = this.registerParameter('denominator', tf.tidy(() => table(coeffs.denominator)), { trainable });
  }

  /** `x` [..., channels] (any shape when shared). */
  forward(x: tf.Tensor): tf.Tensor {
    if (this.channels !== undefined) checkDim(x, -1, this.channels, this.where('forward'));
    return rational(x, this.numerator.value, this.denominator.value, { version: this.version });
  }
}

/** Alias of {@link Rational}: Padé Activation Unit (the PAU paper's name). */
export const PAU = Rational;
/** Alias of {@link Rational}'s instance type. */
export type PAU = Rational;
