// AssemblyScript source of the wasm SIMD group-rational kernels (degrees 5/4, KAT's default).
// Compiled by @basiskit/wasm-build into a module that imports tfjs-backend-wasm's own memory,
// so it reads and writes tensors in place on the tfjs heap (pointers are tfjs memory offsets).
// Same math as src/group_rational_kernel.ts (which documents it), four lanes at a time:
//   y = P(x)/Q(x),  P = sum_{j=0..5} a_j x^j,  Q = 1 + sum_{j=1..4} |b_j| |x|^j
// Coefficient gradients: f32x4 partial sums per tile of rows (FlashKAT), then float64 totals.
// No data segments, no allocation: nothing else in the shared memory is touched (the scalar
// path's coefficients and partial sums live in wasm globals).
//
// Range. In float32, x^5 overflows from |x| ~ 2.5e7 and Q from ~1e10 (then Inf/Inf = NaN). The
// f32x4 path covers |x| up to a per-group bound (`f32Bound`: at most 1e6, lower for large
// coefficients) under which no float32 intermediate overflows. Elements beyond it (forward: the
// flagged lanes, recomputed after the row; backward: the whole vector, before it is summed),
// and the channels past the last multiple of four, take the float64 scalar path, the
// JavaScript kernel's arithmetic, finite for every float32 x at degrees 5/4. Results out of
// float32's range become +-Infinity at the store, never NaN (db is selected by sign(b), not
// multiplied by it). Checking the bound costs ~5-10% of the kernels' time.
//
// Parallel form (src/fused_kernel.ts ParallelSide): every export is fn(..., chunk, thread) and
// handles one chunk (`thread` is unused: the wasm globals are per instance, one per thread).
// forward54: chunk = (block of rows, group). backward54: chunk = (block of tiles of
// tileRows rows, group): dx, and each tile's 10 float64 partial sums into the scratch; then
// backward54Finish (1 chunk) adds them per group in tile order and writes da (accumulated over
// groups, in group order, when the numerator is shared) and db. A chunk's results do not
// depend on the thread, so every thread count gives the same bits. The backward's vector loop
// (backwardTile) takes the coefficients as v128 parameters (V8 kept re-splatting and spilling
// them) and evaluates P, P', Q, Q' in Estrin form (shorter dependency chains than Horner).

@inline function hsum(v: v128): f64 {
  return <f64>f32x4.extract_lane(v, 0) + <f64>f32x4.extract_lane(v, 1) + <f64>f32x4.extract_lane(v, 2) + <f64>f32x4.extract_lane(v, 3);
}

/** sum if v > 0, -sum if v < 0, else 0 (selected, so that 0 * Inf never makes a NaN). */
@inline function bySign(v: f32, sum: f64): f32 {
  return v > 0 ? <f32>sum : v < 0 ? -<f32>sum : 0;
}

// The group's coefficients in float64 (|b|), for the scalar path; set at the start of each group.
let A0: f64 = 0, A1: f64 = 0, A2: f64 = 0, A3: f64 = 0, A4: f64 = 0, A5: f64 = 0;
let B1: f64 = 0, B2: f64 = 0, B3: f64 = 0, B4: f64 = 0;
// The scalar path's float64 contributions to the coefficient gradients (of the current tile).
let SA0: f64 = 0, SA1: f64 = 0, SA2: f64 = 0, SA3: f64 = 0, SA4: f64 = 0, SA5: f64 = 0;
let SB1: f64 = 0, SB2: f64 = 0, SB3: f64 = 0, SB4: f64 = 0;

function setCoefficients(ao: usize, bo: usize): void {
  A0 = <f64>load<f32>(ao); A1 = <f64>load<f32>(ao, 4); A2 = <f64>load<f32>(ao, 8);
  A3 = <f64>load<f32>(ao, 12); A4 = <f64>load<f32>(ao, 16); A5 = <f64>load<f32>(ao, 20);
  B1 = Math.abs(<f64>load<f32>(bo)); B2 = Math.abs(<f64>load<f32>(bo, 4));
  B3 = Math.abs(<f64>load<f32>(bo, 8)); B4 = Math.abs(<f64>load<f32>(bo, 12));
}

/** y = P(x)/Q(x) of one element in float64 (the scalar path). */
function forwardScalar(xp: usize, yp: usize): void {
  const xi = <f64>load<f32>(xp);
  const ad = Math.abs(xi);
  const p = A0 + xi * (A1 + xi * (A2 + xi * (A3 + xi * (A4 + xi * A5))));
  const q = 1 + ad * (B1 + ad * (B2 + ad * (B3 + ad * B4)));
  store<f32>(yp, <f32>(p / q));
}

