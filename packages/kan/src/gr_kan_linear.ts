// KAT's GR-KAN layer (Yang & Wang, "Kolmogorov-Arnold Transformer", ICLR 2025; github.com/Adamdad/kat,
// the first half of the `KAN` module in katransformer.py: act1 -> drop1 -> fc1):
//
//   y = F(x) W^T + b,   F the group rational of KAT_Group: F(x)[..., c] = P_g(x_c) / Q_g(x_c),
//   P_g = sum_{j=0..5} a_j x^j,  Q_g = 1 + sum_{k=1..4} |b_{g,k}| |x|^k,  g = group of channel c,
//
// one rational per group of input channels (numerator shared across groups, as KAT_Group) instead
// of one function per edge. Variance-preserving init (KAT, section 4.3): with x ~ N(0, 1) the
// linear weight is drawn N(0, gain / fan_in), gain = 1 / E[F(x)^2], computed here by quadrature
// for the starting function the rational actually has (so 1 for identity, about 2.36 for gelu);
// bias 0. This is what KAT's `init_weights_vit_kan_*` intends with kaiming_normal(fan_in,
// nonlinearity = 'linear' / 'gelu') on fc1 / fc2 (its code then overwrites those draws with
// trunc_normal(0.02) in the `else` branch of the qkv test; we keep the paper's init).
// State-dict names as KAT: `act1.weight_numerator`, `act1.weight_denominator`, `fc1.weight`
// [out, in] (PyTorch nn.Linear layout, @basiskit/tensor's Linear with `std`), `fc1.bias` [out].
import { KATGroupRational, variancePreservingGain, type RationalInitName } from '@basiskit/activations';
import { groupRational } from '@basiskit/kernels';
import { ConfigError, Linear, Module, checkNumber, checkOptions, checkTensor, createRng, tf, type Rng } from '@basiskit/tensor';

/** Starting function of a group rational: a fitted name or explicit version-A coefficients (6 and 4). */
export type GRKANInit = RationalInitName | { numerator: number[]; denominator: number[] };

/** Options of {@link GRKANLinear} (KAT's argument names, camelCase). */
export interface GRKANLinearOptions {
  inFeatures: number;
  outFeatures: number;
  /** Groups of input channels sharing one rational (KAT_Group's `num_groups`). Default 8. */
  groups?: number;
  /** Starting function of the rational (KAT_Group's `mode`). Default 'gelu'. */
  init?: GRKANInit;
  /** One numerator for all groups (KAT_Group's layout). Default true. */
  sharedNumerator?: boolean;
  /** Learn a bias `fc1.bias`. Default true. */
  bias?: boolean;
  /** Dropout probability between the rational and the linear map (KAT's `drop1`). Default 0. */
  drop?: number;
  /** Seed of the initialization and dropout (ignored when `rng` is given). Default 0. */
  seed?: number;
  /** Generator of the initialization and dropout. */
  rng?: Rng;
}

const KNOWN = ['inFeatures', 'outFeatures', 'groups', 'init', 'sharedNumerator', 'bias', 'drop', 'seed', 'rng'];

/** Checks a group count that must divide `channels` (the option named `channelsName`). */
export function checkGroups(v: unknown, channels: number, where: string, argument: string, channelsName: string): number {
  const g = checkNumber(v, { where, argument, integer: true, min: 1 });
  if (channels % g !== 0) {
    throw new ConfigError(`${channelsName} not divisible by groups`, {
      where,
      argument,
      expected: `a divisor of ${channelsName} (${channels})`,
      got: String(g),
    });
  }
  return g;
}

/** Checks a dropout probability in [0, 1). */
export function checkDrop(v: unknown, where: string): number {
  return checkNumber(v, { where, argument: 'drop', min: 0, lt: 1 });
}

/**
 * KAT's variance-preserving gain `1 / E[F(x)^2]` (x ~ N(0, 1)) of a group rational's starting
 * function, read from its first group's coefficients (all groups start equal).
 */
export function groupRationalGain(act: KATGroupRational): number {
  const [num, den] = tf.tidy(() => [tf.slice(act.weight_numerator.value, [0, 0], [1, -1]), tf.slice(act.weight_denominator.value, [0, 0], [1, -1])]);
  try {
    return variancePreservingGain((x) => tf.reshape(groupRational(tf.reshape(x, [-1, 1]), num, den), [-1]));
  } finally {
    tf.dispose([num, den]);
  }
}

/** `tf.dropout` in training mode with a seed drawn from `rng` (identity when p = 0 or not training). */
export function seededDropout(x: tf.Tensor, p: number, training: boolean, rng: Rng): tf.Tensor {
  return p > 0 && training ? tf.dropout(x, p, undefined, rng.nextUint32()) : x;
}

/**
 * KAT's GR-KAN layer: a group rational over the input channels, then a linear map, with KAT's
 * variance-preserving init (see the file header). x [..., inFeatures] -> [..., outFeatures].
 *
 * @example
 * const layer = new GRKANLinear({ inFeatures: 64, outFeatures: 32, groups: 8, init: 'gelu', seed: 0 });
 * const y = layer.forward(x); // x [N, 64] -> y [N, 32]
 */
export class GRKANLinear extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly groups: number;
  readonly drop: number;
  /** `1 / E[F(x)^2]` of the starting rational F (the weight variance is gain / inFeatures). */
  readonly gain: number;
  /** The group rational (`act1`). */
  readonly act1: KATGroupRational;
  /** The linear map (`fc1`). */
  readonly fc1: Linear;
  private readonly rng: Rng;

  constructor(options: GRKANLinearOptions) {
    super();
    const where = 'GRKANLinear';
    const o = checkOptions(options, { where, known: KNOWN });
    this.inFeatures = checkNumber(o.inFeatures, { where, argument: 'inFeatures', integer: true, min: 1 });
    this.outFeatures = checkNumber(o.outFeatures, { where, argument: 'outFeatures', integer: true, min: 1 });
    this.groups = checkGroups(o.groups ?? 8, this.inFeatures, where, 'groups', 'inFeatures');
    this.drop = checkDrop(o.drop ?? 0, where);
    this.rng = o.rng ?? createRng(checkNumber(o.seed ?? 0, { where, argument: 'seed', integer: true, min: 0 }));
    const act1 = new KATGroupRational({ channels: this.inFeatures, groups: this.groups, init: o.init ?? 'gelu', sharedNumerator: o.sharedNumerator ?? true });
    try {
      this.gain = groupRationalGain(act1);
    } catch (e) {
      act1.dispose();
      throw e;
    }
    this.act1 = this.registerModule('act1', act1);
    const std = Math.sqrt(this.gain / this.inFeatures);
    this.fc1 = this.registerModule('fc1', new Linear({ inFeatures: this.inFeatures, outFeatures: this.outFeatures, bias: o.bias ?? true, std, rng: this.rng }));
  }

  /** x [..., inFeatures] (float32) -> [..., outFeatures]. */
  forward(x: tf.Tensor): tf.Tensor {
    checkTensor(x, { where: this.where('forward'), dtype: 'float32', minRank: 1, lastDim: this.inFeatures });
    return tf.tidy(() => {
      const lead = x.shape.slice(0, -1);
      const h = seededDropout(this.act1.forward(tf.reshape(x, [x.size / this.inFeatures, this.inFeatures])), this.drop, this.training, this.rng);
      return tf.reshape(this.fc1.forward(h), [...lead, this.outFeatures]);
    });
  }
}
