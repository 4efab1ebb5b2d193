// AssemblyScript source of the wasm SIMD group-rational kernels (degrees 5/4, KAT's default).
// Compiled by scripts/build_wasm.mjs into a module that imports tfjs-backend-wasm's own memory,
// so it reads and writes tensors in place on the tfjs heap (pointers are tfjs memory offsets).
// Same math as src/group_rational_kernel.ts (which documents it), four lanes at a time:
//   y = P(x)/Q(x),  P = sum_{j=0..5} a_j x^j,  Q = 1 + sum_{j=1..4} |b_j| |x|^j
// Coefficient gradients: f32x4 partial sums per tile of rows (FlashKAT), then float64 totals.
// No data segments, no allocation: nothing else in the shared memory is touched.

@inline function hsum(v: v128): f64 {
  return <f64>f32x4.extract_lane(v, 0) + <f64>f32x4.extract_lane(v, 1) + <f64>f32x4.extract_lane(v, 2) + <f64>f32x4.extract_lane(v, 3);
}

@inline function sgn(v: f32): f32 {
  return v > 0 ? 1 : v < 0 ? -1 : 0;
}

export function forward54(x: usize, a: usize, b: usize, y: usize, rows: i32, channels: i32, groups: i32, shared: i32): void {
  const per = channels / groups;
  const vecEnd = per & ~3;
  for (let g = 0; g < groups; g++) {
    const ao = a + <usize>((shared ? 0 : g) * 6 * 4);
    const bo = b + <usize>(g * 4 * 4);
    const a0s = load<f32>(ao), a1s = load<f32>(ao, 4), a2s = load<f32>(ao, 8), a3s = load<f32>(ao, 12), a4s = load<f32>(ao, 16), a5s = load<f32>(ao, 20);
    const b1s = Mathf.abs(load<f32>(bo)), b2s = Mathf.abs(load<f32>(bo, 4)), b3s = Mathf.abs(load<f32>(bo, 8)), b4s = Mathf.abs(load<f32>(bo, 12));
    const a0 = f32x4.splat(a0s), a1 = f32x4.splat(a1s), a2 = f32x4.splat(a2s), a3 = f32x4.splat(a3s), a4 = f32x4.splat(a4s), a5 = f32x4.splat(a5s);
    const b1 = f32x4.splat(b1s), b2 = f32x4.splat(b2s), b3 = f32x4.splat(b3s), b4 = f32x4.splat(b4s);
    const one = f32x4.splat(1);
    for (let r = 0; r < rows; r++) {
      const base = <usize>(r * channels + g * per) << 2;
      let c = 0;
      for (; c < vecEnd; c += 4) {
        const off = base + (<usize>c << 2);
        const xv = v128.load(x + off);
        const ax = f32x4.abs(xv);
        const p = f32x4.add(a0, f32x4.mul(xv, f32x4.add(a1, f32x4.mul(xv, f32x4.add(a2, f32x4.mul(xv, f32x4.add(a3, f32x4.mul(xv, f32x4.add(a4, f32x4.mul(xv, a5))))))))));
        const q = f32x4.add(one, f32x4.mul(ax, f32x4.add(b1, f32x4.mul(ax, f32x4.add(b2, f32x4.mul(ax, f32x4.add(b3, f32x4.mul(ax, b4))))))));
        v128.store(y + off, f32x4.div(p, q));
      }
      for (; c < per; c++) {
        const off = base + (<usize>c << 2);
        const xi = load<f32>(x + off);
        const ax = Mathf.abs(xi);
        const p = a0s + xi * (a1s + xi * (a2s + xi * (a3s + xi * (a4s + xi * a5s))));
        const q: f32 = 1 + ax * (b1s + ax * (b2s + ax * (b3s + ax * b4s)));
        store<f32>(y + off, p / q);
      }
    }
  }
}