/** dx of one element in float64, its coefficient-gradient terms added to SA*, SB* (the scalar path). */
function backwardScalar(dyp: usize, xp: usize, dxp: usize): void {
  const xi = <f64>load<f32>(xp);
  const ad = Math.abs(xi);
  const sd: f64 = xi > 0 ? 1 : xi < 0 ? -1 : 0;
  const x2 = xi * xi, x3 = x2 * xi, x4 = x2 * x2, x5 = x4 * xi;
  const p = A0 + xi * (A1 + xi * (A2 + xi * (A3 + xi * (A4 + xi * A5))));
  const dp = A1 + xi * (2 * A2 + xi * (3 * A3 + xi * (4 * A4 + xi * 5 * A5)));
  const q = 1 + ad * (B1 + ad * (B2 + ad * (B3 + ad * B4)));
  const dq = sd * (B1 + ad * (2 * B2 + ad * (3 * B3 + ad * 4 * B4)));
  const iq = 1 / q;
  const yi = p * iq;
  const gy = <f64>load<f32>(dyp);
  store<f32>(dxp, <f32>(gy * (dp - yi * dq) * iq));
  const t = gy * iq;
  const u = -t * yi;
  SA0 += t; SA1 += t * xi; SA2 += t * x2; SA3 += t * x3; SA4 += t * x4; SA5 += t * x5;
  SB1 += u * ad; SB2 += u * x2; SB3 += u * ad * x2; SB4 += u * x4;
}

/**
 * Largest |x| (at most 1e6) at which the f32x4 path is safe for a group: with T = the bound,
 * |x|^5, P(T) |x|^4 (covers P, P', y Q', and the db terms) and Q(T) |x| (covers Q, Q') stay
 * below 1e30, computed in float64 from the coefficients' magnitudes. 0 when even |x| = 1 is
 * not (huge coefficients): then every nonzero x takes the float64 path.
 */
function f32Bound(ao: usize, bo: usize): f32 {
  const a0 = Math.abs(<f64>load<f32>(ao)), a1 = Math.abs(<f64>load<f32>(ao, 4)), a2 = Math.abs(<f64>load<f32>(ao, 8));
  const a3 = Math.abs(<f64>load<f32>(ao, 12)), a4 = Math.abs(<f64>load<f32>(ao, 16)), a5 = Math.abs(<f64>load<f32>(ao, 20));
  const b1 = Math.abs(<f64>load<f32>(bo)), b2 = Math.abs(<f64>load<f32>(bo, 4)), b3 = Math.abs(<f64>load<f32>(bo, 8)), b4 = Math.abs(<f64>load<f32>(bo, 12));
  let t: f64 = 1e6;
  while (t >= 1) {
    const pb = a0 + t * (a1 + t * (a2 + t * (a3 + t * (a4 + t * a5))));
    const qb = 1 + t * (b1 + t * (b2 + t * (b3 + t * b4)));
    const t4 = t * t * t * t;
    if (pb * t4 <= 1e30 && qb * t <= 1e30 && t4 * t <= 1e30) return <f32>t;
    t *= 0.5;
  }
  return 0;
}

