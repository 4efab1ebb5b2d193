// AssemblyScript source of the wasm SIMD exact-GELU kernels, compiled by @basiskit/wasm-build
// into a module that works in place on tfjs-backend-wasm's heap (pointers are tfjs memory
// offsets). Same math as src/gelu_kernel.ts (which documents it), four lanes at a time, ONE exp
// per element forward and backward:
//
//   gelu(x) = x Phi(x),   d/dx = Phi(x) + x phi(x),   phi(x) = exp(-x^2/2) / sqrt(2 pi)
//   Phi(x) = erfc(|z|)/2 (x < 0) or 1 - erfc(|z|)/2 (x >= 0), z = x/sqrt 2,
//   erfc(z) = exp(-z^2) R(u),  u = (3 - z)/(3 + z),  R a degree-11 polynomial fitted to erfcx
//
// so exp(-z^2) = exp(-x^2/2) serves both Phi and phi. exp in f32x4 is Cephes' expf (range
// reduction by ln 2 in two parts, degree-6 polynomial, the power of two put into the exponent
// bits), 0 below ln(2^-126) (no subnormal results: there Phi < 1e-38). The elements past the
// last multiple of four take the float64 scalar path. No data segments, no allocation.

import { exp64 } from './lib/exp64';

const SQRT1_2: f32 = 0.7071067811865476;
const INV_SQRT_2PI: f32 = 0.3989422804014327;
// erfcx(z) = exp(z^2) erfc(z) = R(u) = sum_k R_k u^k, u = (3 - z)/(3 + z), z >= 0 (src/gelu_kernel.ts)
const R0: f32 = 0.1790011506737712;
const R1: f32 = 0.32623353078319217;
const R2: f32 = 0.24560378340524835;
const R3: f32 = 0.15011658118319754;
const R4: f32 = 0.07166660676779224;
const R5: f32 = 0.02438877916537452;
const R6: f32 = 0.0042637547680799415;
const R7: f32 = -0.0006996957150686711;
const R8: f32 = -0.0005828515428056846;
const R9: f32 = -5.135387725374585e-5;
const R10: f32 = 4.756293854768501e-5;
const R11: f32 = 1.2165471190428434e-5;
// erfcx is only needed while exp(-z^2) > 0 (z < 9.4): larger z (and Infinity) are clamped
const Z_MAX: f32 = 10;

@inline function fma(a: v128, b: v128, c: v128): v128 {
  return f32x4.add(f32x4.mul(a, b), c);
}

/**
 * exp(x) for x <= 0 (Cephes expf); 0 below ln(2^-126) and for -Infinity, NaN stays NaN. n =
 * round(x log2 e) by the 1.5 * 2^23 trick: its low bits, plus the exponent bias, shifted into
 * the exponent field give 2^n (no float-to-int conversion).
 */
@inline function expNonPositive(x: v128): v128 {
  const lo = f32x4.splat(-87.33654);
  const xc = f32x4.max(x, lo);
  const magic = f32x4.splat(12582912.0 + 127.0);
  const shifted = f32x4.add(f32x4.mul(xc, f32x4.splat(1.4426950408889634)), magic);
  const n = f32x4.sub(shifted, magic);
  let r = f32x4.sub(xc, f32x4.mul(n, f32x4.splat(0.693359375)));
  r = f32x4.sub(r, f32x4.mul(n, f32x4.splat(-2.12194440e-4)));
  let p = fma(f32x4.splat(1.9875691500e-4), r, f32x4.splat(1.3981999507e-3));
  p = fma(p, r, f32x4.splat(8.3334519073e-3));
  p = fma(p, r, f32x4.splat(4.1665795894e-2));
  p = fma(p, r, f32x4.splat(1.6666665459e-1));
  p = fma(p, r, f32x4.splat(5.0000001201e-1));
  p = f32x4.add(fma(f32x4.mul(p, r), r, r), f32x4.splat(1));
  const scale = i32x4.shl(shifted, 23);
  return v128.bitselect(f32x4.splat(0), f32x4.mul(p, scale), f32x4.lt(x, lo));
}

// exp(-x^2/2) of the last `phiOf` call (phi(x) sqrt(2 pi), a second result of one evaluation)
let gaussV: v128 = f32x4.splat(0);

/** Phi(x) of four lanes; sets gaussV = exp(-x^2/2). */
@inline function phiOf(x: v128): v128 {
  const zs = f32x4.mul(x, f32x4.splat(SQRT1_2));
  const z = f32x4.min(f32x4.abs(zs), f32x4.splat(Z_MAX));
  const g = expNonPositive(f32x4.neg(f32x4.mul(zs, zs)));
  gaussV = g;
  const three = f32x4.splat(3);
  const u = f32x4.div(f32x4.sub(three, z), f32x4.add(three, z));
  let r = fma(f32x4.splat(R11), u, f32x4.splat(R10));
  r = fma(r, u, f32x4.splat(R9));
  r = fma(r, u, f32x4.splat(R8));
  r = fma(r, u, f32x4.splat(R7));
  r = fma(r, u, f32x4.splat(R6));
  r = fma(r, u, f32x4.splat(R5));
  r = fma(r, u, f32x4.splat(R4));
  r = fma(r, u, f32x4.splat(R3));
  r = fma(r, u, f32x4.splat(R2));
  r = fma(r, u, f32x4.splat(R1));
  r = fma(r, u, f32x4.splat(R0));
  const halfErfc = f32x4.mul(f32x4.mul(g, f32x4.splat(0.5)), r);
  return v128.bitselect(f32x4.sub(f32x4.splat(1), halfErfc), halfErfc, f32x4.gt(x, f32x4.splat(0)));
}

