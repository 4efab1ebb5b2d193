// Reconstruction of a complex tensor from its Tucker, CP or tensor-train factors (tensorly's
// tucker_to_tensor, cp_to_tensor, tt_to_tensor; no conjugation), on real/imag pairs of float32
// tensors, differentiable with respect to every factor:
//
//   Tucker  W = G x_0 U_0 x_1 U_1 ... x_{n-1} U_{n-1},  G [r_0..r_{n-1}], U_k [I_k, r_k]
//           mode products as untransposed matMuls: U_k [I_k, r_k] @ X [r_k, M] -> [I_k, M], then
//           a 2-D transpose that rotates the new axis to the end, so the next rank axis leads.
//   CP      W = sum_r w_r U_0[:, r] o ... o U_{n-1}[:, r],  w [R], U_k [I_k, R]
//           = (KR(U_0..U_{m-1}) * w) @ KR(U_m..U_{n-1})^T, KR the row-wise Khatri-Rao product, the
//           modes split where the two products are smallest.
//   TT      W[i_0..i_{n-1}] = G_0[:, i_0, :] G_1[:, i_1, :] ... G_{n-1}[:, i_{n-1}, :],
//           G_k [r_k, I_k, r_{k+1}], r_0 = r_n = 1: chained matMuls [P, r_k] @ [r_k, I_k r_{k+1}].
//
// Complex matrix products take three real ones (Gauss's trick). Every product is a matMul
// without transpose flags, also in the gradient (tfjs-wasm's matMul with transposeA/B is 4-17x
// slower): `matMulNN` below, and `linear` from @basiskit/tensor.
import type { ComplexTensor } from '@basiskit/kernels';
import { linear, tf } from '@basiskit/tensor';

