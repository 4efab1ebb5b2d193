// Per-sample random streams for reproducible shards: sample i of a generator seeded with `seed`
// draws from its own generator, seeded by a 64-bit hash of (seed, i) -- SplitMix64's finaliser
// (Steele, Lea, Flood, OOPSLA 2014) applied to seed * golden + (i + 1) -- so a sample depends
// only on (seed, i), and `generate({start, count})` on any machine or worker gives the same
// values as one process making the whole set.
import { ConfigError, createRng, type Rng } from '@basiskit/tensor';

const M64 = (1n << 64n) - 1n;

function mix64(z: bigint): bigint {
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & M64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & M64;
  return z ^ (z >> 31n);
}

/** The 64-bit seed of sample `index` of a dataset seeded with `seed`. */
export function sampleSeed(seed: number | bigint, index: number): bigint {
  if (!Number.isSafeInteger(index) || index < 0)
    throw new ConfigError('invalid sample index', { where: 'sampleSeed', argument: 'index', expected: 'a non-negative integer', got: String(index) });
  if (typeof seed === 'number' && !Number.isSafeInteger(seed))
    throw new ConfigError('invalid seed', { where: 'sampleSeed', argument: 'seed', expected: 'a safe integer or a bigint', got: String(seed) });
  const s = BigInt.asUintN(64, BigInt(seed));
  return mix64((mix64(s) * 0x9e3779b97f4a7c15n + BigInt(index) + 1n) & M64);
}

/** The generator of sample `index` of a dataset seeded with `seed` (see {@link sampleSeed}). */
export function sampleRng(seed: number | bigint, index: number): Rng {
  return createRng(sampleSeed(seed, index));
}
