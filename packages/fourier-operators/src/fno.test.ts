import { gelu } from '@basiskit/activations';
import { ConfigError, ShapeError, createRng, initBackend, tf } from '@basiskit/tensor';
import { gradCheck } from '@basiskit/training';
import { beforeAll, describe, expect, it } from 'vitest';
import { factorizedParameterCount, resolveRank } from './factorization_rank';
import { FNO, TFNO } from './fno';
import { FNOBlocks } from './fno_block';
import { checkParamGradients } from './test_helpers';

/**
 * neuralop 2.x's state-dict names of FNO(n_modes=(12, 12), in_channels=1, out_channels=1,
 * hidden_channels=32), written from neuralop/models/fno.py, layers/fno_block.py, channel_mlp.py,
 * skip_connections.py (module registration order; ModuleList indices; Conv1d weight [out, in, 1];
 * the complex spectral weight as .real/.imag).
 */
function neuralopKeys(nLayers: number, hidden: number, modes: number[], inC: number, outC: number, nDim: number): string[] {
  const keys: string[] = [];
  const kept = [...modes.slice(0, -1), Math.floor(modes[modes.length - 1] / 2) + 1];
  const ones = new Array<number>(nDim).fill(1);
  const k = (name: string, shape: number[]) => keys.push(`${name}:${shape.join('x')}`);
  for (let i = 0; i < nLayers; i++) {
    k(`fno_blocks.convs.${i}.weight.real`, [hidden, hidden, ...kept]);
    k(`fno_blocks.convs.${i}.weight.imag`, [hidden, hidden, ...kept]);
    k(`fno_blocks.convs.${i}.bias`, [hidden, ...ones]);
  }
  for (let i = 0; i < nLayers; i++) k(`fno_blocks.fno_skips.${i}.conv.weight`, [hidden, hidden, 1]);
  const mlp = Math.round(hidden * 0.5);
  for (let i = 0; i < nLayers; i++) {
    k(`fno_blocks.channel_mlp.${i}.fcs.0.weight`, [mlp, hidden, 1]);
    k(`fno_blocks.channel_mlp.${i}.fcs.0.bias`, [mlp]);
    k(`fno_blocks.channel_mlp.${i}.fcs.1.weight`, [hidden, mlp, 1]);
    k(`fno_blocks.channel_mlp.${i}.fcs.1.bias`, [hidden]);
  }
  for (let i = 0; i < nLayers; i++) k(`fno_blocks.channel_mlp_skips.${i}.weight`, [1, hidden, ...ones]);
  k('lifting.fcs.0.weight', [2 * hidden, inC + nDim, 1]);
  k('lifting.fcs.0.bias', [2 * hidden]);
  k('lifting.fcs.1.weight', [hidden, 2 * hidden, 1]);
  k('lifting.fcs.1.bias', [hidden]);
  k('projection.fcs.0.weight', [2 * hidden, hidden, 1]);
  k('projection.fcs.0.bias', [2 * hidden]);
  k('projection.fcs.1.weight', [outC, 2 * hidden, 1]);
  k('projection.fcs.1.bias', [outC]);
  return keys;
}

const keysOf = (m: FNO) => Object.entries(m.stateDict()).map(([k, v]) => `${k}:${v.shape.join('x')}`);

