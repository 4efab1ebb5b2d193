import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { createRng, initBackend, setWasmSimd, simdModule, tf, tfjsWasmMemory } from '@basiskit/tensor';
import { assertClose, loadCase, specTensor } from '@basiskit/test-utils';
import { gradCheck } from '@basiskit/training';
import { describe, expect, it } from 'vitest';
import { groupRational } from './group_rational';
import { GROUP_RATIONAL_WASM } from './generated/group_rational_wasm';

const impls = ['fused', 'reference'] as const;

/** value and gradients of sum(y * r) with respect to x, numerator, denominator */
function valueAndGrads(impl: 'fused' | 'reference', x: tf.Tensor, a: tf.Tensor, b: tf.Tensor, r: tf.Tensor) {
  const f = (xx: tf.Tensor, aa: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(groupRational(xx, aa, bb, { impl }), r));
  const y = groupRational(x, a, b, { impl });
  const grads = tf.grads(f)([x, a, b]);
  return { y, grads };
}

describe.each(['cpu', 'wasm'] as const)('groupRational on %s', (backend) => {
  it.each(impls)('%s matches KAT golden vectors (per-group numerators, x = 0 included)', async (impl) => {
    await initBackend({ backend });
    const c = loadCase('gr_kan_rational');
    const x = specTensor(c.inputs.x);
    const a = specTensor(c.params.numerator);
    const b = specTensor(c.params.denominator);
    const r = specTensor(c.r);
    expect(Array.from(x.dataSync())).toContain(0);
    const { y, grads } = valueAndGrads(impl, x, a, b, r);
    assertClose(y, c.outputs.y as never, c.tolerance, `${impl} y`);
    assertClose(grads[0], c.grads.x as never, c.tolerance, `${impl} dx`);
    assertClose(grads[1], c.grads.numerator as never, c.tolerance, `${impl} dnumerator`);
    assertClose(grads[2], c.grads.denominator as never, c.tolerance, `${impl} ddenominator`);
    tf.dispose([x, a, b, r, y, ...grads]);
  });

  it('shared numerator [1, m+1] equals the numerator repeated per group, gradient summed', async () => {
    await initBackend({ backend });
    const c = loadCase('gr_kan_rational');
    const x = specTensor(c.inputs.x);
    const b = specTensor(c.params.denominator);
    const r = specTensor(c.r);
    const shared = tf.tensor2d([[0.1, 1.2, -0.3, 0.05, 0.2, -0.01]]);
    const tiled = tf.tile(shared, [4, 1]);
    for (const impl of impls) {
      const s = valueAndGrads(impl, x, shared, b, r);
      const t = valueAndGrads(impl, x, tiled, b, r);
      assertClose(s.y, { shape: t.y.shape, data: t.y.dataSync() }, { rtol: 1e-6, atol: 1e-7 }, `${impl} y`);
      const summed = tf.sum(t.grads[1], 0, true);
      assertClose(s.grads[1], { shape: summed.shape, data: summed.dataSync() }, { rtol: 1e-5, atol: 1e-5 }, `${impl} da`);
      assertClose(s.grads[0], { shape: x.shape, data: t.grads[0].dataSync() }, { rtol: 1e-6, atol: 1e-6 }, `${impl} dx`);
      tf.dispose([s.y, t.y, summed, ...s.grads, ...t.grads]);
    }
    tf.dispose([x, b, r, shared, tiled]);
  });

  it.each([
    { shape: [64], groups: 1, m: 5, n: 4 },
    { shape: [3, 5, 24], groups: 8, m: 5, n: 4 },
    { shape: [7, 12], groups: 3, m: 3, n: 2 },
    { shape: [2, 6], groups: 6, m: 1, n: 1 },
  ])('fused kernel equals the plain-ops reference: %o', async ({ shape, groups, m, n }) => {
    await initBackend({ backend });
    const rng = createRng(11);
    const x = tf.tidy(() => {
      const v = rng.normalTensor(shape, 0, 2);
      // exact zeros and a large value exercise sign(0) = 0 and the Q growth
      const flat = v.dataSync().slice();
      flat[0] = 0;
      flat[flat.length - 1] = 40;
      return tf.tensor(flat, shape);
    });
    const a = rng.normalTensor([groups, m + 1], 0, 0.5);
    const b = rng.normalTensor([groups, n], 0, 0.5);
    const r = rng.normalTensor(shape);
    const f = valueAndGrads('fused', x, a, b, r);
    const ref = valueAndGrads('reference', x, a, b, r);
    const tol = { rtol: 1e-4, atol: 1e-4 };
    assertClose(f.y, { shape: ref.y.shape, data: ref.y.dataSync() }, tol, 'y');
    ['dx', 'da', 'db'].forEach((label, i) => assertClose(f.grads[i], { shape: ref.grads[i].shape, data: ref.grads[i].dataSync() }, tol, label));
    tf.dispose([x, a, b, r, f.y, ref.y, ...f.grads, ...ref.grads]);
  });

  it('fused gradients pass a finite-difference check', async () => {
    await initBackend({ backend });
    const rng = createRng(3);
    const x = rng.uniformTensor([3, 8], -2, 2);
    const a = rng.normalTensor([2, 6], 0, 0.5);
    const b = rng.normalTensor([2, 4], 0, 0.5);
    gradCheck((xx, aa, bb) => groupRational(xx, aa, bb, { impl: 'fused' }), [x, a, b], { eps: 1e-2, rtol: 2e-2, atol: 5e-3 });
    tf.dispose([x, a, b]);
  });
});

