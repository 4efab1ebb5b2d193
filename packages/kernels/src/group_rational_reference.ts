// Plain-ops reference of the group rational (KAT GR-KAN, version A), differentiated by tfjs's
// autograd. Kept beside the fused kernel: tests compare the two, and backends without the
// fused kernel (webgl, webgpu) run this.
//
//   y = P(x) / Q(x),  P = sum_{j=0..m} a[g,j] x^j,  Q = 1 + sum_{j=1..n} |b[g,j-1]| |x|^j
//
// |v| is written v * sign(v) so its derivative is sign(v) with sign(0) = 0 (tfjs's abs
// gradient gives -1 at 0; KAT's kernel and PyTorch give 0).
//
// Large |x|. In float32, x^5 overflows from |x| ~ 2.5e7 and Q from ~1e10 (Inf / Inf = NaN),
// although P/Q is finite. For |x| > 1 this divides P and Q by |x|^e, e = the highest k with
// b_k != 0 (0 when all are), the order at which Q grows:
//
//   Q~ = Q / |x|^e = sum_{k=0..e} c_k |x|^(k-e)          (c_0 = 1, c_k = |b_k|; Q~ >= c_e > 0)
//   P~ = P / |x|^e = sum_j a_j sign(x)^j |x|^(j-e)
//   y  = P~ / Q~
//
// Q~ by Horner in 1/|x|; P~ as sign(x)^e times a Horner form in 1/x (the terms j <= e) plus
// the terms j > e one by one, a_j |x|^(j-e) with each power held at float32's largest value:
// never Inf nor NaN, also in the derivative (a power past float32's range belongs to a true
// value out of range anyway), so zero coefficients (a_5 = 0 with |x|^5 out of range) give 0,
// not 0 * Inf. The coefficient rows are shifted by e per group by selection (`shifted`).
// The price: ~4x the time of the direct form alone (wasm, [8, 197, 768]: forward 123 vs 32 ms,
// forward + backward 431 vs 103 ms).
// |x| <= 1 keeps the direct Horner form. Each branch is evaluated at a harmless point where the
// other is selected (x -> 0 resp. 1), so neither puts a NaN into the other's gradient.
// Limit (autograd multiplies every upstream gradient through, zero coefficients included):
// where y itself overflows float32 (|y| > 3.4e38), gradients here may be NaN; the fused
// kernels give +-Infinity or the finite value there.
import { tf } from '@basiskit/tensor';

/** float32's largest value. */
const F32_MAX = 3.4028234663852886e38;

/** |v| with derivative sign(v), sign(0) = 0. */
function absSign0(v: tf.Tensor): tf.Tensor {
  return tf.mul(v, tf.sign(v));
}

/** Column j of a [rows, k] coefficient table, shaped [1, rows, 1] to broadcast over [N, G, D]. */
function coeff(table: tf.Tensor, j: number): tf.Tensor {
  const rows = table.shape[0] as number;
  return tf.reshape(tf.slice(table, [0, j], [rows, 1]), [1, rows, 1]);
}

/** P(x)/Q(|x|) by Horner, for |x| <= 1. */
function direct(x: tf.Tensor, numerator: tf.Tensor, c: tf.Tensor, groups: number): tf.Tensor {
  const m = (numerator.shape[1] as number) - 1;
  let p = coeff(numerator, m);
  for (let j = m - 1; j >= 0; j--) p = tf.add(tf.mul(p, x), coeff(numerator, j));
  const ax = absSign0(x);
  let q: tf.Tensor = tf.zeros([1, groups, 1]);
  for (let j = (c.shape[1] as number) - 1; j >= 0; j--) q = tf.mul(tf.add(q, coeff(c, j)), ax);
  return tf.div(p, tf.add(q, 1));
}

/** P~/Q~ (see the file header), for |x| > 1. */
/**
 * out[g, i] = table[g, e_g + offsets[i]] (0 outside the table): each group's coefficient row
 * shifted by its own e. table [G or 1, K], e [G, 1] -> [G, offsets.length]; tiny tensors. Both
 * ways by selection, never by multiplying with 0/1 weights (that would turn an infinite
 * gradient of one entry into NaN for every other; tfjs's own unsortedSegmentSum on cpu does
 * that too). A customGrad: the table's gradient adds each output's into the entry it read, e
 * gets none (it is a constant).
 */
