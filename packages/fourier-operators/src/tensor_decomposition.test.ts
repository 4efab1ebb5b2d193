import type { ComplexTensor } from '@basiskit/kernels';
import { createRng, initBackend, tf, type Rng } from '@basiskit/tensor';
import { gradCheck } from '@basiskit/training';
import { describe, expect, it } from 'vitest';
import { cpToTensor, ttToTensor, tuckerToTensor } from './tensor_decomposition';

/** A complex tensor as two float64 arrays (values rounded to float32, as the tensors hold them). */
interface C64 {
  shape: number[];
  re: Float64Array;
  im: Float64Array;
}

const prod = (xs: readonly number[]) => xs.reduce((a, b) => a * b, 1);
const strides = (shape: readonly number[]) => shape.map((_, k) => prod(shape.slice(k + 1)));

function randC(rng: Rng, shape: number[]): C64 {
  const n = prod(shape);
  const re = new Float64Array(n).map(() => Math.fround(rng.normal()));
  const im = new Float64Array(n).map(() => Math.fround(rng.normal()));
  return { shape, re, im };
}
const toTf = (c: C64): ComplexTensor => ({ real: tf.tensor(Float32Array.from(c.re), c.shape), imag: tf.tensor(Float32Array.from(c.im), c.shape) });
const at = (c: C64, idx: number[]) => {
  const st = strides(c.shape);
  const o = idx.reduce((a, i, k) => a + i * st[k], 0);
  return [c.re[o], c.im[o]];
};
const cmul = ([a, b]: number[], [c, d]: number[]) => [a * c - b * d, a * d + b * c];

/** Every multi-index of `shape`, row-major. */
function* indices(shape: readonly number[]): Generator<number[]> {
  const idx = new Array<number>(shape.length).fill(0);
  for (let t = 0; t < prod(shape); t++) {
    yield [...idx];
    for (let k = shape.length - 1; k >= 0; k--) {
      if (++idx[k] < shape[k]) break;
      idx[k] = 0;
    }
  }
}

/** Direct float64 sums of the definitions. */
function tucker64(core: C64, factors: C64[]): C64 {
  const shape = factors.map((u) => u.shape[0]);
  const out: C64 = { shape, re: new Float64Array(prod(shape)), im: new Float64Array(prod(shape)) };
  let o = 0;
  for (const i of indices(shape)) {
    for (const j of indices(core.shape)) {
      let t = at(core, j);
      factors.forEach((u, k) => (t = cmul(t, at(u, [i[k], j[k]]))));
      out.re[o] += t[0];
      out.im[o] += t[1];
    }
    o++;
  }
  return out;
}
function cp64(weights: C64, factors: C64[]): C64 {
  const shape = factors.map((u) => u.shape[0]);
  const out: C64 = { shape, re: new Float64Array(prod(shape)), im: new Float64Array(prod(shape)) };
  let o = 0;
  for (const i of indices(shape)) {
    for (let r = 0; r < weights.shape[0]; r++) {
      let t = at(weights, [r]);
      factors.forEach((u, k) => (t = cmul(t, at(u, [i[k], r]))));
      out.re[o] += t[0];
      out.im[o] += t[1];
    }
    o++;
  }
  return out;
}
function tt64(factors: C64[]): C64 {
  const shape = factors.map((g) => g.shape[1]);
  const out: C64 = { shape, re: new Float64Array(prod(shape)), im: new Float64Array(prod(shape)) };
  let o = 0;
  for (const i of indices(shape)) {
    // row vector v [r_k] times G_k[:, i_k, :]
    let v = [[1, 0]];
    factors.forEach((g, k) => {
      const [rk, , rn] = g.shape;
      const next = Array.from({ length: rn }, () => [0, 0]);
      for (let a = 0; a < rk; a++) {
        for (let b = 0; b < rn; b++) {
          const t = cmul(v[a], at(g, [a, i[k], b]));
          next[b][0] += t[0];
          next[b][1] += t[1];
        }
      }
      v = next;
    });
    out.re[o] = v[0][0];
    out.im[o] = v[0][1];
    o++;
  }
  return out;
}

