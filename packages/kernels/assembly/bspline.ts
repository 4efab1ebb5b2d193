// AssemblyScript source of the wasm SIMD local spline kernels (efficient-kan KANLinear's spline
// branch without the dense bases). Compiled by @basiskit/wasm-build into a module that imports
// tfjs-backend-wasm's own memory (or, built with --sharedMemory, the thread pool's shared one), so
// it reads and writes tensors in place (pointers are memory offsets; `scratch` is a zeroed block
// the caller provides: a shared part, then one part per thread).
// Same math as src/spline_linear_kernel.ts and src/bspline_basis_kernel.ts (which document it):
//   y[b, o]      = sum_i sum_q v[b,i,q] Wt[i, s-k+q, o]          (v: the k+1 local bases, de Boor)
//   dx[b, i]     = sum_q v'[b,i,q] (dy[b, :] . Wt[i, s-k+q, :])
//   dWt[i, j, o] = sum_b v[b,i,j] dy[b, o]
// The loops over `out` run four lanes at a time (f32x4). dWt: per feature, f32x4 partial sums
// over a tile of rows in a (G+k) x out slab, added into a float64 slab once per tile (FlashKAT's
// per-tile reduction), rounded to float32 once. No data segments, no allocation.
// With the base branch (efficient-kan KANLinear, baseWt [inF, out], pointer 0 = none):
//   y[b, o]     += silu(x[b,i]) baseWt[i, o]                    (one more "row" per feature)
//   dx[b, i]    += silu'(x[b,i]) (dy[b, :] . baseWt[i, :])
//   dBaseWt[i,o] = sum_b silu(x[b,i]) dy[b, o]                   (row nb of the feature's slabs)
// On efficient-kan's own parameters (src/kan_linear_kernel.ts): `prepareParams` writes Wt = (W s)
// transposed and baseWt into the scratch, `paramsBackward` ends a feature's backward with dW, dS,
// dBaseW in the parameters' layouts [out, inF(, nb)].
//
// Parallel form (src/fused_kernel.ts ParallelSide): every export is fn(..., chunk, thread) and
// handles one chunk; `thread` only selects the per-thread part of the scratch, so a chunk's
// results never depend on the thread that runs it. Phases: `tables` (1 chunk: the knot tables
// in the shared part of the scratch), then blocks of rows (forward, bases) or one feature per
// chunk (local backward: dx[:, i], dWt[i], dBaseWt[i]). The arithmetic per row / feature is
// that of the earlier single-thread functions, so results are bit-identical to theirs.

import { exp64 } from './lib/exp64';

@inline function knot(t: usize, j: i32): f32 {
  return load<f32>(t + (<usize>j << 2));
}

/** f32 words per feature of the knot tables: padded knots, k reciprocal rows, 1/h. */
@inline function tableWords(m: i32, k: i32): i32 {
  return (m + 2 * k) * (k + 1) + 1;
}

/**
 * Per feature i, at tables + i * tableWords: the knots padded with k copies of the end knots
 * on each side (index u = j + k), then for p = 1..k a row of 1/(t_{j+p} - t_j) (0 where the
 * dense recursion has no such basis or the knots coincide), then (M-1)/(t_{M-1} - t_0).
 */
function buildTables(grid: usize, inF: i32, m: i32, k: i32, tables: usize): void {
  const P = m + 2 * k;
  for (let i = 0; i < inF; i++) {
    const t = grid + (<usize>(i * m) << 2);
    const kn = tables + (<usize>(i * tableWords(m, k)) << 2);
    for (let u = 0; u < P; u++) store<f32>(kn + (<usize>u << 2), knot(t, min(m - 1, max(0, u - k))));
    for (let p = 1; p <= k; p++) {
      const row = kn + (<usize>(p * P) << 2);
      for (let u = 0; u < P; u++) {
        const j = u - k;
        let r: f32 = 0;
        if (j >= 0 && j <= m - 1 - p) {
          const d = knot(t, j + p) - knot(t, j);
          if (d > 0) r = 1 / d;
        }
        store<f32>(row + (<usize>u << 2), r);
      }
    }
    const span = knot(t, m - 1) - knot(t, 0);
    store<f32>(kn + (<usize>(P * (k + 1)) << 2), span > 0 ? <f32>(m - 1) / span : 0);
  }
}

/**
 * The span s with t_s <= x < t_{s+1} of the M knots at t, or -1 (outside, or NaN): a guess from
 * the mean knot spacing (exact for uniform grids), one neighbour, else binary search.
 */
function findSpan(t: usize, m: i32, x: f32, hinv: f32): i32 {
  if (!(x >= knot(t, 0) && x < knot(t, m - 1))) return -1;
  let s = min(m - 2, <i32>((x - knot(t, 0)) * hinv));
  if (x < knot(t, s)) {
    if (s > 0 && x >= knot(t, s - 1)) return s - 1;
  } else if (x < knot(t, s + 1)) {
    return s;
  } else if (s + 2 <= m - 1 && x < knot(t, s + 2)) {
    return s + 1;
  }
  let lo = 0;
  let hi = m - 1; // invariant: t_lo <= x < t_hi
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (x >= knot(t, mid)) lo = mid;
    else hi = mid;
  }
  return lo;
}

/**
 * de Boor's triangle: w[q] = B_{s-k+q, k}(x), q = 0..k, from the knot tables of one feature
 * (kn: padded knots, P per row). Each B_{j,p-1} is divided once and shared by B_{j-1,p} and
 * B_{j,p}. With `ders`, also ders[q] = B'_{s-k+q, k}(x) from the order k-1 values.
 */
function deBoor(kn: usize, P: i32, s: i32, x: f32, k: i32, w: usize, ders: usize): void {
  store<f32>(w, 1);
  for (let p = 1; p <= k; p++) {
    const inv = kn + (<usize>(p * P) << 2);
    const kp = <f32>p;
    let saved: f32 = 0;
    let savedD: f32 = 0;
    for (let q = 0; q < p; q++) {
      const u = s - p + 1 + q + k; // j + k for the lower basis j = s-p+1+q
      const wq = w + (<usize>q << 2);
      const temp = load<f32>(wq) * load<f32>(inv + (<usize>u << 2));
      if (ders && p == k) {
        store<f32>(ders + (<usize>q << 2), savedD - kp * temp);
        savedD = kp * temp;
      }
      store<f32>(wq, saved + (load<f32>(kn + (<usize>(u + p) << 2)) - x) * temp);
      saved = (x - load<f32>(kn + (<usize>u << 2))) * temp;
    }
    store<f32>(w + (<usize>p << 2), saved);
    if (ders && p == k) store<f32>(ders + (<usize>p << 2), savedD);
  }
  if (ders && k == 0) store<f32>(ders, 0);
}

