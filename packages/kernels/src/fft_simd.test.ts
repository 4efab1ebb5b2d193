// The wasm SIMD FFT (assembly/fft.ts) against the JavaScript kernel (setWasmSimd(false): the
// same op on the same backend) and a float64 DFT: power-of-two lengths, batches that are not
// multiples of four, every norm, non-last axes (contiguous, lane-by-lane and row groups), crop
// and pad, gradients. Each comparison also checks which path ran: the SIMD kernel computes in
// float32, the JavaScript one in float64, so their outputs differ in the last bits (and are
// bitwise equal where the SIMD kernel declines: lengths that are not powers of two).
import { createRng, initBackend, setWasmSimd, tf } from '@basiskit/tensor';
import { gradCheck } from '@basiskit/training';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fft, ifft, irfft, rfft, type ComplexTensor, type FFTNorm } from './fft';

type Op = 'fft' | 'ifft' | 'rfft' | 'irfft';
const NORMS: FFTNorm[] = ['backward', 'ortho', 'forward'];

function scaleOf(norm: FFTNorm, n: number, inverse: boolean) {
  if (norm === 'ortho') return 1 / Math.sqrt(n);
  return (norm === 'backward') === inverse ? 1 / n : 1;
}

function layout(shape: number[], axis: number) {
  let outer = 1;
  let inner = 1;
  for (let d = 0; d < axis; d++) outer *= shape[d];
  for (let d = axis + 1; d < shape.length; d++) inner *= shape[d];
  return { outer, inner, len: shape[axis] };
}

/**
 * Float64 reference of `op` along `axis` (lines cropped/zero-padded as numpy does), flattened
 * as the op's output: [re, im] (im empty for irfft).
 */
function reference(op: Op, re: Float32Array, im: Float32Array, shape: number[], axis: number, n: number, norm: FFTNorm): [Float64Array, Float64Array] {
  const { outer, inner, len } = layout(shape, axis);
  const inverse = op === 'ifft' || op === 'irfft';
  const s = scaleOf(norm, n, inverse);
  const sign = inverse ? 1 : -1;
  const lenOut = op === 'rfft' ? (n >> 1) + 1 : n;
  const cos = Float64Array.from({ length: n }, (_, r) => Math.cos((2 * Math.PI * r) / n));
  const sin = Float64Array.from({ length: n }, (_, r) => Math.sin((2 * Math.PI * r) / n));
  const outRe = new Float64Array(outer * lenOut * inner);
  const outIm = new Float64Array(op === 'irfft' ? 0 : outer * lenOut * inner);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const at = (j: number) => o * len * inner + j * inner + i;
      for (let k = 0; k < lenOut; k++) {
        let sr = 0;
        let si = 0;
        if (op === 'irfft') {
          // x_k = s sum_j w_j Re(X_j e^{2 pi i jk/n}), bins j <= n/2, Im of bins 0 and n/2 ignored
          for (let j = 0; j <= n >> 1 && j < len; j++) {
            const w = j === 0 || 2 * j === n ? 1 : 2;
            const r = (j * k) % n;
            const xi = j === 0 || 2 * j === n ? 0 : im[at(j)];
            sr += w * (re[at(j)] * cos[r] - xi * sin[r]);
          }
        } else {
          for (let j = 0, r = 0; j < Math.min(len, n); j++, r = r + k >= n ? r + k - n : r + k) {
            const c = cos[r];
            const sn = sign * sin[r];
            const xr = re[at(j)];
            const xi = op === 'rfft' ? 0 : im[at(j)];
            sr += xr * c - xi * sn;
            si += xr * sn + xi * c;
          }
        }
        const q = o * lenOut * inner + k * inner + i;
        outRe[q] = sr * s;
        if (op !== 'irfft') outIm[q] = si * s;
      }
    }
  }
  return [outRe, outIm];
}

/** max |got - want| / max(1, max |want|) */
function relErr(got: ArrayLike<number>, want: ArrayLike<number>): number {
  expect(got.length).toBe(want.length);
  let err = 0;
  let big = 1;
  for (let i = 0; i < want.length; i++) {
    err = Math.max(err, Math.abs(got[i] - want[i]));
    big = Math.max(big, Math.abs(want[i]));
  }
  return err / big;
}

const sameBits = (a: Float32Array, b: Float32Array) => a.length === b.length && a.every((v, i) => Object.is(v, b[i]));

/** Runs `op` as a fused kernel; its outputs' values (real then imaginary, or the real output). */
function run(op: Op, re: tf.Tensor, im: tf.Tensor, axis: number, n: number | undefined, norm: FFTNorm): Float32Array[] {
  const o = { axis, n, norm, impl: 'fused' as const };
  const outs: tf.Tensor[] = [];
  if (op === 'irfft') outs.push(irfft({ real: re, imag: im }, o));
  else {
    const y: ComplexTensor = op === 'rfft' ? rfft(re, o) : (op === 'fft' ? fft : ifft)({ real: re, imag: im }, o);
    outs.push(y.real, y.imag);
  }
  const values = outs.map((t) => t.dataSync().slice() as Float32Array);
  tf.dispose(outs);
  return values;
}

