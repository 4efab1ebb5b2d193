// AssemblyScript source of the wasm SIMD FFT kernels (power-of-two lengths). Compiled by
// @basiskit/wasm-build into a module that imports tfjs-backend-wasm's own memory, so it reads
// and writes tensors in place on the tfjs heap (pointers are tfjs memory offsets). Same math as
// src/fft_kernel.ts (which documents it and the gradients):
//   X_k = s sum_{j<N} x_j e^{-2 pi i jk/N}   (the inverse direction: swap re/im of input and output)
// Four lines are transformed at once, one per f32x4 lane: every butterfly is the scalar one on
// vectors, with splatted twiddles (no shuffles). A point j of the four lines is 32 bytes of the
// work buffer, (re x4, im x4). Lines along the last axis (rows) are read and written in 4x4
// blocks, transposed by shuffles; along other axes four neighbouring lines are contiguous in
// memory (one v128 load); other groupings (a tail of fewer than four lines, or lines that cross
// an outer index) go lane by lane.
// Plan (built once per size in float64 by the caller, copied next to the work buffer): the
// bit-reversal table `rev` (u32 [N]), per radix-4 stage per k the twiddles W_{2h}^k, W_{4h}^k
// (f32 re, im, re, im; e^{-i}) and for the real split (cos, -sin)(2 pi k / 2N), k = 0..N.
// Decimation in time: bit-reversed gather, a radix-2 (log2 N odd) or twiddle-free radix-4 first
// pass, then radix-4 passes. rfft of n = 2N: the complex FFT of z_j = x_{2j} + i x_{2j+1} and
// the split; irfft: the split run backwards and one inverse FFT of N. No data segments, no
// allocation.

// The current group of four lines: byte offsets of element 0 of each line in the input and in the
// output arrays, the byte strides along the axis, how many lines are real (1..4), the mode:
// 0 lane by lane, 1 contiguous (one v128 per element), 2 rows (stride 4 bytes, 4x4 blocks).
let I0: usize = 0, I1: usize = 0, I2: usize = 0, I3: usize = 0;
let O0: usize = 0, O1: usize = 0, O2: usize = 0, O3: usize = 0;
let IS: usize = 0, OS: usize = 0;
let COUNT: i32 = 4;
let MODE: i32 = 0;

/** Byte offset of element 0 of line `l` (outer o, inner i) in an array with `len` on the axis. */
@inline function lineBase(l: i32, inner: i32, len: i32): usize {
  const o = l / inner;
  return <usize>(o * len * inner + (l - o * inner)) << 2;
}

/** Sets the globals for lines L..L+3 (or fewer at the end) of `lines` = outer * inner. */
function setGroup(L: i32, lines: i32, inner: i32, lenIn: i32, lenOut: i32): void {
  COUNT = min(4, lines - L);
  IS = <usize>inner << 2;
  OS = <usize>inner << 2;
  const i = L % inner;
  MODE = COUNT < 4 ? 0 : inner == 1 ? 2 : i + 3 < inner ? 1 : 0;
  // lanes past COUNT repeat line L: their results are computed and never stored
  I0 = lineBase(L, inner, lenIn);
  O0 = lineBase(L, inner, lenOut);
  I1 = COUNT > 1 ? lineBase(L + 1, inner, lenIn) : I0;
  O1 = COUNT > 1 ? lineBase(L + 1, inner, lenOut) : O0;
  I2 = COUNT > 2 ? lineBase(L + 2, inner, lenIn) : I0;
  O2 = COUNT > 2 ? lineBase(L + 2, inner, lenOut) : O0;
  I3 = COUNT > 3 ? lineBase(L + 3, inner, lenIn) : I0;
  O3 = COUNT > 3 ? lineBase(L + 3, inner, lenOut) : O0;
}

