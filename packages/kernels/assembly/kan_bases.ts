// AssemblyScript source of the parallel wasm kernels of four KAN bases: FastKAN's Gaussian RBF,
// ChebyKAN's Chebyshev T_d(tanh x), FourierKAN's cos/sin harmonics and ReLU-KAN's squared ReLU
// bumps. Compiled by @basiskit/wasm-build (plain and shared-memory builds, no data segments).
// The same math as src/rbf_basis_kernel.ts, chebyshev_basis_kernel.ts, fourier_basis_kernel.ts
// and relu_kan_basis_kernel.ts (which document it): float64 arithmetic, float32 storage.
//
// Parallel form (src/fused_kernel.ts ParallelSide): every export is fn(..., chunk, thread) and
// handles one chunk of elements (`thread` is unused). Reductions over elements (the RBF grid
// gradient, ReLU-KAN's phase gradients) go into per-chunk float64 partial sums in the scratch,
// which a one-chunk finish phase adds in chunk order: every thread count gives the same bits.
// Each chunk zeroes its own partial sums first (the scratch need not arrive zeroed).
//
// Transcendentals without AssemblyScript's Math (its tables are a data segment): exp64 from
// lib/exp64.ts; tanh64 and sincos64 below (kept in this module: a helper in lib/ would change
// every module's source hash).
//   tanh64: |x| < 0.55: e = expm1(2|x|) by its Taylor series to degree 20, tanh = e / (e + 2);
//           else tanh = 1 - 2 / (e^{2|x|} + 1). Relative error ~1e-16.
//   sincos64: n = round(x 2/pi), r = x - n pi/2 with pi/2 in five 24-bit pieces (each n * piece
//           exact for |n| < 2^29, i.e. |x| < 8e8; beyond, x is first reduced by the exact remainder
//           by float64's 2 pi: bounded, absolute error ~|x| 4e-17, where float32's spacing of x
//           is already >= 64),
//           then fdlibm's __kernel_sin / __kernel_cos polynomials on |r| <= pi/4.
// SIMD: ReLU-KAN runs two basis functions at a time in f64x2 (float32 pairs promoted, the
// JavaScript kernel's operations in its order, so its forward bits); the other three are
// recurrences along the basis index and run scalar float64.
import { exp64 } from './lib/exp64';

// ---------------------------------------------------------------- table-free tanh, sin, cos

/** tanh(x) in float64; NaN stays NaN, +-Infinity gives +-1. */
export function tanh64(x: f64): f64 {
  if (x != x) return x;
  const a = Math.abs(x);
  let t: f64;
  if (a < 0.55) {
    const y = 2 * a;
    // expm1(y) = sum_{k=1..20} y^k / k!, Horner form
    const e = y * (1.0 + y * (0.5 + y * (0.16666666666666666 + y * (0.041666666666666664 + y * (0.008333333333333333 + y * (0.001388888888888889 + y * (0.0001984126984126984 + y * (2.48015873015873e-05 + y * (2.7557319223985893e-06 + y * (2.755731922398589e-07 + y * (2.505210838544172e-08 + y * (2.08767569878681e-09 + y * (1.6059043836821613e-10 + y * (1.1470745597729725e-11 + y * (7.647163731819816e-13 + y * (4.779477332387385e-14 + y * (2.8114572543455206e-15 + y * (1.5619206968586225e-16 + y * (8.22063524662433e-18 + y * (4.110317623312165e-19))))))))))))))))))));
    t = e / (e + 2);
  } else {
    t = 1 - 2 / (exp64(2 * a) + 1);
  }
  return x < 0 ? -t : t;
}

const TWO_OVER_PI: f64 = 0.6366197723675814;
const TWO_PI: f64 = 6.283185307179586;
// pi/2 in 24-bit pieces (sum = pi/2 to ~120 bits)
const PIO2_1: f64 = 1.57079625129699707031;
const PIO2_2: f64 = 7.54978941586159635335e-8;
const PIO2_3: f64 = 5.39030252995776476554e-15;
const PIO2_4: f64 = 3.28200341580791294123e-22;
const PIO2_5: f64 = 1.27065575308067607349e-29;

