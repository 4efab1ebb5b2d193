import { ConfigError, DTypeError, DisposedError, ShapeError, StateDictError, createRng, initBackend, tf } from '@basiskit/tensor';
import { assertClose } from '@basiskit/test-utils';
import { gradCheck } from '@basiskit/training';
import { describe, expect, it } from 'vitest';
import { AFNO2D, AFNOBlock } from './afno2d';
import { checkParameterGradients } from '@basiskit/test-utils';

interface AfnoParams {
  w1: number[];
  b1: number[];
  w2: number[];
  b2: number[];
}

/**
 * FourCastNet's AFNO2D.forward in float64, written from afnonet.py with direct DFTs: rfft2
 * (ortho), the per-block complex MLP on FourCastNet's slices, softshrink, irfft2 (ortho: inverse
 * DFT on H, then the real inverse on W using only the real parts of bin 0 and, W even, bin W/2),
 * plus the input.
 */
function afnoReference(x: Float32Array, [B, H, W, C]: number[], p: AfnoParams, nb: number, factor: number, lambda: number, fraction: number): Float64Array {
  const bs = C / nb;
  const hs = bs * factor;
  const wf = Math.floor(W / 2) + 1;
  const total = Math.floor(H / 2) + 1;
  const kept = Math.floor(total * fraction);
  const r0 = Math.max(0, total - kept);
  const r1 = Math.min(H, total + kept);
  const c1 = Math.min(wf, kept);
  const at = (b: number, h: number, w: number, c: number) => ((b * H + h) * W + w) * C + c;
  const sc = 1 / Math.sqrt(H * W);
  const zr = new Float64Array(B * H * wf * C);
  const zi = new Float64Array(B * H * wf * C);
  const zat = (b: number, k1: number, k2: number, c: number) => ((b * H + k1) * wf + k2) * C + c;
  const shrink = (v: number) => (v > lambda ? v - lambda : v < -lambda ? v + lambda : 0);
  for (let b = 0; b < B; b++) {
    for (let k1 = r0; k1 < r1; k1++) {
      for (let k2 = 0; k2 < c1; k2++) {
        const xr = new Float64Array(C);
        const xi = new Float64Array(C);
        for (let h = 0; h < H; h++) {
          for (let w = 0; w < W; w++) {
            const a = -2 * Math.PI * (((k1 * h) % H) / H + ((k2 * w) % W) / W);
            for (let c = 0; c < C; c++) {
              xr[c] += x[at(b, h, w, c)] * Math.cos(a) * sc;
              xi[c] += x[at(b, h, w, c)] * Math.sin(a) * sc;
            }
          }
        }
        for (let n = 0; n < nb; n++) {
          const o1r = new Float64Array(hs);
          const o1i = new Float64Array(hs);
          for (let o = 0; o < hs; o++) {
            let re = p.b1[n * hs + o];
            let im = p.b1[(nb + n) * hs + o];
            for (let i = 0; i < bs; i++) {
              const wr = p.w1[(n * bs + i) * hs + o];
              const wi = p.w1[((nb + n) * bs + i) * hs + o];
              re += xr[n * bs + i] * wr - xi[n * bs + i] * wi;
              im += xi[n * bs + i] * wr + xr[n * bs + i] * wi;
            }
            o1r[o] = Math.max(0, re);
            o1i[o] = Math.max(0, im);
          }
          for (let o = 0; o < bs; o++) {
            let re = p.b2[n * bs + o];
            let im = p.b2[(nb + n) * bs + o];
            for (let i = 0; i < hs; i++) {
              const wr = p.w2[(n * hs + i) * bs + o];
              const wi = p.w2[((nb + n) * hs + i) * bs + o];
              re += o1r[i] * wr - o1i[i] * wi;
              im += o1i[i] * wr + o1r[i] * wi;
            }
            zr[zat(b, k1, k2, n * bs + o)] = shrink(re);
            zi[zat(b, k1, k2, n * bs + o)] = shrink(im);
          }
        }
      }
    }
  }
  const y = new Float64Array(x.length);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      for (let c = 0; c < C; c++) {
        // inverse DFT over k1 for every k2, then the Hermitian real inverse over k2
        const yr = new Float64Array(wf);
        const yi = new Float64Array(wf);
        for (let k2 = 0; k2 < wf; k2++) {
          for (let k1 = 0; k1 < H; k1++) {
            const a = (2 * Math.PI * ((k1 * h) % H)) / H;
            const re = zr[zat(b, k1, k2, c)];
            const im = zi[zat(b, k1, k2, c)];
            yr[k2] += re * Math.cos(a) - im * Math.sin(a);
            yi[k2] += re * Math.sin(a) + im * Math.cos(a);
          }
        }
        for (let w = 0; w < W; w++) {
          let s = yr[0];
          for (let k2 = 1; k2 < wf; k2++) {
            const a = (2 * Math.PI * ((k2 * w) % W)) / W;
            const term = yr[k2] * Math.cos(a) - yi[k2] * Math.sin(a);
            s += W % 2 === 0 && k2 === W / 2 ? term : 2 * term;
          }
          y[at(b, h, w, c)] = s * sc + x[at(b, h, w, c)];
        }
      }
    }
  }
  return y;
}

