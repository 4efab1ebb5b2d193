// Plain-ops reference of ChebyKAN's basis (SynodicMonth/ChebyKAN, `ChebyKANLayer.forward`),
// differentiated by tfjs's autograd. Tests compare the fused kernels of
// chebyshev_basis_kernel.ts with it; backends without those kernels run it.
//
//   t = tanh(x),  T_0 = 1,  T_1 = t,  T_{d+1} = 2 t T_d - T_{d-1}
//   T'_0 = 0,  T'_1 = 1,  T'_{d+1} = 2 T_d + 2 t T'_d - T'_{d-1},   d/dx = (1 - t^2) d/dt
import { tf } from '@basiskit/tensor';

/** T_d(tanh x), d = 0..degree, by plain ops: x [..., in] -> [..., in, degree+1]. */
export function chebyshevBasisReference(x: tf.Tensor, degree: number): tf.Tensor {
  return tf.tidy(() => {
    const t = tf.tanh(x);
    const T: tf.Tensor[] = [tf.onesLike(t)];
    if (degree >= 1) T.push(t);
    for (let d = 2; d <= degree; d++) T.push(tf.sub(tf.mul(tf.mul(t, 2), T[d - 1]), T[d - 2]));
    return tf.stack(T, -1);
  });
}

/** d/dx T_d(tanh x), d = 0..degree, by plain ops: x [..., in] -> [..., in, degree+1]. */
export function chebyshevBasisDerivativeReference(x: tf.Tensor, degree: number): tf.Tensor {
  return tf.tidy(() => {
    const t = tf.tanh(x);
    const T: tf.Tensor[] = [tf.onesLike(t), t];
    const dT: tf.Tensor[] = [tf.zerosLike(t), tf.onesLike(t)];
    for (let d = 2; d <= degree; d++) {
      T.push(tf.sub(tf.mul(tf.mul(t, 2), T[d - 1]), T[d - 2]));
      dT.push(tf.sub(tf.add(tf.mul(T[d - 1], 2), tf.mul(tf.mul(t, 2), dT[d - 1])), dT[d - 2]));
    }
    const sech2 = tf.sub(1, tf.square(t));
    return tf.mul(tf.stack(dT.slice(0, degree + 1), -1), tf.expandDims(sech2, -1));
  });
}