function shifted(table: tf.Tensor, e: tf.Tensor, offsets: number[]): tf.Tensor {
  const groups = e.shape[0] as number;
  const k = table.shape[1] as number;
  const shape = [groups, offsets.length, k];
  const f = tf.customGrad(((tab: tf.Tensor, ee: tf.Tensor, save: tf.GradSaveFunc) => {
    const pos = tf.reshape(tf.add(ee, tf.tensor2d(offsets, [1, offsets.length])), [groups, offsets.length, 1]);
    const hit = tf.equal(tf.reshape(tf.range(0, k), [1, 1, k]), pos); // [G, I, K]
    save([hit, ee]);
    const rows = tf.broadcastTo(tf.reshape(tab, [-1, 1, k]), shape);
    return {
      value: tf.sum(tf.where(hit, rows, tf.zeros(shape)), 2),
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [hitSaved, eSaved] = saved;
        const spread = tf.broadcastTo(tf.reshape(dy as tf.Tensor, [groups, offsets.length, 1]), shape);
        const dTable = tf.sum(tf.where(hitSaved, spread, tf.zeros(shape)), 1); // [G, K]
        return [table.shape[0] === groups ? dTable : tf.sum(dTable, 0, true), tf.zerosLike(eSaved)];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]) as (tab: tf.Tensor, ee: tf.Tensor) => tf.Tensor;
  return f(table, e);
}

/** Horner: sum_i w[:, i] v^i, w [G, I] (per group) over v [N, G, D]. */
function horner(w: tf.Tensor, v: tf.Tensor): tf.Tensor {
  const deg = (w.shape[1] as number) - 1;
  let acc = coeff(w, deg);
  for (let i = deg - 1; i >= 0; i--) acc = tf.add(tf.mul(acc, v), coeff(w, i));
  return acc;
}

/** P~/Q~ (see the file header), for |x| > 1. */
function scaled(x: tf.Tensor, numerator: tf.Tensor, c: tf.Tensor, groups: number): tf.Tensor {
  const m = (numerator.shape[1] as number) - 1;
  const n = c.shape[1] as number;
  // e per group: the highest k with c_k != 0 (sign has a zero gradient: e is a constant)
  const e = n === 0 ? tf.zeros([groups, 1]) : tf.max(tf.mul(tf.sign(c), tf.range(1, n + 1)), 1, true); // [G, 1]
  const down = Array.from({ length: n + 1 }, (_, i) => -i); // 0, -1, ..., -n
  const s = tf.sign(x);
  const ax = tf.mul(x, s);
  const t = tf.div(1, ax);
  // Q~ = sum_{i=0..e} c_{e-i} t^i   (c_0 = 1), Horner in t <= 1
  const q = horner(shifted(tf.concat([tf.ones([groups, 1]), c], 1), e, down), t);
  // P~ = sign^e (sum_{i=0..e} a_{e-i} u^i + sum_{d>=1} a_{e+d} sign^d |x|^d),  u = 1/x:
  // the first by Horner in u, the second term by term over |x|^d held at 3.4e38 (a Horner form
  // in x would multiply a zero partial sum, from zero leading coefficients, by an infinite
  // gradient)
  const low = horner(shifted(numerator, e, down), tf.mul(s, t));
  const high = shifted(
    numerator,
    e,
    Array.from({ length: m }, (_, d) => d + 1),
  );
  let p = low;
  let power = ax; // |x|^d
  for (let d = 1; d <= m; d++) {
    if (d > 1) power = tf.minimum(tf.mul(power, ax), F32_MAX);
    p = tf.add(p, tf.mul(coeff(high, d - 1), d % 2 === 1 ? tf.mul(s, power) : power));
  }
  // sign^e = 1 + [e odd] (sign - 1)
  const eOdd = tf.reshape(tf.sub(e, tf.mul(2, tf.floor(tf.div(e, 2)))), [1, groups, 1]);
  const signE = tf.add(1, tf.mul(eOdd, tf.sub(s, 1)));
  return tf.div(tf.mul(signE, p), q);
}

/**
 * Group rational by plain tfjs ops: x [..., C], numerator [G or 1, m+1], denominator [G, n].
 * Same contract as `groupRational`.
 */
export function groupRationalReference(x: tf.Tensor, numerator: tf.Tensor, denominator: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const groups = denominator.shape[0] as number;
    const channels = x.shape[x.rank - 1] as number;
    const xg = tf.reshape(x, [-1, groups, channels / groups]);
    const c = absSign0(denominator);
    const big = tf.greater(tf.abs(xg), 1);
    const small = direct(tf.where(big, tf.zerosLike(xg), xg), numerator, c, groups);
    const large = scaled(tf.where(big, xg, tf.onesLike(xg)), numerator, c, groups);
    return tf.reshape(tf.where(big, large, small), x.shape);
  });
}
