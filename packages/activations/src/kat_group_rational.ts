// KAT's group rational activation (GR-KAN), as KAT_Group in Adamdad/rational_kat_cu:
//   y[..., c] = P_g(x)/Q_g(x),  g = floor(c / (channels / groups)),
//   P_g = sum_{j=0..5} a[g', j] x^j (g' = 0 when the numerator is shared),
//   Q_g = 1 + sum_{k=1..4} |b[g, k-1]| |x|^k              (rational_activations version A)
// Parameters `weight_numerator` [1 or groups, 6] and `weight_denominator` [groups, 4]; the
// fused kernel of @basiskit/kernels computes forward and backward.
import { groupRational } from '@basiskit/kernels';
import { ConfigError, Module, checkDim, checkInt, checkTensor, tf } from '@basiskit/tensor';
import { rationalInit, type RationalInitName } from './rational_init';

/** Options of {@link KATGroupRational}. */
export interface KATGroupRationalOptions {
  /** Channels of the input's last axis. */
  channels: number;
  /** Groups sharing one denominator (and numerator unless shared). Default 8. */
  groups?: number;
  /**
   * Starting function, fitted by this library for version A with degrees 5/4 (not KAT's
   * version-B gelu table), or explicit coefficients. Default 'identity'.
   */
  init?: RationalInitName | { numerator: number[]; denominator: number[] };
  /** One numerator for all groups (KAT_Group's layout). Default true. */
  sharedNumerator?: boolean;
  /** Whether the coefficients are learned. Default true. */
  trainable?: boolean;
}

/** KAT's GR-KAN activation module (see the file header). */
export class KATGroupRational extends Module {
  readonly channels: number;
  readonly groups: number;
  readonly sharedNumerator: boolean;
  readonly weight_numerator;
  readonly weight_denominator;

  constructor(options: KATGroupRationalOptions) {
    super();
    checkInt(options?.channels, 1, 'KATGroupRational', 'channels');
    const groups = options.groups ?? 8;
    checkInt(groups, 1, 'KATGroupRational', 'groups');
    if (options.channels % groups !== 0) {
      throw new ConfigError('channels not divisible by groups', {
        where: 'KATGroupRational',
        argument: 'groups',
        expected: `a divisor of channels (${options.channels})`,
        got: String(groups),
      });
    }
    this.channels = options.channels;
    this.groups = groups;
    this.sharedNumerator = options.sharedNumerator ?? true;
    const init = options.init ?? 'identity';
    const c = typeof init === 'string' ? rationalInit(init, 'A', [5, 4]) : init;
    if (c.numerator.length !== 6 || c.denominator.length !== 4) {
      throw new ConfigError('init coefficients do not match degrees 5/4', {
        where: 'KATGroupRational',
        argument: 'init',
        expected: '6 numerator and 4 denominator coefficients',
        got: `${c.numerator.length} and ${c.denominator.length}`,
      });
    }
    const trainable = options.trainable ?? true;
    const numRows = this.sharedNumerator ? 1 : groups;
    this.weight_numerator = this.registerParameter(
      'weight_numerator',
      tf.tidy(() => tf.tile(tf.tensor2d([c.numerator]), [numRows, 1])),
      { trainable },
    );
    this.weight_denominator = this.registerParameter(
      'weight_denominator',
      tf.tidy(() => tf.tile(tf.tensor2d([c.denominator]), [groups, 1])),
      { trainable },
    );
  }

  /** `x` [..., channels]. */
  forward(x: tf.Tensor): tf.Tensor {
    checkTensor(x, { where: this.where('forward'), dtype: 'float32' });
    checkDim(x, -1, this.channels, this.where('forward'));
    return groupRational(x, this.weight_numerator.value, this.weight_denominator.value);
  }
}
