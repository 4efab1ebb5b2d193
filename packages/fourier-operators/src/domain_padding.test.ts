import { ConfigError, createRng, initBackend, tf } from '@basiskit/tensor';
import { gradCheck } from '@basiskit/training';
import { describe, expect, it } from 'vitest';
import { DomainPadding } from './domain_padding';

describe('DomainPadding', () => {
  it('pads round(f * n) zeros at both ends (symmetric) and unpad crops them back', async () => {
    await initBackend({ backend: 'cpu' });
    const pad = new DomainPadding({ domainPadding: [0.25, 0.5] });
    const x = createRng(0).normalTensor([2, 3, 8, 4]);
    const p = pad.pad(x);
    expect(p.shape).toEqual([2, 3, 12, 8]);
    expect(pad.padding([8, 4])).toEqual([
      [2, 2],
      [2, 2],
    ]);
    const a = p.arraySync() as number[][][][];
    expect(a[1][2][0].every((v) => v === 0)).toBe(true);
    expect(a[1][2][2].slice(2, 6)).toEqual((x.arraySync() as number[][][][])[1][2][0]);
    const u = pad.unpad(p);
    expect([...u.dataSync()]).toEqual([...x.dataSync()]);
    tf.dispose([x, p, u]);
  });

  it('one-sided pads the end only; channels-last layout; unpad of a scaled resolution', () => {
    const pad = new DomainPadding({ domainPadding: 0.5, paddingMode: 'one-sided', resolutionScalingFactor: 2 });
    tf.tidy(() => {
      const p = pad.pad(tf.tensor([1, 2, 3, 4], [1, 1, 4]));
      expect([...p.dataSync()]).toEqual([1, 2, 3, 4, 0, 0]);
      // the blocks doubled the resolution: 12 points, of which the last 4 are padding
      expect([...pad.unpad(tf.range(0, 12).reshape([1, 1, 12])).dataSync()]).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
      expect(pad.pad(tf.ones([1, 4, 1]), { channelsLast: true }).shape).toEqual([1, 6, 1]);
      expect(() => pad.unpad(tf.zeros([1, 1, 7]))).toThrow(/no padded input of this resolution.*\[12\]/);
    });
  });

  it('passes gradients through pad and unpad', () => {
    const pad = new DomainPadding({ domainPadding: 0.34 });
    const x = createRng(1).normalTensor([1, 2, 3, 3]);
    gradCheck((xx) => tf.mul(pad.unpad(tf.mul(pad.pad(xx), 1.5)), xx), [x], { eps: 1e-2 });
    x.dispose();
  });

  it('rejects bad options', () => {
    expect(() => new DomainPadding({ domainPadding: -0.1 })).toThrow(ConfigError);
    expect(() => new DomainPadding({ domainPadding: 0.1, paddingMode: 'both' as never })).toThrow(/paddingMode/);
    const pad = new DomainPadding({ domainPadding: [0.1, 0.1] });
    const x = tf.zeros([1, 1, 4]);
    expect(() => pad.pad(x)).toThrow(/one entry per spatial dim/);
    x.dispose();
  });
});