describe('groupRational wasm SIMD kernels', () => {
  it('instantiate on the tfjs wasm heap in Node', async () => {
    await initBackend({ backend: 'wasm' });
    const memory = tfjsWasmMemory((tf.backend() as unknown as { wasm: unknown }).wasm);
    expect(memory).toBeInstanceOf(WebAssembly.Memory);
    const exports = simdModule(GROUP_RATIONAL_WASM, memory);
    expect(Object.keys(exports ?? {}).sort()).toEqual(['backward54', 'backward54Finish', 'forward54']);
  });

  it('SIMD and the JavaScript heap kernel agree (odd channel counts exercise the scalar tail)', async () => {
    await initBackend({ backend: 'wasm' });
    const rng = createRng(5);
    const shape = [5, 3, 30];
    const x = tf.tidy(() => tf.concat([tf.zeros([5, 3, 2]), rng.normalTensor([5, 3, 28], 0, 3)], 2));
    const a = rng.normalTensor([3, 6], 0, 0.5);
    const b = rng.normalTensor([3, 4], 0, 0.5);
    const dy = rng.normalTensor(shape);
    const run = () => {
      const y = groupRational(x, a, b);
      const g = tf.grads((xx: tf.Tensor, aa: tf.Tensor, bb: tf.Tensor) => groupRational(xx, aa, bb))([x, a, b], dy);
      return [y, ...g];
    };
    const simd = run();
    setWasmSimd(false);
    const js = run();
    setWasmSimd(true);
    const tol = { rtol: 2e-5, atol: 2e-5 };
    ['y', 'dx', 'da', 'db'].forEach((label, i) => assertClose(simd[i], { shape: js[i].shape, data: js[i].dataSync() }, tol, label));
    tf.dispose([x, a, b, dy, ...simd, ...js]);
  });

  it('the embedded module is fresh (basiskit-wasm-build --check)', () => {
    const cli = createRequire(import.meta.url).resolve('@basiskit/wasm-build/cli.mjs');
    expect(() => execFileSync(process.execPath, [cli, '--check'], { cwd: fileURLToPath(new URL('..', import.meta.url)), stdio: 'pipe' })).not.toThrow();
  });
});