/** Bytes of the knot tables of inF features, rounded up to 16. */
@inline function tablesBytes(inF: i32, m: i32, k: i32): usize {
  return ((<usize>(inF * tableWords(m, k)) << 2) + 15) & ~15;
}

/** `bytes` rounded up to 16. */
@inline function round16(bytes: usize): usize {
  return (bytes + 15) & ~15;
}

/** 1 / (1 + e^-x) in float64 (exp64: no Math.exp, whose tables would be a data segment). */
function sigmoid(x: f32): f64 {
  return 1 / (1 + exp64(-<f64>x));
}

/** x / (1 + e^-x), rounded to float32. */
@inline function silu(x: f32): f32 {
  return <f32>(<f64>x * sigmoid(x));
}

/**
 * exp64 (assembly/lib/exp64.ts) on both lanes of an f64x2: the same operations in the same order,
 * so the same bits per lane for every non-NaN input (a NaN lane gives some NaN).
 */
@inline function exp64x2(x: v128): v128 {
  const z = f64x2.min(f64x2.splat(708.0), f64x2.max(f64x2.splat(-708.0), x));
  const j = f64x2.floor(f64x2.add(f64x2.mul(z, f64x2.splat(1.4426950408889634)), f64x2.splat(0.5)));
  const r = f64x2.sub(f64x2.sub(z, f64x2.mul(j, f64x2.splat(6.93147180369123816490e-1))), f64x2.mul(j, f64x2.splat(1.90821492927058770002e-10)));
  let p = f64x2.splat(1.0 / 6227020800.0);
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 479001600.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 39916800.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 3628800.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 362880.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 40320.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 5040.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 720.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 120.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 24.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 6.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(0.5));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0));
  const scale = i64x2.shl(i64x2.extend_low_i32x4_s(i32x4.add(i32x4.trunc_sat_f64x2_s_zero(j), i32x4.splat(1023))), 52);
  return f64x2.mul(p, scale);
}

/** sigmoid on two float64 lanes (the same bits as `sigmoid` per lane). */
@inline function sigmoid2(x: v128): v128 {
  const one = f64x2.splat(1);
  return f64x2.div(one, f64x2.add(one, exp64x2(f64x2.neg(x))));
}

/** silu of four float32 lanes (the same bits as `silu` per lane): two float64 pairs. */
@inline function silu4(x: v128): v128 {
  const lo = f64x2.promote_low_f32x4(x);
  const hi = f64x2.promote_low_f32x4(i32x4.shuffle(x, x, 2, 3, 0, 1));
  const a = f32x4.demote_f64x2_zero(f64x2.mul(lo, sigmoid2(lo)));
  const b = f32x4.demote_f64x2_zero(f64x2.mul(hi, sigmoid2(hi)));
  return i32x4.shuffle(a, b, 0, 1, 4, 5);
}

/**
 * deBoor for k = 3 unrolled (w and ders in locals): the same operations in the same order as
 * deBoor, so the same bits. `ders` 0: no derivatives.
 */
@inline function deBoor3(kn: usize, P: i32, s: i32, x: f32, w: usize, ders: usize): void {
  const i1 = kn + (<usize>P << 2);
  const i2 = kn + (<usize>(2 * P) << 2);
  const i3 = kn + (<usize>(3 * P) << 2);
  const ks = kn + (<usize>s << 2); // ks + 4u: padded knot u + s
  const t1 = load<f32>(ks, 4);
  const t2 = load<f32>(ks, 8);
  const t3 = load<f32>(ks, 12);
  const t4 = load<f32>(ks, 16);
  const t5 = load<f32>(ks, 20);
  const t6 = load<f32>(ks, 24);
  // p = 1
  let temp: f32 = <f32>1 * load<f32>(i1 + (<usize>(s + 3) << 2));
  let w0: f32 = <f32>0 + (t4 - x) * temp;
  let w1: f32 = (x - t3) * temp;
  // p = 2
  temp = w0 * load<f32>(i2 + (<usize>(s + 2) << 2));
  w0 = <f32>0 + (t4 - x) * temp;
  let saved: f32 = (x - t2) * temp;
  temp = w1 * load<f32>(i2 + (<usize>(s + 3) << 2));
  w1 = saved + (t5 - x) * temp;
  let w2: f32 = (x - t3) * temp;
  // p = 3
  const kp: f32 = 3;
  temp = w0 * load<f32>(i3 + (<usize>(s + 1) << 2));
  let d0: f32 = <f32>0 - kp * temp;
  let savedD: f32 = kp * temp;
  w0 = <f32>0 + (t4 - x) * temp;
  saved = (x - t1) * temp;
  temp = w1 * load<f32>(i3 + (<usize>(s + 2) << 2));
  const d1: f32 = savedD - kp * temp;
  savedD = kp * temp;
  w1 = saved + (t5 - x) * temp;
  saved = (x - t2) * temp;
  temp = w2 * load<f32>(i3 + (<usize>(s + 3) << 2));
  const d2: f32 = savedD - kp * temp;
  savedD = kp * temp;
  w2 = saved + (t6 - x) * temp;
  saved = (x - t3) * temp;
  store<f32>(w, w0);
  store<f32>(w, w1, 4);
  store<f32>(w, w2, 8);
  store<f32>(w, saved, 12);
  if (ders) {
    store<f32>(ders, d0);
    store<f32>(ders, d1, 4);
    store<f32>(ders, d2, 8);
    store<f32>(ders, savedD, 12);
  }
}

/** The local bases (and derivatives) of x in span s: deBoor3 for k = 3, else deBoor. */
@inline function localBases(kn: usize, P: i32, s: i32, x: f32, k: i32, w: usize, ders: usize): void {
  if (k == 3) deBoor3(kn, P, s, x, w, ders);
  else deBoor(kn, P, s, x, k, w, ders);
}

/** Phase 1 of every kernel here (1 chunk): the knot tables of grid [inF, m] at scratch. */
export function tables(grid: usize, inF: i32, m: i32, k: i32, scratch: usize, chunk: i32, thread: i32): void {
  buildTables(grid, inF, m, k, scratch);
}