/** `op` with SIMD off (the JavaScript kernel) and on. */
function bothPaths(op: Op, re: tf.Tensor, im: tf.Tensor, axis: number, n: number | undefined, norm: FFTNorm) {
  setWasmSimd(false);
  const js = run(op, re, im, axis, n, norm);
  setWasmSimd(true);
  const simd = run(op, re, im, axis, n, norm);
  return { js, simd };
}

/**
 * Checks `op` on wasm: SIMD output within tol of the JavaScript kernel's and of the float64 DFT,
 * and which path ran: with `simdRuns`, not bitwise the JavaScript kernel's (checked from length 8:
 * shorter transforms are mostly additions, often exact in float32 too), else bitwise equal.
 */
function check(op: Op, shape: number[], axis: number, n: number | undefined, norms: FFTNorm | FFTNorm[], simdRuns: boolean, seed: number) {
  const rng = createRng(seed);
  const re = rng.normalTensor(shape);
  const im = rng.normalTensor(shape);
  try {
    const len = shape[axis];
    const nn = n ?? (op === 'irfft' ? 2 * (len - 1) : len);
    // the DFT once, unnormalised ('backward' forward / 'forward' inverse), scaled per norm
    const inverse = op === 'ifft' || op === 'irfft';
    const raw = reference(op, re.dataSync() as Float32Array, im.dataSync() as Float32Array, shape, axis, nn, inverse ? 'forward' : 'backward');
    for (const norm of Array.isArray(norms) ? norms : [norms]) {
      const { js, simd } = bothPaths(op, re, im, axis, n, norm);
      const s = scaleOf(norm, nn, inverse);
      const tol = 2e-6 * Math.log2(nn + 1) + 1e-6;
      for (let p = 0; p < js.length; p++) {
        expect(relErr(simd[p], js[p])).toBeLessThan(tol);
        expect(
          relErr(
            simd[p],
            raw[p].map((v) => v * s),
          ),
        ).toBeLessThan(tol);
      }
      const equal = js.every((a, p) => sameBits(a, simd[p]));
      if (!simdRuns) expect(equal).toBe(true);
      else if (nn >= 8) expect(equal).toBe(false);
    }
  } finally {
    tf.dispose([re, im]);
  }
}

