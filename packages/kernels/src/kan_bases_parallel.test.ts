// The RBF, Chebyshev, Fourier and ReLU-KAN bases on the thread pool (assembly/kan_bases.ts):
// the wasm kernels against the JavaScript kernels (setWasmSimd(false)), values and gradients, on
// cpu and wasm, with NaN and huge inputs; the same bits with 1, 2 and 3 threads; and the
// table-free tanh, sin and cos against Math.
import { createRng, initBackend, setWasmSimd, tf, threadPool } from '@basiskit/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { chebyshevBasis } from './chebyshev_basis';
import { fourierBasis } from './fourier_basis';
import { KAN_BASES_WASM } from './generated/kan_bases_wasm';
import { rbfBasis } from './rbf_basis';
import { reluKanBasis, reluKanPhases } from './relu_kan_basis';

type Case = { name: string; run: () => tf.Tensor[] };

/** x [64, 512] (32768 floats: the wasm backend's pool threshold) with NaN, +-1e6, 0 and grid points mixed in. */
function inputs(seed: number, scale: number): tf.Tensor {
  return tf.tidy(() => {
    const rng = createRng(seed);
    const v = rng.uniformTensor([64, 512], -scale, scale).dataSync() as Float32Array;
    const special = [NaN, 1e6, -1e6, 0, 2, -2, 0.5, 1e-8, 30, -30];
    special.forEach((s, i) => (v[i * 97] = s));
    return tf.tensor2d(v, [64, 512]);
  });
}

/** A basis, its value and the gradients of sum(basis * r) in x and the differentiable parameters. */
function valueAndGrads(f: (...t: tf.Tensor[]) => tf.Tensor, args: tf.Tensor[], seed: number): tf.Tensor[] {
  return tf.tidy(() => {
    const y = f(...args);
    const r = createRng(seed).normalTensor(y.shape);
    return [y, ...tf.grads((...t: tf.Tensor[]) => tf.sum(tf.mul(f(...t), r)))(args)];
  });
}

const CASES: Case[] = [
  {
    name: 'rbf (uniform grid)',
    run: () => {
      const x = inputs(1, 2.5);
      const grid = tf.linspace(-2, 2, 8);
      const out = valueAndGrads((xx, gg) => rbfBasis(xx, { grid: gg, impl: 'fused' }), [x, grid], 11);
      tf.dispose([x, grid]);
      return out;
    },
  },
  {
    name: 'rbf (non-uniform grid, 5 points)',
    run: () => {
      const x = inputs(2, 3);
      const grid = tf.tensor1d([-2, -0.7, 0.1, 0.4, 2.5]);
      const out = valueAndGrads((xx, gg) => rbfBasis(xx, { grid: gg, denominator: 0.6, impl: 'fused' }), [x, grid], 12);
      tf.dispose([x, grid]);
      return out;
    },
  },
  ...[0, 1, 6].map((degree) => ({
    name: `chebyshev degree ${degree}`,
    run: () => {
      const x = inputs(3 + degree, 3);
      const out = valueAndGrads((xx) => chebyshevBasis(xx, { degree, impl: 'fused' }), [x], 13);
      x.dispose();
      return out;
    },
  })),
  {
    name: 'fourier G = 5',
    run: () => {
      const x = inputs(4, 4);
      const out = valueAndGrads((xx) => fourierBasis(xx, { gridSize: 5, impl: 'fused' }), [x], 14);
      x.dispose();
      return out;
    },
  },
  ...[
    { gridSize: 5, k: 3, perFeature: false },
    { gridSize: 4, k: 3, perFeature: true }, // 7 basis functions: the scalar tail
  ].map(({ gridSize, k, perFeature }) => ({
    name: `relu-kan G = ${gridSize}, k = ${k}, ${perFeature ? 'per-feature' : 'shared'} phases`,
    run: () => {
      const x = inputs(5 + k, 1.2);
      const { phaseLow, phaseHeight } = reluKanPhases(gridSize, k);
      const rows = perFeature ? 512 : 1;
      const jitter = createRng(gridSize);
      const low = tf.tensor2d(
        Array.from({ length: rows * (gridSize + k) }, (_, i) => phaseLow[i % (gridSize + k)] + (perFeature ? 0.05 * jitter.normal() : 0)),
        [rows, gridSize + k],
      );
      const high = tf.tensor2d(
        Array.from({ length: rows * (gridSize + k) }, (_, i) => phaseHeight[i % (gridSize + k)]),
        [rows, gridSize + k],
      );
      const out = valueAndGrads((xx, l, h) => reluKanBasis(xx, { gridSize, k, phaseLow: l, phaseHeight: h, impl: 'fused' }), [x, low, high], 15);
      tf.dispose([x, low, high]);
      return out;
    },
  })),
];