/** Element j of the four input lines of `src`, one per lane. */
@inline function gather1(src: usize, j: i32): v128 {
  const off = <usize>j * IS;
  if (MODE == 1) return v128.load(src + I0 + off);
  let v = f32x4.splat(load<f32>(src + I0 + off));
  v = f32x4.replace_lane(v, 1, load<f32>(src + I1 + off));
  v = f32x4.replace_lane(v, 2, load<f32>(src + I2 + off));
  return f32x4.replace_lane(v, 3, load<f32>(src + I3 + off));
}

/** Elements j..j+3 of the four input lines, stored as vectors at d0..d3. */
@inline function gather4(src: usize, j: i32, d0: usize, d1: usize, d2: usize, d3: usize): void {
  if (MODE == 2) {
    const off = <usize>j << 2;
    const a0 = v128.load(src + I0 + off);
    const a1 = v128.load(src + I1 + off);
    const a2 = v128.load(src + I2 + off);
    const a3 = v128.load(src + I3 + off);
    const t0 = f32x4.shuffle(a0, a1, 0, 4, 1, 5);
    const t1 = f32x4.shuffle(a0, a1, 2, 6, 3, 7);
    const t2 = f32x4.shuffle(a2, a3, 0, 4, 1, 5);
    const t3 = f32x4.shuffle(a2, a3, 2, 6, 3, 7);
    v128.store(d0, f32x4.shuffle(t0, t2, 0, 1, 4, 5));
    v128.store(d1, f32x4.shuffle(t0, t2, 2, 3, 6, 7));
    v128.store(d2, f32x4.shuffle(t1, t3, 0, 1, 4, 5));
    v128.store(d3, f32x4.shuffle(t1, t3, 2, 3, 6, 7));
    return;
  }
  v128.store(d0, gather1(src, j));
  v128.store(d1, gather1(src, j + 1));
  v128.store(d2, gather1(src, j + 2));
  v128.store(d3, gather1(src, j + 3));
}

/** Stores lane l of v as element j of output line l (lanes < COUNT). */
@inline function scatter1(dst: usize, j: i32, v: v128): void {
  const off = <usize>j * OS;
  if (MODE == 1) {
    v128.store(dst + O0 + off, v);
    return;
  }
  store<f32>(dst + O0 + off, f32x4.extract_lane(v, 0));
  if (COUNT > 1) store<f32>(dst + O1 + off, f32x4.extract_lane(v, 1));
  if (COUNT > 2) store<f32>(dst + O2 + off, f32x4.extract_lane(v, 2));
  if (COUNT > 3) store<f32>(dst + O3 + off, f32x4.extract_lane(v, 3));
}

/** Stores v0..v3 as elements j..j+3 of the output lines. */
@inline function scatter4(dst: usize, j: i32, v0: v128, v1: v128, v2: v128, v3: v128): void {
  if (MODE == 2) {
    const off = <usize>j << 2;
    const t0 = f32x4.shuffle(v0, v1, 0, 4, 1, 5);
    const t1 = f32x4.shuffle(v0, v1, 2, 6, 3, 7);
    const t2 = f32x4.shuffle(v2, v3, 0, 4, 1, 5);
    const t3 = f32x4.shuffle(v2, v3, 2, 6, 3, 7);
    v128.store(dst + O0 + off, f32x4.shuffle(t0, t2, 0, 1, 4, 5));
    v128.store(dst + O1 + off, f32x4.shuffle(t0, t2, 2, 3, 6, 7));
    v128.store(dst + O2 + off, f32x4.shuffle(t1, t3, 0, 1, 4, 5));
    v128.store(dst + O3 + off, f32x4.shuffle(t1, t3, 2, 3, 6, 7));
    return;
  }
  scatter1(dst, j, v0);
  scatter1(dst, j + 1, v1);
  scatter1(dst, j + 2, v2);
  scatter1(dst, j + 3, v3);
}

@inline function revAt(rev: usize, j: i32): usize {
  return <usize>load<u32>(rev + (<usize>j << 2)) << 5;
}

