// Checkpoints: one safetensors file holding the model's state dict (`model.<key>`), the
// optimizer's state tensors (`optimizer.<key>`), and as JSON metadata the optimizer's scalar
// state and the training state (epoch, step, RNG, history, scheduler, callbacks), so that a
// resumed run continues exactly where the saved one was. Bytes in, bytes out: browser-safe
// (files: saveCheckpoint/loadCheckpoint from `@basiskit/training/node`).
import { FormatError, loadSafetensors, readSafetensorsHeader, saveSafetensors, tf } from '@basiskit/tensor';
import type { FitContext, TrainState } from './callbacks/callback';

const FORMAT = 'basiskit-checkpoint-1';

/** A checkpoint in memory: tensors the holder owns (dispose with {@link disposeCheckpoint}). */
export interface Checkpoint {
  model: Record<string, tf.Tensor>;
  optimizer: { tensors: Record<string, tf.Tensor>; meta: Record<string, unknown> };
  train: TrainState;
}

/** The checkpoint of a running `fit`, as safetensors bytes. */
export function checkpointBytes(ctx: FitContext): Uint8Array {
  const opt = ctx.optimizer.stateDict();
  const dict: Record<string, tf.Tensor> = {};
  for (const [k, t] of Object.entries(ctx.model.stateDict())) dict[`model.${k}`] = t;
  for (const [k, t] of Object.entries(opt.tensors)) dict[`optimizer.${k}`] = t;
  try {
    return saveSafetensors(dict, {
      format: FORMAT,
      optimizer: JSON.stringify(opt.meta),
      train: JSON.stringify(ctx.trainState()),
    });
  } finally {
    tf.dispose(Object.values(opt.tensors));
  }
}

/** Reads a checkpoint from safetensors bytes (validated; nothing is created when it throws). */
export function parseCheckpoint(bytes: Uint8Array): Checkpoint {
  const header = readSafetensorsHeader(bytes);
  if (header.metadata.format !== FORMAT) {
    throw new FormatError('not a basiskit checkpoint', {
      where: 'parseCheckpoint',
      argument: 'bytes',
      expected: `metadata format "${FORMAT}"`,
      got: JSON.stringify(header.metadata.format ?? null),
    });
  }
  let optimizerMeta: Record<string, unknown>;
  let train: TrainState;
  try {
    optimizerMeta = JSON.parse(header.metadata.optimizer);
    train = JSON.parse(header.metadata.train);
  } catch (e) {
    throw new FormatError(`checkpoint metadata is not valid JSON (${(e as Error).message})`, { where: 'parseCheckpoint', argument: 'bytes' });
  }
  const all = loadSafetensors(bytes);
  const model: Record<string, tf.Tensor> = {};
  const tensors: Record<string, tf.Tensor> = {};
  for (const [k, t] of Object.entries(all)) {
    if (k.startsWith('model.')) model[k.slice(6)] = t;
    else if (k.startsWith('optimizer.')) tensors[k.slice(10)] = t;
    else t.dispose();
  }
  return { model, optimizer: { tensors, meta: optimizerMeta }, train };
}

/** Frees a loaded checkpoint's tensors. */
export function disposeCheckpoint(c: Checkpoint): void {
  tf.dispose([...Object.values(c.model), ...Object.values(c.optimizer.tensors)]);
}