/** a and b agree to `tol` relative to b's largest magnitude (NaN where b is NaN). */
function expectClose(a: Float32Array, b: Float32Array, tol: number, label: string) {
  expect(a.length, label).toBe(b.length);
  let scale = 0;
  for (const v of b) if (Number.isFinite(v)) scale = Math.max(scale, Math.abs(v));
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    if (Number.isNaN(b[i])) expect(a[i], `${label}[${i}]`).toBeNaN();
    else worst = Math.max(worst, Math.abs(a[i] - b[i]) / (scale + Math.abs(b[i]) + 1e-30));
  }
  expect(worst, label).toBeLessThanOrEqual(tol);
}

const data = (ts: tf.Tensor[]) => {
  const d = ts.map((t) => (t.dataSync() as Float32Array).slice());
  tf.dispose(ts);
  return d;
};
const bits = (ts: Float32Array[]) => ts.map((a) => Array.from(new Uint32Array(a.buffer)));

afterAll(async () => {
  setWasmSimd(true);
  await initBackend({ backend: 'wasm' });
  threadPool().stopWorkers();
});

describe.each(['cpu', 'wasm'] as const)('the KAN bases on the thread pool, %s', (backend) => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s: the wasm kernels equal the JavaScript kernels (values and gradients)', async (_n, c) => {
    await initBackend({ backend, threads: 2 });
    setWasmSimd(false);
    const js = data(c.run());
    setWasmSimd(true);
    const simd = data(c.run());
    js.forEach((want, i) => expectClose(simd[i], want, 2e-6, `${c.name} output ${i}`));
  });

  it('give the same bits with 1, 2 and 3 threads', async () => {
    const results: number[][][] = [];
    for (const threads of [1, 2, 3]) {
      const info = await initBackend({ backend, threads });
      expect(info.kernelThreads.threads).toBe(threads);
      // twice: the workers start during the first run and take chunks in the second
      for (const c of CASES) data(c.run());
      results.push(CASES.flatMap((c) => bits(data(c.run()))));
    }
    expect(results[1]).toEqual(results[0]);
    expect(results[2]).toEqual(results[0]);
  });
});

describe('table-free tanh, sin and cos of assembly/kan_bases.ts', () => {
  it('match Math to ~1e-15 (sin, cos exact reduction up to 8e8; NaN and Infinity as Math)', () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const e = new WebAssembly.Instance(new WebAssembly.Module(new Uint8Array(Buffer.from(KAN_BASES_WASM.base64, 'base64'))), { env: { memory } })
      .exports as Record<string, (x: number) => number>;
    const rng = createRng(9);
    let tanhRel = 0;
    let sinAbs = 0;
    for (let i = 0; i < 20000; i++) {
      const x = (rng.uniform() - 0.5) * 10 ** (rng.uniform() * 11 - 4); // |x| up to 5e6
      tanhRel = Math.max(tanhRel, Math.abs(e.tanh64(x) - Math.tanh(x)) / Math.abs(Math.tanh(x) || 1));
      sinAbs = Math.max(sinAbs, Math.abs(e.sin64(x) - Math.sin(x)), Math.abs(e.cos64(x) - Math.cos(x)));
    }
    expect(tanhRel).toBeLessThan(2e-15);
    expect(sinAbs).toBeLessThan(1e-15);
    for (const x of [7e8, -7.9e8]) expect(Math.abs(e.sin64(x) - Math.sin(x))).toBeLessThan(1e-15);
    expect(e.tanh64(Infinity)).toBe(1);
    expect(e.tanh64(-Infinity)).toBe(-1);
    expect(e.tanh64(NaN)).toBeNaN();
    expect(e.sin64(Infinity)).toBeNaN();
    expect(e.cos64(NaN)).toBeNaN();
    // beyond the exact range: bounded
    for (const x of [1e12, -3e38]) expect(Math.abs(e.sin64(x))).toBeLessThanOrEqual(1);
  });
});