// fdlibm __kernel_sin / __kernel_cos coefficients
const S1: f64 = -1.66666666666666324348e-1;
const S2: f64 = 8.33333333332248946124e-3;
const S3: f64 = -1.98412698298579493134e-4;
const S4: f64 = 2.75573137070700676789e-6;
const S5: f64 = -2.50507602534068634195e-8;
const S6: f64 = 1.58969099521155010221e-10;
const C1: f64 = 4.16666666666666019037e-2;
const C2: f64 = -1.38888888888741095749e-3;
const C3: f64 = 2.48015872894767294178e-5;
const C4: f64 = -2.75573143513906633035e-7;
const C5: f64 = 2.08757232129817482790e-9;
const C6: f64 = -1.13596475577881948265e-11;

/** sin and cos of the last `sincos64` argument. */
let SIN: f64 = 0;
let COS: f64 = 0;

/** Sets SIN = sin(x), COS = cos(x) in float64 (NaN for NaN and +-Infinity). */
function sincos64(x: f64): void {
  if (!isFinite(x)) {
    SIN = NaN;
    COS = NaN;
    return;
  }
  // beyond the exact range: the exact remainder by float64 2 pi first (bounded, not exact)
  if (Math.abs(x) >= 8e8) x %= TWO_PI;
  const n = Math.floor(x * TWO_OVER_PI + 0.5);
  let r = x - n * PIO2_1;
  r -= n * PIO2_2;
  r -= n * PIO2_3;
  r -= n * PIO2_4;
  r -= n * PIO2_5;
  const z = r * r;
  const s = r + r * z * (S1 + z * (S2 + z * (S3 + z * (S4 + z * (S5 + z * S6)))));
  const c = 1 - 0.5 * z + z * z * (C1 + z * (C2 + z * (C3 + z * (C4 + z * (C5 + z * C6)))));
  const q = <i32>(n - 4 * Math.floor(n * 0.25)); // n mod 4, exact for |n| < 2^53
  if (q == 0) {
    SIN = s;
    COS = c;
  } else if (q == 1) {
    SIN = c;
    COS = -s;
  } else if (q == 2) {
    SIN = -s;
    COS = -c;
  } else {
    SIN = -c;
    COS = s;
  }
}

/** Test hooks: sin and cos of `x` (for the accuracy tests). */
export function sin64(x: f64): f64 {
  sincos64(x);
  return SIN;
}
export function cos64(x: f64): f64 {
  sincos64(x);
  return COS;
}

/**
 * e^v for v <= 0 with JavaScript's underflow: below -708 (where exp64 clamps) down to subnormals
 * by e^(v + 64 ln 2) 2^-64, and exactly 0 below -746 (so that 0 * x keeps its sign as in the
 * JavaScript kernel).
 */
@inline function expNeg(v: f64): f64 {
  if (v >= -708) return exp64(v);
  return v < -746 ? 0 : exp64(v + 44.3614195558365) * 5.421010862427522e-20;
}

/** Element range of a chunk: [chunk * per, min(count, (chunk + 1) * per)). */
@inline function chunkEnd(count: i32, per: i32, chunk: i32): i32 {
  return min(count, (chunk + 1) * per);
}

// ---------------------------------------------------------------- RBF (FastKAN)

// The RBF scratch starts with the uniform-grid header (float64): [uniform, g0, delta, q, span],
// then eps[K] (float64), then (backward) the chunks' partial dgrid sums, K float64 each.
const RBF_HEADER: usize = 48;
const RBF_BOUND: f64 = 26;

/** Bytes of the RBF scratch before the partial sums. */
@inline function rbfShared(K: i32): usize {
  return RBF_HEADER + (<usize>K << 3);
}

/**
 * One chunk: whether the grid is uniform (src/rbf_basis_kernel.ts `uniformGrid`), with its
 * g0, delta, q = exp(-2 delta^2), span and eps into the scratch header.
 */
