import type { ComplexTensor } from '@basiskit/kernels';
import { ConfigError, StateDictError, createRng, initBackend, tf } from '@basiskit/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { FactorizedSpectralWeight } from './factorized_weight';
import { denseParameterCount, resolveRank, type Factorization } from './factorization_rank';
import { cpToTensor, ttToTensor, tuckerToTensor } from './tensor_decomposition';

const prod = (xs: readonly number[]) => xs.reduce((a, b) => a * b, 1);
const disposeC = (...cs: ComplexTensor[]) => cs.forEach((c) => tf.dispose([c.real, c.imag]));
const shapes = (w: FactorizedSpectralWeight) => Object.fromEntries(Object.entries(w.stateDict()).map(([k, t]) => [k, t.shape]));
const maxDiff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);

/** Root-mean-square of |w| and of its real and imaginary parts, and the mean of the real part. */
function stats(c: ComplexTensor) {
  const re = c.real.dataSync();
  const im = c.imag.dataSync();
  let sr = 0;
  let si = 0;
  let m = 0;
  for (let i = 0; i < re.length; i++) {
    sr += re[i] * re[i];
    si += im[i] * im[i];
    m += re[i] + im[i];
  }
  return { ms: (sr + si) / re.length, rmsRe: Math.sqrt(sr / re.length), rmsIm: Math.sqrt(si / re.length), mean: m / (2 * re.length) };
}