describe('groupRational errors', () => {
  it('names the argument, the expectation and what came', async () => {
    await initBackend({ backend: 'cpu' });
    const x = tf.zeros([2, 6]);
    const a = tf.zeros([2, 6]);
    const b = tf.zeros([4, 4]);
    const b2 = tf.zeros([2, 4]);
    const xi = tf.zeros([2, 6], 'int32');
    const x5 = tf.zeros([2, 5]);
    expect(() => groupRational(x, a, b)).toThrow(/groupRational: argument numerator: wrong shape \(expected \[4 or 1, m\+1\]/);
    expect(() => groupRational(x5, a, b2)).toThrow(/argument x: channels not divisible by groups \(expected last dim a multiple of 2, got shape \[2, 5\]\)/);
    expect(() => groupRational(xi, a, b2)).toThrow(/argument x: wrong dtype \(expected float32, got int32\)/);
    tf.dispose([x, a, b, b2, xi, x5]);
  });
});

// ---- extreme |x| -------------------------------------------------------------------------------
// Every path against an independent float64 evaluation: each term as (sign, log|term|), ratios
// by log-sum-exp, so that degrees whose powers pass float64's range (12 at 1e30) work too.

interface Terms {
  sign: number[];
  log: number[];
}

/** sum(num) / sum(den) for terms given as sign and log-magnitude. */
function ratio(num: Terms, den: Terms): number {
  const top = Math.max(...den.log);
  let n = 0;
  let d = 0;
  num.log.forEach((l, i) => (n += num.sign[i] * Math.exp(l - top)));
  den.log.forEach((l, i) => (d += den.sign[i] * Math.exp(l - top)));
  return n / d;
}

/** Terms c_i |x|^(i + shift) (times sign(x)^(i + shift) when `signed`), zero coefficients left out. */
function terms(coefs: number[], x: number, shift: number, signed: boolean): Terms {
  const out: Terms = { sign: [], log: [] };
  const lx = Math.log(Math.abs(x));
  coefs.forEach((c, i) => {
    const p = i + shift;
    if (c === 0) return;
    if (x === 0 && p !== 0) return;
    const sx = signed && x < 0 && p % 2 !== 0 ? -1 : 1;
    out.sign.push(Math.sign(c) * sx);
    out.log.push(Math.log(Math.abs(c)) + (p === 0 ? 0 : p * lx));
  });
  return out;
}

/** y, dy/dx, dy/da_j, dy/db_k at x for one group (a: m+1 numerator coefficients, b: n), float64. */
function exact(x: number, a: number[], b: number[]) {
  const c = [1, ...b.map(Math.abs)];
  const sx = x > 0 ? 1 : x < 0 ? -1 : 0;
  const Q = terms(c, x, 0, false);
  const y = ratio(terms(a, x, 0, true), Q);
  const dP = ratio(
    terms(
      a.slice(1).map((v, j) => (j + 1) * v),
      x,
      0,
      true,
    ),
    Q,
  ); // P'/Q
  const dQ = ratio(
    terms(
      c.slice(1).map((v, k) => (k + 1) * v),
      x,
      0,
      false,
    ),
    Q,
  ); // Q'(|x|)/Q
  const dx = dP - y * sx * dQ;
  const da = a.map((_, j) => ratio(terms([1], x, j, true), Q));
  const db = b.map((bk, k) => (bk === 0 ? 0 : -Math.sign(bk) * y * ratio(terms([1], x, k + 1, false), Q)));
  return { y, dx, da, db };
}

const F32_MAX = 3.4028234663852886e38;

/** got (float32) against the float64 truth: close where that is in float32's range, else an infinity (or beyond 1e38) of its sign; never NaN. */
function expectNear(got: number, want: number, what: string): void {
  expect(Number.isNaN(got), `${what}: NaN (want ${want})`).toBe(false);
  if (Math.abs(want) > F32_MAX) {
    expect(Math.abs(got) >= 1e38 && Math.sign(got) === Math.sign(want), `${what}: ${got}, want ${want} (out of float32's range)`).toBe(true);
    return;
  }
  expect(Number.isFinite(got), `${what}: ${got}, want ${want}`).toBe(true);
  expect(Math.abs(got - want) <= 1e-4 * Math.abs(want) + 1e-6, `${what}: ${got}, want ${want}`).toBe(true);
}

const EXTREME_X = [0, 1e-30, -1e-30, 1, -1, 1e5, -1e5, 1e10, -1e10, 1e20, -1e20, 1e30, -1e30];

const COEFFICIENTS = [
  {
    name: 'degrees 5/4',
    a: [
      [0.3, 1.1, -0.4, 0.25, 0.8, 0.6],
      [-0.2, 0.7, 0.9, -0.5, 0.3, -1.2],
    ],
    b: [
      [0.5, -0.3, 0.7, 0.9],
      [-0.2, 0.6, -0.4, 1.5],
    ],
  },
  {
    name: 'degrees 5/4 with zero leading coefficients (P = x, Q = 1; Q = 1 + x^2/2)',
    a: [
      [0, 1, 0, 0, 0, 0],
      [0.5, 0, 1, 0, 0, 0],
    ],
    b: [
      [0, 0, 0, 0],
      [0, 0.5, 0, 0],
    ],
  },
  {
    name: 'degrees 3/2',
    a: [
      [0.1, -0.9, 0.4, 0.7],
      [1.3, 0.2, -0.6, -0.3],
    ],
    b: [
      [0.8, -0.5],
      [0.3, 0.9],
    ],
  },
  {
    name: 'degrees 12/11',
    a: [Array.from({ length: 13 }, (_, j) => (j % 3 === 0 ? 0.5 : -0.25) * (1 + j / 10)), Array.from({ length: 13 }, (_, j) => (j % 2 === 0 ? -0.3 : 0.6))],
    b: [Array.from({ length: 11 }, (_, k) => (k % 2 === 0 ? 0.4 : -0.7)), Array.from({ length: 11 }, (_, k) => 0.2 + k / 20)],
  },
];

const EXTREME_PATHS = [
  { path: 'cpu fused', backend: 'cpu', impl: 'fused', simd: true },
  { path: 'wasm SIMD', backend: 'wasm', impl: 'fused', simd: true },
  { path: 'wasm JavaScript', backend: 'wasm', impl: 'fused', simd: false },
  { path: 'reference', backend: 'cpu', impl: 'reference', simd: true },
] as const;

describe('groupRational at |x| from 1e-30 to 1e30', () => {
  it.each(EXTREME_PATHS.flatMap((p) => COEFFICIENTS.map((c) => ({ ...p, coefficients: c }))))(
    '$path, $coefficients.name: y and every gradient finite and equal to float64 where the truth is in range',
    async ({ backend, impl, simd, coefficients }) => {
      await initBackend({ backend });
      setWasmSimd(simd);
      const { a, b } = coefficients;
      const at = tf.tensor2d(a);
      const bt = tf.tensor2d(b);
      // [2, 12]: two groups of 6 channels (on wasm: one f32x4 vector, then a 2-element tail)
      const perGroup = 6;
      const count = 2 * perGroup; // elements per group
      try {
        for (const v of EXTREME_X) {
          const [yd, dxd, dad, dbd] = tf.tidy(() => {
            const x = tf.fill([2, 2 * perGroup], v);
            const y = groupRational(x, at, bt, { impl });
            const grads = tf.grads((xx: tf.Tensor, aa: tf.Tensor, bb: tf.Tensor) => tf.sum(groupRational(xx, aa, bb, { impl })))([x, at, bt]);
            return [y, ...grads].map((t) => t.dataSync());
          });
          for (let g = 0; g < 2; g++) {
            const want = exact(v, a[g], b[g]);
            const i = g * perGroup + perGroup - 1; // the tail's last element (every element is alike)
            expectNear(yd[i], want.y, `x=${v} group ${g} y`);
            expectNear(yd[g * perGroup], want.y, `x=${v} group ${g} y (vector lane)`);
            expectNear(dxd[i], want.dx, `x=${v} group ${g} dx`);
            expectNear(dxd[g * perGroup], want.dx, `x=${v} group ${g} dx (vector lane)`);
            want.da.forEach((w, j) => expectNear(dad[g * a[g].length + j], count * w, `x=${v} group ${g} da[${j}]`));
            want.db.forEach((w, k) => expectNear(dbd[g * b[g].length + k], count * w, `x=${v} group ${g} db[${k}]`));
          }
        }
      } finally {
        setWasmSimd(true);
        tf.dispose([at, bt]);
      }
    },
  );
});
