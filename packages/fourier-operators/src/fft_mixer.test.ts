import { ConfigError, DTypeError, ShapeError, StateDictError, createRng, initBackend, tf } from '@basiskit/tensor';
import { assertClose } from '@basiskit/test-utils';
import { gradCheck } from '@basiskit/training';
import { describe, expect, it } from 'vitest';
import { FFTMixer } from './fft_mixer';
import { checkParameterGradients } from '@basiskit/test-utils';

const erf = (z: number) => {
  // Maclaurin series, accurate to ~1e-12 for |z| < 3 (the test's pre-activations are small)
  let sum = z;
  let term = z;
  for (let k = 1; k < 80; k++) {
    term *= (-z * z) / k;
    sum += term / (2 * k + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
};
const geluRef = (v: number) => 0.5 * v * (1 + erf(v / Math.SQRT2));

/**
 * The reference's MultiHeadSpectralAttention.forward (eval mode) in float64 with direct DFTs;
 * `mixOnly` returns the irfft output before the residual and the norm. `sd` holds the state dict.
 */
function mixerReference(
  x: Float32Array,
  [B, N, D]: number[],
  heads: number,
  sd: Record<string, Float32Array>,
  complex: boolean,
  mixOnly: boolean,
): Float64Array {
  const hd = D / heads;
  const F = Math.floor(N / 2) + 1;
  const s = 1 / Math.sqrt(N);
  const out = new Float64Array(B * N * D);
  const adaptive = 'adaptive_mlp.0.weight' in sd;
  for (let b = 0; b < B; b++) {
    // global context and its MLP
    const ctx = Array.from({ length: D }, (_, d) => {
      let m = 0;
      for (let n = 0; n < N; n++) m += x[(b * N + n) * D + d];
      return m / N;
    });
    const outs = heads * F * (complex ? 2 : 1);
    const mod = new Float64Array(outs);
    if (adaptive) {
      const w0 = sd['adaptive_mlp.0.weight'];
      const b0 = sd['adaptive_mlp.0.bias'];
      const w2 = sd['adaptive_mlp.2.weight'];
      const b2 = sd['adaptive_mlp.2.bias'];
      const hid = Array.from({ length: D }, (_, j) => geluRef(ctx.reduce((acc, c, i) => acc + w0[j * D + i] * c, b0[j])));
      for (let o = 0; o < outs; o++) mod[o] = hid.reduce((acc, h, j) => acc + w2[o * D + j] * h, b2[o]);
    }
    for (let h = 0; h < heads; h++) {
      for (let c = 0; c < hd; c++) {
        const ch = h * hd + c;
        const zr = new Float64Array(F);
        const zi = new Float64Array(F);
        for (let k = 0; k < F; k++) {
          let re = 0;
          let im = 0;
          for (let n = 0; n < N; n++) {
            const a = (-2 * Math.PI * ((k * n) % N)) / N;
            re += x[(b * N + n) * D + ch] * Math.cos(a) * s;
            im += x[(b * N + n) * D + ch] * Math.sin(a) * s;
          }
          const wr = sd.base_filter[h * F + k] + mod[h * F + k];
          const wi = complex ? sd.base_filter_imag[h * F + k] + mod[heads * F + h * F + k] : 0;
          const fr = re * wr - im * wi;
          const fi = re * wi + im * wr;
          const mag = Math.hypot(fr, fi);
          const sc = Math.max(0, mag + sd.modrelu_bias[h * F + k]) / (mag + 1e-6);
          zr[k] = fr * sc;
          zi[k] = fi * sc;
        }
        for (let n = 0; n < N; n++) {
          let v = zr[0];
          for (let k = 1; k < F; k++) {
            const a = (2 * Math.PI * ((k * n) % N)) / N;
            const term = zr[k] * Math.cos(a) - zi[k] * Math.sin(a);
            v += N % 2 === 0 && k === N / 2 ? term : 2 * term;
          }
          out[(b * N + n) * D + ch] = v * s + (mixOnly ? 0 : x[(b * N + n) * D + ch]);
        }
      }
    }
  }
  if (mixOnly) return out;
  for (let r = 0; r < B * N; r++) {
    const row = out.subarray(r * D, (r + 1) * D);
    const mean = row.reduce((a, v) => a + v, 0) / D;
    const vr = row.reduce((a, v) => a + (v - mean) ** 2, 0) / D;
    for (let d = 0; d < D; d++) row[d] = ((row[d] - mean) / Math.sqrt(vr + 1e-5)) * sd['norm.weight'][d] + sd['norm.bias'][d];
  }
  return out;
}

/** Perturbs every entry of `m`'s state (so that filters, biases and the norm are not at their trivial init). */
function perturb(m: FFTMixer, seed: number, std = 0.3): void {
  const rng = createRng(seed);
  const dict = tf.tidy(() => Object.fromEntries(Object.entries(m.stateDict()).map(([k, t]) => [k, tf.add(t, rng.normalTensor(t.shape, 0, std))])));
  m.loadStateDict(dict);
  tf.dispose(Object.values(dict));
}

const stateArrays = (m: FFTMixer) => Object.fromEntries(Object.entries(m.stateDict()).map(([k, t]) => [k, t.dataSync() as Float32Array]));

const CASES = [
  { B: 2, N: 8, D: 4, heads: 2, adaptive: true, complex: false },
  { B: 1, N: 7, D: 6, heads: 3, adaptive: true, complex: true },
  { B: 2, N: 5, D: 4, heads: 1, adaptive: false, complex: false },
];

describe.each(['cpu', 'wasm'] as const)('FFTMixer on %s', (backend) => {
  it.each(CASES)(
    'equals a float64 port of FFTNet for N $N, D $D, heads $heads, adaptive $adaptive, complex $complex',
    async ({ B, N, D, heads, adaptive, complex }) => {
      await initBackend({ backend });
      const m = new FFTMixer({ embedDim: D, seqLen: N, numHeads: heads, adaptive, complexFilter: complex, seed: 1 }).eval();
      perturb(m, 2);
      const x = createRng(3).normalTensor([B, N, D]);
      const sd = stateArrays(m);
      const xs = x.dataSync() as Float32Array;
      const y = m.forward(x);
      const mixed = m.mix(x);
      assertClose(y, { shape: [B, N, D], data: mixerReference(xs, [B, N, D], heads, sd, complex, false) }, { rtol: 1e-4, atol: 1e-4 }, 'y');
      const want = mixerReference(xs, [B, N, D], heads, sd, complex, true);
      assertClose(mixed, { shape: [B, N, D], data: want }, { rtol: 1e-4, atol: 1e-5 }, 'mix');
      expect(want.some((v) => Math.abs(v) > 0.1)).toBe(true);
      tf.dispose([x, y, mixed]);
      m.dispose();
    },
  );

  it('has correct gradients in x and every parameter (finite differences)', async () => {
    await initBackend({ backend });
    const m = new FFTMixer({ embedDim: 4, seqLen: 6, numHeads: 2, complexFilter: true, seed: 4 }).eval();
    perturb(m, 5);
    const x = createRng(6).normalTensor([2, 6, 4]);
    gradCheck((xx) => m.forward(xx), [x], { eps: 1e-2, rtol: 3e-2, atol: 3e-3 });
    const names = checkParameterGradients(m, () => m.forward(x), { rtol: 3e-2, atol: 3e-3 });
    expect(names).toEqual([
      'base_filter',
      'base_filter_imag',
      'modrelu_bias',
      'adaptive_mlp.0.weight',
      'adaptive_mlp.0.bias',
      'adaptive_mlp.2.weight',
      'adaptive_mlp.2.bias',
      'norm.weight',
      'norm.bias',
    ]);
    tf.dispose(x);
    m.dispose();
  });
});

describe('FFTMixer', () => {
  it("has the reference's state-dict keys, shapes and init", async () => {
    await initBackend({ backend: 'cpu' });
    const m = new FFTMixer({ embedDim: 8, seqLen: 10, numHeads: 4 });
    const sd = m.stateDict();
    expect(Object.fromEntries(Object.entries(sd).map(([k, t]) => [k, t.shape]))).toEqual({
      base_filter: [4, 6, 1],
      'adaptive_mlp.0.weight': [8, 8],
      'adaptive_mlp.0.bias': [8],
      'adaptive_mlp.2.weight': [24, 8],
      'adaptive_mlp.2.bias': [24],
      'norm.weight': [8],
      'norm.bias': [8],
      modrelu_bias: [4, 6, 1],
    });
    expect(Array.from(sd.base_filter.dataSync()).every((v) => v === 1)).toBe(true);
    expect(Array.from(sd.modrelu_bias.dataSync()).every((v) => v === 0)).toBe(true);
    const plain = new FFTMixer({ embedDim: 8, seqLen: 10, adaptive: false });
    expect(Object.keys(plain.stateDict()).sort()).toEqual(['base_filter', 'modrelu_bias', 'norm.bias', 'norm.weight']);
    const cplx = new FFTMixer({ embedDim: 8, seqLen: 10, complexFilter: true });
    expect(cplx.stateDict()['adaptive_mlp.2.weight'].shape).toEqual([48, 8]);
    expect(cplx.stateDict().base_filter_imag.shape).toEqual([4, 6, 1]);
    [m, plain, cplx].forEach((q) => q.dispose());
  });

  it('with the base filter alone (ones, zero bias) the mix is the identity: modReLU keeps every mode', async () => {
    await initBackend({ backend: 'wasm' });
    const m = new FFTMixer({ embedDim: 4, seqLen: 9, numHeads: 2, adaptive: false });
    const x = createRng(1).normalTensor([2, 9, 4]);
    const y = m.mix(x);
    assertClose(y, { shape: x.shape, data: x.dataSync() }, { rtol: 1e-4, atol: 1e-5 }, 'mix');
    tf.dispose([x, y]);
    m.dispose();
  });

  it('dropout acts in training only and is seeded', async () => {
    await initBackend({ backend: 'cpu' });
    const make = () => {
      const m = new FFTMixer({ embedDim: 4, seqLen: 8, dropout: 0.5, numHeads: 2, seed: 3 });
      perturb(m, 1);
      return m;
    };
    const [a, b] = [make(), make()];
    const x = createRng(2).normalTensor([2, 8, 4]);
    const ta = a.forward(x);
    const tb = b.forward(x);
    const ea = a.eval().forward(x);
    const ea2 = a.forward(x);
    expect(Array.from(ta.dataSync())).toEqual(Array.from(tb.dataSync()));
    expect(Array.from(ea.dataSync())).toEqual(Array.from(ea2.dataSync()));
    expect(Array.from(ta.dataSync())).not.toEqual(Array.from(ea.dataSync()));
    tf.dispose([x, ta, tb, ea, ea2]);
    a.dispose();
    b.dispose();
  });

  it('round-trips its state dict; a bad one is rejected with nothing loaded', async () => {
    await initBackend({ backend: 'wasm' });
    const a = new FFTMixer({ embedDim: 4, seqLen: 6, numHeads: 2, seed: 1 }).eval();
    const b = new FFTMixer({ embedDim: 4, seqLen: 6, numHeads: 2, seed: 2 }).eval();
    perturb(a, 3);
    b.loadStateDict(a.stateDict());
    const x = createRng(4).normalTensor([2, 6, 4]);
    const ya = a.forward(x);
    const yb = b.forward(x);
    expect(Array.from(yb.dataSync())).toEqual(Array.from(ya.dataSync()));
    const before = Array.from(b.baseFilter.value.dataSync());
    const bad = { ...a.stateDict(), base_filter: tf.zeros([2, 3]) };
    expect(() => b.loadStateDict(bad)).toThrow(StateDictError);
    expect(() => b.loadStateDict(bad)).toThrow(/shape mismatch for base_filter: expected \[2, 4, 1\], got \[2, 3\]/);
    expect(() => b.loadStateDict({ ...a.stateDict(), extra: bad.base_filter })).toThrow(/unexpected keys: extra/);
    expect(Array.from(b.baseFilter.value.dataSync())).toEqual(before);
    tf.dispose([x, ya, yb, bad.base_filter]);
    a.dispose();
    b.dispose();
  });

  it('refuses bad options and inputs with clear errors', async () => {
    await initBackend({ backend: 'cpu' });
    expect(() => new FFTMixer({ embedDim: 6, seqLen: 8 })).toThrow(
      /FFTMixer: argument numHeads: embedDim is not divisible by numHeads \(expected a divisor of embedDim = 6, got 4\)/,
    );
    expect(() => new FFTMixer({ embedDim: 4, seqLen: 0 })).toThrow(/FFTMixer: argument seqLen/);
    expect(() => new FFTMixer({ embedDim: 4, seqLen: 4, dropout: 1 })).toThrow(/argument dropout/);
    expect(() => new FFTMixer({ embedDim: 4, seqLen: 4, adaptive: 'yes' as never })).toThrow(ConfigError);
    expect(() => new FFTMixer({ embedDim: 4, seqLen: 4, heads: 2 } as never)).toThrow(/unknown option "heads"/);
    const m = new FFTMixer({ embedDim: 4, seqLen: 8 });
    tf.tidy(() => {
      expect(() => m.forward(tf.zeros([2, 7, 4]))).toThrow(/FFTMixer.forward: argument x: wrong shape \(expected \[\*, 8, 4\], got shape \[2, 7, 4\]\)/);
      expect(() => m.mix(tf.zeros([8, 4]))).toThrow(ShapeError);
      expect(() => m.forward(tf.zeros([1, 8, 4], 'int32'))).toThrow(DTypeError);
    });
    m.dispose();
  });
});