export function rbfSetup(grid: usize, K: i32, invH: f64, scratch: usize, chunk: i32, thread: i32): void {
  store<f64>(scratch, 0);
  if (K < 2) return;
  const g0 = <f64>load<f32>(grid);
  const step = (<f64>load<f32>(grid + (<usize>(K - 1) << 2)) - g0) / <f64>(K - 1);
  const delta = step * invH;
  if (!(delta > 0 && delta <= 8)) return;
  const eps = scratch + RBF_HEADER;
  for (let k = 0; k < K; k++) {
    const e = (<f64>load<f32>(grid + (<usize>k << 2)) - (g0 + <f64>k * step)) * invH;
    if (!(Math.abs(e) <= 1e-5)) return;
    store<f64>(eps + (<usize>k << 3), e);
  }
  store<f64>(scratch, 1);
  store<f64>(scratch, g0, 8);
  store<f64>(scratch, delta, 16);
  store<f64>(scratch, exp64(-2 * delta * delta), 24);
  store<f64>(scratch, <f64>(K - 1) * delta, 32);
}

/** out[m, k] = exp(-((x[m] - grid[k]) / h)^2) for the chunk's elements (after rbfSetup). */
export function rbfForward(x: usize, grid: usize, out: usize, M: i32, K: i32, invH: f64, perChunk: i32, scratch: usize, chunk: i32, thread: i32): void {
  const uniform = load<f64>(scratch) != 0;
  const g0 = load<f64>(scratch, 8), delta = load<f64>(scratch, 16), q = load<f64>(scratch, 24), span = load<f64>(scratch, 32);
  const eps = scratch + RBF_HEADER;
  const end = chunkEnd(M, perChunk, chunk);
  for (let m = chunk * perChunk; m < end; m++) {
    const xm = <f64>load<f32>(x + (<usize>m << 2));
    let o = out + (<usize>m * <usize>K << 2);
    if (uniform) {
      let d = (xm - g0) * invH;
      if (d <= RBF_BOUND && d - span >= -RBF_BOUND) {
        let b = expNeg(-d * d);
        let rho = exp64(2 * d * delta - delta * delta);
        for (let k = 0; k < K; k++) {
          store<f32>(o, <f32>(b * (1 + 2 * d * load<f64>(eps + (<usize>k << 3)))));
          o += 4;
          b *= rho;
          rho *= q;
          d -= delta;
        }
        continue;
      }
    }
    for (let k = 0; k < K; k++) {
      const d = (xm - <f64>load<f32>(grid + (<usize>k << 2))) * invH;
      store<f32>(o, <f32>expNeg(-d * d));
      o += 4;
    }
  }
}

/** dx of the chunk's elements; the chunk's dgrid terms (float64) into its partial sums (after rbfSetup). */
export function rbfBackward(
  dy: usize, x: usize, grid: usize, dx: usize, M: i32, K: i32, invH: f64, perChunk: i32, scratch: usize, chunk: i32, thread: i32,
): void {
  const uniform = load<f64>(scratch) != 0;
  const g0 = load<f64>(scratch, 8), delta = load<f64>(scratch, 16), q = load<f64>(scratch, 24), span = load<f64>(scratch, 32);
  const eps = scratch + RBF_HEADER;
  const acc = scratch + rbfShared(K) + (<usize>chunk * <usize>K << 3);
  // the chunk's partial sums start at zero (not relying on zeroed scratch)
  memory.fill(acc, 0, <usize>K << 3);
  const c = 2 * invH * invH;
  const end = chunkEnd(M, perChunk, chunk);
  for (let m = chunk * perChunk; m < end; m++) {
    const xm = <f64>load<f32>(x + (<usize>m << 2));
    let o = dy + (<usize>m * <usize>K << 2);
    let s: f64 = 0;
    let d0 = (xm - g0) * invH;
    if (uniform && d0 <= RBF_BOUND && d0 - span >= -RBF_BOUND) {
      let b = expNeg(-d0 * d0);
      let rho = exp64(2 * d0 * delta - delta * delta);
      for (let k = 0; k < K; k++) {
        const kk = <usize>k << 3;
        const t = <f64>load<f32>(o) * c * (xm - <f64>load<f32>(grid + (<usize>k << 2))) * b * (1 + 2 * d0 * load<f64>(eps + kk));
        o += 4;
        s -= t;
        store<f64>(acc + kk, load<f64>(acc + kk) + t);
        b *= rho;
        rho *= q;
        d0 -= delta;
      }
    } else {
      for (let k = 0; k < K; k++) {
        const kk = <usize>k << 3;
        const diff = xm - <f64>load<f32>(grid + (<usize>k << 2));
        const d = diff * invH;
        const t = <f64>load<f32>(o) * c * diff * expNeg(-d * d);
        o += 4;
        s -= t;
        store<f64>(acc + kk, load<f64>(acc + kk) + t);
      }
    }
    store<f32>(dx + (<usize>m << 2), <f32>s);
  }
}