/**
 * In-place forward FFT of the N points at w (already in bit-reversed order): a radix-2 pass
 * (log2 N odd) or a twiddle-free radix-4 pass, then radix-4 passes with the twiddles at tw.
 */
function butterflies(w: usize, N: i32, tw: usize): void {
  const end = w + (<usize>N << 5);
  let h: i32;
  if (ctz(N) & 1) {
    for (let p = w; p < end; p += 64) {
      const x0r = v128.load(p);
      const x0i = v128.load(p, 16);
      const x1r = v128.load(p, 32);
      const x1i = v128.load(p, 48);
      v128.store(p, f32x4.add(x0r, x1r));
      v128.store(p, f32x4.add(x0i, x1i), 16);
      v128.store(p, f32x4.sub(x0r, x1r), 32);
      v128.store(p, f32x4.sub(x0i, x1i), 48);
    }
    h = 2;
  } else {
    for (let p = w; p < end; p += 128) {
      const x0r = v128.load(p);
      const x0i = v128.load(p, 16);
      const x1r = v128.load(p, 32);
      const x1i = v128.load(p, 48);
      const x2r = v128.load(p, 64);
      const x2i = v128.load(p, 80);
      const x3r = v128.load(p, 96);
      const x3i = v128.load(p, 112);
      const t0r = f32x4.add(x0r, x1r);
      const t0i = f32x4.add(x0i, x1i);
      const t1r = f32x4.sub(x0r, x1r);
      const t1i = f32x4.sub(x0i, x1i);
      const u2r = f32x4.add(x2r, x3r);
      const u2i = f32x4.add(x2i, x3i);
      const u3r = f32x4.sub(x2r, x3r);
      const u3i = f32x4.sub(x2i, x3i);
      v128.store(p, f32x4.add(t0r, u2r));
      v128.store(p, f32x4.add(t0i, u2i), 16);
      v128.store(p, f32x4.sub(t0r, u2r), 64);
      v128.store(p, f32x4.sub(t0i, u2i), 80);
      v128.store(p, f32x4.add(t1r, u3i), 32);
      v128.store(p, f32x4.sub(t1i, u3r), 48);
      v128.store(p, f32x4.sub(t1r, u3i), 96);
      v128.store(p, f32x4.add(t1i, u3r), 112);
    }
    h = 4;
  }
  let t = tw;
  for (; 4 * h <= N; h <<= 2) {
    const hb = <usize>h << 5;
    const qb = hb << 2;
    for (let k = 0; k < h; k++, t += 16) {
      const w1r = v128.load32_splat(t);
      const w1i = v128.load32_splat(t, 4);
      const w2r = v128.load32_splat(t, 8);
      const w2i = v128.load32_splat(t, 12);
      for (let p0 = w + (<usize>k << 5); p0 < end; p0 += qb) {
        const p1 = p0 + hb;
        const p2 = p1 + hb;
        const p3 = p2 + hb;
        // first radix-2 stage (size 2h): w1 on points 1 and 3
        const y1r = v128.load(p1);
        const y1i = v128.load(p1, 16);
        const y3r = v128.load(p3);
        const y3i = v128.load(p3, 16);
        const b1r = f32x4.sub(f32x4.mul(y1r, w1r), f32x4.mul(y1i, w1i));
        const b1i = f32x4.add(f32x4.mul(y1r, w1i), f32x4.mul(y1i, w1r));
        const b3r = f32x4.sub(f32x4.mul(y3r, w1r), f32x4.mul(y3i, w1i));
        const b3i = f32x4.add(f32x4.mul(y3r, w1i), f32x4.mul(y3i, w1r));
        const x0r = v128.load(p0);
        const x0i = v128.load(p0, 16);
        const x2r = v128.load(p2);
        const x2i = v128.load(p2, 16);
        const t0r = f32x4.add(x0r, b1r);
        const t0i = f32x4.add(x0i, b1i);
        const t1r = f32x4.sub(x0r, b1r);
        const t1i = f32x4.sub(x0i, b1i);
        const u2r = f32x4.add(x2r, b3r);
        const u2i = f32x4.add(x2i, b3i);
        const u3r = f32x4.sub(x2r, b3r);
        const u3i = f32x4.sub(x2i, b3i);
        // second stage (size 4h): w2 on u2, w2 (-i) on u3
        const c2r = f32x4.sub(f32x4.mul(u2r, w2r), f32x4.mul(u2i, w2i));
        const c2i = f32x4.add(f32x4.mul(u2r, w2i), f32x4.mul(u2i, w2r));
        const d3r = f32x4.sub(f32x4.mul(u3r, w2r), f32x4.mul(u3i, w2i));
        const d3i = f32x4.add(f32x4.mul(u3r, w2i), f32x4.mul(u3i, w2r));
        v128.store(p0, f32x4.add(t0r, c2r));
        v128.store(p0, f32x4.add(t0i, c2i), 16);
        v128.store(p2, f32x4.sub(t0r, c2r));
        v128.store(p2, f32x4.sub(t0i, c2i), 16);
        v128.store(p1, f32x4.add(t1r, d3i));
        v128.store(p1, f32x4.sub(t1i, d3r), 16);
        v128.store(p3, f32x4.sub(t1r, d3i));
        v128.store(p3, f32x4.add(t1i, d3r), 16);
      }
    }
  }
}

