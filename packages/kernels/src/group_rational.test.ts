import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createRng, initBackend, tf } from '@basiskit/tensor';
import { assertClose, loadCase, specTensor } from '@basiskit/test-utils';
import { gradCheck } from '@basiskit/training';
import { describe, expect, it } from 'vitest';
import { groupRational, setGroupRationalSimd } from './group_rational';
import { simdModule, tfjsWasmMemory } from './wasm_simd_module';
import { GROUP_RATIONAL_WASM_BASE64 } from './generated/group_rational_wasm';

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
    ['dx', 'da', 'db'].forEach((label, i) =>
      assertClose(f.grads[i], { shape: ref.grads[i].shape, data: ref.grads[i].dataSync() }, tol, label),
    );
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
    const exports = simdModule('group_rational', GROUP_RATIONAL_WASM_BASE64, memory);
    expect(Object.keys(exports ?? {}).sort()).toEqual(['backward54', 'forward54']);
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
    setGroupRationalSimd(false);
    const js = run();
    setGroupRationalSimd(true);
    const tol = { rtol: 2e-5, atol: 2e-5 };
    ['y', 'dx', 'da', 'db'].forEach((label, i) => assertClose(simd[i], { shape: js[i].shape, data: js[i].dataSync() }, tol, label));
    tf.dispose([x, a, b, dy, ...simd, ...js]);
  });

  it('the embedded module is fresh (scripts/build_wasm.mjs --check)', () => {
    const script = fileURLToPath(new URL('../scripts/build_wasm.mjs', import.meta.url));
    expect(() => execFileSync(process.execPath, [script, '--check'], { stdio: 'pipe' })).not.toThrow();
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

