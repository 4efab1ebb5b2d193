// neuralop's DomainPadding: zero-pads the spatial dims by a fraction of their size before the FNO
// blocks (so the FFT's periodicity does not wrap a non-periodic function onto itself) and crops
// the padding off afterwards:
//
//   p_j = round(domainPadding_j * n_j);  'symmetric': p_j zeros at both ends; 'one-sided': at the end
//   unpad: crop round(p_j * resolutionScalingFactor_j) from the same ends.
//
// neuralop 2.x pads symmetrically; its 1.x `domain_padding_mode='one-sided'` is kept as an option.
// As neuralop, pad records the crop of each resolution and unpad looks it up by shape.
// Source: neuraloperator/neuraloperator, neuralop/layers/padding.py (DomainPadding).
import { ConfigError, Module, checkOptions, checkTensor, numberOk, show, tf } from '@basiskit/tensor';

/** Where the zeros go: both ends of each spatial dim, or only its end. */
export type DomainPaddingMode = 'symmetric' | 'one-sided';

/** Options of {@link DomainPadding} (neuralop's constructor arguments, camelCase). */
export interface DomainPaddingOptions {
  /** Fraction of each spatial size to pad: one number for every dim, or one per dim. */
  domainPadding: number | number[];
  /** `'symmetric'` (default, neuralop 2.x) or `'one-sided'` (neuralop 1.x's option). */
  paddingMode?: DomainPaddingMode;
  /** Factor by which the blocks between pad and unpad change the resolution (one or per dim). Default 1. */
  resolutionScalingFactor?: number | number[] | null;
}

/** Options of {@link DomainPadding.pad} and {@link DomainPadding.unpad}. */
export interface DomainPaddingCallOptions {
  /** The input is channels-last `[B, ...S, C]` instead of neuralop's `[B, C, ...S]`. Default false. */
  channelsLast?: boolean;
}

/** neuralop's DomainPadding (see the file header). */
export class DomainPadding extends Module {
  readonly domainPadding: number | number[];
  readonly paddingMode: DomainPaddingMode;
  readonly resolutionScalingFactor: number | number[];
  /** Crops [before, after] per spatial dim, by the padded output's spatial sizes (neuralop's `_unpad_indices`). */
  private readonly crops = new Map<string, [number, number][]>();

  constructor(options: DomainPaddingOptions) {
    super();
    const where = 'DomainPadding';
    const o = checkOptions(options, { where, known: ['domainPadding', 'paddingMode', 'resolutionScalingFactor'] });
    const frac = o.domainPadding;
    const fracOk = (v: unknown) => numberOk(v, { min: 0 });
    if (!(fracOk(frac) || (Array.isArray(frac) && frac.length > 0 && frac.every(fracOk)))) {
      throw new ConfigError('invalid value', { where, argument: 'domainPadding', expected: 'a number >= 0 or an array of them', got: show(frac) });
    }
    this.domainPadding = Array.isArray(frac) ? [...frac] : (frac as number);
    const mode = o.paddingMode ?? 'symmetric';
    if (mode !== 'symmetric' && mode !== 'one-sided') {
      throw new ConfigError('invalid value', { where, argument: 'paddingMode', expected: 'one of "symmetric", "one-sided"', got: show(mode) });
    }
    this.paddingMode = mode;
    const rsf = o.resolutionScalingFactor ?? 1;
    const rsfOk = (v: unknown) => numberOk(v, { gt: 0 });
    if (!(rsfOk(rsf) || (Array.isArray(rsf) && rsf.length > 0 && rsf.every(rsfOk)))) {
      throw new ConfigError('invalid value', { where, argument: 'resolutionScalingFactor', expected: 'a number > 0 or an array of them', got: show(rsf) });
    }
    this.resolutionScalingFactor = Array.isArray(rsf) ? [...rsf] : (rsf as number);
  }

  private perDim(value: number | number[], n: number, argument: string, method: string): number[] {
    if (!Array.isArray(value)) return new Array<number>(n).fill(value);
    if (value.length !== n) {
      throw new ConfigError(`${argument} must have one entry per spatial dim`, {
        where: this.where(method),
        argument,
        expected: `${n} entries`,
        got: show(value),
      });
    }
    return value;
  }

  /** The zeros added before and after each spatial dim for an input of spatial sizes `sizes`. */
  padding(sizes: readonly number[]): [number, number][] {
    const frac = this.perDim(this.domainPadding, sizes.length, 'domainPadding', 'pad');
    return sizes.map((n, j) => {
      const p = Math.round(frac[j] * n);
      return this.paddingMode === 'symmetric' ? [p, p] : [0, p];
    });
  }

  private spatialAxes(x: tf.Tensor, channelsLast: boolean): number[] {
    return Array.from({ length: x.rank - 2 }, (_, i) => (channelsLast ? i + 1 : i + 2));
  }

  /** Zero-pads the spatial dims of x ([B, C, ...S], or [B, ...S, C] with `channelsLast`). */
  pad(x: tf.Tensor, options: DomainPaddingCallOptions = {}): tf.Tensor {
    const where = this.where('pad');
    checkTensor(x, { where, dtype: 'float32', minRank: 3 });
    const axes = this.spatialAxes(x, options.channelsLast ?? false);
    const pads = this.padding(axes.map((a) => x.shape[a]));
    const all: [number, number][] = x.shape.map(() => [0, 0]);
    axes.forEach((a, j) => (all[a] = pads[j]));
    // what unpad removes from the blocks' output: the padding scaled by the resolution factor
    const rsf = this.perDim(this.resolutionScalingFactor, axes.length, 'resolutionScalingFactor', 'pad');
    const outSizes = axes.map((a, j) => Math.round((x.shape[a] + pads[j][0] + pads[j][1]) * rsf[j]));
    this.crops.set(
      outSizes.join(','),
      pads.map(([lo, hi], j) => [Math.round(lo * rsf[j]), Math.round(hi * rsf[j])]),
    );
    return tf.pad(x, all);
  }

  /**
   * Crops the padding off x, whose spatial sizes are those of a padded input times
   * `resolutionScalingFactor` (as neuralop, the crop is looked up by that shape, recorded by
   * {@link DomainPadding.pad}).
   */
  unpad(x: tf.Tensor, options: DomainPaddingCallOptions = {}): tf.Tensor {
    const where = this.where('unpad');
    checkTensor(x, { where, dtype: 'float32', minRank: 3 });
    const axes = this.spatialAxes(x, options.channelsLast ?? false);
    const sizes = axes.map((a) => x.shape[a]);
    const crops = this.crops.get(sizes.join(','));
    if (!crops) {
      const known = [...this.crops.keys()].map((k) => `[${k}]`);
      throw new ConfigError('no padded input of this resolution went through pad()', {
        where,
        argument: 'x',
        expected: known.length ? `spatial sizes among ${known.join(', ')}` : 'a call of pad() first',
        got: `shape [${x.shape.join(', ')}]`,
      });
    }
    const begin = x.shape.map(() => 0);
    const size = [...x.shape];
    axes.forEach((a, j) => {
      begin[a] = crops[j][0];
      size[a] = x.shape[a] - crops[j][0] - crops[j][1];
    });
    return tf.slice(x, begin, size);
  }

  /** Same as {@link DomainPadding.pad} (neuralop's `forward` pads). */
  forward(x: tf.Tensor): tf.Tensor {
    return this.pad(x);
  }
}
