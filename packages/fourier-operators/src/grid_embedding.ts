// neuralop's GridEmbeddingND: appends the coordinates of a regular grid as `dim` extra channels,
//
//   out = concat([x, X_1, ..., X_dim], axis 1),  X_j[b, 0, c_1, ..., c_dim] = start_j + (stop_j - start_j) c_j / n_j
//
// (torch.linspace(start, stop, n + 1)[:-1] per dim, meshgrid 'ij': the endpoint `stop` is left
// out, as for a periodic domain). No parameters. The grid is rebuilt per call (cheap; no cached
// tensor to leak).
// Source: neuraloperator/neuraloperator, neuralop/layers/embeddings.py (GridEmbeddingND, regular_grid_nd).
import { ConfigError, Module, checkNumber, checkOptions, checkTensor, show, tf } from '@basiskit/tensor';

/** Options of {@link GridEmbeddingND} (neuralop's constructor arguments, camelCase). */
export interface GridEmbeddingNDOptions {
  /** Channels of the input. */
  inChannels: number;
  /** Number of spatial dims. Default 2. */
  dim?: number;
  /** `[start, stop]` of the grid along each spatial dim (length `dim`). Default `[[0, 1], ...]`. */
  gridBoundaries?: [number, number][];
}

/** neuralop's GridEmbeddingND (see the file header): `[B, C, ...S] -> [B, C + dim, ...S]`. */
export class GridEmbeddingND extends Module {
  readonly inChannels: number;
  readonly dim: number;
  readonly gridBoundaries: [number, number][];

  constructor(options: GridEmbeddingNDOptions) {
    super();
    const where = 'GridEmbeddingND';
    const o = checkOptions(options, { where, known: ['inChannels', 'dim', 'gridBoundaries'] });
    this.inChannels = checkNumber(o.inChannels, { where, argument: 'inChannels', integer: true, min: 1 });
    this.dim = checkNumber(o.dim ?? 2, { where, argument: 'dim', integer: true, min: 1 });
    const gb = o.gridBoundaries ?? Array.from({ length: this.dim }, () => [0, 1] as [number, number]);
    const ok =
      Array.isArray(gb) &&
      gb.length === this.dim &&
      gb.every((p) => Array.isArray(p) && p.length === 2 && p.every((v) => typeof v === 'number' && Number.isFinite(v)));
    if (!ok) {
      throw new ConfigError('invalid value', {
        where,
        argument: 'gridBoundaries',
        expected: `${this.dim} pairs [start, stop] of finite numbers`,
        got: show(gb),
      });
    }
    this.gridBoundaries = gb.map(([a, b]) => [a, b]);
  }

  /** Channels of the output, `inChannels + dim`. */
  get outChannels(): number {
    return this.inChannels + this.dim;
  }

  /** The coordinate channels for spatial sizes `sizes`: `[1, dim, ...sizes]` float32. */
  grid(sizes: readonly number[]): tf.Tensor {
    const total = sizes.reduce((a, b) => a * b, 1);
    const data = new Float32Array(this.dim * total);
    const strides = sizes.map((_, j) => sizes.slice(j + 1).reduce((a, b) => a * b, 1));
    for (let j = 0; j < this.dim; j++) {
      const [start, stop] = this.gridBoundaries[j];
      const n = sizes[j];
      for (let flat = 0; flat < total; flat++) {
        const c = Math.floor(flat / strides[j]) % n;
        data[j * total + flat] = start + ((stop - start) * c) / n;
      }
    }
    return tf.tensor(data, [1, this.dim, ...sizes], 'float32');
  }

  /** x [B, inChannels, ...S] with `dim` spatial dims -> [B, inChannels + dim, ...S]. */
  forward(x: tf.Tensor): tf.Tensor {
    const where = this.where('forward');
    checkTensor(x, { where, dtype: 'float32', rank: this.dim + 2 });
    checkTensor(x, { where, shape: [null, this.inChannels, ...new Array<null>(this.dim).fill(null)] });
    return tf.tidy(() => {
      const sizes = x.shape.slice(2);
      const g = tf.broadcastTo(this.grid(sizes), [x.shape[0], this.dim, ...sizes]);
      return tf.concat([x, g], 1);
    });
  }
}