/** a + v * row[o..o+16) for four accumulators: see localForward. */
@inline function mac16(a: v128, v: v128, row: usize, off: usize): v128 {
  return f32x4.add(a, f32x4.mul(v, v128.load(row + off)));
}

/**
 * Forward, rows chunk*rowsPerChunk.. of y [n, out] from x [n, inF], grid [inF, m], Wt [inF, nb,
 * out] and baseWt [inF, out] (0: none). Scratch: the knot tables, then per thread inF records of
 * (k+2) words (span, the k+1 local bases) and inF words of silu(x) for the current row (silu four
 * features at a time in float64 pairs, the same bits as one by one).
 */
export function localForward(
  x: usize, grid: usize, wt: usize, bwt: usize, y: usize,
  n: i32, inF: i32, out: i32, m: i32, k: i32, rowsPerChunk: i32, scratch: usize, chunk: i32, thread: i32,
): void {
  const nb = m - k - 1;
  const P = m + 2 * k;
  const TW = tableWords(m, k);
  const stride = <usize>(k + 2) << 2;
  const recs = scratch + tablesBytes(inF, m, k) + <usize>thread * round16(<usize>inF * (stride + 4));
  const sil = recs + <usize>inF * stride; // silu(x[b, i]) per feature
  const zero = f32x4.splat(0);
  const full = k == 3; // the unrolled q loop where all k+1 bases have a weight row
  const bEnd = min(n, (chunk + 1) * rowsPerChunk);
  for (let b = chunk * rowsPerChunk; b < bEnd; b++) {
    let rowNan = false;
    const xrow = x + (<usize>(b * inF) << 2);
    if (bwt) {
      let i = 0;
      for (; i + 4 <= inF; i += 4) v128.store(sil + (<usize>i << 2), silu4(v128.load(xrow + (<usize>i << 2))));
      for (; i < inF; i++) store<f32>(sil + (<usize>i << 2), silu(load<f32>(xrow + (<usize>i << 2))));
    }
    for (let i = 0; i < inF; i++) {
      const rec = recs + <usize>i * stride;
      const xi = load<f32>(xrow + (<usize>i << 2));
      if (xi != xi) {
        rowNan = true;
        store<i32>(rec, -1);
        continue;
      }
      const kn = scratch + (<usize>(i * TW) << 2);
      const s = findSpan(grid + (<usize>(i * m) << 2), m, xi, load<f32>(kn + (<usize>(P * (k + 1)) << 2)));
      store<i32>(rec, s);
      if (s >= 0) localBases(kn, P, s, xi, k, rec + 4, 0);
    }
    const yrow = y + (<usize>(b * out) << 2);
    let o = 0;
    // 32 outputs (8 accumulators) per pass: each base's splat and span record serve 8 vectors
    for (; o + 32 <= out; o += 32) {
      let a0 = zero, a1 = zero, a2 = zero, a3 = zero, a4 = zero, a5 = zero, a6 = zero, a7 = zero;
      const ob = <usize>o << 2;
      for (let i = 0; i < inF; i++) {
        const rec = recs + <usize>i * stride;
        if (bwt) {
          const v = v128.load32_splat(sil + (<usize>i << 2));
          const brow = bwt + (<usize>(i * out) << 2) + ob;
          a0 = mac16(a0, v, brow, 0);
          a1 = mac16(a1, v, brow, 16);
          a2 = mac16(a2, v, brow, 32);
          a3 = mac16(a3, v, brow, 48);
          a4 = mac16(a4, v, brow, 64);
          a5 = mac16(a5, v, brow, 80);
          a6 = mac16(a6, v, brow, 96);
          a7 = mac16(a7, v, brow, 112);
        }
        const s = load<i32>(rec);
        if (s < 0) continue;
        const q0 = max(0, k - s);
        const q1 = min(k, nb - 1 - s + k);
        for (let q = q0; q <= q1; q++) {
          const v = v128.load32_splat(rec + 4 + (<usize>q << 2));
          const wrow = wt + (<usize>((i * nb + s - k + q) * out) << 2) + ob;
          a0 = mac16(a0, v, wrow, 0);
          a1 = mac16(a1, v, wrow, 16);
          a2 = mac16(a2, v, wrow, 32);
          a3 = mac16(a3, v, wrow, 48);
          a4 = mac16(a4, v, wrow, 64);
          a5 = mac16(a5, v, wrow, 80);
          a6 = mac16(a6, v, wrow, 96);
          a7 = mac16(a7, v, wrow, 112);
        }
      }
      const yo = yrow + ob;
      v128.store(yo, a0);
      v128.store(yo, a1, 16);
      v128.store(yo, a2, 32);
      v128.store(yo, a3, 48);
      v128.store(yo, a4, 64);
      v128.store(yo, a5, 80);
      v128.store(yo, a6, 96);
      v128.store(yo, a7, 112);
    }
    for (; o + 16 <= out; o += 16) {
      let a0 = zero, a1 = zero, a2 = zero, a3 = zero;
      const ob = <usize>o << 2;
      for (let i = 0; i < inF; i++) {
        const rec = recs + <usize>i * stride;
        if (bwt) {
          const v = v128.load32_splat(sil + (<usize>i << 2));
          const brow = bwt + (<usize>(i * out) << 2) + ob;
          a0 = mac16(a0, v, brow, 0);
          a1 = mac16(a1, v, brow, 16);
          a2 = mac16(a2, v, brow, 32);
          a3 = mac16(a3, v, brow, 48);
        }
        const s = load<i32>(rec);
        if (s < 0) continue;
        if (full && s >= 3 && s <= nb - 1) {
          const r0 = wt + (<usize>((i * nb + s - 3) * out) << 2) + ob;
          const rs = <usize>out << 2;
          let v = v128.load32_splat(rec, 4);
          a0 = mac16(a0, v, r0, 0);
          a1 = mac16(a1, v, r0, 16);
          a2 = mac16(a2, v, r0, 32);
          a3 = mac16(a3, v, r0, 48);
          const r1 = r0 + rs;
          v = v128.load32_splat(rec, 8);
          a0 = mac16(a0, v, r1, 0);
          a1 = mac16(a1, v, r1, 16);
          a2 = mac16(a2, v, r1, 32);
          a3 = mac16(a3, v, r1, 48);
          const r2 = r1 + rs;
          v = v128.load32_splat(rec, 12);
          a0 = mac16(a0, v, r2, 0);
          a1 = mac16(a1, v, r2, 16);
          a2 = mac16(a2, v, r2, 32);
          a3 = mac16(a3, v, r2, 48);
          const r3 = r2 + rs;
          v = v128.load32_splat(rec, 16);
          a0 = mac16(a0, v, r3, 0);
          a1 = mac16(a1, v, r3, 16);
          a2 = mac16(a2, v, r3, 32);
          a3 = mac16(a3, v, r3, 48);
          continue;
        }
        const q0 = max(0, k - s);
        const q1 = min(k, nb - 1 - s + k);
        for (let q = q0; q <= q1; q++) {
          const v = v128.load32_splat(rec + 4 + (<usize>q << 2));
          const wrow = wt + (<usize>((i * nb + s - k + q) * out) << 2) + ob;
          a0 = mac16(a0, v, wrow, 0);
          a1 = mac16(a1, v, wrow, 16);
          a2 = mac16(a2, v, wrow, 32);
          a3 = mac16(a3, v, wrow, 48);
        }
      }
      const yo = yrow + ob;
      v128.store(yo, a0);
      v128.store(yo, a1, 16);
      v128.store(yo, a2, 32);
      v128.store(yo, a3, 48);
    }
    for (; o + 4 <= out; o += 4) {
      let a0 = zero;
      for (let i = 0; i < inF; i++) {
        const rec = recs + <usize>i * stride;
        if (bwt) a0 = f32x4.add(a0, f32x4.mul(v128.load32_splat(sil + (<usize>i << 2)), v128.load(bwt + (<usize>(i * out + o) << 2))));
        const s = load<i32>(rec);
        if (s < 0) continue;
        const q0 = max(0, k - s);
        const q1 = min(k, nb - 1 - s + k);
        for (let q = q0; q <= q1; q++) {
          const v = v128.load32_splat(rec + 4 + (<usize>q << 2));
          a0 = f32x4.add(a0, f32x4.mul(v, v128.load(wt + (<usize>((i * nb + s - k + q) * out + o) << 2))));
        }
      }
      v128.store(yrow + (<usize>o << 2), a0);
    }
    for (; o < out; o++) {
      let a: f32 = 0;
      for (let i = 0; i < inF; i++) {
        const rec = recs + <usize>i * stride;
        if (bwt) a += load<f32>(sil + (<usize>i << 2)) * load<f32>(bwt + (<usize>(i * out + o) << 2));
        const s = load<i32>(rec);
        if (s < 0) continue;
        const q0 = max(0, k - s);
        const q1 = min(k, nb - 1 - s + k);
        for (let q = q0; q <= q1; q++) {
          a += load<f32>(rec + 4 + (<usize>q << 2)) * load<f32>(wt + (<usize>((i * nb + s - k + q) * out + o) << 2));
        }
      }
      store<f32>(yrow + (<usize>o << 2), a);
    }
    if (rowNan) for (let o2 = 0; o2 < out; o2++) store<f32>(yrow + (<usize>o2 << 2), NaN);
  }
}