/** Phi(x) in float64 (the scalar path); sets gaussS = exp(-x^2/2). */
let gaussS: f64 = 0;
function phiScalar(x: f64): f64 {
  const zs = x * <f64>SQRT1_2;
  const z = Math.min(Math.abs(zs), <f64>Z_MAX);
  gaussS = exp64(-zs * zs);
  const u = (3 - z) / (3 + z);
  const r =
    <f64>R0 +
    u * (<f64>R1 + u * (<f64>R2 + u * (<f64>R3 + u * (<f64>R4 + u * (<f64>R5 + u * (<f64>R6 + u * (<f64>R7 + u * (<f64>R8 + u * (<f64>R9 + u * (<f64>R10 + u * <f64>R11))))))))));
  const halfErfc = 0.5 * gaussS * r;
  return x > 0 ? 1 - halfErfc : halfErfc;
}

/** y = x Phi(x) over n elements. */
export function geluForward(x: usize, y: usize, n: i32): void {
  const vecEnd = n & ~3;
  for (let i = 0; i < vecEnd; i += 4) {
    const off = <usize>i << 2;
    const xv = v128.load(x + off);
    v128.store(y + off, f32x4.mul(xv, phiOf(xv)));
  }
  for (let i = vecEnd; i < n; i++) {
    const off = <usize>i << 2;
    const xi = <f64>load<f32>(x + off);
    store<f32>(y + off, <f32>(xi * phiScalar(xi)));
  }
}

/** dx = dy (Phi(x) + x phi(x)) over n elements. */
export function geluBackward(dy: usize, x: usize, dx: usize, n: i32): void {
  const vecEnd = n & ~3;
  const k = f32x4.splat(INV_SQRT_2PI);
  for (let i = 0; i < vecEnd; i += 4) {
    const off = <usize>i << 2;
    const xv = v128.load(x + off);
    const phi = phiOf(xv);
    const d = fma(f32x4.mul(xv, k), gaussV, phi);
    v128.store(dx + off, f32x4.mul(v128.load(dy + off), d));
  }
  for (let i = vecEnd; i < n; i++) {
    const off = <usize>i << 2;
    const xi = <f64>load<f32>(x + off);
    const phi = phiScalar(xi);
    store<f32>(dx + off, <f32>(<f64>load<f32>(dy + off) * (phi + xi * <f64>INV_SQRT_2PI * gaussS)));
  }
}

// The FNO block's epilogue (src/bias_gelu_kernel.ts): pre = x + bias + skip over rows of c
// channels (c a multiple of 4; skip = 0: none), y = gelu(pre); the backward recomputes pre.

/** y = gelu(x + bias + skip) over `rows` rows of `c` channels. */
export function biasGeluForward(x: usize, bias: usize, skip: usize, y: usize, rows: i32, c: i32): void {
  const rowBytes = <usize>c << 2;
  const end = <usize>rows * rowBytes;
  for (let base: usize = 0; base < end; base += rowBytes) {
    for (let j: usize = 0; j < rowBytes; j += 16) {
      let v = f32x4.add(v128.load(x + base + j), v128.load(bias + j));
      if (skip) v = f32x4.add(v, v128.load(skip + base + j));
      v128.store(y + base + j, f32x4.mul(v, phiOf(v)));
    }
  }
}

/**
 * dx = dy gelu'(x + bias + skip) (also the skip's gradient), dbias = its row sums, summed per
 * chunk of `chunk` rows in `partial` (c floats of scratch) and then added to dbias (zeroed).
 */
export function biasGeluBackward(dy: usize, x: usize, bias: usize, skip: usize, dx: usize, dbias: usize, partial: usize, rows: i32, c: i32, chunk: i32): void {
  const rowBytes = <usize>c << 2;
  const k = f32x4.splat(INV_SQRT_2PI);
  for (let r0 = 0; r0 < rows; r0 += chunk) {
    const r1 = min(rows, r0 + chunk);
    for (let j: usize = 0; j < rowBytes; j += 16) v128.store(partial + j, f32x4.splat(0));
    for (let base = <usize>r0 * rowBytes; base < <usize>r1 * rowBytes; base += rowBytes) {
      for (let j: usize = 0; j < rowBytes; j += 16) {
        let v = f32x4.add(v128.load(x + base + j), v128.load(bias + j));
        if (skip) v = f32x4.add(v, v128.load(skip + base + j));
        const phi = phiOf(v);
        const g = f32x4.mul(v128.load(dy + base + j), fma(f32x4.mul(v, k), gaussV, phi));
        v128.store(dx + base + j, g);
        v128.store(partial + j, f32x4.add(v128.load(partial + j), g));
      }
    }
    for (let j: usize = 0; j < rowBytes; j += 16) v128.store(dbias + j, f32x4.add(v128.load(dbias + j), v128.load(partial + j)));
  }
}