describe('FNO structure', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'cpu' });
  });

  it("FNO(nModes [12, 12], 1 -> 1, hidden 32) has neuralop's 701,281 parameters and its keys", () => {
    const m = new FNO({ nModes: [12, 12], inChannels: 1, outChannels: 1, hiddenChannels: 32 });
    expect(m.numParameters()).toBe(701281);
    expect(keysOf(m)).toEqual(neuralopKeys(4, 32, [12, 12], 1, 1, 2));
    m.dispose();
  });

  it('1-D and 3-D FNOs have the keys neuralop gives them', () => {
    const m1 = new FNO({ nModes: [16], inChannels: 2, outChannels: 3, hiddenChannels: 8, nLayers: 2 });
    expect(keysOf(m1)).toEqual(neuralopKeys(2, 8, [16], 2, 3, 1));
    const m3 = new FNO({ nModes: [4, 4, 4], inChannels: 1, outChannels: 1, hiddenChannels: 4, nLayers: 1 });
    expect(keysOf(m3)).toEqual(neuralopKeys(1, 4, [4, 4, 4], 1, 1, 3));
    m1.dispose();
    m3.dispose();
  });

  it("TFNO is FNO with Tucker rank 0.1: its parameter count is the factorization's", () => {
    const m = new TFNO({ nModes: [12, 12], inChannels: 1, outChannels: 1, hiddenChannels: 32 });
    const shape = [32, 32, 12, 7];
    const tucker = factorizedParameterCount(shape, 'tucker', resolveRank(shape, 'tucker', 0.1));
    expect(m.numParameters()).toBe(701281 - 4 * 2 * 32 * 32 * 12 * 7 + 4 * tucker);
    expect(m.numParameters()).toBeLessThan(0.2 * 701281);
    expect(m.fno_blocks.convs.at(0).factorization).toBe('tucker');
    m.dispose();
  });

  it('norms, skips and the MLP switch follow neuralop (keys norm.<k>, no skips when null)', () => {
    const m = new FNO({
      nModes: [4],
      inChannels: 1,
      outChannels: 1,
      hiddenChannels: 4,
      nLayers: 2,
      norm: 'group_norm',
      fnoSkip: null,
      channelMlpSkip: 'linear',
    });
    const keys = Object.keys(m.stateDict());
    expect(keys.filter((k) => k.startsWith('fno_blocks.norm.'))).toEqual(
      ['0', '1', '2', '3'].flatMap((i) => [`fno_blocks.norm.${i}.weight`, `fno_blocks.norm.${i}.bias`]),
    );
    expect(keys.some((k) => k.includes('fno_skips'))).toBe(false);
    expect(keys).toContain('fno_blocks.channel_mlp_skips.1.conv.weight');
    const plain = new FNO({ nModes: [4], inChannels: 1, outChannels: 1, hiddenChannels: 4, useChannelMlp: false, positionalEmbedding: null });
    expect(Object.keys(plain.stateDict()).some((k) => k.includes('channel_mlp'))).toBe(false);
    expect(plain.lifting.inChannels).toBe(1);
    m.dispose();
    plain.dispose();
  });

  it('is seeded: same seed, same weights; another seed, others', () => {
    const a = new FNO({ nModes: [4], inChannels: 1, outChannels: 1, hiddenChannels: 4, seed: 3 });
    const b = new FNO({ nModes: [4], inChannels: 1, outChannels: 1, hiddenChannels: 4, seed: 3 });
    const c = new FNO({ nModes: [4], inChannels: 1, outChannels: 1, hiddenChannels: 4, seed: 4 });
    const w = (m: FNO) => [...m.stateDict()['fno_blocks.convs.1.weight.real'].dataSync()];
    expect(w(a)).toEqual(w(b));
    expect(w(a)).not.toEqual(w(c));
    [a, b, c].forEach((m) => m.dispose());
  });
});

describe.each(['cpu', 'wasm'] as const)('FNO on %s', (backend) => {
  it('FNOBlocks layer = the composition of its channels-first submodules (post- and pre-activation)', async () => {
    await initBackend({ backend });
    for (const preactivation of [false, true]) {
      const blocks = new FNOBlocks({ inChannels: 3, outChannels: 3, nModes: [4, 4], nLayers: 2, norm: 'instance_norm', preactivation, seed: 2 });
      const x = createRng(1).normalTensor([2, 3, 8, 6]);
      for (const index of [0, 1]) {
        const got = blocks.forward(x, index);
        const want = tf.tidy(() => {
          const last = index === 1;
          const norm = blocks.norm!;
          let h = x;
          if (preactivation) h = norm.at(2 * index).forward(gelu(h));
          let y = blocks.convs.at(index).forward(h);
          if (!preactivation) y = norm.at(2 * index).forward(y);
          y = tf.add(y, blocks.fno_skips!.at(index).forward(h));
          if (!last) y = gelu(y);
          if (preactivation) y = norm.at(2 * index + 1).forward(y);
          y = tf.add(blocks.channel_mlp!.at(index).forward(y), blocks.channel_mlp_skips!.at(index).forward(h));
          if (!preactivation) {
            y = norm.at(2 * index + 1).forward(y);
            if (!last) y = gelu(y);
          }
          return y;
        });
        expect(got.shape).toEqual([2, 3, 8, 6]);
        const err = tf.tidy(() => tf.max(tf.abs(tf.sub(got, want))).dataSync()[0]);
        expect(err).toBeLessThan(1e-4);
        tf.dispose([got, want]);
      }
      x.dispose();
      blocks.dispose();
    }
  });

  it('maps [B, in, ...S] -> [B, out, ...S] in 1-D, 2-D and 3-D, with domain padding and outputShape', async () => {
    await initBackend({ backend });
    tf.tidy(() => {
      const rng = createRng(0);
      const m1 = new FNO({ nModes: [6], inChannels: 2, outChannels: 3, hiddenChannels: 4, nLayers: 2, domainPadding: 0.25 });
      expect(m1.forward(rng.normalTensor([2, 2, 16])).shape).toEqual([2, 3, 16]);
      // as neuralop, outputShape is the padded domain's: with padding it has no unpadding
      expect(() => m1.forward(rng.normalTensor([1, 2, 20]), { outputShape: [40] })).toThrow(/no padded input of this resolution/);
      const m0 = new FNO({ nModes: [6], inChannels: 2, outChannels: 3, hiddenChannels: 4, nLayers: 2 });
      expect(m0.forward(rng.normalTensor([1, 2, 20]), { outputShape: [40] }).shape).toEqual([1, 3, 40]);
      m0.dispose();
      const m2 = new FNO({
        nModes: [4, 4],
        inChannels: 1,
        outChannels: 1,
        hiddenChannels: 4,
        nLayers: 2,
        domainPadding: [0.1, 0.2],
        domainPaddingMode: 'one-sided',
      });
      expect(m2.forward(rng.normalTensor([1, 1, 10, 12])).shape).toEqual([1, 1, 10, 12]);
      const m2b = new FNO({ nModes: [4, 4], inChannels: 1, outChannels: 1, hiddenChannels: 4, nLayers: 2 });
      expect(m2b.forward(rng.normalTensor([1, 1, 10, 12]), { outputShape: [[12, 12], null] }).shape).toEqual([1, 1, 12, 12]);
      m2b.dispose();
      const m3 = new FNO({ nModes: [4, 4, 4], inChannels: 1, outChannels: 2, hiddenChannels: 4, nLayers: 1 });
      expect(m3.forward(rng.normalTensor([1, 1, 6, 5, 8])).shape).toEqual([1, 2, 6, 5, 8]);
      [m1, m2, m3].forEach((m) => m.dispose());
    });
  });

  it('has finite-difference gradients: input and every parameter of a tiny FNO', async () => {
    await initBackend({ backend });
    const m = new FNO({
      nModes: [4, 4],
      inChannels: 1,
      outChannels: 1,
      hiddenChannels: 3,
      nLayers: 2,
      liftingChannelRatio: 1,
      projectionChannelRatio: 1,
      seed: 1,
    });
    const x = createRng(5).normalTensor([1, 1, 6, 6]);
    gradCheck((xx) => m.forward(xx), [x], { eps: 1e-2, rtol: 3e-2, atol: 3e-3 });
    expect(checkParamGradients(m, () => m.forward(x), { perParam: 3, rtol: 3e-2, atol: 3e-3 })).toEqual([]);
    x.dispose();
    m.dispose();
  });
});