/** Padded count of local bases per record of the backward: k+1 rounded up to 4. */
@inline function padQ(k: i32): i32 {
  return (k + 4) & ~3;
}

/** Words per row record of the backward: b, silu(x), silu'(x), unused, then padQ bases and padQ derivatives. */
@inline function recordWords(k: i32): i32 {
  return 4 + 2 * padQ(k);
}

/**
 * Per-thread scratch bytes of localBackward: the float64 totals ((nb + 1) x out), span counts
 * (m + 1), per row its span and sigmoid (n each), the n records, a zero row of out floats.
 */
@inline function backwardThreadBytes(n: i32, out: i32, m: i32, k: i32): usize {
  const nb = m - k - 1;
  return (
    (<usize>((nb + 1) * out) << 3) + round16(<usize>(m + 1) << 2) + 2 * round16(<usize>n << 2) + (<usize>(n * recordWords(k)) << 2) + round16(<usize>out << 2)
  );
}

/** total[0..4) += the float32 lanes of a, in float64. */
@inline function flush4(total: usize, a: v128): void {
  v128.store(total, f64x2.add(v128.load(total), f64x2.promote_low_f32x4(a)));
  v128.store(total, f64x2.add(v128.load(total, 16), f64x2.promote_low_f32x4(i32x4.shuffle(a, a, 2, 3, 0, 1))), 16);
}

/**
 * dW for the records [r0, r1) of one span (weight rows j0 + q, q = qa..qa+3, of which those in
 * [jLo, jHi] are kept) and columns o..o+8 (`w2`: two f32x4, else one): every row adds v_q dy[b,
 * o..] into f32x4 registers, which are then added into the float64 totals; with `base`, also
 * silu(x) dy[b, o..] into the base row (nb) of the totals.
 */