/**
 * Complex FFT of every line along an axis (`lines` = outer * inner lines, stride inner): input
 * lines of length lenIn (re, im) cropped or zero-padded to N, the forward DFT times `scale`,
 * written as lines of length lenOut (cropped, or zero-padded past N): the real parts to outRe,
 * the imaginary parts to outIm (either 0: not written). The inverse direction is the caller's
 * swap of re/im on both sides. Work: (N + 1) * 32 bytes.
 */
export function complexLines(
  re: usize,
  im: usize,
  outRe: usize,
  outIm: usize,
  lines: i32,
  inner: i32,
  lenIn: i32,
  lenOut: i32,
  N: i32,
  scale: f32,
  rev: usize,
  tw: usize,
  work: usize,
): void {
  const c = min(lenIn, N);
  const co = min(lenOut, N);
  const s = f32x4.splat(scale);
  const zero = f32x4.splat(0);
  for (let L = 0; L < lines; L += 4) {
    setGroup(L, lines, inner, lenIn, lenOut);
    if (c < N) memory.fill(work, 0, <usize>N << 5);
    let j = 0;
    for (; j + 4 <= c; j += 4) {
      const d0 = work + revAt(rev, j);
      const d1 = work + revAt(rev, j + 1);
      const d2 = work + revAt(rev, j + 2);
      const d3 = work + revAt(rev, j + 3);
      gather4(re, j, d0, d1, d2, d3);
      gather4(im, j, d0 + 16, d1 + 16, d2 + 16, d3 + 16);
    }
    for (; j < c; j++) {
      const d = work + revAt(rev, j);
      v128.store(d, gather1(re, j));
      v128.store(d, gather1(im, j), 16);
    }
    butterflies(work, N, tw);
    j = 0;
    for (; j + 4 <= co; j += 4) {
      const p = work + (<usize>j << 5);
      if (outRe) scatter4(outRe, j, f32x4.mul(v128.load(p), s), f32x4.mul(v128.load(p, 32), s), f32x4.mul(v128.load(p, 64), s), f32x4.mul(v128.load(p, 96), s));
      if (outIm)
        scatter4(outIm, j, f32x4.mul(v128.load(p, 16), s), f32x4.mul(v128.load(p, 48), s), f32x4.mul(v128.load(p, 80), s), f32x4.mul(v128.load(p, 112), s));
    }
    for (; j < co; j++) {
      const p = work + (<usize>j << 5);
      if (outRe) scatter1(outRe, j, f32x4.mul(v128.load(p), s));
      if (outIm) scatter1(outIm, j, f32x4.mul(v128.load(p, 16), s));
    }
    for (; j < lenOut; j++) {
      if (outRe) scatter1(outRe, j, zero);
      if (outIm) scatter1(outIm, j, zero);
    }
  }
}