/** y = P(x)/Q(x) for group g = chunk % groups, rows (chunk / groups) * rowsPerChunk.. (row blocks outermost: a range of chunks is a range of rows). */
export function forward54(
  x: usize, a: usize, b: usize, y: usize, rows: i32, channels: i32, groups: i32, shared: i32, rowsPerChunk: i32, chunk: i32, thread: i32,
): void {
  const per = channels / groups;
  const vecEnd = per & ~3;
  const g = chunk % groups;
  const rStart = (chunk / groups) * rowsPerChunk;
  const rEnd = min(rows, rStart + rowsPerChunk);
  {
    const ao = a + <usize>((shared ? 0 : g) * 6 * 4);
    const bo = b + <usize>(g * 4 * 4);
    setCoefficients(ao, bo);
    const a0 = f32x4.splat(load<f32>(ao)), a1 = f32x4.splat(load<f32>(ao, 4)), a2 = f32x4.splat(load<f32>(ao, 8));
    const a3 = f32x4.splat(load<f32>(ao, 12)), a4 = f32x4.splat(load<f32>(ao, 16)), a5 = f32x4.splat(load<f32>(ao, 20));
    const b1 = f32x4.splat(Mathf.abs(load<f32>(bo))), b2 = f32x4.splat(Mathf.abs(load<f32>(bo, 4)));
    const b3 = f32x4.splat(Mathf.abs(load<f32>(bo, 8))), b4 = f32x4.splat(Mathf.abs(load<f32>(bo, 12)));
    const one = f32x4.splat(1);
    const boundS = f32Bound(ao, bo);
    const bound = f32x4.splat(boundS);
    for (let r = rStart; r < rEnd; r++) {
      const base = <usize>(r * channels + g * per) << 2;
      // lanes beyond the bound are only flagged here, then recomputed in float64 below
      let beyond = f32x4.splat(0);
      let c = 0;
      for (; c < vecEnd; c += 4) {
        const off = base + (<usize>c << 2);
        const xv = v128.load(x + off);
        const ax = f32x4.abs(xv);
        beyond = v128.or(beyond, f32x4.gt(ax, bound));
        const p = f32x4.add(a0, f32x4.mul(xv, f32x4.add(a1, f32x4.mul(xv, f32x4.add(a2, f32x4.mul(xv, f32x4.add(a3, f32x4.mul(xv, f32x4.add(a4, f32x4.mul(xv, a5))))))))));
        const q = f32x4.add(one, f32x4.mul(ax, f32x4.add(b1, f32x4.mul(ax, f32x4.add(b2, f32x4.mul(ax, f32x4.add(b3, f32x4.mul(ax, b4))))))));
        v128.store(y + off, f32x4.div(p, q));
      }
      if (v128.any_true(beyond)) {
        for (let i = 0; i < vecEnd; i++) {
          const off = base + (<usize>i << 2);
          if (Mathf.abs(load<f32>(x + off)) > boundS) forwardScalar(x + off, y + off);
        }
      }
      for (; c < per; c++) {
        const off = base + (<usize>c << 2);
        forwardScalar(x + off, y + off);
      }
    }
  }
}

/** Float64 words of one tile's partial sums (da 0..5, db 1..4) in the scratch. */
const PARTIALS: i32 = 10;

/**
 * dx of group g = chunk % groups and tiles (chunk / groups) * tilesPerChunk.. of tileRows rows
 * (tiles = ceil(rows / tileRows); tile blocks outermost: a range of chunks is a range of rows);
 * tile T's partial sums of the coefficient gradients go to the scratch at (T * groups + g) * 10
 * float64 (so the partials of a range of rows are one range of the scratch).
 */
export function backward54(
  dy: usize, x: usize, a: usize, b: usize, dx: usize,
  rows: i32, channels: i32, groups: i32, shared: i32, tileRows: i32, tilesPerChunk: i32, scratch: usize, chunk: i32, thread: i32,
): void {
  const per = channels / groups;
  const tiles = (rows + tileRows - 1) / tileRows;
  const g = chunk % groups;
  const tStart = (chunk / groups) * tilesPerChunk;
  const tEnd = min(tiles, tStart + tilesPerChunk);
  const ao = a + <usize>((shared ? 0 : g) * 6 * 4);
  const bo = b + <usize>(g * 4 * 4);
  setCoefficients(ao, bo);
  const bound = f32x4.splat(f32Bound(ao, bo));
  const a0 = v128.load32_splat(ao), a1 = v128.load32_splat(ao, 4), a2 = v128.load32_splat(ao, 8);
  const a3 = v128.load32_splat(ao, 12), a4 = v128.load32_splat(ao, 16), a5 = v128.load32_splat(ao, 20);
  const b1 = f32x4.abs(v128.load32_splat(bo)), b2 = f32x4.abs(v128.load32_splat(bo, 4));
  const b3 = f32x4.abs(v128.load32_splat(bo, 8)), b4 = f32x4.abs(v128.load32_splat(bo, 12));
  const da2 = f32x4.mul(f32x4.splat(2), a2), da3 = f32x4.mul(f32x4.splat(3), a3);
  const da4 = f32x4.mul(f32x4.splat(4), a4), da5 = f32x4.mul(f32x4.splat(5), a5);
  const db2 = f32x4.mul(f32x4.splat(2), b2), db3 = f32x4.mul(f32x4.splat(3), b3), db4 = f32x4.mul(f32x4.splat(4), b4);
  for (let T = tStart; T < tEnd; T++) {
    const r0 = T * tileRows;
    const pt = scratch + (<usize>((T * groups + g) * PARTIALS) << 3);
    backwardTile(dy, x, dx, r0, min(rows, r0 + tileRows), channels, g * per, per, pt, bound,
      a0, a1, a2, a3, a4, a5, da2, da3, da4, da5, b1, b2, b3, b4, db2, db3, db4, f32x4.splat(1), i32x4.splat(<i32>0x80000000));
  }
}