@inline function dwTile(
  recs: usize, rw: usize, r0: i32, r1: i32, dy: usize, out: i32, o: i32, qa: i32, j0: i32, jLo: i32, jHi: i32, nb: i32, total: usize, base: bool, w2: bool,
): void {
  const zero = f32x4.splat(0);
  let a0 = zero, a1 = zero, b0 = zero, b1 = zero, c0 = zero, c1 = zero, d0 = zero, d1 = zero, e0 = zero, e1 = zero;
  const vo = <usize>(16 + (qa << 2));
  const ob = <usize>o << 2;
  for (let r = r0; r < r1; r++) {
    const rec = recs + <usize>r * rw;
    const gy = dy + (<usize>(load<i32>(rec) * out) << 2) + ob;
    const g0 = v128.load(gy);
    const g1 = w2 ? v128.load(gy, 16) : zero;
    const vq = rec + vo;
    let v = v128.load32_splat(vq);
    a0 = f32x4.add(a0, f32x4.mul(v, g0));
    if (w2) a1 = f32x4.add(a1, f32x4.mul(v, g1));
    v = v128.load32_splat(vq, 4);
    b0 = f32x4.add(b0, f32x4.mul(v, g0));
    if (w2) b1 = f32x4.add(b1, f32x4.mul(v, g1));
    v = v128.load32_splat(vq, 8);
    c0 = f32x4.add(c0, f32x4.mul(v, g0));
    if (w2) c1 = f32x4.add(c1, f32x4.mul(v, g1));
    v = v128.load32_splat(vq, 12);
    d0 = f32x4.add(d0, f32x4.mul(v, g0));
    if (w2) d1 = f32x4.add(d1, f32x4.mul(v, g1));
    if (base) {
      v = v128.load32_splat(rec, 4);
      e0 = f32x4.add(e0, f32x4.mul(v, g0));
      if (w2) e1 = f32x4.add(e1, f32x4.mul(v, g1));
    }
  }
  const row = <usize>out << 3;
  const t = total + (<usize>o << 3);
  const jt = t + <usize>j0 * row; // totals of weight row j0 (+ q rows)
  if (qa >= jLo - j0 && qa <= jHi - j0) {
    const p = jt + <usize>qa * row;
    flush4(p, a0);
    if (w2) flush4(p + 32, a1);
  }
  if (qa + 1 >= jLo - j0 && qa + 1 <= jHi - j0) {
    const p = jt + <usize>(qa + 1) * row;
    flush4(p, b0);
    if (w2) flush4(p + 32, b1);
  }
  if (qa + 2 >= jLo - j0 && qa + 2 <= jHi - j0) {
    const p = jt + <usize>(qa + 2) * row;
    flush4(p, c0);
    if (w2) flush4(p + 32, c1);
  }
  if (qa + 3 >= jLo - j0 && qa + 3 <= jHi - j0) {
    const p = jt + <usize>(qa + 3) * row;
    flush4(p, d0);
    if (w2) flush4(p + 32, d1);
  }
  if (base) {
    const p = t + <usize>nb * row;
    flush4(p, e0);
    if (w2) flush4(p + 32, e1);
  }
}

/** dW for the records [r0, r1) of one span, all columns (see dwTile; the last out % 4 columns in float64). */
@inline function dwSegment(
  recs: usize, rw: usize, r0: i32, r1: i32, dy: usize, out: i32, k: i32, j0: i32, jLo: i32, jHi: i32, nb: i32, total: usize, base: bool,
): void {
  const vecEnd = out & ~3;
  for (let qa = 0; qa <= k; qa += 4) {
    const withBase = base && qa == 0;
    let o = 0;
    if (withBase) {
      for (; o + 8 <= out; o += 8) dwTile(recs, rw, r0, r1, dy, out, o, qa, j0, jLo, jHi, nb, total, true, true);
      for (; o < vecEnd; o += 4) dwTile(recs, rw, r0, r1, dy, out, o, qa, j0, jLo, jHi, nb, total, true, false);
    } else {
      for (; o + 8 <= out; o += 8) dwTile(recs, rw, r0, r1, dy, out, o, qa, j0, jLo, jHi, nb, total, false, true);
      for (; o < vecEnd; o += 4) dwTile(recs, rw, r0, r1, dy, out, o, qa, j0, jLo, jHi, nb, total, false, false);
    }
    for (; o < out; o++) {
      for (let r = r0; r < r1; r++) {
        const rec = recs + <usize>r * rw;
        const g = <f64>load<f32>(dy + (<usize>(load<i32>(rec) * out + o) << 2));
        for (let q = qa; q <= min(k, qa + 3); q++) {
          const j = j0 + q;
          if (j < jLo || j > jHi) continue;
          const p = total + (<usize>(j * out + o) << 3);
          store<f64>(p, load<f64>(p) + <f64>load<f32>(rec + 16 + (<usize>q << 2)) * g);
        }
        if (withBase) {
          const p = total + (<usize>(nb * out + o) << 3);
          store<f64>(p, load<f64>(p) + <f64>load<f32>(rec, 4) * g);
        }
      }
    }
  }
}

/** The four lane sums of a, b, c, d as one f32x4 (lane q: the sum of the q-th argument's lanes). */
@inline function laneSums(a: v128, b: v128, c: v128, d: v128): v128 {
  const ab = f32x4.add(i32x4.shuffle(a, b, 0, 1, 4, 5), i32x4.shuffle(a, b, 2, 3, 6, 7));
  const cd = f32x4.add(i32x4.shuffle(c, d, 0, 1, 4, 5), i32x4.shuffle(c, d, 2, 3, 6, 7));
  return f32x4.add(i32x4.shuffle(ab, cd, 0, 2, 4, 6), i32x4.shuffle(ab, cd, 1, 3, 5, 7));
}

/**
 * dx[b, i] for the records [r0, r1) of one span: sum_q v'_q (dy[b, :] . W[j0 + q, :]) (+ silu'(x)
 * (dy[b, :] . baseW[i, :]) with `base`), four weight rows at a time (rows outside [jLo, jHi]:
 * `zrow`, a row of zeros, with v'_q = 0 in the record).
 */