/**
 * Real FFT of every line (length lenIn, cropped or zero-padded to n = 2N): bins 0..N times
 * `scale` (bins 1..N-1 also times 2 when `weighted`: irfft's gradient), written as lines of
 * lenOut bins (cropped or zero-padded past N + 1). Work: (N + 1) * 32 bytes.
 */
export function rfftLines(
  x: usize,
  outRe: usize,
  outIm: usize,
  lines: i32,
  inner: i32,
  lenIn: i32,
  lenOut: i32,
  N: i32,
  scale: f32,
  weighted: i32,
  rev: usize,
  tw: usize,
  split: usize,
  work: usize,
): void {
  const n = 2 * N;
  const c = min(lenIn, n);
  const co = min(lenOut, N + 1);
  const s = f32x4.splat(scale);
  const hs = f32x4.splat(weighted ? scale : 0.5 * scale);
  const zero = f32x4.splat(0);
  const last = work + (<usize>N << 5);
  for (let L = 0; L < lines; L += 4) {
    setGroup(L, lines, inner, lenIn, lenOut);
    if (c < n) memory.fill(work, 0, <usize>N << 5);
    // z_m = x_{2m} + i x_{2m+1}, into bit-reversed order
    let j = 0;
    for (; j + 4 <= c; j += 4) {
      const d0 = work + revAt(rev, j >> 1);
      const d1 = work + revAt(rev, (j >> 1) + 1);
      gather4(x, j, d0, d0 + 16, d1, d1 + 16);
    }
    for (; j < c; j++) v128.store(work + revAt(rev, j >> 1) + (<usize>(j & 1) << 4), gather1(x, j));
    butterflies(work, N, tw);
    // the split, in place: bins 0 and N from Z_0, then k and N - k together
    const z0r = v128.load(work);
    const z0i = v128.load(work, 16);
    v128.store(work, f32x4.mul(f32x4.add(z0r, z0i), s));
    v128.store(work, zero, 16);
    v128.store(last, f32x4.mul(f32x4.sub(z0r, z0i), s));
    v128.store(last, zero, 16);
    for (let k = 1; 2 * k <= N; k++) {
      const pk = work + (<usize>k << 5);
      const pb = work + (<usize>(N - k) << 5);
      const pr = v128.load(pk);
      const pi = v128.load(pk, 16);
      const qr = v128.load(pb);
      const qi = f32x4.neg(v128.load(pb, 16)); // conj Z_{N-k}
      const er = f32x4.mul(hs, f32x4.add(pr, qr));
      const ei = f32x4.mul(hs, f32x4.add(pi, qi));
      // O = (Z_k - conj Z_{N-k}) / (2i)
      const or = f32x4.mul(hs, f32x4.sub(pi, qi));
      const oi = f32x4.mul(hs, f32x4.sub(qr, pr));
      const ws = split + (<usize>k << 3);
      const wr = v128.load32_splat(ws);
      const wi = v128.load32_splat(ws, 4);
      const mr = f32x4.sub(f32x4.mul(wr, or), f32x4.mul(wi, oi));
      const mi = f32x4.add(f32x4.mul(wr, oi), f32x4.mul(wi, or));
      v128.store(pk, f32x4.add(er, mr));
      v128.store(pk, f32x4.add(ei, mi), 16);
      // bin N - k: E_{N-k} = conj E_k, O_{N-k} = conj O_k, W^{N-k} = -conj W^k
      v128.store(pb, f32x4.sub(er, mr));
      v128.store(pb, f32x4.sub(mi, ei), 16);
    }
    j = 0;
    for (; j + 4 <= co; j += 4) {
      const p = work + (<usize>j << 5);
      scatter4(outRe, j, v128.load(p), v128.load(p, 32), v128.load(p, 64), v128.load(p, 96));
      scatter4(outIm, j, v128.load(p, 16), v128.load(p, 48), v128.load(p, 80), v128.load(p, 112));
    }
    for (; j < co; j++) {
      const p = work + (<usize>j << 5);
      scatter1(outRe, j, v128.load(p));
      scatter1(outIm, j, v128.load(p, 16));
    }
    for (; j < lenOut; j++) {
      scatter1(outRe, j, zero);
      scatter1(outIm, j, zero);
    }
  }
}