describe('FactorizedSpectralWeight', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'cpu' });
  });

  it("has tltorch's parameter names and factor shapes (Tucker)", () => {
    const w = new FactorizedSpectralWeight({ shape: [32, 32, 12, 7], factorization: 'Tucker', rank: 0.1, std: 0.25 });
    expect(w.factorization).toBe('tucker');
    expect(w.rank).toEqual([17, 17, 6, 4]);
    expect(shapes(w)).toEqual({
      'core.real': [17, 17, 6, 4],
      'core.imag': [17, 17, 6, 4],
      'factors.factor_0.real': [32, 17],
      'factors.factor_0.imag': [32, 17],
      'factors.factor_1.real': [32, 17],
      'factors.factor_1.imag': [32, 17],
      'factors.factor_2.real': [12, 6],
      'factors.factor_2.imag': [12, 6],
      'factors.factor_3.real': [7, 4],
      'factors.factor_3.imag': [7, 4],
    });
    expect(w.parameterCount).toBe(w.numParameters());
    expect(w.parameterCount).toBe(2 * (17 * 17 * 6 * 4 + 32 * 17 * 2 + 12 * 6 + 7 * 4));
    expect(String(w)).toBe('FactorizedSpectralWeight(tucker, shape [32, 32, 12, 7], rank [17, 17, 6, 4])');
    w.dispose();
  });

  it("has tltorch's parameter names and factor shapes (CP, TT)", () => {
    const cp = new FactorizedSpectralWeight({ shape: [8, 6, 5, 3], factorization: 'cp', rank: 0.25, seed: 1 });
    // tensorly: round(720 * 0.25 / 22) = 8
    expect(cp.rank).toBe(8);
    expect(shapes(cp)).toEqual({
      'weights.real': [8],
      'weights.imag': [8],
      'factors.factor_0.real': [8, 8],
      'factors.factor_0.imag': [8, 8],
      'factors.factor_1.real': [6, 8],
      'factors.factor_1.imag': [6, 8],
      'factors.factor_2.real': [5, 8],
      'factors.factor_2.imag': [5, 8],
      'factors.factor_3.real': [3, 8],
      'factors.factor_3.imag': [3, 8],
    });
    // tltorch's CP init: weights 1 + 0i
    expect(Array.from(cp.weights?.real.value.dataSync() ?? [])).toEqual(new Array(8).fill(1));
    expect(Array.from(cp.weights?.imag.value.dataSync() ?? [])).toEqual(new Array(8).fill(0));
    expect(cp.parameterCount).toBe(cp.numParameters());
    const tt = new FactorizedSpectralWeight({ shape: [8, 6, 5, 3], factorization: 'TT', rank: [1, 3, 4, 2, 1] });
    expect(shapes(tt)).toEqual({
      'factors.factor_0.real': [1, 8, 3],
      'factors.factor_0.imag': [1, 8, 3],
      'factors.factor_1.real': [3, 6, 4],
      'factors.factor_1.imag': [3, 6, 4],
      'factors.factor_2.real': [4, 5, 2],
      'factors.factor_2.imag': [4, 5, 2],
      'factors.factor_3.real': [2, 3, 1],
      'factors.factor_3.imag': [2, 3, 1],
    });
    expect(tt.parameterCount).toBe(tt.numParameters());
    expect(tt.core).toBeNull();
    cp.dispose();
    tt.dispose();
  });

  it.each(['cpu', 'wasm'] as const)('toDense and forward reconstruct from the parameters on %s', async (backend) => {
    await initBackend({ backend });
    for (const factorization of ['tucker', 'cp', 'tt'] as const) {
      const w = new FactorizedSpectralWeight({ shape: [4, 3, 5, 3], factorization, rank: 0.5, std: 0.3, seed: 7 });
      const sd = w.stateDict();
      const c = (name: string): ComplexTensor => ({ real: sd[`${name}.real`], imag: sd[`${name}.imag`] });
      const factors = [0, 1, 2, 3].map((k) => c(`factors.factor_${k}`));
      const want =
        factorization === 'tucker' ? tuckerToTensor(c('core'), factors) : factorization === 'cp' ? cpToTensor(c('weights'), factors) : ttToTensor(factors);
      const got = w.toDense();
      expect(got.real.shape).toEqual([4, 3, 5, 3]);
      expect(maxDiff(got.real, want.real)).toBe(0);
      expect(maxDiff(got.imag, want.imag)).toBe(0);
      const stacked = w.forward();
      expect(stacked.shape).toEqual([4, 3, 5, 3, 2]);
      const [re, im] = tf.unstack(stacked, -1);
      expect(maxDiff(re, want.real)).toBe(0);
      expect(maxDiff(im, want.imag)).toBe(0);
      tf.dispose([stacked, re, im]);
      disposeC(got, want);
      w.dispose();
    }
  });

  it('toDense is differentiable with respect to every factor (gradients equal those of the checked reconstructions)', () => {
    for (const factorization of ['tucker', 'cp', 'tt'] as const) {
      const w = new FactorizedSpectralWeight({ shape: [3, 4, 5], factorization, rank: 0.5, seed: 3 });
      const rng = createRng(9);
      const rRe = rng.normalTensor([3, 4, 5]);
      const rIm = rng.normalTensor([3, 4, 5]);
      const loss = (c: ComplexTensor) => tf.add(tf.sum(tf.mul(c.real, rRe)), tf.sum(tf.mul(c.imag, rIm))) as tf.Scalar;
      const { value, grads } = tf.variableGrads(() => tf.tidy(() => loss(w.toDense())));
      // the same loss through the free functions, differentiated by tf.grads w.r.t. copies of the parameters
      const names = Object.keys(w.stateDict());
      const inputs = names.map((n) => w.stateDict()[n].clone());
      const fn = (...xs: tf.Tensor[]) => {
        const c = (name: string): ComplexTensor => ({ real: xs[names.indexOf(`${name}.real`)], imag: xs[names.indexOf(`${name}.imag`)] });
        const factors = [0, 1, 2].map((k) => c(`factors.factor_${k}`));
        return loss(
          factorization === 'tucker' ? tuckerToTensor(c('core'), factors) : factorization === 'cp' ? cpToTensor(c('weights'), factors) : ttToTensor(factors),
        );
      };
      const want = tf.grads(fn)(inputs);
      const params = w.namedParameters();
      expect(Object.keys(grads)).toHaveLength(params.length);
      params.forEach(([name, p]) => {
        const g = grads[p.value.name];
        expect(g, name).toBeDefined();
        expect(maxDiff(g, want[names.indexOf(name)]), name).toBeLessThan(1e-5);
        expect(
          tf.tidy(() => tf.max(tf.abs(g)).dataSync()[0]),
          `${name} gradient is not zero`,
        ).toBeGreaterThan(0);
      });
      tf.dispose([value, rRe, rIm, ...Object.values(grads), ...inputs, ...want]);
      w.dispose();
    }
  });

  it("is initialized as tltorch's normal_(0, std): the factors' std and the reconstruction's", () => {
    const std = 0.4;
    const shape = [32, 32, 12, 7];
    const cases: { factorization: Factorization; rank: number; tol: number }[] = [
      { factorization: 'tucker', rank: 0.1, tol: 0.2 },
      { factorization: 'cp', rank: 0.1, tol: 0.1 },
      { factorization: 'tt', rank: 0.1, tol: 0.1 },
    ];
    for (const { factorization, rank, tol } of cases) {
      let ms = 0;
      const seeds = [0, 1, 2, 3, 4];
      for (const seed of seeds) {
        const w = new FactorizedSpectralWeight({ shape, factorization, rank, std, seed });
        const n = shape.length;
        const r = w.rank;
        // tltorch's factor std (a complex normal: real and imaginary parts of std s / sqrt(2))
        const s =
          factorization === 'tucker'
            ? (std / prod((r as number[]).map(Math.sqrt))) ** (1 / (n + 1))
            : factorization === 'cp'
              ? (std / Math.sqrt(r as number)) ** (1 / n)
              : (std / prod(r as number[])) ** (1 / n);
        const big = factorization === 'tucker' ? (w.core as NonNullable<typeof w.core>) : w.factors.items[1];
        const fs = stats({ real: big.real.value, imag: big.imag.value });
        expect(fs.rmsRe / (s / Math.SQRT2), `${factorization} factor std`).toBeCloseTo(1, 1);
        expect(fs.rmsIm / (s / Math.SQRT2), `${factorization} factor std`).toBeCloseTo(1, 1);
        const d = w.toDense();
        const st = stats(d);
        ms += st.ms / seeds.length;
        expect(Math.abs(st.mean)).toBeLessThan(0.1 * std);
        expect(st.rmsRe / st.rmsIm).toBeGreaterThan(0.9);
        expect(st.rmsRe / st.rmsIm).toBeLessThan(1.1);
        disposeC(d);
        w.dispose();
      }
      // E|W|^2 = std^2 for Tucker and CP; tltorch's TT divides by prod r instead of its square
      // root, so its reconstruction has std / sqrt(prod r)
      const ttRank = prod(resolveRank(shape, 'tt', rank) as number[]);
      const target = factorization === 'tt' ? std / Math.sqrt(ttRank) : std;
      const ratio = Math.sqrt(ms) / target;
      expect(ratio, `${factorization} reconstruction std / target`).toBeGreaterThan(1 - tol);
      expect(ratio, `${factorization} reconstruction std / target`).toBeLessThan(1 + tol);
    }
  });

  it('is the same for the same seed and rng, different for another seed', () => {
    const a = new FactorizedSpectralWeight({ shape: [4, 4, 3], factorization: 'tucker', rank: 0.5, seed: 5 });
    const b = new FactorizedSpectralWeight({ shape: [4, 4, 3], factorization: 'tucker', rank: 0.5, seed: 5 });
    const c = new FactorizedSpectralWeight({ shape: [4, 4, 3], factorization: 'tucker', rank: 0.5, rng: createRng(5) });
    const d = new FactorizedSpectralWeight({ shape: [4, 4, 3], factorization: 'tucker', rank: 0.5, seed: 6 });
    expect(maxDiff(a.stateDict()['core.real'], b.stateDict()['core.real'])).toBe(0);
    expect(maxDiff(a.stateDict()['core.imag'], c.stateDict()['core.imag'])).toBe(0);
    expect(maxDiff(a.stateDict()['core.real'], d.stateDict()['core.real'])).toBeGreaterThan(0);
    [a, b, c, d].forEach((w) => w.dispose());
  });

  it('loads its state dict back (round trip), and rejects a dict of another rank', () => {
    for (const factorization of ['tucker', 'cp', 'tt'] as const) {
      const a = new FactorizedSpectralWeight({ shape: [6, 5, 4, 3], factorization, rank: 0.3, seed: 1 });
      const b = new FactorizedSpectralWeight({ shape: [6, 5, 4, 3], factorization, rank: 0.3, seed: 2 });
      const before = a.toDense();
      const other = b.toDense();
      expect(maxDiff(before.real, other.real)).toBeGreaterThan(0);
      b.loadStateDict(a.stateDict());
      const after = b.toDense();
      expect(maxDiff(before.real, after.real)).toBe(0);
      expect(maxDiff(before.imag, after.imag)).toBe(0);
      const c = new FactorizedSpectralWeight({ shape: [6, 5, 4, 3], factorization, rank: 0.6, seed: 1 });
      expect(() => c.loadStateDict(a.stateDict())).toThrow(StateDictError);
      disposeC(before, other, after);
      [a, b, c].forEach((w) => w.dispose());
    }
  });

  it('rejects bad options with errors naming the argument', () => {
    const make = (o: Record<string, unknown>) => () => new FactorizedSpectralWeight({ shape: [8, 8, 4], factorization: 'tucker', rank: 0.5, ...o } as never);
    const cases: [Record<string, unknown>, RegExp][] = [
      [
        { factorization: 'dense' },
        /FactorizedSpectralWeight: argument factorization: unknown factorization \(expected one of "tucker", "cp", "tt", got "dense"\)/,
      ],
      [{ factorization: 3 }, /argument factorization: unknown factorization/],
      [{ rank: 0 }, /FactorizedSpectralWeight: argument rank: rank must be > 0/],
      [{ rank: -0.5 }, /argument rank: rank must be > 0/],
      [{ rank: 2.5 }, /argument rank: rank too large: a fraction above 1/],
      [{ rank: 9 }, /argument rank: rank too large: tucker rank \[9, 9, 9\]/],
      [{ factorization: 'cp', rank: 1000 }, /rank too large: cp rank 1000/],
      [{ factorization: 'cp', rank: 0.01 }, /rank too small: the fraction resolves to CP rank 0/],
      [{ rank: undefined }, /argument rank: missing rank/],
      [{ rank: 'half' }, /argument rank: invalid rank/],
      [{ shape: [8] }, /argument shape: invalid shape/],
      [{ shape: [8, 2.5, 3] }, /argument shape: invalid shape/],
      [{ std: -1 }, /argument std: invalid value/],
      [{ fixedRankModes: [5] }, /argument fixedRankModes/],
      [{ ranks: 3 }, /unknown option "ranks"/],
    ];
    for (const [o, pattern] of cases) {
      expect(make(o)).toThrow(ConfigError);
      expect(make(o)).toThrow(pattern);
    }
  });

  it('frees everything on dispose and names itself when used afterwards', () => {
    const start = tf.memory().numTensors;
    const w = new FactorizedSpectralWeight({ shape: [8, 8, 6, 4], factorization: 'tt', rank: 0.2 });
    expect(tf.memory().numTensors - start).toBe(8);
    for (let i = 0; i < 3; i++) {
      const d = w.toDense();
      disposeC(d);
      w.forward().dispose();
    }
    expect(tf.memory().numTensors - start).toBe(8);
    w.dispose();
    expect(tf.memory().numTensors).toBe(start);
    expect(() => w.toDense()).toThrow(/FactorizedSpectralWeight.toDense/);
    expect(() => w.forward()).toThrow(/FactorizedSpectralWeight.forward/);
  });

  it("gives TFNO's spectral convolutions the parameter count of tensorly's Tucker rank 0.1", () => {
    // neuralop TFNO(n_modes=(12, 12), in_channels=1, out_channels=1, hidden_channels=32): 4
    // SpectralConvs, each weight [in, out, *max_n_modes] = [32, 32, 12, 12 // 2 + 1] = [32, 32, 12, 7]
    // (spectral_convolution.py: the last mode count becomes n // 2 + 1 for real data), as
    // FactorizedTensor.new(..., rank=0.1, factorization='Tucker')
    const convs = Array.from({ length: 4 }, (_, i) => new FactorizedSpectralWeight({ shape: [32, 32, 12, 7], factorization: 'Tucker', rank: 0.1, seed: i }));
    // tensorly: c solves 86016 c^4 + (32^2 + 32^2 + 12^2 + 7^2) c = 8601.6, c = 0.54137, ranks
    // round(c [32, 32, 12, 7]) = [17, 17, 6, 4] (scripts/tensorly_ranks.py)
    const c = 0.5413681489452834;
    expect(86016 * c ** 4 + 2241 * c).toBeCloseTo(8601.6, 6);
    const rank = [32, 32, 12, 7].map((s) => Math.round(s * c));
    const perConv = 2 * (prod(rank) + 32 * rank[0] + 32 * rank[1] + 12 * rank[2] + 7 * rank[3]);
    for (const w of convs) {
      expect(w.rank).toEqual(rank);
      expect(w.parameterCount).toBe(perConv);
      expect(w.numParameters()).toBe(perConv);
    }
    const total = convs.reduce((a, w) => a + w.parameterCount, 0);
    expect(total).toBe(4 * 16248);
    // about 9.4 % of the dense spectral weights (neuralop: "roughly 10% of the parameters")
    expect(total / (4 * denseParameterCount([32, 32, 12, 7]))).toBeCloseTo(0.0944, 3);
    convs.forEach((w) => w.dispose());
  });
});