/** One chunk: dgrid[k] = the chunks' partial sums added in chunk order. */
export function rbfBackwardFinish(dgrid: usize, K: i32, chunks: i32, scratch: usize, chunk: i32, thread: i32): void {
  const parts = scratch + rbfShared(K);
  for (let k = 0; k < K; k++) {
    let t: f64 = 0;
    for (let p = 0; p < chunks; p++) t += load<f64>(parts + ((<usize>p * <usize>K + <usize>k) << 3));
    store<f32>(dgrid + (<usize>k << 2), <f32>t);
  }
}

// ---------------------------------------------------------------- Chebyshev (ChebyKAN)

/** out[m, d] = T_d(tanh x[m]), d = 0..degree, for the chunk's elements. */
export function chebyshevForward(x: usize, out: usize, M: i32, degree: i32, perChunk: i32, chunk: i32, thread: i32): void {
  const n = <usize>(degree + 1);
  const end = chunkEnd(M, perChunk, chunk);
  for (let m = chunk * perChunk; m < end; m++) {
    const o = out + (<usize>m * n << 2);
    store<f32>(o, 1);
    if (degree == 0) continue;
    const t = tanh64(<f64>load<f32>(x + (<usize>m << 2)));
    store<f32>(o, <f32>t, 4);
    let prev: f64 = 1;
    let cur = t;
    for (let d = 2; d <= degree; d++) {
      const next = 2 * t * cur - prev;
      store<f32>(o + (<usize>d << 2), <f32>next);
      prev = cur;
      cur = next;
    }
  }
}

/** dx[m] = (1 - t^2) sum_d dy[m, d] T'_d(t), t = tanh x[m], for the chunk's elements. */
export function chebyshevBackward(dy: usize, x: usize, dx: usize, M: i32, degree: i32, perChunk: i32, chunk: i32, thread: i32): void {
  const n = <usize>(degree + 1);
  const end = chunkEnd(M, perChunk, chunk);
  for (let m = chunk * perChunk; m < end; m++) {
    if (degree == 0) {
      store<f32>(dx + (<usize>m << 2), 0);
      continue;
    }
    const o = dy + (<usize>m * n << 2);
    const t = tanh64(<f64>load<f32>(x + (<usize>m << 2)));
    let tPrev: f64 = 1;
    let tCur = t;
    let dPrev: f64 = 0;
    let dCur: f64 = 1;
    let s = <f64>load<f32>(o, 4);
    for (let d = 2; d <= degree; d++) {
      const dNext = 2 * tCur + 2 * t * dCur - dPrev;
      const tNext = 2 * t * tCur - tPrev;
      s += <f64>load<f32>(o + (<usize>d << 2)) * dNext;
      tPrev = tCur;
      tCur = tNext;
      dPrev = dCur;
      dCur = dNext;
    }
    store<f32>(dx + (<usize>m << 2), <f32>(s * (1 - t * t)));
  }
}

// ---------------------------------------------------------------- Fourier (FourierKAN)