@inline function dxSegment(
  recs: usize, rw: usize, r0: i32, r1: i32, dy: usize, wi: usize, bwi: usize, dx: usize, inF: i32, i: i32, out: i32, k: i32, j0: i32, jLo: i32, jHi: i32, zrow: usize, base: bool,
): void {
  const zero = f32x4.splat(0);
  const vecEnd = out & ~3;
  const row = <usize>out << 2;
  const dOff = <usize>((4 + padQ(k)) << 2);
  for (let qa = 0; qa <= k; qa += 4) {
    const ok0 = j0 + qa >= jLo && j0 + qa <= jHi;
    const ok1 = j0 + qa + 1 >= jLo && j0 + qa + 1 <= jHi;
    const ok2 = j0 + qa + 2 >= jLo && j0 + qa + 2 <= jHi;
    const ok3 = j0 + qa + 3 >= jLo && j0 + qa + 3 <= jHi;
    const w0 = ok0 ? wi + <usize>(j0 + qa) * row : zrow;
    const w1 = ok1 ? wi + <usize>(j0 + qa + 1) * row : zrow;
    const w2 = ok2 ? wi + <usize>(j0 + qa + 2) * row : zrow;
    const w3 = ok3 ? wi + <usize>(j0 + qa + 3) * row : zrow;
    // lanes of rows without a weight row contribute exactly 0 (not 0 * (dy . 0), NaN for an infinite dy)
    const mask = i32x4.replace_lane(i32x4.replace_lane(i32x4.replace_lane(i32x4.splat(ok0 ? -1 : 0), 1, ok1 ? -1 : 0), 2, ok2 ? -1 : 0), 3, ok3 ? -1 : 0);
    const withBase = base && qa == 0;
    for (let r = r0; r < r1; r++) {
      const rec = recs + <usize>r * rw;
      const b = load<i32>(rec);
      const gy = dy + <usize>b * row;
      let d0 = zero, d1 = zero, d2 = zero, d3 = zero, db = zero;
      let o = 0;
      for (; o < vecEnd; o += 4) {
        const ob = <usize>o << 2;
        const g = v128.load(gy + ob);
        d0 = f32x4.add(d0, f32x4.mul(g, v128.load(w0 + ob)));
        d1 = f32x4.add(d1, f32x4.mul(g, v128.load(w1 + ob)));
        d2 = f32x4.add(d2, f32x4.mul(g, v128.load(w2 + ob)));
        d3 = f32x4.add(d3, f32x4.mul(g, v128.load(w3 + ob)));
        if (withBase) db = f32x4.add(db, f32x4.mul(g, v128.load(bwi + ob)));
      }
      let dots = laneSums(d0, d1, d2, d3);
      let dotB = withBase ? f32x4.extract_lane(db, 0) + f32x4.extract_lane(db, 1) + f32x4.extract_lane(db, 2) + f32x4.extract_lane(db, 3) : <f32>0;
      if (o < out) {
        let e0: f32 = 0, e1: f32 = 0, e2: f32 = 0, e3: f32 = 0;
        for (; o < out; o++) {
          const ob = <usize>o << 2;
          const g = load<f32>(gy + ob);
          e0 += g * load<f32>(w0 + ob);
          e1 += g * load<f32>(w1 + ob);
          e2 += g * load<f32>(w2 + ob);
          e3 += g * load<f32>(w3 + ob);
          if (withBase) dotB += g * load<f32>(bwi + ob);
        }
        dots = f32x4.add(dots, f32x4.replace_lane(f32x4.replace_lane(f32x4.replace_lane(f32x4.splat(e0), 1, e1), 2, e2), 3, e3));
      }
      const pr = v128.and(f32x4.mul(dots, v128.load(rec + dOff + (<usize>qa << 2))), mask);
      let acc: f32 = f32x4.extract_lane(pr, 0) + f32x4.extract_lane(pr, 1) + f32x4.extract_lane(pr, 2) + f32x4.extract_lane(pr, 3);
      if (withBase) acc += load<f32>(rec, 8) * dotB;
      const dxp = dx + (<usize>(b * inF + i) << 2);
      store<f32>(dxp, qa == 0 ? acc : load<f32>(dxp) + acc);
    }
  }
}

/**
 * Backward of feature i = chunk: dx[:, i], dWt[i] [nb, out] and (bwt != 0) dBaseWt[i] [out] from
 * dy [n, out]. With skipDx != 0, dx is left untouched (zero) and neither the bases' derivatives
 * nor the dy . W products are formed. The feature's rows are sorted by span (counting sort into
 * records: b, silu(x), silu'(x), the k+1 bases and derivatives, zero where a basis has no weight
 * row); per span the k+1 weight rows are fixed, so dW accumulates in f32x4 registers over up to
 * tileRows rows of a span (8 columns at a time), then into float64 totals, rounded to float32
 * once; dx takes per row the dot products with the span's weight rows. Scratch: the knot tables,
 * then per thread backwardThreadBytes.
 */
export function localBackward(
  dy: usize, x: usize, grid: usize, wt: usize, bwt: usize, dx: usize, dwt: usize, dbwt: usize,
  n: i32, inF: i32, out: i32, m: i32, k: i32, tileRows: i32, skipDx: i32, scratch: usize, chunk: i32, thread: i32,
): void {
  const featureNan = backwardTotals(dy, x, grid, wt, bwt, dx, n, inF, out, m, k, tileRows, skipDx, scratch, chunk, thread);
  const i = chunk;
  const size = (m - k - 1) * out;
  const total = backwardTotalsAt(scratch, n, inF, out, m, k, thread);
  const di = dwt + (<usize>(i * size) << 2);
  for (let e = 0; e < size; e++) store<f32>(di + (<usize>e << 2), featureNan ? NaN : <f32>load<f64>(total + (<usize>e << 3)));
  if (bwt) {
    const dbi = dbwt + (<usize>(i * out) << 2);
    const bt = total + (<usize>size << 3);
    for (let o = 0; o < out; o++) store<f32>(dbi + (<usize>o << 2), featureNan ? NaN : <f32>load<f64>(bt + (<usize>o << 3)));
  }
}

/** The float64 totals of localBackward's thread `thread`: dWt[i] [nb, out], then dBaseWt[i] [out]. */
@inline function backwardTotalsAt(scratch: usize, n: i32, inF: i32, out: i32, m: i32, k: i32, thread: i32): usize {
  return scratch + tablesBytes(inF, m, k) + <usize>thread * backwardThreadBytes(n, out, m, k);
}

/**
 * Phase 2 of the KANLinear parameter kernels (chunk = feature i): Wt[i, j, o] = W[o, i, j] *
 * s[o, i] (float32 product; scaler 0: W as is) and baseWt[i, o] = baseW[o, i], for W [out, inF,
 * nb], s [out, inF], baseW [out, inF] (efficient-kan's spline_weight, spline_scaler, base_weight)
 * into wt [inF, nb, out] and bwt [inF, out] (the prepared part of the scratch).
 */
export function prepareParams(w: usize, scaler: usize, bw: usize, wt: usize, bwt: usize, inF: i32, out: i32, nb: i32, chunk: i32, thread: i32): void {
  const i = chunk;
  const dst = wt + (<usize>(i * nb * out) << 2);
  for (let o = 0; o < out; o++) {
    const e = <usize>(o * inF + i);
    const src = w + ((e * <usize>nb) << 2);
    if (scaler) {
      const s = load<f32>(scaler + (e << 2));
      for (let j = 0; j < nb; j++) store<f32>(dst + (<usize>(j * out + o) << 2), load<f32>(src + (<usize>j << 2)) * s);
    } else {
      for (let j = 0; j < nb; j++) store<f32>(dst + (<usize>(j * out + o) << 2), load<f32>(src + (<usize>j << 2)));
    }
    store<f32>(bwt + (<usize>(i * out + o) << 2), load<f32>(bw + (e << 2)));
  }
}