/**
 * Inverse real FFT of every line of bins (re, im; lenIn on the axis, cropped or zero-padded to
 * N + 1; the imaginary parts of bins 0 and N ignored) -> real lines of length n = 2N, times
 * `scale`. With the Hermitian X_{k+N} = conj X_{N-k}: z_m = x_{2m} + i x_{2m+1} =
 * sum_{k<N} (A_k + i B_k) e^{2 pi i mk/N}, A_k = X_k + conj X_{N-k},
 * B_k = (X_k - conj X_{N-k}) e^{2 pi i k/n}. Work: (N + 1) * 32 bytes; spec: (N + 1) * 32 bytes.
 */
export function irfftLines(
  re: usize,
  im: usize,
  out: usize,
  lines: i32,
  inner: i32,
  lenIn: i32,
  N: i32,
  scale: f32,
  rev: usize,
  tw: usize,
  split: usize,
  work: usize,
  spec: usize,
): void {
  const n = 2 * N;
  const used = min(lenIn, N + 1);
  const s = f32x4.splat(scale);
  const zero = f32x4.splat(0);
  for (let L = 0; L < lines; L += 4) {
    setGroup(L, lines, inner, lenIn, n);
    if (used < N + 1) memory.fill(spec, 0, <usize>(N + 1) << 5);
    let k = 0;
    for (; k + 4 <= used; k += 4) {
      const d = spec + (<usize>k << 5);
      gather4(re, k, d, d + 32, d + 64, d + 96);
      gather4(im, k, d + 16, d + 48, d + 80, d + 112);
    }
    for (; k < used; k++) {
      const d = spec + (<usize>k << 5);
      v128.store(d, gather1(re, k));
      v128.store(d, gather1(im, k), 16);
    }
    // the imaginary parts of bin 0 and bin N do not count
    v128.store(spec, zero, 16);
    v128.store(spec + (<usize>N << 5), zero, 16);
    for (k = 0; k < N; k++) {
      const pk = spec + (<usize>k << 5);
      const pb = spec + (<usize>(N - k) << 5);
      const xkr = v128.load(pk);
      const xki = v128.load(pk, 16);
      const xbr = v128.load(pb);
      const xbi = v128.load(pb, 16);
      const ar = f32x4.add(xkr, xbr);
      const ai = f32x4.sub(xki, xbi);
      const dr = f32x4.sub(xkr, xbr);
      const di = f32x4.add(xki, xbi);
      const ws = split + (<usize>k << 3);
      const c = v128.load32_splat(ws);
      const sn = f32x4.neg(v128.load32_splat(ws, 4));
      const br = f32x4.sub(f32x4.mul(dr, c), f32x4.mul(di, sn));
      const bi = f32x4.add(f32x4.mul(dr, sn), f32x4.mul(di, c));
      // inverse FFT = swap(F swap(z)): stored swapped, (im, re)
      const d = work + revAt(rev, k);
      v128.store(d, f32x4.add(ai, br));
      v128.store(d, f32x4.sub(ar, bi), 16);
    }
    butterflies(work, N, tw);
    // x_{2m} = Re z_m = (F swap z)_m.im, x_{2m+1} = Im z_m = (F swap z)_m.re
    for (let m = 0; m < N; m += 2) {
      const p = work + (<usize>m << 5);
      scatter4(out, 2 * m, f32x4.mul(v128.load(p, 16), s), f32x4.mul(v128.load(p), s), f32x4.mul(v128.load(p, 48), s), f32x4.mul(v128.load(p, 32), s));
    }
  }
}
