// AssemblyScript source of the wasm SIMD exact-GELU kernels, compiled by scripts/build_wasm.mjs
// into a module that works in place on tfjs-backend-wasm's heap (pointers are tfjs memory
// offsets). Same math as src/gelu_kernel.ts (which documents it), four lanes at a time:
//
//   gelu(x) = x Phi(x),   d/dx = Phi(x) + x phi(x),   phi(x) = exp(-x^2/2) / sqrt(2 pi)
//   Phi(x) = 1/2 + erf(z)/2 (|z| < 1/2, z = x/sqrt 2; Taylor series of erf to z^13),
//   else 1 - erfc(|z|)/2 (x > 0) or erfc(|z|)/2 (x < 0), with
//   erfc(z) = t exp(-z^2) exp(P(t)), t = 1/(1 + z/2)  (Numerical Recipes' erfcc, relative error < 1.2e-7)
//
// exp in f32x4 is Cephes' expf (range reduction by ln 2 in two parts, degree-6 polynomial, the
// power of two put into the exponent bits), 0 below ln(2^-126) (no subnormal results: there
// Phi < 1e-38). The elements past the last multiple of four take the float64 scalar path.
// No data segments, no allocation.

const SQRT1_2: f32 = 0.7071067811865476;
const INV_SQRT_2PI: f32 = 0.3989422804014327;
// Taylor coefficients of erf(z)/z in z^2: 2/sqrt(pi) (-1)^k / (k! (2k+1))
const E0: f32 = 1.1283791670955126;
const E1: f32 = -0.37612638903183754;
const E2: f32 = 0.11283791670955126;
const E3: f32 = -0.026866170645131252;
const E4: f32 = 0.005223977625442188;
const E5: f32 = -0.0008548327023450853;
const E6: f32 = 0.00012055332981789664;
// Numerical Recipes' erfcc polynomial in t
const C0: f32 = -1.26551223;
const C1: f32 = 1.00002368;
const C2: f32 = 0.37409196;
const C3: f32 = 0.09678418;
const C4: f32 = -0.18628806;
const C5: f32 = 0.27886807;
const C6: f32 = -1.13520398;
const C7: f32 = 1.48851587;
const C8: f32 = -0.82215223;
const C9: f32 = 0.17087277;

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

// Phi(x) and exp(-x^2/2) of the last `phiOf` call (two results of one evaluation).
let gaussV: v128 = f32x4.splat(0);

/**
 * Phi(x) of four lanes. With `withGauss`, sets gaussV = exp(-x^2/2) and takes erfc as
 * t exp(-z^2) exp(P(t)); without, erfc = t exp(P(t) - z^2) (one exp).
 */
@inline function phiOf(x: v128, withGauss: bool): v128 {
  const zs = f32x4.mul(x, f32x4.splat(SQRT1_2));
  const z = f32x4.abs(zs);
  const z2 = f32x4.mul(zs, zs);
  // |z| < 1/2: 1/2 + erf(z)/2 by the Taylor series
  let s = fma(f32x4.splat(E6), z2, f32x4.splat(E5));
  s = fma(s, z2, f32x4.splat(E4));
  s = fma(s, z2, f32x4.splat(E3));
  s = fma(s, z2, f32x4.splat(E2));
  s = fma(s, z2, f32x4.splat(E1));
  s = fma(s, z2, f32x4.splat(E0));
  const small = fma(f32x4.mul(s, zs), f32x4.splat(0.5), f32x4.splat(0.5));
  // else by erfc(|z|)
  const t = f32x4.div(f32x4.splat(1), fma(z, f32x4.splat(0.5), f32x4.splat(1)));
  let p = fma(f32x4.splat(C9), t, f32x4.splat(C8));
  p = fma(p, t, f32x4.splat(C7));
  p = fma(p, t, f32x4.splat(C6));
  p = fma(p, t, f32x4.splat(C5));
  p = fma(p, t, f32x4.splat(C4));
  p = fma(p, t, f32x4.splat(C3));
  p = fma(p, t, f32x4.splat(C2));
  p = fma(p, t, f32x4.splat(C1));
  p = fma(p, t, f32x4.splat(C0));
  let e: v128;
  if (withGauss) {
    const g = expNonPositive(f32x4.neg(z2));
    gaussV = g;
    e = f32x4.mul(g, expNonPositive(p));
  } else {
    e = expNonPositive(f32x4.sub(p, z2));
  }
  const halfErfc = f32x4.mul(f32x4.mul(t, f32x4.splat(0.5)), e);
  const large = v128.bitselect(f32x4.sub(f32x4.splat(1), halfErfc), halfErfc, f32x4.gt(x, f32x4.splat(0)));
  return v128.bitselect(small, large, f32x4.lt(z, f32x4.splat(0.5)));
}

/** Phi(x) in float64 (the scalar path); sets gaussS = exp(-x^2/2). */
let gaussS: f64 = 0;
function phiScalar(x: f64): f64 {
  const zs = x * <f64>SQRT1_2;
  const z = Math.abs(zs);
  const z2 = zs * zs;
  gaussS = Math.exp(-z2);
  if (z < 0.5) {
    const s = <f64>E0 + z2 * (<f64>E1 + z2 * (<f64>E2 + z2 * (<f64>E3 + z2 * (<f64>E4 + z2 * (<f64>E5 + z2 * <f64>E6)))));
    return 0.5 + 0.5 * s * zs;
  }
  const t = 1 / (1 + 0.5 * z);
  const p = <f64>C0 + t * (<f64>C1 + t * (<f64>C2 + t * (<f64>C3 + t * (<f64>C4 + t * (<f64>C5 + t * (<f64>C6 + t * (<f64>C7 + t * (<f64>C8 + t * <f64>C9))))))));
  const halfErfc = 0.5 * t * gaussS * Math.exp(p);
  return x > 0 ? 1 - halfErfc : halfErfc;
}

/** y = x Phi(x) over n elements. */
export function geluForward(x: usize, y: usize, n: i32): void {
  const vecEnd = n & ~3;
  for (let i = 0; i < vecEnd; i += 4) {
    const off = <usize>i << 2;
    const xv = v128.load(x + off);
    v128.store(y + off, f32x4.mul(xv, phiOf(xv, false)));
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
    const phi = phiOf(xv, true);
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