/** A state dict of N(0, std^2) values for `layer` (so that modes pass the ReLU and the shrinkage). */
function randomState(layer: AFNO2D, seed: number, std = 0.5): { dict: Record<string, tf.Tensor>; params: AfnoParams } {
  const rng = createRng(seed);
  const dict: Record<string, tf.Tensor> = {};
  const params: Record<string, number[]> = {};
  for (const [name, t] of Object.entries(layer.stateDict())) {
    dict[name] = rng.normalTensor(t.shape, 0, std);
    params[name] = Array.from(dict[name].dataSync());
  }
  return { dict, params: params as unknown as AfnoParams };
}

const CASES = [
  { shape: [2, 4, 6, 4], nb: 2, factor: 1, lambda: 0.01, fraction: 1 },
  { shape: [1, 5, 7, 6], nb: 3, factor: 2, lambda: 0.05, fraction: 1 },
  { shape: [1, 6, 5, 4], nb: 1, factor: 1, lambda: 0.01, fraction: 0.5 },
  // W > H: FourCastNet keeps only the first H//2+1 columns
  { shape: [1, 3, 8, 2], nb: 2, factor: 1, lambda: 0, fraction: 1 },
];

describe.each(['cpu', 'wasm'] as const)('AFNO2D on %s', (backend) => {
  it.each(CASES)(
    'equals a float64 port of FourCastNet for $shape (blocks $nb, factor $factor, fraction $fraction)',
    async ({ shape, nb, factor, lambda, fraction }) => {
      await initBackend({ backend });
      const C = shape[3];
      const layer = new AFNO2D({
        hiddenSize: C,
        numBlocks: nb,
        hiddenSizeFactor: factor,
        sparsityThreshold: lambda,
        hardThresholdingFraction: fraction,
        seed: 1,
      });
      const { dict, params } = randomState(layer, 2);
      layer.loadStateDict(dict);
      tf.dispose(Object.values(dict));
      const x = createRng(3).normalTensor(shape);
      const y = layer.forward(x);
      const want = afnoReference(x.dataSync() as Float32Array, shape, params, nb, factor, lambda, fraction);
      assertClose(y, { shape, data: want }, { rtol: 1e-4, atol: 1e-4 }, 'y');
      // the spectral part is not trivially zero
      const spectral = want.reduce((s, v, i) => s + Math.abs(v - x.dataSync()[i]), 0);
      expect(spectral).toBeGreaterThan(0.1 * want.length);
      tf.dispose([x, y]);
      layer.dispose();
    },
  );

  it('has correct gradients in x and in w1, b1, w2, b2 (finite differences)', async () => {
    await initBackend({ backend });
    const layer = new AFNO2D({ hiddenSize: 4, numBlocks: 2, hiddenSizeFactor: 2, sparsityThreshold: 0.01, seed: 4 });
    const { dict } = randomState(layer, 5);
    layer.loadStateDict(dict);
    tf.dispose(Object.values(dict));
    const x = createRng(6).normalTensor([1, 3, 4, 4]);
    gradCheck((xx) => layer.forward(xx), [x], { eps: 1e-2, rtol: 2e-2, atol: 2e-3 });
    expect(checkParameterGradients(layer, () => layer.forward(x))).toEqual(['w1', 'b1', 'w2', 'b2']);
    tf.dispose(x);
    layer.dispose();
  });
});

