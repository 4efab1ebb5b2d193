// Adaptive Parametric Activation (APA) and its gated-linear form AGLU: one formula that
// contains the sigmoid (λ = κ = 1), the Gumbel/Gompertz gate (λ → 0) and more.
import { tf } from '@basiskit/tensor';
import type { Tensor } from '@basiskit/tensor';
import { elementwise, softplusStable } from './elementwise';
import { resolveOptions, type OptionSpec, type Param } from './options';

/** Options of {@link apa} and {@link aglu}. Both may be tensors (channels-last) and then receive gradients. */
export interface ApaOptions {
  /** λ: the shape (asymmetry); clamped to >= 1e-4 as in the reference. Default 1. */
  lambda?: Param;
  /** κ: the slope. Default 1. */
  kappa?: Param;
}

/** @internal */
export const APA_OPTIONS: OptionSpec<ApaOptions> = {
  lambda: { default: 1, check: 'finite', tensor: true },
  kappa: { default: 1, check: 'finite', tensor: true },
};

const FLOAT32_MAX = 3.4028234663852886e38;

/** The lower clamp of λ (the reference implementation's `torch.clamp(lambda, min=0.0001)`). */
export const APA_MIN_LAMBDA = 1e-4;

/**
 * r(z) = softplus(z) − σ(z) (the λ-derivative's numerator). With w = σ(z), softplus(z) =
 * −log(1 − w), so r = Σ_{k>=2} w^k/k: summed directly for w < 1/4, where softplus and σ nearly
 * cancel, and by the difference above.
 */
function softplusMinusSigmoid(z: Tensor): Tensor {
  const w = tf.sigmoid(z);
  let series: Tensor = tf.fill(w.shape, 1 / 14);
  for (let k = 13; k >= 2; k--) series = tf.add(1 / k, tf.mul(w, series)); // Horner: 1/2 + w/3 + ... + w^12/14
  series = tf.mul(tf.square(w), series);
  return tf.where(tf.less(w, 0.25), series, tf.sub(softplusStable(z), w));
}

/**
 * The pieces of APA shared by value and derivatives, with λc = max(λ, 1e-4):
 * z = log λc − κx, p = APA = exp(−softplus(z)/λc) (= (λc·e^{−κx} + 1)^{−1/λc}).
 * dp/dx = p·κ·σ(z)/λc, dp/dκ = p·x·σ(z)/λc, dp/dλ = p·(softplus(z) − σ(z))/λc² (0 below the clamp).
 * z is clamped to ±FLOAT32_MAX where κx overflows: p is then exactly 0 or 1 and every
 * derivative 0, as before, but without softplus(∞)·0 = NaN.
 */
function apaParts(x: Tensor, lambda: Param, kappa: Param) {
  const clampedTensor = lambda instanceof tf.Tensor;
  const lam = clampedTensor ? tf.maximum(lambda, APA_MIN_LAMBDA) : Math.max(lambda, APA_MIN_LAMBDA);
  const z = tf.clipByValue(tf.sub(tf.log(lam), tf.mul(kappa, x)), -FLOAT32_MAX, FLOAT32_MAX);
  const p = tf.exp(tf.neg(tf.div(softplusStable(z), lam)));
  // p·σ(z)/λc, bounded, formed before x or κ multiplies it (p = 0 where κx is huge: x·σ(z)/λc
  // alone would overflow into 0·∞).
  const slope = () => tf.mul(p, tf.div(tf.sigmoid(z), lam));
  return {
    p,
    dx: () => tf.mul(kappa, slope()),
    dkappa: () => tf.mul(x, slope()),
    dlambda: () => {
      const inside = tf.cast(tf.greaterEqual(lambda, APA_MIN_LAMBDA), 'float32');
      // p·r first: p = 0 exactly where r = softplus(z) is huge (p·r <= softplus(z) is finite).
      return tf.mul(inside, tf.div(tf.mul(p, softplusMinusSigmoid(z)), tf.square(lam)));
    },
  };
}

// apa(x) = (λ·e^{−κx} + 1)^{−1/λ}  (Alexandridis, Deng, Nguyen & Luo, "Adaptive parametric
// activation", ECCV 2024), evaluated as exp(−softplus(log λ − κx)/λ) (the reference's
// softplus(beta=−1) form): no overflow for any x.
/**
 * APA (adaptive parametric activation): `(λ·e^{−κx} + 1)^{−1/λ}`, with λ clamped to >= 1e-4
 * (the gradient to λ is 0 below the clamp, as `torch.clamp`). λ = κ = 1 is the sigmoid.
 * `lambda` and `kappa` may be tensors (channels-last) and then receive gradients.
 * Source: Alexandridis et al., "Adaptive parametric activation", ECCV 2024 (arXiv:2407.08567).
 */
export function apa(x: Tensor, options?: ApaOptions): Tensor {
  const { lambda, kappa } = resolveOptions(APA_OPTIONS, options, 'apa');
  return elementwise(
    'apa',
    x,
    { lambda, kappa },
    (x, p) => apaParts(x, p.lambda, p.kappa).p,
    (x, p) => {
      const parts = apaParts(x, p.lambda, p.kappa);
      return { x: parts.dx(), lambda: parts.dlambda, kappa: parts.dkappa };
    },
  );
}

// aglu(x) = x·apa(x)  (Alexandridis et al. 2024). dy/dx = p + x·dp/dx, dy/dθ = x·dp/dθ.
/**
 * AGLU (adaptive generalised linear unit): `x·APA(x)`, λ = κ = 1 being SiLU. Same options and
 * clamp as {@link apa}.
 * Source: Alexandridis et al., "Adaptive parametric activation", ECCV 2024 (arXiv:2407.08567).
 */
export function aglu(x: Tensor, options?: ApaOptions): Tensor {
  const { lambda, kappa } = resolveOptions(APA_OPTIONS, options, 'aglu');
  return elementwise(
    'aglu',
    x,
    { lambda, kappa },
    (x, p) => tf.mul(x, apaParts(x, p.lambda, p.kappa).p),
    (x, p) => {
      const parts = apaParts(x, p.lambda, p.kappa);
      return {
        x: tf.add(parts.p, tf.mul(x, parts.dx())),
        lambda: () => tf.mul(x, parts.dlambda()),
        kappa: () => tf.mul(x, parts.dkappa()),
      };
    },
  );
}
