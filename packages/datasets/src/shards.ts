// Shard options shared by the generators (`seed`, `start`, `count`: samples start .. start+count-1
// of the seeded set, each depending only on (seed, i)) and the float64 -> float32 tensor packing.
import { ConfigError, collectNumber, show, tf, throwProblems, type Problem } from '@basiskit/tensor';

/** Which samples of a seeded set to make. */
export interface ShardOptions {
  /** Seed of the whole set (a safe integer or a bigint). Default 0. */
  seed?: number | bigint;
  /** Index of the first sample. Default 0. */
  start?: number;
  /** Number of samples. Required. */
  count: number;
}

/** Splits and checks the shard options; `rest` holds the generator's own options. @internal */
export function checkShard(options: object, where: string): { seed: number | bigint; start: number; count: number; rest: Record<string, unknown> } {
  const { seed = 0, start = 0, count, ...rest } = options as Record<string, unknown>;
  const p: Problem[] = [];
  if (!(typeof seed === 'bigint' || (typeof seed === 'number' && Number.isSafeInteger(seed))))
    p.push({ argument: 'seed', expected: 'a safe integer or a bigint', got: show(seed) });
  collectNumber({ start }, 'start', { integer: true, min: 0 }, p);
  collectNumber({ count }, 'count', { integer: true, min: 1 }, p);
  throwProblems(p, { where });
  return { seed: seed as number | bigint, start: start as number, count: count as number, rest };
}

/** Throws unless `options` is an object. @internal */
export function checkObject(options: unknown, where: string): void {
  if (!options || typeof options !== 'object' || Array.isArray(options))
    throw new ConfigError('invalid options', { where, argument: 'options', expected: 'an options object', got: show(options) });
}

/** Float64 samples of one shape stacked into a float32 tensor `[samples.length, ...shape]`. @internal */
export function stackSamples(samples: readonly Float64Array[], shape: readonly number[]): tf.Tensor {
  const per = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(samples.length * per);
  samples.forEach((s, i) => data.set(s.subarray(0, per), i * per));
  return tf.tensor(data, [samples.length, ...shape], 'float32');
}