describe('FNO errors', () => {
  it('wrong rank, wrong channels, too many modes (with the largest allowed), bad options', async () => {
    await initBackend({ backend: 'cpu' });
    const m = new FNO({ nModes: [12, 12], inChannels: 1, outChannels: 1, hiddenChannels: 4, nLayers: 1 });
    tf.tidy(() => {
      expect(() => m.forward(tf.zeros([1, 1, 16]))).toThrow(ShapeError);
      expect(() => m.forward(tf.zeros([1, 1, 16]))).toThrow(/FNO.forward.*rank 4/);
      expect(() => m.forward(tf.zeros([1, 2, 16, 16]))).toThrow(/1 at dim 1/);
      expect(() => m.forward(tf.zeros([1, 1, 8, 32]))).toThrow(/too many Fourier modes.*at most 8 for size 8/);
      expect(() => m.forward(tf.zeros([1, 1, 32, 8]))).toThrow(/too many Fourier modes.*at most 9 for size 8/);
      expect(() => m.forward(tf.zeros([1, 1, 16, 16]), { outputShape: [16] })).toThrow(/outputShape/);
      expect(() => m.forward(tf.zeros([1, 1, 16, 16], 'int32'))).toThrow(/float32/);
    });
    m.dispose();
    expect(() => new FNO({ nModes: [], inChannels: 1, outChannels: 1, hiddenChannels: 4 })).toThrow(/nModes/);
    expect(() => new FNO({ nModes: [4], inChannels: 1, outChannels: 1, hiddenChannels: 4, norm: 'layer_norm' as never })).toThrow(
      /norm.*"group_norm", "instance_norm", "batch_norm", "ada_in"/,
    );
    expect(() => new FNO({ nModes: [4], inChannels: 1, outChannels: 1, hiddenChannels: 4, fnoSkip: 'gated' as never })).toThrow(ConfigError);
    expect(() => new FNO({ nModes: [4], inChannels: 1, outChannels: 1, hiddenChannels: 4, nLayer: 2 } as never)).toThrow(/unknown option "nLayer"/);
    expect(() => new FNO({ nModes: [4], inChannels: 1, outChannels: 1, hiddenChannels: 4, norm: 'group_norm', normGroups: 3 })).toThrow(
      /normGroups.*divisor of outChannels 4/,
    );
    expect(() => new FNO({ nModes: [4], inChannels: 1, outChannels: 1, hiddenChannels: 4, domainPadding: -1 })).toThrow(/domainPadding/);
  });
});