describe('AFNO2D', () => {
  it("has FourCastNet's parameter names, shapes and init (0.02 N(0, 1)), seeded", async () => {
    await initBackend({ backend: 'cpu' });
    const layer = new AFNO2D({ hiddenSize: 32, numBlocks: 4, hiddenSizeFactor: 2, seed: 3 });
    const sd = layer.stateDict();
    expect(Object.fromEntries(Object.entries(sd).map(([k, t]) => [k, t.shape]))).toEqual({
      w1: [2, 4, 8, 16],
      b1: [2, 4, 16],
      w2: [2, 4, 16, 8],
      b2: [2, 4, 8],
    });
    const w = Array.from(sd.w1.dataSync());
    const std = Math.sqrt(w.reduce((s, v) => s + v * v, 0) / w.length);
    expect(std).toBeGreaterThan(0.018);
    expect(std).toBeLessThan(0.022);
    const same = new AFNO2D({ hiddenSize: 32, numBlocks: 4, hiddenSizeFactor: 2, seed: 3 });
    const other = new AFNO2D({ hiddenSize: 32, numBlocks: 4, hiddenSizeFactor: 2, seed: 4 });
    expect(Array.from(same.w2.value.dataSync())).toEqual(Array.from(layer.w2.value.dataSync()));
    expect(Array.from(other.w2.value.dataSync())).not.toEqual(Array.from(layer.w2.value.dataSync()));
    expect(layer.numParameters()).toBe(2 * 4 * (8 * 16 + 16 + 16 * 8 + 8));
    [layer, same, other].forEach((m) => m.dispose());
  });

  it('with default (tiny) weights the shrinkage zeroes the modes: y = x; a zero fraction keeps no mode', async () => {
    await initBackend({ backend: 'cpu' });
    const x = createRng(1).normalTensor([1, 4, 4, 8]);
    for (const layer of [new AFNO2D({ hiddenSize: 8, sparsityThreshold: 1 }), new AFNO2D({ hiddenSize: 8, hardThresholdingFraction: 0 })]) {
      const y = layer.forward(x);
      assertClose(y, { shape: x.shape, data: x.dataSync() }, { rtol: 1e-5, atol: 1e-5 }, 'y');
      y.dispose();
      layer.dispose();
    }
    x.dispose();
  });

  it('round-trips its state dict; a bad one is rejected with nothing loaded', async () => {
    await initBackend({ backend: 'wasm' });
    const a = new AFNO2D({ hiddenSize: 4, numBlocks: 2, seed: 1 });
    const b = new AFNO2D({ hiddenSize: 4, numBlocks: 2, seed: 2 });
    const { dict } = randomState(a, 7);
    a.loadStateDict(dict);
    tf.dispose(Object.values(dict));
    b.loadStateDict(a.stateDict());
    const x = createRng(8).normalTensor([2, 4, 4, 4]);
    const ya = a.forward(x);
    const yb = b.forward(x);
    expect(Array.from(yb.dataSync())).toEqual(Array.from(ya.dataSync()));
    const before = Array.from(b.w1.value.dataSync());
    const bad = { w1: tf.zeros([2, 2, 2, 2]), b1: tf.zeros([2, 2, 3]), w2: tf.zeros([2, 2, 2, 2]) };
    expect(() => b.loadStateDict(bad)).toThrow(StateDictError);
    expect(() => b.loadStateDict(bad)).toThrow(/missing keys: b2[\s\S]*shape mismatch for b1: expected \[2, 2, 2\], got \[2, 2, 3\]/);
    expect(Array.from(b.w1.value.dataSync())).toEqual(before);
    tf.dispose([x, ya, yb, ...Object.values(bad)]);
    a.dispose();
    b.dispose();
  });

  it('refuses bad options and inputs with clear errors', async () => {
    await initBackend({ backend: 'cpu' });
    expect(() => new AFNO2D({ hiddenSize: 10, numBlocks: 4 })).toThrow(
      /AFNO2D: argument numBlocks: hiddenSize is not divisible by numBlocks \(expected a divisor of hiddenSize = 10, got 4\)/,
    );
    expect(() => new AFNO2D({ hiddenSize: 0 })).toThrow(ConfigError);
    expect(() => new AFNO2D(undefined as never)).toThrow(/AFNO2D: argument hiddenSize/);
    expect(() => new AFNO2D({ hiddenSize: 8, hardThresholdingFraction: 1.5 })).toThrow(/argument hardThresholdingFraction/);
    expect(() => new AFNO2D({ hiddenSize: 8, sparsityThreshold: -1 })).toThrow(/argument sparsityThreshold/);
    expect(() => new AFNO2D({ hiddenSize: 8, hiddenSizeFactor: 1.5 })).toThrow(/argument hiddenSizeFactor/);
    expect(() => new AFNO2D({ hiddenSize: 8, numBlock: 2 } as never)).toThrow(/unknown option "numBlock"/);
    const layer = new AFNO2D({ hiddenSize: 8 });
    tf.tidy(() => {
      expect(() => layer.forward(tf.zeros([2, 4, 4, 6]))).toThrow(
        /AFNO2D.forward: argument x: wrong size of the last dim \(expected \[\.\.\., 8\], got shape \[2, 4, 4, 6\]\)/,
      );
      expect(() => layer.forward(tf.zeros([4, 4, 8]))).toThrow(ShapeError);
      expect(() => layer.forward(tf.zeros([1, 4, 4, 8], 'int32'))).toThrow(DTypeError);
    });
    layer.dispose();
    tf.tidy(() => {
      expect(() => layer.forward(tf.zeros([1, 4, 4, 8]))).toThrow(DisposedError);
    });
  });
});