/**
 * Backward of feature i = chunk of the KANLinear parameter kernels: localBackward on the prepared
 * wt, bwt (phase 2, prepareParams; not read with skipDx), then the float64 totals go to the
 * parameters' own layouts: dW[o, i, j] = f32(f32(dWt[i, j, o]) * s[o, i]) (scaler 0: f32(dWt)),
 * dS[o, i] = sum_j f32(dWt[i, j, o]) W[o, i, j] (in float64, rounded once; only with a scaler),
 * dBaseW[o, i] = f32(dBaseWt[i, o]). A NaN in x[:, i] makes all of them NaN for feature i.
 */
export function paramsBackward(
  dy: usize, x: usize, grid: usize, wt: usize, bwt: usize, w: usize, scaler: usize, dx: usize, dw: usize, dscaler: usize, dbw: usize,
  n: i32, inF: i32, out: i32, m: i32, k: i32, tileRows: i32, skipDx: i32, scratch: usize, chunk: i32, thread: i32,
): void {
  const featureNan = backwardTotals(dy, x, grid, wt, bwt, dx, n, inF, out, m, k, tileRows, skipDx, scratch, chunk, thread);
  const i = chunk;
  const nb = m - k - 1;
  const total = backwardTotalsAt(scratch, n, inF, out, m, k, thread);
  const bt = total + (<usize>(nb * out) << 3);
  for (let o = 0; o < out; o++) {
    const e = <usize>(o * inF + i);
    const wo = w + ((e * <usize>nb) << 2);
    const dwo = dw + ((e * <usize>nb) << 2);
    if (featureNan) {
      for (let j = 0; j < nb; j++) store<f32>(dwo + (<usize>j << 2), NaN);
      if (scaler) store<f32>(dscaler + (e << 2), NaN);
      store<f32>(dbw + (e << 2), NaN);
      continue;
    }
    if (scaler) {
      const s = load<f32>(scaler + (e << 2));
      let ds: f64 = 0;
      for (let j = 0; j < nb; j++) {
        const g = <f32>load<f64>(total + (<usize>(j * out + o) << 3));
        store<f32>(dwo + (<usize>j << 2), g * s);
        ds += <f64>g * <f64>load<f32>(wo + (<usize>j << 2));
      }
      store<f32>(dscaler + (e << 2), <f32>ds);
    } else {
      for (let j = 0; j < nb; j++) store<f32>(dwo + (<usize>j << 2), <f32>load<f64>(total + (<usize>(j * out + o) << 3)));
    }
    store<f32>(dbw + (e << 2), <f32>load<f64>(bt + (<usize>o << 3)));
  }
}

/**
 * The body of localBackward and paramsBackward: dx[:, i] (unless skipDx) and the float64 totals
 * of dWt[i] and dBaseWt[i] (backwardTotalsAt) for feature i = chunk; returns whether x[:, i] has a NaN.
 */
function backwardTotals(
  dy: usize, x: usize, grid: usize, wt: usize, bwt: usize, dx: usize,
  n: i32, inF: i32, out: i32, m: i32, k: i32, tileRows: i32, skipDx: i32, scratch: usize, chunk: i32, thread: i32,
): bool {
  const nb = m - k - 1;
  const size = nb * out;
  const P = m + 2 * k;
  const TW = tableWords(m, k);
  const RW = recordWords(k);
  const rw = <usize>RW << 2;
  const QP = padQ(k);
  const total = backwardTotalsAt(scratch, n, inF, out, m, k, thread);
  const counts = total + (<usize>((nb + 1) * out) << 3);
  const spans = counts + round16(<usize>(m + 1) << 2);
  const sigs = spans + round16(<usize>n << 2);
  const recs = sigs + round16(<usize>n << 2);
  const zrow = recs + <usize>n * rw;
  const i = chunk;
  const t = grid + (<usize>(i * m) << 2);
  const kn = scratch + (<usize>(i * TW) << 2);
  const hinv = load<f32>(kn + (<usize>(P * (k + 1)) << 2));
  const wi = wt + (<usize>(i * size) << 2);
  const bwi = bwt + (<usize>(i * out) << 2);
  const slab = (bwt ? nb + 1 : nb) * out;
  for (let e = 0; e < slab; e++) store<f64>(total + (<usize>e << 3), 0);
  for (let e = 0; e <= m; e++) store<i32>(counts + (<usize>e << 2), 0);
  for (let o = 0; o < out; o++) store<f32>(zrow + (<usize>o << 2), 0);
  // spans (-2: NaN) and counts per span (index s + 1)
  let featureNan = false;
  for (let b = 0; b < n; b++) {
    const xp = <usize>(b * inF + i) << 2;
    const xi = load<f32>(x + xp);
    if (xi != xi) {
      if (!skipDx) store<f32>(dx + xp, NaN);
      featureNan = true;
      store<i32>(spans + (<usize>b << 2), -2);
      continue;
    }
    const s = findSpan(t, m, xi, hinv);
    store<i32>(spans + (<usize>b << 2), s);
    const c = counts + (<usize>(s + 1) << 2);
    store<i32>(c, load<i32>(c) + 1);
  }
  if (bwt) {
    // sigmoid(x[b, i]) rounded to float32, two rows at a time (the same bits as one by one)
    let b = 0;
    for (; b + 2 <= n; b += 2) {
      const xa = f64x2.replace_lane(f64x2.splat(<f64>load<f32>(x + (<usize>(b * inF + i) << 2))), 1, <f64>load<f32>(x + (<usize>((b + 1) * inF + i) << 2)));
      const sg = f32x4.demote_f64x2_zero(sigmoid2(xa));
      store<f32>(sigs + (<usize>b << 2), f32x4.extract_lane(sg, 0));
      store<f32>(sigs + (<usize>(b + 1) << 2), f32x4.extract_lane(sg, 1));
    }
    for (; b < n; b++) store<f32>(sigs + (<usize>b << 2), <f32>sigmoid(load<f32>(x + (<usize>(b * inF + i) << 2))));
  }
  // counts -> start offsets
  let run = 0;
  for (let e = 0; e <= m; e++) {
    const c = counts + (<usize>e << 2);
    const cnt = load<i32>(c);
    store<i32>(c, run);
    run += cnt;
  }
  // the records, sorted by span (after this, counts[e] is the end of span e - 1's records)
  for (let b = 0; b < n; b++) {
    const s = load<i32>(spans + (<usize>b << 2));
    if (s == -2) continue;
    const c = counts + (<usize>(s + 1) << 2);
    const pos = load<i32>(c);
    store<i32>(c, pos + 1);
    const rec = recs + <usize>pos * rw;
    const xi = load<f32>(x + (<usize>(b * inF + i) << 2));
    store<i32>(rec, b);
    if (bwt) {
      const sig = load<f32>(sigs + (<usize>b << 2));
      store<f32>(rec, xi * sig, 4);
      store<f32>(rec, sig * (1 + xi * (1 - sig)), 8);
    }
    const v = rec + 16;
    const d = skipDx ? 0 : v + (<usize>QP << 2);
    if (s < 0) {
      for (let q = 0; q < QP; q++) store<f32>(v + (<usize>q << 2), 0);
      continue;
    }
    localBases(kn, P, s, xi, k, v, d);
    // zero the bases without a weight row (q < k - s or q > nb - 1 - s + k) and the padding
    const q0 = max(0, k - s);
    const q1 = min(k, nb - 1 - s + k);
    for (let q = 0; q < QP; q++) {
      if (q >= q0 && q <= q1) continue;
      store<f32>(v + (<usize>q << 2), 0);
      if (d) store<f32>(d + (<usize>q << 2), 0);
    }
  }
  // per span: dW (and dBaseW) in register tiles of up to tileRows rows, then dx
  let r0 = 0;
  for (let e = 0; e < m; e++) {
    const r1 = load<i32>(counts + (<usize>e << 2));
    const s = e - 1;
    if (r1 > r0 && (s >= 0 || bwt)) {
      const j0 = s - k;
      const jLo = max(0, j0);
      const jHi = s < 0 ? -1 : min(nb - 1, s); // s < 0: no weight rows (base only)
      for (let a = r0; a < r1; a += tileRows) {
        if (bwt) dwSegment(recs, rw, a, min(r1, a + tileRows), dy, out, k, j0, jLo, jHi, nb, total, true);
        else dwSegment(recs, rw, a, min(r1, a + tileRows), dy, out, k, j0, jLo, jHi, nb, total, false);
      }
      if (!skipDx) {
        if (bwt) dxSegment(recs, rw, r0, r1, dy, wi, bwi, dx, inF, i, out, k, j0, jLo, jHi, zrow, true);
        else dxSegment(recs, rw, r0, r1, dy, wi, bwi, dx, inF, i, out, k, j0, jLo, jHi, zrow, false);
      }
    } else if (r1 > r0 && !skipDx) {
      // out of the grid, no base branch: dx = 0
      for (let r = r0; r < r1; r++) store<f32>(dx + (<usize>(load<i32>(recs + <usize>r * rw) * inF + i) << 2), 0);
    }
    r0 = r1;
  }
  return featureNan;
}