/**
 * Rows r0..r1 (one tile) of channels col..col+per: dx, and the tile's 10 partial sums at pt. Not
 * inlined (binaryen keeps functions with loops): the coefficients come in as v128 parameters, so
 * V8 keeps them in registers or parameter slots and reloads them where they are used, instead of
 * re-splatting scalars or hoisting loads (and spilling) at every iteration.
 */
function backwardTile(
  dy: usize, x: usize, dx: usize, r0: i32, r1: i32, channels: i32, col: i32, per: i32, pt: usize, bound: v128,
  a0: v128, a1: v128, a2: v128, a3: v128, a4: v128, a5: v128, da2: v128, da3: v128, da4: v128, da5: v128,
  b1: v128, b2: v128, b3: v128, b4: v128, db2: v128, db3: v128, db4: v128, one: v128, signBit: v128,
): void {
  const vecEnd = per & ~3;
  const zero = f32x4.splat(0);
  let t0 = zero, t1 = zero, t2 = zero, t3 = zero, t4 = zero, t5 = zero;
  let u1 = zero, u2 = zero, u3 = zero, u4 = zero;
  SA0 = 0; SA1 = 0; SA2 = 0; SA3 = 0; SA4 = 0; SA5 = 0;
  SB1 = 0; SB2 = 0; SB3 = 0; SB4 = 0;
  for (let r = r0; r < r1; r++) {
    const base = <usize>(r * channels + col) << 2;
    // vectors with a lane beyond the bound are skipped here and done in float64 after the row
    // (no call in this loop, so that V8 keeps its registers)
    let beyond = 0;
    for (let c = 0; c < vecEnd; c += 4) {
      const off = base + (<usize>c << 2);
      const xv = v128.load(x + off);
      const xs = v128.and(xv, signBit);
      const ax = v128.xor(xv, xs);
      if (v128.any_true(f32x4.gt(ax, bound))) {
        beyond = 1;
        continue;
      }
      // P, P' = sum j a_j x^(j-1), Q(|x|) and dQ/d|x| = sum j |b_j| |x|^(j-1) in Estrin's form
      // (pairs, then x^2 and x^4): short dependency chains, so that V8's code overlaps iterations
      const x2 = f32x4.mul(xv, xv);
      const x4 = f32x4.mul(x2, x2);
      const p = f32x4.add(
        f32x4.add(f32x4.add(a0, f32x4.mul(a1, xv)), f32x4.mul(x2, f32x4.add(a2, f32x4.mul(a3, xv)))),
        f32x4.mul(x4, f32x4.add(a4, f32x4.mul(a5, xv))),
      );
      const dp = f32x4.add(
        f32x4.add(f32x4.add(a1, f32x4.mul(da2, xv)), f32x4.mul(x2, f32x4.add(da3, f32x4.mul(da4, xv)))),
        f32x4.mul(x4, da5),
      );
      const q = f32x4.add(f32x4.add(f32x4.add(one, f32x4.mul(b1, ax)), f32x4.mul(x2, f32x4.add(b2, f32x4.mul(b3, ax)))), f32x4.mul(x4, b4));
      const dqa = f32x4.add(f32x4.add(b1, f32x4.mul(db2, ax)), f32x4.mul(x2, f32x4.add(db3, f32x4.mul(db4, ax))));
      // dQ/dx = sign(x) dQ/d|x| with sign(0) = 0: x's sign bit is or-ed into dQ/d|x| (>= 0), then
      // masked to 0 where x == 0
      const dq = v128.and(v128.or(dqa, xs), f32x4.ne(xv, zero));
      const iq = f32x4.div(one, q);
      // t = dy / Q, v = t y = -u; dx = t P' - v Q'
      const t = f32x4.mul(v128.load(dy + off), iq);
      const v = f32x4.mul(t, f32x4.mul(p, iq));
      v128.store(dx + off, f32x4.sub(f32x4.mul(t, dp), f32x4.mul(v, dq)));
      // moments: t x^j and u |x|^j = -v |x|^j from t, t x, v, v |x| and x^2, x^4
      const tx = f32x4.mul(t, xv);
      t0 = f32x4.add(t0, t);
      t1 = f32x4.add(t1, tx);
      t2 = f32x4.add(t2, f32x4.mul(t, x2));
      t3 = f32x4.add(t3, f32x4.mul(tx, x2));
      t4 = f32x4.add(t4, f32x4.mul(t, x4));
      t5 = f32x4.add(t5, f32x4.mul(tx, x4));
      const vx = f32x4.mul(v, ax);
      u1 = f32x4.sub(u1, vx);
      u2 = f32x4.sub(u2, f32x4.mul(v, x2));
      u3 = f32x4.sub(u3, f32x4.mul(vx, x2));
      u4 = f32x4.sub(u4, f32x4.mul(v, x4));
    }
    if (beyond) {
      for (let c = 0; c < vecEnd; c += 4) {
        const off = base + (<usize>c << 2);
        if (v128.any_true(f32x4.gt(f32x4.abs(v128.load(x + off)), bound))) {
          for (let l: usize = 0; l < 16; l += 4) backwardScalar(dy + off + l, x + off + l, dx + off + l);
        }
      }
    }
    for (let c = vecEnd; c < per; c++) {
      const off = base + (<usize>c << 2);
      backwardScalar(dy + off, x + off, dx + off);
    }
  }
  store<f64>(pt, hsum(t0) + SA0); store<f64>(pt, hsum(t1) + SA1, 8); store<f64>(pt, hsum(t2) + SA2, 16);
  store<f64>(pt, hsum(t3) + SA3, 24); store<f64>(pt, hsum(t4) + SA4, 32); store<f64>(pt, hsum(t5) + SA5, 40);
  store<f64>(pt, hsum(u1) + SB1, 48); store<f64>(pt, hsum(u2) + SB2, 56); store<f64>(pt, hsum(u3) + SB3, 64);
  store<f64>(pt, hsum(u4) + SB4, 72);
}