export function backward54(
  dy: usize, x: usize, a: usize, b: usize, dx: usize, da: usize, db: usize,
  rows: i32, channels: i32, groups: i32, shared: i32, tileRows: i32,
): void {
  const per = channels / groups;
  const vecEnd = per & ~3;
  const zero = f32x4.splat(0);
  const one = f32x4.splat(1);
  const signBit = i32x4.splat(<i32>0x80000000);
  for (let g = 0; g < groups; g++) {
    const ao = a + <usize>((shared ? 0 : g) * 6 * 4);
    const bo = b + <usize>(g * 4 * 4);
    const a0s = load<f32>(ao), a1s = load<f32>(ao, 4), a2s = load<f32>(ao, 8), a3s = load<f32>(ao, 12), a4s = load<f32>(ao, 16), a5s = load<f32>(ao, 20);
    const b1s = Mathf.abs(load<f32>(bo)), b2s = Mathf.abs(load<f32>(bo, 4)), b3s = Mathf.abs(load<f32>(bo, 8)), b4s = Mathf.abs(load<f32>(bo, 12));
    let A0: f64 = 0, A1: f64 = 0, A2: f64 = 0, A3: f64 = 0, A4: f64 = 0, A5: f64 = 0;
    let B1: f64 = 0, B2: f64 = 0, B3: f64 = 0, B4: f64 = 0;
    for (let r0 = 0; r0 < rows; r0 += tileRows) {
      let t0 = zero, t1 = zero, t2 = zero, t3 = zero, t4 = zero, t5 = zero;
      let u1 = zero, u2 = zero, u3 = zero, u4 = zero;
      let s0: f64 = 0, s1: f64 = 0, s2: f64 = 0, s3: f64 = 0, s4: f64 = 0, s5: f64 = 0;
      let w1: f64 = 0, w2: f64 = 0, w3: f64 = 0, w4: f64 = 0;
      const r1 = min(rows, r0 + tileRows);
      for (let r = r0; r < r1; r++) {
        const base = <usize>(r * channels + g * per) << 2;
        let c = 0;
        for (; c < vecEnd; c += 4) {
          const off = base + (<usize>c << 2);
          const xv = v128.load(x + off);
          const ax = f32x4.abs(xv);
          const a0 = v128.load32_splat(ao), a1 = v128.load32_splat(ao, 4), a2 = v128.load32_splat(ao, 8);
          const a3 = v128.load32_splat(ao, 12), a4 = v128.load32_splat(ao, 16), a5 = v128.load32_splat(ao, 20);
          const b1 = f32x4.abs(v128.load32_splat(bo)), b2 = f32x4.abs(v128.load32_splat(bo, 4));
          const b3 = f32x4.abs(v128.load32_splat(bo, 8)), b4 = f32x4.abs(v128.load32_splat(bo, 12));
          const x2 = f32x4.mul(xv, xv);
          const x3 = f32x4.mul(x2, xv);
          const x4 = f32x4.mul(x2, x2);
          const x5 = f32x4.mul(x4, xv);
          const ax3 = f32x4.mul(x2, ax);
          // P and P' together by Horner: d = d x + p; p = p x + c_k
          let p = f32x4.add(f32x4.mul(a5, xv), a4);
          let dp = a5;
          dp = f32x4.add(f32x4.mul(dp, xv), p);
          p = f32x4.add(f32x4.mul(p, xv), a3);
          dp = f32x4.add(f32x4.mul(dp, xv), p);
          p = f32x4.add(f32x4.mul(p, xv), a2);
          dp = f32x4.add(f32x4.mul(dp, xv), p);
          p = f32x4.add(f32x4.mul(p, xv), a1);
          dp = f32x4.add(f32x4.mul(dp, xv), p);
          p = f32x4.add(f32x4.mul(p, xv), a0);
          // Q(|x|) and dQ/d|x| the same way; dQ/dx = sign(x) dQ/d|x| with sign(0) = 0: x's sign
          // bit is or-ed into dQ/d|x| (>= 0), then masked to 0 where x == 0
          let q = f32x4.add(f32x4.mul(b4, ax), b3);
          let dqa = b4;
          dqa = f32x4.add(f32x4.mul(dqa, ax), q);
          q = f32x4.add(f32x4.mul(q, ax), b2);
          dqa = f32x4.add(f32x4.mul(dqa, ax), q);
          q = f32x4.add(f32x4.mul(q, ax), b1);
          dqa = f32x4.add(f32x4.mul(dqa, ax), q);
          q = f32x4.add(f32x4.mul(q, ax), one);
          const dq = v128.and(v128.or(dqa, v128.and(xv, signBit)), f32x4.ne(xv, zero));
          const iq = f32x4.div(one, q);
          const yv = f32x4.mul(p, iq);
          const gy = v128.load(dy + off);
          v128.store(dx + off, f32x4.mul(f32x4.mul(gy, f32x4.sub(dp, f32x4.mul(yv, dq))), iq));
          const t = f32x4.mul(gy, iq);
          const u = f32x4.neg(f32x4.mul(t, yv));
          t0 = f32x4.add(t0, t);
          t1 = f32x4.add(t1, f32x4.mul(t, xv));
          t2 = f32x4.add(t2, f32x4.mul(t, x2));
          t3 = f32x4.add(t3, f32x4.mul(t, x3));
          t4 = f32x4.add(t4, f32x4.mul(t, x4));
          t5 = f32x4.add(t5, f32x4.mul(t, x5));
          u1 = f32x4.add(u1, f32x4.mul(u, ax));
          u2 = f32x4.add(u2, f32x4.mul(u, x2));
          u3 = f32x4.add(u3, f32x4.mul(u, ax3));
          u4 = f32x4.add(u4, f32x4.mul(u, x4));
        }
        for (; c < per; c++) {
          const off = base + (<usize>c << 2);
          const xi = load<f32>(x + off);
          const ax = Mathf.abs(xi);
          const s = sgn(xi);
          const p = a0s + xi * (a1s + xi * (a2s + xi * (a3s + xi * (a4s + xi * a5s))));
          const dp = a1s + xi * (2 * a2s + xi * (3 * a3s + xi * (4 * a4s + xi * 5 * a5s)));
          const q: f32 = 1 + ax * (b1s + ax * (b2s + ax * (b3s + ax * b4s)));
          const dq = s * (b1s + ax * (2 * b2s + ax * (3 * b3s + ax * 4 * b4s)));
          const iq: f32 = 1 / q;
          const yi = p * iq;
          const gy = load<f32>(dy + off);
          store<f32>(dx + off, gy * (dp - yi * dq) * iq);
          const t: f64 = <f64>(gy * iq);
          const u: f64 = -t * <f64>yi;
          const xd: f64 = <f64>xi;
          const ad: f64 = <f64>ax;
          s0 += t; s1 += t * xd; s2 += t * xd * xd; s3 += t * xd * xd * xd; s4 += t * xd * xd * xd * xd; s5 += t * xd * xd * xd * xd * xd;
          w1 += u * ad; w2 += u * ad * ad; w3 += u * ad * ad * ad; w4 += u * ad * ad * ad * ad;
        }
      }
      A0 += hsum(t0) + s0; A1 += hsum(t1) + s1; A2 += hsum(t2) + s2; A3 += hsum(t3) + s3; A4 += hsum(t4) + s4; A5 += hsum(t5) + s5;
      B1 += hsum(u1) + w1; B2 += hsum(u2) + w2; B3 += hsum(u3) + w3; B4 += hsum(u4) + w4;
    }
    store<f32>(ao - a + da, load<f32>(ao - a + da) + <f32>A0);
    store<f32>(ao - a + da, load<f32>(ao - a + da, 4) + <f32>A1, 4);
    store<f32>(ao - a + da, load<f32>(ao - a + da, 8) + <f32>A2, 8);
    store<f32>(ao - a + da, load<f32>(ao - a + da, 12) + <f32>A3, 12);
    store<f32>(ao - a + da, load<f32>(ao - a + da, 16) + <f32>A4, 16);
    store<f32>(ao - a + da, load<f32>(ao - a + da, 20) + <f32>A5, 20);
    const dbo = bo - b + db;
    store<f32>(dbo, sgn(load<f32>(bo)) * <f32>B1);
    store<f32>(dbo, sgn(load<f32>(bo, 4)) * <f32>B2, 4);
    store<f32>(dbo, sgn(load<f32>(bo, 8)) * <f32>B3, 8);
    store<f32>(dbo, sgn(load<f32>(bo, 12)) * <f32>B4, 12);
  }
}
