// AssemblyScript source of the wasm SIMD local spline kernels (efficient-kan KANLinear's spline
// branch without the dense bases). Compiled by scripts/build_wasm.mjs into a module that imports
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

/** Phase 1 of every kernel here (1 chunk): the knot tables of grid [inF, m] at scratch. */
export function tables(grid: usize, inF: i32, m: i32, k: i32, scratch: usize, chunk: i32, thread: i32): void {
  buildTables(grid, inF, m, k, scratch);
}

/**
 * Forward, rows chunk*rowsPerChunk.. of y [n, out] from x [n, inF], grid [inF, m], Wt [inF, nb,
 * out] and baseWt [inF, out] (0: none). Scratch: the knot tables, then per thread inF records of
 * (k+3) words (span, the k+1 local bases, silu(x)) for the current row.
 */
export function localForward(
  x: usize, grid: usize, wt: usize, bwt: usize, y: usize,
  n: i32, inF: i32, out: i32, m: i32, k: i32, rowsPerChunk: i32, scratch: usize, chunk: i32, thread: i32,
): void {
  const nb = m - k - 1;
  const P = m + 2 * k;
  const TW = tableWords(m, k);
  const stride = <usize>(k + 3) << 2;
  const sOff = <usize>(k + 2) << 2; // silu(x) in a record
  const recs = scratch + tablesBytes(inF, m, k) + <usize>thread * round16(<usize>inF * stride);
  const zero = f32x4.splat(0);
  const bEnd = min(n, (chunk + 1) * rowsPerChunk);
  for (let b = chunk * rowsPerChunk; b < bEnd; b++) {
    let rowNan = false;
    for (let i = 0; i < inF; i++) {
      const rec = recs + <usize>i * stride;
      const xi = load<f32>(x + (<usize>(b * inF + i) << 2));
      if (xi != xi) {
        rowNan = true;
        store<i32>(rec, -1);
        continue;
      }
      if (bwt) store<f32>(rec + sOff, silu(xi));
      const kn = scratch + (<usize>(i * TW) << 2);
      const s = findSpan(grid + (<usize>(i * m) << 2), m, xi, load<f32>(kn + (<usize>(P * (k + 1)) << 2)));
      store<i32>(rec, s);
      if (s >= 0) deBoor(kn, P, s, xi, k, rec + 4, 0);
    }
    const yrow = y + (<usize>(b * out) << 2);
    let o = 0;
    for (; o + 16 <= out; o += 16) {
      let a0 = zero, a1 = zero, a2 = zero, a3 = zero;
      for (let i = 0; i < inF; i++) {
        const rec = recs + <usize>i * stride;
        if (bwt) {
          const v = v128.load32_splat(rec + sOff);
          const brow = bwt + (<usize>(i * out + o) << 2);
          a0 = f32x4.add(a0, f32x4.mul(v, v128.load(brow)));
          a1 = f32x4.add(a1, f32x4.mul(v, v128.load(brow, 16)));
          a2 = f32x4.add(a2, f32x4.mul(v, v128.load(brow, 32)));
          a3 = f32x4.add(a3, f32x4.mul(v, v128.load(brow, 48)));
        }
        const s = load<i32>(rec);
        if (s < 0) continue;
        const q0 = max(0, k - s);
        const q1 = min(k, nb - 1 - s + k);
        for (let q = q0; q <= q1; q++) {
          const v = v128.load32_splat(rec + 4 + (<usize>q << 2));
          const wrow = wt + (<usize>((i * nb + s - k + q) * out + o) << 2);
          a0 = f32x4.add(a0, f32x4.mul(v, v128.load(wrow)));
          a1 = f32x4.add(a1, f32x4.mul(v, v128.load(wrow, 16)));
          a2 = f32x4.add(a2, f32x4.mul(v, v128.load(wrow, 32)));
          a3 = f32x4.add(a3, f32x4.mul(v, v128.load(wrow, 48)));
        }
      }
      const yo = yrow + (<usize>o << 2);
      v128.store(yo, a0);
      v128.store(yo, a1, 16);
      v128.store(yo, a2, 32);
      v128.store(yo, a3, 48);
    }
    for (; o + 4 <= out; o += 4) {
      let a0 = zero;
      for (let i = 0; i < inF; i++) {
        const rec = recs + <usize>i * stride;
        if (bwt) a0 = f32x4.add(a0, f32x4.mul(v128.load32_splat(rec + sOff), v128.load(bwt + (<usize>(i * out + o) << 2))));
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
        if (bwt) a += load<f32>(rec + sOff) * load<f32>(bwt + (<usize>(i * out + o) << 2));
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

/** Bytes of the f32 tile slab (nb x out), rounded up to 16. */
@inline function slabBytes(nb: i32, out: i32): usize {
  return ((<usize>(nb * out) << 2) + 15) & ~15;
}

/**
 * Backward of feature i = chunk: dx[:, i], dWt[i] [nb, out] and (bwt != 0) dBaseWt[i] [out] from
 * dy [n, out]. With skipDx != 0, dx is left untouched (zero) and neither the bases' derivatives
 * nor the dy . W products are formed. Scratch: the knot tables, then per thread an f32 tile slab
 * and an f64 total slab of (nb + 1 if base) x out, and 2(k+1) f32 for the bases and derivatives.
 */
export function localBackward(
  dy: usize, x: usize, grid: usize, wt: usize, bwt: usize, dx: usize, dwt: usize, dbwt: usize,
  n: i32, inF: i32, out: i32, m: i32, k: i32, tileRows: i32, skipDx: i32, scratch: usize, chunk: i32, thread: i32,
): void {
  const nb = m - k - 1;
  const size = nb * out;
  const rows = bwt ? nb + 1 : nb;
  const slab = rows * out;
  const P = m + 2 * k;
  const TW = tableWords(m, k);
  const tile = scratch + tablesBytes(inF, m, k) + <usize>thread * (slabBytes(rows, out) + (<usize>slab << 3) + round16(<usize>(k + 1) << 3));
  const total = tile + slabBytes(rows, out);
  const win = total + (<usize>slab << 3);
  const ders = skipDx ? 0 : win + (<usize>(k + 1) << 2);
  const btile = tile + (<usize>size << 2); // the base row of the tile slab
  const zero = f32x4.splat(0);
  const vecEnd = out & ~3;
  const i = chunk;
  const t = grid + (<usize>(i * m) << 2);
  const kn = scratch + (<usize>(i * TW) << 2);
  const hinv = load<f32>(kn + (<usize>(P * (k + 1)) << 2));
  const wi = wt + (<usize>(i * size) << 2);
  const bwi = bwt + (<usize>(i * out) << 2);
  let featureNan = false;
  for (let e = 0; e < slab; e++) store<f64>(total + (<usize>e << 3), 0);
  for (let r0 = 0; r0 < n; r0 += tileRows) {
    const r1 = min(n, r0 + tileRows);
    for (let b = r0; b < r1; b++) {
      const xp = <usize>(b * inF + i) << 2;
      const xi = load<f32>(x + xp);
      if (xi != xi) {
        if (!skipDx) store<f32>(dx + xp, NaN);
        featureNan = true;
        continue;
      }
      const gy = dy + (<usize>(b * out) << 2);
      let acc: f32 = 0;
      const s = findSpan(t, m, xi, hinv);
      if (s >= 0) {
        deBoor(kn, P, s, xi, k, win, ders);
        const q0 = max(0, k - s);
        const q1 = min(k, nb - 1 - s + k);
        for (let q = q0; q <= q1; q++) {
          const vs = load<f32>(win + (<usize>q << 2));
          const trow = tile + (<usize>((s - k + q) * out) << 2);
          if (skipDx) {
            addScaled(trow, gy, vs, out);
            continue;
          }
          acc += load<f32>(ders + (<usize>q << 2)) * dotAndAdd(trow, gy, wi + (<usize>((s - k + q) * out) << 2), vs, out, vecEnd);
        }
      }
      if (bwt) {
        const sig = <f32>sigmoid(xi);
        if (skipDx) addScaled(btile, gy, xi * sig, out);
        else acc += sig * (1 + xi * (1 - sig)) * dotAndAdd(btile, gy, bwi, xi * sig, out, vecEnd);
      }
      if (!skipDx) store<f32>(dx + xp, acc);
    }
    // the tile's partial sums into the float64 totals; the tile slab back to zero
    let e = 0;
    for (; e + 4 <= slab; e += 4) {
      const tp = tile + (<usize>e << 2);
      const sp = total + (<usize>e << 3);
      const tv = v128.load(tp);
      v128.store(sp, f64x2.add(v128.load(sp), f64x2.promote_low_f32x4(tv)));
      v128.store(sp, f64x2.add(v128.load(sp, 16), f64x2.promote_low_f32x4(i32x4.shuffle(tv, tv, 2, 3, 0, 1))), 16);
      v128.store(tp, zero);
    }
    for (; e < slab; e++) {
      const tp = tile + (<usize>e << 2);
      const sp = total + (<usize>e << 3);
      store<f64>(sp, load<f64>(sp) + <f64>load<f32>(tp));
      store<f32>(tp, 0);
    }
  }
  const di = dwt + (<usize>(i * size) << 2);
  for (let e = 0; e < size; e++) store<f32>(di + (<usize>e << 2), featureNan ? NaN : <f32>load<f64>(total + (<usize>e << 3)));
  if (bwt) {
    const dbi = dbwt + (<usize>(i * out) << 2);
    const bt = total + (<usize>size << 3);
    for (let o = 0; o < out; o++) store<f32>(dbi + (<usize>o << 2), featureNan ? NaN : <f32>load<f64>(bt + (<usize>o << 3)));
  }
}

/** trow[o] += vs * gy[o] for o < out (the skipped-dx backward: dW only). */
@inline function addScaled(trow: usize, gy: usize, vs: f32, out: i32): void {
  const v = f32x4.splat(vs);
  let o = 0;
  for (; o + 4 <= out; o += 4) {
    const ob = <usize>o << 2;
    v128.store(trow + ob, f32x4.add(v128.load(trow + ob), f32x4.mul(v, v128.load(gy + ob))));
  }
  for (; o < out; o++) {
    const ob = <usize>o << 2;
    store<f32>(trow + ob, load<f32>(trow + ob) + vs * load<f32>(gy + ob));
  }
}

/** trow[o] += vs * gy[o], returning gy . wrow (two f32x4 partial sums, then the tail). */
@inline function dotAndAdd(trow: usize, gy: usize, wrow: usize, vs: f32, out: i32, vecEnd: i32): f32 {
  const zero = f32x4.splat(0);
  const v = f32x4.splat(vs);
  let d0 = zero, d1 = zero;
  let o = 0;
  for (; o + 8 <= out; o += 8) {
    const ob = <usize>o << 2;
    const g0 = v128.load(gy + ob);
    const g1 = v128.load(gy + ob, 16);
    d0 = f32x4.add(d0, f32x4.mul(g0, v128.load(wrow + ob)));
    d1 = f32x4.add(d1, f32x4.mul(g1, v128.load(wrow + ob, 16)));
    v128.store(trow + ob, f32x4.add(v128.load(trow + ob), f32x4.mul(v, g0)));
    v128.store(trow + ob, f32x4.add(v128.load(trow + ob, 16), f32x4.mul(v, g1)), 16);
  }
  for (; o < vecEnd; o += 4) {
    const ob = <usize>o << 2;
    const g0 = v128.load(gy + ob);
    d0 = f32x4.add(d0, f32x4.mul(g0, v128.load(wrow + ob)));
    v128.store(trow + ob, f32x4.add(v128.load(trow + ob), f32x4.mul(v, g0)));
  }
  const dv = f32x4.add(d0, d1);
  let dot = f32x4.extract_lane(dv, 0) + f32x4.extract_lane(dv, 1) + f32x4.extract_lane(dv, 2) + f32x4.extract_lane(dv, 3);
  for (; o < out; o++) {
    const ob = <usize>o << 2;
    const g = load<f32>(gy + ob);
    dot += g * load<f32>(wrow + ob);
    store<f32>(trow + ob, load<f32>(trow + ob) + vs * g);
  }
  return dot;
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