/**
 * The finish of backward54 (1 chunk): per group, in group order, the tiles' partial sums added
 * in tile order; da accumulated (shared numerator: over groups), db selected by sign(b).
 */
export function backward54Finish(
  a: usize, b: usize, da: usize, db: usize, rows: i32, groups: i32, shared: i32, tileRows: i32, scratch: usize, chunk: i32, thread: i32,
): void {
  const tiles = (rows + tileRows - 1) / tileRows;
  for (let g = 0; g < groups; g++) {
    const ao = a + <usize>((shared ? 0 : g) * 6 * 4);
    const bo = b + <usize>(g * 4 * 4);
    let TA0: f64 = 0, TA1: f64 = 0, TA2: f64 = 0, TA3: f64 = 0, TA4: f64 = 0, TA5: f64 = 0;
    let TB1: f64 = 0, TB2: f64 = 0, TB3: f64 = 0, TB4: f64 = 0;
    for (let T = 0; T < tiles; T++) {
      const pt = scratch + (<usize>((T * groups + g) * PARTIALS) << 3);
      TA0 += load<f64>(pt); TA1 += load<f64>(pt, 8); TA2 += load<f64>(pt, 16);
      TA3 += load<f64>(pt, 24); TA4 += load<f64>(pt, 32); TA5 += load<f64>(pt, 40);
      TB1 += load<f64>(pt, 48); TB2 += load<f64>(pt, 56); TB3 += load<f64>(pt, 64); TB4 += load<f64>(pt, 72);
    }
    const dao = ao - a + da;
    store<f32>(dao, load<f32>(dao) + <f32>TA0);
    store<f32>(dao, load<f32>(dao, 4) + <f32>TA1, 4);
    store<f32>(dao, load<f32>(dao, 8) + <f32>TA2, 8);
    store<f32>(dao, load<f32>(dao, 12) + <f32>TA3, 12);
    store<f32>(dao, load<f32>(dao, 16) + <f32>TA4, 16);
    store<f32>(dao, load<f32>(dao, 20) + <f32>TA5, 20);
    const dbo = bo - b + db;
    store<f32>(dbo, bySign(load<f32>(bo), TB1));
    store<f32>(dbo, bySign(load<f32>(bo, 4), TB2), 4);
    store<f32>(dbo, bySign(load<f32>(bo, 8), TB3), 8);
    store<f32>(dbo, bySign(load<f32>(bo, 12), TB4), 12);
  }
}