/**
 * Dense bases, rows chunk*rowsPerChunk.. of [n, inF, nb] (zeroed by the caller) from x [n, inF]
 * and grid [inF, m]: the k+1 local ones per input (NaN input: all NaN). Scratch: the knot
 * tables, then per thread k+1 f32.
 */
export function basisForward(
  x: usize, grid: usize, bases: usize, n: i32, inF: i32, m: i32, k: i32, rowsPerChunk: i32, scratch: usize, chunk: i32, thread: i32,
): void {
  const nb = m - k - 1;
  const P = m + 2 * k;
  const TW = tableWords(m, k);
  const win = scratch + tablesBytes(inF, m, k) + <usize>thread * round16(<usize>(k + 1) << 2);
  const bEnd = min(n, (chunk + 1) * rowsPerChunk);
  for (let b = chunk * rowsPerChunk; b < bEnd; b++) {
    for (let i = 0; i < inF; i++) {
      const e = b * inF + i;
      const xi = load<f32>(x + (<usize>e << 2));
      const row = bases + (<usize>(e * nb) << 2);
      if (xi != xi) {
        for (let j = 0; j < nb; j++) store<f32>(row + (<usize>j << 2), NaN);
        continue;
      }
      const kn = scratch + (<usize>(i * TW) << 2);
      const s = findSpan(grid + (<usize>(i * m) << 2), m, xi, load<f32>(kn + (<usize>(P * (k + 1)) << 2)));
      if (s < 0) continue;
      deBoor(kn, P, s, xi, k, win, 0);
      const q1 = min(k, nb - 1 - s + k);
      for (let q = max(0, k - s); q <= q1; q++) store<f32>(row + (<usize>(s - k + q) << 2), load<f32>(win + (<usize>q << 2)));
    }
  }
}

/**
 * dx, rows chunk*rowsPerChunk.. of [n, inF]: sum_j dy[n, inF, j] B'_j(x). Scratch: the knot
 * tables, then per thread 2(k+1) f32.
 */
export function basisBackward(
  dy: usize, x: usize, grid: usize, dx: usize, n: i32, inF: i32, m: i32, k: i32, rowsPerChunk: i32, scratch: usize, chunk: i32, thread: i32,
): void {
  const nb = m - k - 1;
  const P = m + 2 * k;
  const TW = tableWords(m, k);
  const win = scratch + tablesBytes(inF, m, k) + <usize>thread * round16(<usize>(k + 1) << 3);
  const ders = win + (<usize>(k + 1) << 2);
  const bEnd = min(n, (chunk + 1) * rowsPerChunk);
  for (let b = chunk * rowsPerChunk; b < bEnd; b++) {
    for (let i = 0; i < inF; i++) {
      const e = b * inF + i;
      const xi = load<f32>(x + (<usize>e << 2));
      const dxp = dx + (<usize>e << 2);
      if (xi != xi) {
        store<f32>(dxp, NaN);
        continue;
      }
      const kn = scratch + (<usize>(i * TW) << 2);
      const s = findSpan(grid + (<usize>(i * m) << 2), m, xi, load<f32>(kn + (<usize>(P * (k + 1)) << 2)));
      if (s < 0) {
        store<f32>(dxp, 0);
        continue;
      }
      deBoor(kn, P, s, xi, k, win, ders);
      const g = dy + (<usize>(e * nb) << 2);
      let acc: f32 = 0;
      const q1 = min(k, nb - 1 - s + k);
      for (let q = max(0, k - s); q <= q1; q++) acc += load<f32>(g + (<usize>(s - k + q) << 2)) * load<f32>(ders + (<usize>q << 2));
      store<f32>(dxp, acc);
    }
  }
}
