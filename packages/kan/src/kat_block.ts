// KAT's channel mixer, the `KAN` module of Adamdad/kat katransformer.py (the transformer MLP
// replaced by two GR-KAN layers; Yang & Wang, "Kolmogorov-Arnold Transformer", ICLR 2025):
//
//   y = fc2(drop2(act2(fc1(drop1(act1(x))))))
//
// act1 a group rational starting as the identity (KAT fixes mode="identity"), act2 one starting
// as `actInit` (KAT's `act_init`, default gelu), fc1/fc2 linear maps in nn.Linear layout
// (@basiskit/tensor's Linear).
// Variance-preserving init: fc_i weight ~ N(0, gain_i / fan_in) with gain_i = 1 / E[act_i(x)^2],
// x ~ N(0, 1), computed for the rational's actual starting function; biases 0. With unit-variance
// inputs the output then has about unit variance. State-dict names are KAT's: `act1.weight_numerator`,
// `act1.weight_denominator`, `fc1.weight`, `fc1.bias`, `act2.*`, `fc2.*` — a KAT checkpoint's
// `blocks.<i>.mlp.*` entries load into a KATBlock by stripping that prefix.
// (This is KAT's MLP sub-module, not its whole transformer `Block` with attention and norms.)
import { KATGroupRational } from '@basiskit/activations';
import { ConfigError, Linear, Module, checkNumber, checkOptions, checkTensor, createRng, show, tf, type Rng } from '@basiskit/tensor';
import { checkDrop, checkGroups, groupRationalGain, seededDropout, type GRKANInit } from './gr_kan_linear';

/** Options of {@link KATBlock} (KAT's `KAN` constructor arguments, camelCase, same defaults). */
export interface KATBlockOptions {
  inFeatures: number;
  /** Hidden width. Default inFeatures. */
  hiddenFeatures?: number;
  /** Output width. Default inFeatures. */
  outFeatures?: number;
  /** Groups of each rational (KAT_Group's `num_groups`); divides inFeatures and hiddenFeatures. Default 8. */
  groups?: number;
  /** Starting function of act2 (KAT's `act_init`). Default 'gelu'. */
  actInit?: GRKANInit;
  /** One numerator for all groups in each rational (KAT_Group's layout). Default true. */
  sharedNumerator?: boolean;
  /** Biases of fc1 and fc2 (one value for both, or a pair, as KAT's to_2tuple). Default true. */
  bias?: boolean | readonly [boolean, boolean];
  /** Dropout after act1 and after act2 (one value or a pair). Default 0. */
  drop?: number | readonly [number, number];
  /** Seed of the initialization and dropout (ignored when `rng` is given). Default 0. */
  seed?: number;
  /** Generator of the initialization and dropout. */
  rng?: Rng;
}

const KNOWN = ['inFeatures', 'hiddenFeatures', 'outFeatures', 'groups', 'actInit', 'sharedNumerator', 'bias', 'drop', 'seed', 'rng'];

function pair<T>(v: T | readonly [T, T], where: string, argument: string): [T, T] {
  if (!Array.isArray(v)) return [v as T, v as T];
  if (v.length !== 2) throw new ConfigError('invalid value', { where, argument, expected: 'one value or a pair', got: show(v) });
  return [v[0], v[1]];
}

/**
 * KAT's GR-KAN MLP (`rational -> linear -> rational -> linear`, see the file header):
 * x [..., inFeatures] -> [..., outFeatures].
 *
 * @example
 * const mlp = new KATBlock({ inFeatures: 192, hiddenFeatures: 768, groups: 8, seed: 0 });
 * const y = mlp.forward(tokens); // [B, L, 192] -> [B, L, 192]
 */
export class KATBlock extends Module {
  readonly inFeatures: number;
  readonly hiddenFeatures: number;
  readonly outFeatures: number;
  readonly groups: number;
  /** Dropout probabilities after act1 and act2. */
  readonly drop: readonly [number, number];
  /** Variance-preserving gains `1 / E[act_i(x)^2]` of act1 and act2 at init. */
  readonly gains: readonly [number, number];
  readonly act1: KATGroupRational;
  readonly fc1: Linear;
  readonly act2: KATGroupRational;
  readonly fc2: Linear;
  private readonly rng: Rng;

  constructor(options: KATBlockOptions) {
    super();
    const where = 'KATBlock';
    const o = checkOptions(options, { where, known: KNOWN });
    const count = (argument: string, v: unknown) => checkNumber(v, { where, argument, integer: true, min: 1 });
    this.inFeatures = count('inFeatures', o.inFeatures);
    this.hiddenFeatures = count('hiddenFeatures', o.hiddenFeatures ?? this.inFeatures);
    this.outFeatures = count('outFeatures', o.outFeatures ?? this.inFeatures);
    this.groups = checkGroups(o.groups ?? 8, this.inFeatures, where, 'groups', 'inFeatures');
    checkGroups(this.groups, this.hiddenFeatures, where, 'groups', 'hiddenFeatures');
    const drops = pair(o.drop ?? 0, where, 'drop');
    this.drop = [checkDrop(drops[0], where), checkDrop(drops[1], where)];
    const [bias1, bias2] = pair(o.bias ?? true, where, 'bias');
    this.rng = o.rng ?? createRng(checkNumber(o.seed ?? 0, { where, argument: 'seed', integer: true, min: 0 }));
    const sharedNumerator = o.sharedNumerator ?? true;
    const act1 = new KATGroupRational({ channels: this.inFeatures, groups: this.groups, init: 'identity', sharedNumerator });
    let act2: KATGroupRational | null = null;
    try {
      act2 = new KATGroupRational({ channels: this.hiddenFeatures, groups: this.groups, init: o.actInit ?? 'gelu', sharedNumerator });
      this.gains = [groupRationalGain(act1), groupRationalGain(act2)];
    } catch (e) {
      act1.dispose();
      act2?.dispose();
      throw e;
    }
    // registration order = KAT's state-dict order (fc1, act1, act2, fc2 there; names are what matter)
    this.fc1 = this.registerModule(
      'fc1',
      new Linear({
        inFeatures: this.inFeatures,
        outFeatures: this.hiddenFeatures,
        bias: bias1,
        std: Math.sqrt(this.gains[0] / this.inFeatures),
        rng: this.rng,
      }),
    );
    this.act1 = this.registerModule('act1', act1);
    this.act2 = this.registerModule('act2', act2);
    this.fc2 = this.registerModule(
      'fc2',
      new Linear({
        inFeatures: this.hiddenFeatures,
        outFeatures: this.outFeatures,
        bias: bias2,
        std: Math.sqrt(this.gains[1] / this.hiddenFeatures),
        rng: this.rng,
      }),
    );
  }

  /** x [..., inFeatures] (float32) -> [..., outFeatures]. */
  forward(x: tf.Tensor): tf.Tensor {
    checkTensor(x, { where: this.where('forward'), dtype: 'float32', minRank: 1, lastDim: this.inFeatures });
    return tf.tidy(() => {
      const lead = x.shape.slice(0, -1);
      let h = seededDropout(this.act1.forward(tf.reshape(x, [x.size / this.inFeatures, this.inFeatures])), this.drop[0], this.training, this.rng);
      h = seededDropout(this.act2.forward(this.fc1.forward(h)), this.drop[1], this.training, this.rng);
      return tf.reshape(this.fc2.forward(h), [...lead, this.outFeatures]);
    });
  }
}