describe('wasm SIMD FFT', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
  });
  afterEach(() => setWasmSimd(true));

  const complexSizes = [4, 8, 16, 64, 1024, 4096];
  // 5 rows: a group of four and a tail of one
  const batches = (n: number) => (n >= 1024 ? [5] : [1, 3, 4, 6, 9]);
  it.each(complexSizes)('fft and ifft of length %i (batches incl. non-multiples of 4, every norm) match the JS kernel and a float64 DFT', (n) => {
    for (const rows of batches(n)) {
      check('fft', [rows, n], 1, undefined, NORMS, true, n + rows);
      check('ifft', [rows, n], 1, undefined, NORMS, true, 2 * n + rows);
    }
  });

  const realSizes = [4, 8, 16, 32, 64, 128, 256, 1024, 2048, 4096];
  it.each(realSizes)('rfft and irfft of length %i (batches incl. non-multiples of 4, every norm) match the JS kernel and a float64 DFT', (n) => {
    for (const rows of batches(n)) {
      check('rfft', [rows, n], 1, undefined, NORMS, true, 3 * n + rows);
      check('irfft', [rows, (n >> 1) + 1], 1, n, NORMS, true, 4 * n + rows);
    }
  });

  // inner 8: contiguous groups; inner 6: a contiguous group, then groups that cross an outer
  // index (lane by lane); inner 3: lane by lane; last axis with 6 rows: a row group and a tail
  it.each([
    { shape: [5, 16, 8], axis: 1 },
    { shape: [16, 6], axis: 0 },
    { shape: [3, 32, 3], axis: 1 },
    { shape: [32, 4, 2], axis: 0 },
    { shape: [2, 3, 16], axis: 2 },
  ])('non-last and last axes: $shape along $axis', ({ shape, axis }) => {
    const len = shape[axis];
    for (const op of ['fft', 'ifft', 'rfft'] as const) check(op, shape, axis, undefined, NORMS, true, 10 + axis);
    check('irfft', shape, axis, 2 * len, NORMS, true, 20 + axis); // bins zero-padded to n/2 + 1
    check('irfft', shape, axis, len, NORMS, true, 30 + axis); // bins cropped
  });

  it('crop and zero-pad to a power-of-two n', () => {
    for (const [len, n] of [
      [5, 8],
      [12, 8],
      [3, 16],
      [40, 32],
    ]) {
      for (const op of ['fft', 'ifft', 'rfft'] as const) check(op, [6, len], 1, n, 'ortho', true, len + n);
      check('irfft', [6, len], 1, n, 'backward', true, 2 * len + n);
    }
  });

  it('lengths that are not powers of two (and n < 4 for rfft/irfft) run the JS kernel: bitwise equal', () => {
    for (const n of [3, 6, 12, 17]) {
      for (const op of ['fft', 'ifft', 'rfft'] as const) check(op, [5, n], 1, undefined, 'backward', false, n);
      check('irfft', [5, (n >> 1) + 1], 1, n, 'backward', false, n);
    }
    check('rfft', [5, 2], 1, undefined, 'backward', false, 1);
    check('irfft', [5, 2], 1, 2, 'backward', false, 2);
  });

  describe('gradients through the SIMD path', () => {
    const parts = (c: ComplexTensor) => tf.concat([c.real, c.imag], -1);
    const tol = { eps: 1e-2, rtol: 1e-2, atol: 1e-3 };

    it.each([8, 16])('finite differences: fft, ifft, rfft, irfft of length %i (every norm, crop and pad)', (len) => {
      const rng = createRng(50 + len);
      const re = rng.normalTensor([5, len]);
      const im = rng.normalTensor([5, len]);
      for (const norm of NORMS) {
        for (const n of [undefined, len / 2, 2 * len]) {
          const o = { norm, n, impl: 'fused' as const };
          gradCheck((a, b) => parts(fft({ real: a, imag: b }, o)), [re, im], tol);
          gradCheck((a, b) => parts(ifft({ real: a, imag: b }, o)), [re, im], tol);
          gradCheck((a) => parts(rfft(a, o)), [re], tol);
          gradCheck((a, b) => irfft({ real: a, imag: b }, { ...o, n: n ?? 2 * len }), [re, im], tol);
        }
      }
      tf.dispose([re, im]);
    });

    it('equal the JS kernel gradients and the reference autodiff (axis 0 of [16, 3, 4], crop and pad)', () => {
      const rng = createRng(60);
      const shape = [16, 3, 4];
      const re = rng.normalTensor(shape);
      const im = rng.normalTensor(shape);
      for (const n of [undefined, 8, 32]) {
        type F = (a: tf.Tensor, b: tf.Tensor) => tf.Tensor;
        const fns = (impl: 'fused' | 'reference'): F[] => [
          (a, b) => parts(fft({ real: a, imag: b }, { axis: 0, n, norm: 'ortho', impl })),
          (a, b) => parts(ifft({ real: a, imag: b }, { axis: 0, n, impl })),
          (a, b) => tf.add(parts(rfft(a, { axis: 0, n, norm: 'forward', impl })), tf.mul(tf.sum(b), 0)),
          (a, b) => irfft({ real: a, imag: b }, { axis: 0, n: n ?? 16, impl }),
        ];
        const grads = (fn: F) =>
          tf.tidy(() => {
            const y = fn(re, im);
            const w = createRng(1).normalTensor(y.shape);
            const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(fn(a, b), w)))([re, im]);
            return tf.concat(g.map((t) => tf.reshape(t, [-1])));
          });
        const fused = fns('fused');
        const ref = fns('reference');
        for (let i = 0; i < fused.length; i++) {
          setWasmSimd(false);
          const gj = grads(fused[i]);
          setWasmSimd(true);
          const gs = grads(fused[i]);
          const gr = grads(ref[i]);
          const [vs, vj, vr] = [gs, gj, gr].map((t) => t.dataSync() as Float32Array);
          expect(relErr(vs, vj)).toBeLessThan(1e-5);
          expect(relErr(vs, vr)).toBeLessThan(1e-5);
          expect(sameBits(vs, vj)).toBe(false);
          tf.dispose([gs, gj, gr]);
        }
      }
      tf.dispose([re, im]);
    });
  });

  it('frees its heap scratch: the backend holds no more buffers after many calls', () => {
    const backend = tf.backend() as unknown as { numDataIds(): number };
    const x = createRng(70).normalTensor([9, 256]);
    const run1 = () => {
      const y = rfft(x);
      const z = irfft(y, { n: 256 });
      const w = fft(y);
      const g = tf.grad((a: tf.Tensor) => tf.sum(irfft(rfft(a), { n: 256 })))(x);
      tf.dispose([y.real, y.imag, z, w.real, w.imag, g]);
    };
    run1();
    const before = backend.numDataIds();
    for (let i = 0; i < 20; i++) run1();
    expect(backend.numDataIds()).toBe(before);
    x.dispose();
  });
});