/** a [M, K] @ b [K, N] with a gradient of untransposed matMuls and explicit transposes. */
const matMulNN = tf.customGrad(((a: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
  save([a, b]);
  return {
    value: tf.matMul(a, b),
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
      const [sa, sb] = saved;
      const g = dy as tf.Tensor;
      return [tf.matMul(g, tf.transpose(sb)), tf.matMul(tf.transpose(sa), g)];
    },
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as (a: tf.Tensor, b: tf.Tensor) => tf.Tensor;

/**
 * A complex product from three real ones (Gauss): with p = ar br, q = ai bi,
 * real = p - q, imag = (ar + ai)(br + bi) - p - q.
 */
function gauss(mm: (x: tf.Tensor, y: tf.Tensor) => tf.Tensor, a: ComplexTensor, b: ComplexTensor): ComplexTensor {
  const p = mm(a.real, b.real);
  const q = mm(a.imag, b.imag);
  const s = mm(tf.add(a.real, a.imag), tf.add(b.real, b.imag));
  return { real: tf.sub(p, q), imag: tf.sub(tf.sub(s, p), q) };
}

/** Complex a [M, K] @ b [K, N]. */
const complexMatMul = (a: ComplexTensor, b: ComplexTensor): ComplexTensor => gauss(matMulNN, a, b);

/** Complex a [M, K] @ b [N, K]^T (PyTorch's F.linear without bias). */
const complexLinear = (a: ComplexTensor, b: ComplexTensor): ComplexTensor => gauss(linear, a, b);

/** Complex element-wise product (broadcasting). */
function complexMul(a: ComplexTensor, b: ComplexTensor): ComplexTensor {
  return {
    real: tf.sub(tf.mul(a.real, b.real), tf.mul(a.imag, b.imag)),
    imag: tf.add(tf.mul(a.real, b.imag), tf.mul(a.imag, b.real)),
  };
}

/** tf.tidy for a function returning a complex pair. */
function tidyC(fn: () => ComplexTensor): ComplexTensor {
  const [real, imag] = tf.tidy(() => {
    const c = fn();
    return [c.real, c.imag];
  });
  return { real, imag };
}

const mapC = (x: ComplexTensor, f: (t: tf.Tensor) => tf.Tensor): ComplexTensor => ({ real: f(x.real), imag: f(x.imag) });
const prod = (xs: readonly number[]) => xs.reduce((a, b) => a * b, 1);

/**
 * The full tensor `[I_0, ..., I_{n-1}]` of a complex Tucker decomposition: `core`
 * `[r_0, ..., r_{n-1}]`, `factors[k]` `[I_k, r_k]` (tensorly's `tucker_to_tensor`). Shapes are
 * the caller's to check (see {@link FactorizedSpectralWeight}). The caller disposes the result.
 */
export function tuckerToTensor(core: ComplexTensor, factors: readonly ComplexTensor[]): ComplexTensor {
  return tidyC(() => {
    const shape = factors.map((u) => u.real.shape[0]);
    const size = core.real.size;
    let x: ComplexTensor = core;
    let current = size; // elements of x
    for (const u of factors) {
      const [rows, r] = u.real.shape;
      const m = current / r;
      // U_k [I_k, r_k] @ X [r_k, M] -> [I_k, M] -> transposed [M, I_k]: the next rank axis leads
      const y = complexMatMul(
        u,
        mapC(x, (t) => tf.reshape(t, [r, m])),
      );
      x = mapC(y, (t) => tf.transpose(t));
      current = m * rows;
    }
    return mapC(x, (t) => tf.reshape(t, shape));
  });
}

/** Row-wise Khatri-Rao product of complex [I_k, R] factors: [prod I_k, R], rows in row-major order. */
function khatriRao(factors: readonly ComplexTensor[]): ComplexTensor {
  let a = factors[0];
  for (let k = 1; k < factors.length; k++) {
    const u = factors[k];
    const [p, r] = a.real.shape;
    const rows = u.real.shape[0];
    const prodC = complexMul(
      mapC(a, (t) => tf.reshape(t, [p, 1, r])),
      mapC(u, (t) => tf.reshape(t, [1, rows, r])),
    );
    a = mapC(prodC, (t) => tf.reshape(t, [p * rows, r]));
  }
  return a;
}

/**
 * The full tensor of a complex CP decomposition: `weights` `[R]`, `factors[k]` `[I_k, R]`
 * (tensorly's `cp_to_tensor`). The caller disposes the result.
 */
export function cpToTensor(weights: ComplexTensor, factors: readonly ComplexTensor[]): ComplexTensor {
  return tidyC(() => {
    const shape = factors.map((u) => u.real.shape[0]);
    // split the modes where the two Khatri-Rao products hold the fewest elements
    let split = 1;
    for (let m = 2; m < shape.length; m++) {
      if (prod(shape.slice(0, m)) + prod(shape.slice(m)) < prod(shape.slice(0, split)) + prod(shape.slice(split))) split = m;
    }
    // the weights scale the columns of the smaller side
    const weighLeft = prod(shape.slice(0, split)) <= prod(shape.slice(split));
    const left = weighLeft ? complexMul(khatriRao(factors.slice(0, split)), weights) : khatriRao(factors.slice(0, split));
    const right = weighLeft ? khatriRao(factors.slice(split)) : complexMul(khatriRao(factors.slice(split)), weights);
    const w = complexLinear(left, right);
    return mapC(w, (t) => tf.reshape(t, shape));
  });
}

/**
 * The full tensor of a complex tensor train: `factors[k]` `[r_k, I_k, r_{k+1}]`, `r_0 = r_n = 1`
 * (tensorly's `tt_to_tensor`). The caller disposes the result.
 */
export function ttToTensor(factors: readonly ComplexTensor[]): ComplexTensor {
  return tidyC(() => {
    const shape = factors.map((g) => g.real.shape[1] as number);
    const [, i0, r1] = factors[0].real.shape;
    let a = mapC(factors[0], (t) => tf.reshape(t, [i0, r1]));
    for (let k = 1; k < factors.length; k++) {
      const [rk, ik, rnext] = factors[k].real.shape;
      const p = a.real.shape[0];
      const y = complexMatMul(
        a,
        mapC(factors[k], (t) => tf.reshape(t, [rk, ik * rnext])),
      );
      a = mapC(y, (t) => tf.reshape(t, [p * ik, rnext]));
    }
    return mapC(a, (t) => tf.reshape(t, shape));
  });
}
