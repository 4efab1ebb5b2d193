import { createRng, initBackend, setWasmSimd, tf } from '@basiskit/tensor';
import { gradCheck } from '@basiskit/training';
import { describe, expect, it } from 'vitest';
import { gelu } from './gelu';
import { geluReference } from './gelu_reference';

// An independent float64 Phi: erf by its Maclaurin series for |z| < 3 (terms up to e^9: ~1e-12
// absolute), erfc by its continued fraction (Lentz) beyond.
function erfSeries(z: number): number {
  let term = z;
  let sum = z;
  for (let n = 1; n < 200; n++) {
    term *= (-z * z) / n;
    const add = term / (2 * n + 1);
    sum += add;
    if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

function erfcContinuedFraction(z: number): number {
  // erfc(z) = exp(-z^2)/sqrt(pi) * 1/(z + (1/2)/(z + 1/(z + (3/2)/(z + 2/(z + ...)))))
  const tiny = 1e-300;
  let f = z;
  let c = z;
  let d = 0;
  for (let n = 1; n < 500; n++) {
    const a = n / 2;
    d = z + a * d;
    d = d === 0 ? tiny : d;
    c = z + a / c;
    c = c === 0 ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-z * z) / Math.sqrt(Math.PI) / f;
}

function exactPhi(x: number): number {
  const z = x / Math.SQRT2;
  if (Math.abs(z) < 3) return 0.5 * (1 + erfSeries(z));
  const c = erfcContinuedFraction(Math.abs(z));
  return x > 0 ? 1 - 0.5 * c : 0.5 * c;
}

const exactGelu = (x: number) => x * exactPhi(x);
const exactSlope = (x: number) => exactPhi(x) + (x * Math.exp(-0.5 * x * x)) / Math.sqrt(2 * Math.PI);

/** Points: a dense grid over [-14, 14], ±0, subnormals, tiny, large and huge |x|; an odd count (SIMD tail). */
function testPoints(): Float32Array {
  const pts: number[] = [0, -0, 1e-45, -1e-45, 1e-40, -1e-40, 1e-20, -1e-20, 1e-7, -1e-7, 0.5, -0.5, 0.70710677, -0.70710677];
  for (let i = 0; i <= 2800; i++) pts.push(-14 + i * 0.01);
  pts.push(20, -20, 1e4, -1e4, 1e20, -1e20, 3.4e38, -3.4e38, 1);
  return Float32Array.from(pts);
}

const f32 = Math.fround;

const modes = [
  { backend: 'cpu', simd: true },
  { backend: 'wasm', simd: true },
  { backend: 'wasm', simd: false },
] as const;

describe.each(modes)('gelu fused kernel on $backend (simd $simd)', ({ backend, simd }) => {
  it('values within float32 accuracy of the exact x Phi(x) at every point (±0, subnormals, tails, huge |x|)', async () => {
    await initBackend({ backend });
    setWasmSimd(simd);
    try {
      const pts = testPoints();
      const x = tf.tensor1d(pts);
      const y = gelu(x, { impl: 'fused' });
      const got = y.dataSync();
      let worst = 0;
      for (let i = 0; i < pts.length; i++) {
        const xi = pts[i];
        const want = exactGelu(xi);
        // Phi within 2e-7 absolute, and the negative tail within 3e-5 relative (float32 lanes round
        // x^2/2 before exp: ~1e-7 x^2 relative) down to ~1e-37 (no subnormal exp), plus the product's rounding
        const tol = Math.min(2e-7 * Math.abs(xi), 3e-5 * Math.abs(want) + 1e-37) + 1.2e-7 * Math.abs(want) + 1e-45;
        const err = Math.abs(got[i] - want);
        if (!(err <= tol)) throw new Error(`gelu(${xi}) = ${got[i]}, want ${want} (error ${err}, tolerance ${tol})`);
        worst = Math.max(worst, err / tol);
      }
      expect(worst).toBeLessThanOrEqual(1);
      expect(Object.is(got[0], 0)).toBe(true);
      expect(Object.is(got[1], -0)).toBe(true);
      // gelu(x) = x once Phi rounds to 1, exactly 0 (signed) deep in the negative tail
      expect(got[pts.indexOf(f32(1e20))]).toBe(f32(1e20));
      expect(got[pts.indexOf(f32(3.4e38))]).toBe(f32(3.4e38));
      expect(Math.abs(got[pts.indexOf(f32(-1e20))])).toBe(0);
      tf.dispose([x, y]);
    } finally {
      setWasmSimd(true);
    }
  });

  it('gradient Phi(x) + x phi(x) within 3e-7 (1 + |x|) of the exact slope, finite everywhere', async () => {
    await initBackend({ backend });
    setWasmSimd(simd);
    try {
      const pts = testPoints();
      const x = tf.tensor1d(pts);
      const rng = createRng(3);
      const r = rng.normalTensor([pts.length]);
      const dx = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(gelu(a, { impl: 'fused' }), r)))(x);
      const got = dx.dataSync();
      const rs = r.dataSync();
      for (let i = 0; i < pts.length; i++) {
        const want = f32(rs[i]) * exactSlope(pts[i]);
        const tol = 3e-7 * (1 + Math.abs(want));
        const err = Math.abs(got[i] - want);
        if (!(err <= tol)) throw new Error(`gelu'(${pts[i]}) * r = ${got[i]}, want ${want} (error ${err})`);
      }
      expect(got.every((v) => Number.isFinite(v))).toBe(true);
      tf.dispose([x, r, dx]);
    } finally {
      setWasmSimd(true);
    }
  });
});