/** max |got - want| / max |want| over real and imaginary parts. */
function relErr(got: ComplexTensor, want: C64): number {
  expect(got.real.shape).toEqual(want.shape);
  expect(got.imag.shape).toEqual(want.shape);
  const gr = got.real.dataSync();
  const gi = got.imag.dataSync();
  let err = 0;
  let big = 0;
  for (let i = 0; i < want.re.length; i++) {
    err = Math.max(err, Math.abs(gr[i] - want.re[i]), Math.abs(gi[i] - want.im[i]));
    big = Math.max(big, Math.abs(want.re[i]), Math.abs(want.im[i]));
  }
  return err / big;
}
const disposeC = (...cs: ComplexTensor[]) => cs.forEach((c) => tf.dispose([c.real, c.imag]));
const flat = (cs: ComplexTensor[]) => cs.flatMap((c) => [c.real, c.imag]);
const pairs = (xs: tf.Tensor[]): ComplexTensor[] => Array.from({ length: xs.length / 2 }, (_, i) => ({ real: xs[2 * i], imag: xs[2 * i + 1] }));
const stacked = (c: ComplexTensor) => tf.stack([c.real, c.imag]);

const TUCKER = [
  { shape: [3, 4, 5], rank: [2, 3, 2] },
  { shape: [2, 3, 4, 3], rank: [2, 2, 3, 1] },
  { shape: [4, 6], rank: [3, 2] },
];
const CP = [
  { shape: [3, 4, 5], rank: 3 },
  { shape: [2, 3, 4, 3], rank: 4 },
  { shape: [5, 4], rank: 2 },
];
const TT = [
  { shape: [3, 4, 5], rank: [1, 2, 3, 1] },
  { shape: [2, 3, 4, 3], rank: [1, 2, 3, 2, 1] },
  { shape: [4, 6], rank: [1, 3, 1] },
];

describe.each(['cpu', 'wasm'] as const)('tensor decompositions on %s', (backend) => {
  it.each(TUCKER)('tuckerToTensor of $shape at rank $rank equals the float64 sum', async ({ shape, rank }) => {
    await initBackend({ backend });
    const rng = createRng(1);
    const core = randC(rng, rank);
    const factors = shape.map((s, k) => randC(rng, [s, rank[k]]));
    const [c, fs] = [toTf(core), factors.map(toTf)];
    const w = tuckerToTensor(c, fs);
    expect(relErr(w, tucker64(core, factors))).toBeLessThan(1e-6);
    disposeC(w, c, ...fs);
  });

  it.each(CP)('cpToTensor of $shape at rank $rank equals the float64 sum', async ({ shape, rank }) => {
    await initBackend({ backend });
    const rng = createRng(2);
    const weights = randC(rng, [rank]);
    const factors = shape.map((s) => randC(rng, [s, rank]));
    const [wt, fs] = [toTf(weights), factors.map(toTf)];
    const w = cpToTensor(wt, fs);
    expect(relErr(w, cp64(weights, factors))).toBeLessThan(1e-6);
    disposeC(w, wt, ...fs);
  });

  it.each(TT)('ttToTensor of $shape at rank $rank equals the float64 chain', async ({ shape, rank }) => {
    await initBackend({ backend });
    const rng = createRng(3);
    const factors = shape.map((s, k) => randC(rng, [rank[k], s, rank[k + 1]]));
    const fs = factors.map(toTf);
    const w = ttToTensor(fs);
    expect(relErr(w, tt64(factors))).toBeLessThan(1e-6);
    disposeC(w, ...fs);
  });

  it('gradients of every reconstruction pass a finite-difference check', async () => {
    await initBackend({ backend });
    const rng = createRng(4);
    const shape = [2, 3, 4];
    const tuckerIn = [toTf(randC(rng, [2, 2, 3])), ...shape.map((s, k) => toTf(randC(rng, [s, [2, 2, 3][k]])))];
    const cpIn = [toTf(randC(rng, [3])), ...shape.map((s) => toTf(randC(rng, [s, 3])))];
    const ttRank = [1, 2, 3, 1];
    const ttIn = shape.map((s, k) => toTf(randC(rng, [ttRank[k], s, ttRank[k + 1]])));
    const checks = [
      { name: 'tucker', inputs: tuckerIn, fn: (...xs: tf.Tensor[]) => stacked(tuckerToTensor(pairs(xs)[0], pairs(xs).slice(1))) },
      { name: 'cp', inputs: cpIn, fn: (...xs: tf.Tensor[]) => stacked(cpToTensor(pairs(xs)[0], pairs(xs).slice(1))) },
      { name: 'tt', inputs: ttIn, fn: (...xs: tf.Tensor[]) => stacked(ttToTensor(pairs(xs))) },
    ];
    for (const { name, inputs, fn } of checks) {
      const res = gradCheck(fn, flat(inputs), { eps: 1e-2, rtol: 2e-2, atol: 2e-3 });
      expect(res.ok, name).toBe(true);
      expect(res.checked).toBe(inputs.reduce((a, c) => a + 2 * c.real.size, 0));
    }
    disposeC(...tuckerIn, ...cpIn, ...ttIn);
  });
});