describe('AFNOBlock', () => {
  it("has FourCastNet's Block state-dict keys and shapes", async () => {
    await initBackend({ backend: 'cpu' });
    const block = new AFNOBlock({ dim: 16, numBlocks: 4, mlpRatio: 2, seed: 1 });
    expect(Object.fromEntries(Object.entries(block.stateDict()).map(([k, t]) => [k, t.shape]))).toEqual({
      'norm1.weight': [16],
      'norm1.bias': [16],
      'filter.w1': [2, 4, 4, 4],
      'filter.b1': [2, 4, 4],
      'filter.w2': [2, 4, 4, 4],
      'filter.b2': [2, 4, 4],
      'norm2.weight': [16],
      'norm2.bias': [16],
      'mlp.fc1.weight': [32, 16],
      'mlp.fc1.bias': [32],
      'mlp.fc2.weight': [16, 32],
      'mlp.fc2.bias': [16],
    });
    block.dispose();
  });

  it.each([true, false])('is norm1 -> filter -> (double skip %s) -> norm2 -> GELU MLP + residual, as FourCastNet', async (doubleSkip) => {
    await initBackend({ backend: 'wasm' });
    const block = new AFNOBlock({ dim: 4, numBlocks: 2, mlpRatio: 1.5, doubleSkip, normEps: 1e-6, seed: 2 });
    const x = createRng(3).normalTensor([2, 3, 4, 4]);
    const y = block.forward(x);
    // the same computation from the parts, with LayerNorm and GELU written out in float64
    const [B, H, W, C] = x.shape;
    const ln = (v: Float32Array | Float64Array, w: Float32Array, b: Float32Array) => {
      const out = new Float64Array(v.length);
      for (let r = 0; r < v.length / C; r++) {
        const row = Array.from(v.subarray(r * C, (r + 1) * C));
        const mean = row.reduce((s, q) => s + q, 0) / C;
        const vr = row.reduce((s, q) => s + (q - mean) ** 2, 0) / C;
        for (let c = 0; c < C; c++) out[r * C + c] = ((row[c] - mean) / Math.sqrt(vr + 1e-6)) * w[c] + b[c];
      }
      return out;
    };
    const sd = block.stateDict();
    const d = (k: string) => sd[k].dataSync() as Float32Array;
    const xs = x.dataSync() as Float32Array;
    const n1 = tf.tensor(Float32Array.from(ln(xs, d('norm1.weight'), d('norm1.bias'))), x.shape);
    const f = block.filter.forward(n1);
    const fd = f.dataSync();
    const h = doubleSkip ? fd.map((v, i) => v + xs[i]) : fd;
    const residual = doubleSkip ? h : xs;
    const n2 = ln(h as Float32Array, d('norm2.weight'), d('norm2.bias'));
    const erf = (z: number) => {
      // Abramowitz-Stegun 7.1.26 is too coarse; use a series / continued fraction via Math
      let sum = z;
      let term = z;
      for (let k = 1; k < 60; k++) {
        term *= (-z * z) / k;
        sum += term / (2 * k + 1);
      }
      return (2 / Math.sqrt(Math.PI)) * sum;
    };
    const hid = block.mlp.hiddenFeatures;
    expect(hid).toBe(6);
    const w1 = d('mlp.fc1.weight');
    const b1 = d('mlp.fc1.bias');
    const w2 = d('mlp.fc2.weight');
    const b2 = d('mlp.fc2.bias');
    const want = new Float64Array(B * H * W * C);
    for (let r = 0; r < B * H * W; r++) {
      const a = Array.from({ length: hid }, (_, j) => {
        let s = b1[j];
        for (let c = 0; c < C; c++) s += w1[j * C + c] * n2[r * C + c];
        return s * 0.5 * (1 + erf(s / Math.SQRT2));
      });
      for (let c = 0; c < C; c++) {
        let s = b2[c];
        for (let j = 0; j < hid; j++) s += w2[c * hid + j] * a[j];
        want[r * C + c] = s + residual[r * C + c];
      }
    }
    assertClose(y, { shape: x.shape, data: want }, { rtol: 1e-4, atol: 1e-5 }, 'y');
    tf.dispose([x, y, n1, f]);
    block.dispose();
  });

  it('has correct gradients in x and its parameters (finite differences)', async () => {
    await initBackend({ backend: 'cpu' });
    const block = new AFNOBlock({ dim: 4, numBlocks: 2, mlpRatio: 1, seed: 5 });
    const rng = createRng(6);
    const dict = tf.tidy(() => Object.fromEntries(Object.entries(block.stateDict()).map(([k, t]) => [k, tf.add(t, rng.normalTensor(t.shape, 0, 0.4))])));
    block.loadStateDict(dict);
    tf.dispose(Object.values(dict));
    const x = createRng(7).normalTensor([1, 2, 4, 4]);
    gradCheck((xx) => block.forward(xx), [x], { eps: 1e-2, rtol: 3e-2, atol: 3e-3 });
    const names = checkParameterGradients(block, () => block.forward(x), { rtol: 3e-2, atol: 3e-3 });
    expect(names).toContain('filter.w1');
    expect(names).toContain('mlp.fc2.weight');
    expect(names.length).toBe(12);
    tf.dispose(x);
    block.dispose();
  });

  it('drops the MLP branch per sample in training (dropPath), never in eval; seeded', async () => {
    await initBackend({ backend: 'cpu' });
    const block = new AFNOBlock({ dim: 4, numBlocks: 2, dropPath: 0.5, seed: 8 });
    const x = createRng(9).normalTensor([16, 2, 2, 4]);
    const evalY = block.eval().forward(x);
    block.train();
    const a = block.forward(x);
    // without the MLP branch, the output is the double-skip residual filter(norm1(x)) + x
    const r = tf.tidy(() => tf.add(block.filter.forward(block.norm1.forward(x)), x));
    const rows = (t: tf.Tensor) => (t.arraySync() as number[][][][]).map((s) => s.flat(2));
    const [ra, re, rr] = [rows(a), rows(evalY), rows(r)];
    let dropped = 0;
    for (let b = 0; b < 16; b++) {
      const isDropped = ra[b].every((v, i) => Math.abs(v - rr[b][i]) < 1e-5);
      if (isDropped) dropped++;
      else ra[b].forEach((v, i) => expect(v - rr[b][i]).toBeCloseTo((re[b][i] - rr[b][i]) * 2, 4));
    }
    expect(dropped).toBeGreaterThan(2);
    expect(dropped).toBeLessThan(14);
    tf.dispose([x, evalY, a, r]);
    block.dispose();
  });

  it('refuses bad options and inputs with clear errors', async () => {
    await initBackend({ backend: 'cpu' });
    expect(() => new AFNOBlock({ dim: 6, numBlocks: 4 })).toThrow(/AFNOBlock: argument numBlocks: dim is not divisible by numBlocks/);
    expect(() => new AFNOBlock({ dim: 4, dropPath: 1 })).toThrow(/AFNOBlock: argument dropPath/);
    expect(() => new AFNOBlock({ dim: 4, doubleSkip: 1 as never })).toThrow(/AFNOBlock: argument doubleSkip/);
    expect(() => new AFNOBlock({ dim: 4, mlpRatio: 0.1 })).toThrow(/AFNOBlock: argument mlpRatio/);
    const block = new AFNOBlock({ dim: 8 });
    tf.tidy(() => {
      expect(() => block.forward(tf.zeros([1, 2, 2, 4]))).toThrow(/AFNOBlock.forward: argument x: wrong size of the last dim/);
    });
    block.dispose();
  });
});