/** out[m, k-1] = cos(k x[m]), out[m, G + k-1] = sin(k x[m]), k = 1..G, for the chunk's elements. */
export function fourierForward(x: usize, out: usize, M: i32, G: i32, perChunk: i32, chunk: i32, thread: i32): void {
  const g4 = <usize>G << 2;
  const end = chunkEnd(M, perChunk, chunk);
  for (let m = chunk * perChunk; m < end; m++) {
    sincos64(<f64>load<f32>(x + (<usize>m << 2)));
    const c1 = COS, s1 = SIN;
    let c = c1, s = s1;
    let o = out + (<usize>m * g4 << 1);
    for (let k = 0; k < G; k++) {
      store<f32>(o, <f32>c);
      store<f32>(o + g4, <f32>s);
      o += 4;
      const cn = c * c1 - s * s1;
      s = s * c1 + c * s1;
      c = cn;
    }
  }
}

/** dx[m] = sum_k k (-dy[m, k-1] sin(k x) + dy[m, G + k-1] cos(k x)), for the chunk's elements. */
export function fourierBackward(dy: usize, x: usize, dx: usize, M: i32, G: i32, perChunk: i32, chunk: i32, thread: i32): void {
  const g4 = <usize>G << 2;
  const end = chunkEnd(M, perChunk, chunk);
  for (let m = chunk * perChunk; m < end; m++) {
    sincos64(<f64>load<f32>(x + (<usize>m << 2)));
    const c1 = COS, s1 = SIN;
    let c = c1, s = s1;
    let acc: f64 = 0;
    let o = dy + (<usize>m * g4 << 1);
    for (let k = 0; k < G; k++) {
      acc += <f64>(k + 1) * (<f64>load<f32>(o + g4) * c - <f64>load<f32>(o) * s);
      o += 4;
      const cn = c * c1 - s * s1;
      s = s * c1 + c * s1;
      c = cn;
    }
    store<f32>(dx + (<usize>m << 2), <f32>acc);
  }
}

// ---------------------------------------------------------------- ReLU-KAN

/** Two float32 at p as an f64x2. */
@inline function load2(p: usize): v128 {
  return f64x2.promote_low_f32x4(v128.load64_zero(p));
}

/**
 * out[m, j] = (max(x - s_j, 0) max(e_j - x, 0) r)^2 for rows chunk * rowsPerChunk.. (all
 * features; s, e per feature when perFeature, else one shared row).
 */
export function reluKanForward(
  x: usize, low: usize, high: usize, out: usize, rows: i32, features: i32, nBasis: i32, perFeature: i32, r: f64, rowsPerChunk: i32, chunk: i32, thread: i32,
): void {
  const zero = f64x2.splat(0);
  const rv = f64x2.splat(r);
  const nb = <usize>nBasis;
  const vecEnd = nBasis & ~1;
  const rEnd = chunkEnd(rows, rowsPerChunk, chunk);
  for (let row = chunk * rowsPerChunk; row < rEnd; row++) {
    for (let i = 0; i < features; i++) {
      const m = <usize>(row * features + i);
      const base = perFeature ? <usize>i * nb << 2 : 0;
      const lo = low + base, hi = high + base;
      const xm = <f64>load<f32>(x + (m << 2));
      const xv = f64x2.splat(xm);
      const o = out + (m * nb << 2);
      let j = 0;
      for (; j < vecEnd; j += 2) {
        const jj = <usize>j << 2;
        const a = f64x2.max(f64x2.sub(xv, load2(lo + jj)), zero);
        const b = f64x2.max(f64x2.sub(load2(hi + jj), xv), zero);
        const p = f64x2.mul(f64x2.mul(a, b), rv);
        v128.store64_lane(o + jj, f32x4.demote_f64x2_zero(f64x2.mul(p, p)), 0);
      }
      for (; j < nBasis; j++) {
        const jj = <usize>j << 2;
        const p = max(xm - <f64>load<f32>(lo + jj), 0.0) * max(<f64>load<f32>(hi + jj) - xm, 0.0) * r;
        store<f32>(o + jj, <f32>(p * p));
      }
    }
  }
}

