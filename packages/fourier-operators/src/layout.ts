// Channel-axis moves between neuralop's channels-first layout [batch, channels, ...spatial] and
// the channels-last layout [batch, ...spatial, channels] in which 1x1 convolutions are one
// untransposed `linear` (the fast matMul of tfjs's wasm backend).
import { tf } from '@basiskit/tensor';

/** [B, C, ...S] -> [B, ...S, C] (the same tensor when there is no spatial axis or C = 1). */
export function toChannelsLast(x: tf.Tensor): tf.Tensor {
  if (x.rank <= 2) return x;
  if (x.shape[1] === 1) return tf.reshape(x, [x.shape[0], ...x.shape.slice(2), 1]);
  const perm = [0, ...Array.from({ length: x.rank - 2 }, (_, i) => i + 2), 1];
  return tf.transpose(x, perm);
}

/** [B, ...S, C] -> [B, C, ...S] (the inverse of {@link toChannelsLast}). */
export function toChannelsFirst(x: tf.Tensor): tf.Tensor {
  if (x.rank <= 2) return x;
  const c = x.shape[x.rank - 1];
  if (c === 1) return tf.reshape(x, [x.shape[0], 1, ...x.shape.slice(1, -1)]);
  const perm = [0, x.rank - 1, ...Array.from({ length: x.rank - 2 }, (_, i) => i + 1)];
  return tf.transpose(x, perm);
}