describe.each(['cpu', 'wasm'] as const)('gelu on %s', (backend) => {
  it('fused kernel equals the plain-ops reference in value and gradient (shapes with and without a SIMD tail)', async () => {
    await initBackend({ backend });
    const rng = createRng(7);
    for (const shape of [[3, 5, 8], [7, 3], [1]]) {
      const x = rng.normalTensor(shape, 0, 3);
      const r = rng.normalTensor(shape);
      const run = (impl: 'fused' | 'reference') => {
        const y = gelu(x, { impl });
        const dx = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(gelu(a, { impl }), r)))(x);
        return [y.dataSync(), dx.dataSync(), y, dx] as const;
      };
      const [yf, gf, ...tf1] = run('fused');
      const [yr, gr, ...tf2] = run('reference');
      // tfjs's erf is Abramowitz & Stegun 7.1.26 (error 1.5e-7)
      for (let i = 0; i < yf.length; i++) {
        expect(Math.abs(yf[i] - yr[i])).toBeLessThan(1e-6 * (1 + Math.abs(yr[i])));
        expect(Math.abs(gf[i] - gr[i])).toBeLessThan(2e-6 * (1 + Math.abs(gr[i])));
      }
      tf.dispose([x, r, ...tf1, ...tf2]);
    }
  });

  it('gradient matches finite differences', async () => {
    await initBackend({ backend });
    const rng = createRng(5);
    const x = rng.uniformTensor([5, 7], -4, 4);
    const res = gradCheck((a) => gelu(a, { impl: 'fused' }), [x], { eps: 1e-2, rtol: 1e-2, atol: 1e-3 });
    expect(res.ok).toBe(true);
    x.dispose();
  });

  it('second derivative phi(x) (2 - x^2) dy, and the gradient in dy, match the reference and finite differences', async () => {
    await initBackend({ backend });
    const rng = createRng(9);
    const x = tf.tensor1d([-30, -3, -1.2, -0.1, 0, 0.4, 1.5, 2.5, 30, 1e20]);
    const second = (impl: 'fused' | 'reference') => tf.grad((t: tf.Tensor) => tf.sum(tf.grad((u: tf.Tensor) => tf.sum(gelu(u, { impl })))(t)))(x);
    const gf = second('fused');
    const gr = second('reference');
    const xs = x.dataSync();
    gf.dataSync().forEach((v, i) => {
      const exact = (Math.exp(-0.5 * Math.min(xs[i] * xs[i], 1e4)) / Math.sqrt(2 * Math.PI)) * (2 - Math.min(xs[i] * xs[i], 1e4));
      expect(Math.abs(v - exact)).toBeLessThan(1e-6);
    });
    gr.dataSync().forEach((v, i) => i < 9 && expect(Math.abs(v - gf.dataSync()[i])).toBeLessThan(1e-5));
    const dy = rng.normalTensor([3, 4]);
    const xx = rng.normalTensor([3, 4]);
    const res = gradCheck((a, b) => tf.grad((u: tf.Tensor) => tf.sum(tf.mul(gelu(u, { impl: 'fused' }), b)))(a), [xx, dy], {
      eps: 1e-2,
      rtol: 2e-2,
      atol: 2e-3,
    });
    expect(res.ok).toBe(true);
    tf.dispose([x, gf, gr, dy, xx]);
  });

  it('leaves no tensors behind (forward and backward)', async () => {
    await initBackend({ backend });
    const x = tf.tensor1d([-2, -0.5, 0, 0.5, 2]);
    const before = tf.memory().numTensors;
    const y = gelu(x);
    const dx = tf.grad((a: tf.Tensor) => tf.sum(gelu(a)))(x);
    expect(tf.memory().numTensors).toBe(before + 2);
    tf.dispose([x, y, dx]);
  });

  it('rejects a non-float32 input and an unknown impl with errors naming gelu', async () => {
    await initBackend({ backend });
    const xi = tf.tensor1d([1, 2], 'int32');
    const x = tf.tensor1d([1, 2]);
    expect(() => gelu(xi)).toThrow(/gelu/);
    expect(() => gelu(x, { impl: 'fast' as never })).toThrow(/gelu.*impl/s);
    tf.dispose([xi, x]);
  });
});

describe('geluReference', () => {
  it('is x Phi(x) with tfjs erf (within its 1.5e-7)', async () => {
    await initBackend({ backend: 'cpu' });
    const pts = [-3, -1, 0, 1, 3];
    const x = tf.tensor1d(pts);
    const y = geluReference(x);
    y.dataSync().forEach((v, i) => expect(Math.abs(v - exactGelu(pts[i]))).toBeLessThan(1e-6));
    tf.dispose([x, y]);
  });
});