/**
 * dx of rows chunk * rowsPerChunk.. (all features); the chunk's ds, de terms (float64) into its
 * partial sums: at scratch + chunk * 2 * len * 8, len = s's length (ds, then de).
 */
export function reluKanBackward(
  dy: usize, x: usize, low: usize, high: usize, dx: usize, rows: i32, features: i32, nBasis: i32, perFeature: i32, r: f64, rowsPerChunk: i32,
  scratch: usize, chunk: i32, thread: i32,
): void {
  const zero = f64x2.splat(0);
  const two = f64x2.splat(2);
  const rv = f64x2.splat(r);
  const nb = <usize>nBasis;
  const len = perFeature ? <usize>features * nb : nb;
  const accLow = scratch + (<usize>chunk * 2 * len << 3);
  const accHigh = accLow + (len << 3);
  // the chunk's partial sums start at zero (not relying on zeroed scratch)
  memory.fill(accLow, 0, len << 4);
  const vecEnd = nBasis & ~1;
  const rEnd = chunkEnd(rows, rowsPerChunk, chunk);
  for (let row = chunk * rowsPerChunk; row < rEnd; row++) {
    for (let i = 0; i < features; i++) {
      const m = <usize>(row * features + i);
      const base = perFeature ? <usize>i * nb : 0;
      const lo = low + (base << 2), hi = high + (base << 2);
      const al = accLow + (base << 3), ah = accHigh + (base << 3);
      const xm = <f64>load<f32>(x + (m << 2));
      const xv = f64x2.splat(xm);
      const o = dy + (m * nb << 2);
      let sv = zero;
      let j = 0;
      for (; j < vecEnd; j += 2) {
        const jj = <usize>j << 2;
        const a = f64x2.max(f64x2.sub(xv, load2(lo + jj)), zero);
        const b = f64x2.max(f64x2.sub(load2(hi + jj), xv), zero);
        const q = f64x2.mul(f64x2.mul(f64x2.mul(f64x2.mul(f64x2.mul(two, a), b), rv), rv), load2(o + jj));
        sv = f64x2.add(sv, f64x2.mul(q, f64x2.sub(b, a)));
        const j8 = <usize>j << 3;
        v128.store(al + j8, f64x2.sub(v128.load(al + j8), f64x2.mul(q, b)));
        v128.store(ah + j8, f64x2.add(v128.load(ah + j8), f64x2.mul(q, a)));
      }
      let s = f64x2.extract_lane(sv, 0) + f64x2.extract_lane(sv, 1);
      for (; j < nBasis; j++) {
        const jj = <usize>j << 2;
        const a = max(xm - <f64>load<f32>(lo + jj), 0.0);
        const b = max(<f64>load<f32>(hi + jj) - xm, 0.0);
        const q = 2 * a * b * r * r * <f64>load<f32>(o + jj);
        s += q * (b - a);
        const j8 = <usize>j << 3;
        store<f64>(al + j8, load<f64>(al + j8) - q * b);
        store<f64>(ah + j8, load<f64>(ah + j8) + q * a);
      }
      store<f32>(dx + (m << 2), <f32>s);
    }
  }
}

/** One chunk: ds, de (len each) = the chunks' partial sums added in chunk order. */
export function reluKanBackwardFinish(dlow: usize, dhigh: usize, len: i32, chunks: i32, scratch: usize, chunk: i32, thread: i32): void {
  const n = <usize>len;
  for (let j: usize = 0; j < n; j++) {
    let tl: f64 = 0;
    let th: f64 = 0;
    for (let p = 0; p < chunks; p++) {
      const at = scratch + ((<usize>p * 2 * n + j) << 3);
      tl += load<f64>(at);
      th += load<f64>(at + (n << 3));
    }
    store<f32>(dlow + (j << 2), <f32>tl);
    store<f32>(dhigh + (j << 2), <f32>th);
  }
}
