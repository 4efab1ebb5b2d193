import { initBackend, tf } from '@basiskit/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { variancePreservingGain } from './variance_preserving_gain';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe('variancePreservingGain = 1 / E[F(x)^2], x ~ N(0, 1)', () => {
  it('matches closed forms', () => {
    expect(variancePreservingGain((x) => x)).toBeCloseTo(1, 6);
    expect(variancePreservingGain((x) => tf.relu(x))).toBeCloseTo(2, 6);
    expect(variancePreservingGain((x) => tf.square(x))).toBeCloseTo(1 / 3, 6); // E[x^4] = 3
    expect(variancePreservingGain((x) => tf.sin(x))).toBeCloseTo(2 / (1 - Math.exp(-2)), 5); // E[sin^2] = (1 - e^-2)/2
  });
  it('rejects a zero function and bad quadrature settings', () => {
    expect(() => variancePreservingGain((x) => tf.zerosLike(x))).toThrow(/E\[F\(x\)\^2\] is zero/);
    expect(() => variancePreservingGain((x) => x, { intervals: 3 })).toThrow(/argument intervals/);
  });
});
