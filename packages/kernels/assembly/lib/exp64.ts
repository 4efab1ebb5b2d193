// e^x in float64 for the SIMD modules, without AssemblyScript's Math.exp: its lookup tables
// are a data segment, which instantiation writes into the imported memory (the tfjs heap, or
// the thread pool's shared memory while other threads use it). Cody-Waite reduction
// e^x = 2^j e^r, j = round(x / ln 2), r = x - j ln 2 (ln 2 in two parts, |r| <= ln2/2), then
// e^r by its Taylor series to r^13 in Horner form (relative error < 3e-16). x is clamped to
// [-708, 708] (e^-708 ~ 3e-308; beyond that float32 results are 0 or Infinity anyway); NaN stays NaN.

const LOG2E: f64 = 1.4426950408889634;
const LN2_HI: f64 = 6.93147180369123816490e-1;
const LN2_LO: f64 = 1.90821492927058770002e-10;

/** e^x, float64, table-free. */
export function exp64(x: f64): f64 {
  if (x != x) return x;
  const z = min(708.0, max(-708.0, x));
  const j = Math.floor(z * LOG2E + 0.5);
  const r = z - j * LN2_HI - j * LN2_LO;
  let p: f64 = 1.0 / 6227020800.0; // 1/13!
  p = p * r + 1.0 / 479001600.0;
  p = p * r + 1.0 / 39916800.0;
  p = p * r + 1.0 / 3628800.0;
  p = p * r + 1.0 / 362880.0;
  p = p * r + 1.0 / 40320.0;
  p = p * r + 1.0 / 5040.0;
  p = p * r + 1.0 / 720.0;
  p = p * r + 1.0 / 120.0;
  p = p * r + 1.0 / 24.0;
  p = p * r + 1.0 / 6.0;
  p = p * r + 0.5;
  p = p * r + 1.0;
  p = p * r + 1.0;
  return p * reinterpret<f64>(<i64>(<i32>j + 1023) << 52);
}
