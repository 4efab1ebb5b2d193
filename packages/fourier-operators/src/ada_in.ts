// neuralop's AdaIN (adaptive instance normalization): an embedding e [embedDim], set beforehand
// with `setEmbedding`, is mapped by an MLP to a per-channel scale and shift, then
//
//   [weight, bias] = mlp(e)                 (mlp: Linear(embedDim, 512) -> GELU -> Linear(512, 2C))
//   y = (x - mean_{b,c}) / sqrt(var_{b,c} + eps) * weight[c] + bias[c]   (group norm, C groups)
//
// State keys (neuralop's): `mlp.0.weight`, `mlp.0.bias`, `mlp.2.weight`, `mlp.2.bias`.
// Source: neuraloperator/neuraloperator, neuralop/layers/normalization_layers.py (AdaIN).
import { getActivation } from '@basiskit/activations';
import { ConfigError, Linear, Module, checkDim, checkNumber, checkOptions, checkTensor, createRng, show, tf } from '@basiskit/tensor';
import { groupNormalize } from './group_norm';

/** A module mapping an embedding [embedDim] to [2 * inChannels] (the `mlp` option of {@link AdaIN}). */
export interface AdaINMlp extends Module {
  forward(embedding: tf.Tensor): tf.Tensor;
}

/** neuralop's default AdaIN MLP, `nn.Sequential(Linear(embedDim, hidden), GELU(), Linear(hidden, out))`: keys `0.*`, `2.*`. */
export class AdaINDefaultMlp extends Module implements AdaINMlp {
  private readonly act = getActivation('gelu');
  private readonly first: Linear;
  private readonly last: Linear;

  constructor(embedDim: number, hidden: number, out: number, seed: number) {
    super();
    const rng = createRng(seed);
    this.first = this.registerModule('0', new Linear({ inFeatures: embedDim, outFeatures: hidden, rng }));
    this.last = this.registerModule('2', new Linear({ inFeatures: hidden, outFeatures: out, rng }));
  }

  /** e [..., embedDim] -> [..., out]. */
  forward(embedding: tf.Tensor): tf.Tensor {
    return tf.tidy(() => this.last.forward(this.act(this.first.forward(embedding))));
  }
}

/** Options of {@link AdaIN} (neuralop's arguments, camelCase). */
export interface AdaINOptions {
  /** Size of the embedding. */
  embedDim: number;
  /** Channels C. */
  inChannels: number;
  /** Maps the embedding to [2C] (first C: weight, last C: bias). Default: neuralop's MLP with 512 hidden units. */
  mlp?: AdaINMlp | null;
  /** Added to the variance. Default 1e-5. */
  eps?: number;
  /** Seed of the default MLP's initialization. Default 0. */
  seed?: number;
}

/** neuralop's AdaIN (see the file header): `[B, C, ...S] -> [B, C, ...S]`, after `setEmbedding`. */
export class AdaIN extends Module {
  readonly embedDim: number;
  readonly inChannels: number;
  readonly eps: number;
  /** The embedding-to-(weight, bias) MLP (`mlp.*`). */
  readonly mlp: AdaINMlp;
  private embedding: tf.Tensor | null = null;

  constructor(options: AdaINOptions) {
    super();
    const where = 'AdaIN';
    const o = checkOptions(options, { where, known: ['embedDim', 'inChannels', 'mlp', 'eps', 'seed'] });
    this.embedDim = checkNumber(o.embedDim, { where, argument: 'embedDim', integer: true, min: 1 });
    this.inChannels = checkNumber(o.inChannels, { where, argument: 'inChannels', integer: true, min: 1 });
    this.eps = checkNumber(o.eps ?? 1e-5, { where, argument: 'eps', min: 0 });
    const seed = checkNumber(o.seed ?? 0, { where, argument: 'seed', integer: true, min: 0 });
    if (o.mlp !== undefined && o.mlp !== null && !(o.mlp instanceof Module)) {
      throw new ConfigError('invalid value', { where, argument: 'mlp', expected: 'a Module or null', got: show(o.mlp) });
    }
    this.mlp = this.registerModule('mlp', o.mlp ?? new AdaINDefaultMlp(this.embedDim, 512, 2 * this.inChannels, seed));
  }

  /** Sets the embedding (any shape of `embedDim` elements; copied, so the caller keeps its tensor). */
  setEmbedding(embedding: tf.Tensor): void {
    const where = this.where('setEmbedding');
    checkTensor(embedding, { where, dtype: 'float32' });
    if (embedding.size !== this.embedDim) {
      throw new ConfigError('wrong embedding size', {
        where,
        argument: 'embedding',
        expected: `${this.embedDim} elements`,
        got: `shape [${embedding.shape.join(', ')}]`,
      });
    }
    this.embedding?.dispose();
    this.embedding = tf.keep(tf.tidy(() => tf.reshape(embedding, [this.embedDim]).clone()));
  }

  /** x [B, C, ...S] -> normalized, same shape. */
  forward(x: tf.Tensor): tf.Tensor {
    return this.apply(x, false, 'forward');
  }

  /** The same on channels-last x [B, ...S, C]. */
  forwardLast(x: tf.Tensor): tf.Tensor {
    return this.apply(x, true, 'forwardLast');
  }

  /** Frees the parameters and the embedding. */
  override dispose(): void {
    this.embedding?.dispose();
    this.embedding = null;
    super.dispose();
  }

  private apply(x: tf.Tensor, channelsLast: boolean, method: string): tf.Tensor {
    const where = this.where(method);
    checkTensor(x, { where, dtype: 'float32', minRank: 3 });
    checkDim(x, channelsLast ? -1 : 1, this.inChannels, where);
    const embedding = this.embedding;
    if (!embedding) {
      throw new ConfigError('no embedding: call setEmbedding (or FNOBlocks.setAdaInEmbeddings) before forward', {
        where,
        argument: 'embedding',
        expected: `a tensor of ${this.embedDim} elements`,
        got: 'none',
      });
    }
    const c = this.inChannels;
    return tf.tidy(() => {
      const wb = tf.reshape(this.mlp.forward(embedding), [2 * c]);
      const shape = channelsLast ? [c] : [c, ...new Array<number>(x.rank - 2).fill(1)];
      const weight = tf.reshape(tf.slice(wb, [0], [c]), shape);
      const bias = tf.reshape(tf.slice(wb, [c], [c]), shape);
      return tf.add(tf.mul(groupNormalize(x, c, this.eps, channelsLast), weight), bias);
    });
  }
}
