// Self-gated activations x·g(x): GELU, SiLU/Swish, Mish, GoLU, hard-swish, and the expanded
// gates of xGELU/xSiLU. Each derivative is written so that no 0·∞ appears at |x| = 1e4.
import { gelu as fusedGelu, hasFusedKernels } from '@basiskit/kernels';
import { tf } from '@basiskit/tensor';
import type { Tensor } from '@basiskit/tensor';
import { elementwise, normalCdf, normalPdf, sigmoidSlope, softplusStable } from './elementwise';
import { resolveOptions, type OptionSpec, type Param } from './options';

/** Options of {@link gelu}. */
export interface GeluOptions {
  /** `'none'` (default): the exact erf form; `'tanh'`: the tanh approximation ({@link geluTanh}), as PyTorch's `approximate`. */
  approximate?: 'none' | 'tanh';
}

/** @internal */
export const GELU_OPTIONS: OptionSpec<GeluOptions> = { approximate: { default: 'none', oneOf: ['none', 'tanh'] } };

// gelu(x) = x·Φ(x), Φ(x) = (1 + erf(x/√2))/2  (Hendrycks & Gimpel, "Gaussian error linear
// units (GELUs)", 2016). Derivative Φ(x) + x·φ(x).
/**
 * GELU: `x·Φ(x)` with Φ the standard normal CDF (exact, via erf); derivative `Φ(x) + x·φ(x)`.
 * With `approximate: 'tanh'` it is {@link geluTanh}. On cpu and wasm it runs the fused kernel of
 * `@basiskit/kernels` (`gelu`); elsewhere plain tfjs ops (erf).
 * Source: Hendrycks & Gimpel, "Gaussian error linear units (GELUs)", arXiv:1606.08415, 2016.
 */
export function gelu(x: Tensor, options?: GeluOptions): Tensor {
  const { approximate } = resolveOptions(GELU_OPTIONS, options, 'gelu');
  if (approximate === 'tanh') return geluTanh(x);
  // cpu and wasm: @basiskit/kernels' fused exact GELU (one pass each way, a wasm SIMD erf)
  if (hasFusedKernels()) return fusedGelu(x);
  return elementwise(
    'gelu',
    x,
    {},
    (x) => tf.mul(x, normalCdf(x)),
    (x) => ({ x: tf.add(normalCdf(x), tf.mul(x, normalPdf(x))) }),
  );
}

const GELU_K = Math.sqrt(2 / Math.PI);
const GELU_C = 0.044715;
// Beyond |x| = 100 the gate σ(2u) is exactly 0 or 1 in float32 (it already is past |x| ≈ 15)
// and x·σ'(2u)·du/dx underflows to 0; clamping x inside u keeps x³ (1e60 at x = 1e20) from
// overflowing into ∞·0 = NaN in the derivative.
const GELU_TANH_CLAMP = 100;

// gelu_tanh(x) = x/2·(1 + tanh(u)), u = √(2/π)·(x + 0.044715·x³)  (Hendrycks & Gimpel 2016).
// Computed as x·σ(2u) (the same function: (1 + tanh u)/2 = σ(2u)), which has no cancellation
// for x < 0, with u evaluated at x clamped to ±100 (see above). Derivative
// σ(2u) + x·σ'(2u)·2√(2/π)·(1 + 3·0.044715·x²), the second term at the clamped x.
/**
 * GELU, tanh approximation: `x/2·(1 + tanh(√(2/π)·(x + 0.044715·x³)))` (PyTorch's
 * `approximate='tanh'`), evaluated as `x·σ(2u)`; finite value and derivative for every finite
 * x (x³ is never formed past |x| = 100, where the gate is exactly 0 or 1).
 * Source: Hendrycks & Gimpel, arXiv:1606.08415, 2016.
 */
export function geluTanh(x: Tensor): Tensor {
  const twoU = (xc: Tensor) => tf.mul(2 * GELU_K, tf.add(xc, tf.mul(GELU_C, tf.pow(xc, 3))));
  const clamp = (x: Tensor) => tf.clipByValue(x, -GELU_TANH_CLAMP, GELU_TANH_CLAMP);
  return elementwise(
    'geluTanh',
    x,
    {},
    (x) => tf.mul(x, tf.sigmoid(twoU(clamp(x)))),
    (x) => {
      const xc = clamp(x);
      const z = twoU(xc);
      const dz = tf.mul(2 * GELU_K, tf.add(1, tf.mul(3 * GELU_C, tf.square(xc))));
      return { x: tf.add(tf.sigmoid(z), tf.mul(tf.mul(xc, sigmoidSlope(z)), dz)) };
    },
  );
}

// silu(x) = x·σ(x)  (Elfwing, Uchibe & Doya, "Sigmoid-weighted linear units for neural network
// function approximation in reinforcement learning", 2017; Hendrycks & Gimpel 2016).
// Derivative σ(x) + x·σ(x)·σ(-x).
/**
 * SiLU: `x·σ(x)`; derivative `σ(x) + x·σ(x)σ(−x)`.
 * Source: Elfwing, Uchibe & Doya, Neural Networks 107, 2018 (arXiv:1702.03118).
 */
export function silu(x: Tensor): Tensor {
  return elementwise(
    'silu',
    x,
    {},
    (x) => tf.mul(x, tf.sigmoid(x)),
    (x) => ({ x: tf.add(tf.sigmoid(x), tf.mul(x, sigmoidSlope(x))) }),
  );
}

/** Options of {@link swish}. */
export interface SwishOptions {
  /** The slope inside the gate; a number or a tensor (channels-last, gets a gradient). Default 1 (= SiLU). */
  beta?: Param;
}

/** @internal */
export const SWISH_OPTIONS: OptionSpec<SwishOptions> = { beta: { default: 1, check: 'finite', tensor: true } };

// swish(x) = x·σ(beta·x)  (Ramachandran, Zoph & Le, "Searching for activation functions",
// 2017). dy/dx = σ(βx) + x·(β·σ'(βx)), dy/dβ = x·(x·σ'(βx)): grouped so that neither βx nor
// x² is multiplied by σ' once they overflow (σ' is then 0, and so is the true product).
/**
 * Swish: `x·σ(beta·x)`; `beta` may be a tensor and then receives a gradient
 * (`dy/dbeta = x²·σ'(beta·x)`).
 * Source: Ramachandran, Zoph & Le, "Searching for activation functions", arXiv:1710.05941, 2017.
 */
export function swish(x: Tensor, options?: SwishOptions): Tensor {
  const { beta } = resolveOptions(SWISH_OPTIONS, options, 'swish');
  return elementwise(
    'swish',
    x,
    { beta },
    (x, p) => tf.mul(x, tf.sigmoid(tf.mul(p.beta, x))),
    (x, p) => {
      const z = tf.mul(p.beta, x);
      const slope = sigmoidSlope(z);
      return {
        x: tf.add(tf.sigmoid(z), tf.mul(x, tf.mul(p.beta, slope))),
        beta: () => tf.mul(x, tf.mul(x, slope)),
      };
    },
  );
}

// mish(x) = x·tanh(softplus(x))  (Misra, "Mish: a self regularized non-monotonic activation
// function", BMVC 2020). With q = σ(-x)² = e^{-2·softplus(x)}: sech²(softplus x) = 4q/(1 + q)²,
// so dy/dx = tanh(softplus x) + x·sech²(softplus x)·σ(x), finite in both tails.
/**
 * Mish: `x·tanh(softplus(x))`; derivative `tanh(sp) + x·sech²(sp)·σ(x)`, with sech² computed
 * from σ(−x) so it is exact at |x| = 1e4.
 * Source: Misra, "Mish: a self regularized non-monotonic activation function", BMVC 2020.
 */
export function mish(x: Tensor): Tensor {
  return elementwise(
    'mish',
    x,
    {},
    (x) => tf.mul(x, tf.tanh(softplusStable(x))),
    (x) => {
      const q = tf.square(tf.sigmoid(tf.neg(x)));
      const sech2 = tf.div(tf.mul(4, q), tf.square(tf.add(1, q)));
      return { x: tf.add(tf.tanh(softplusStable(x)), tf.mul(tf.mul(x, sech2), tf.sigmoid(x))) };
    },
  );
}

// golu(x) = x·e^{-e^{-x}}  (Das et al., "GoLU: the Gompertz linear unit", 2025). Derivative
// e^{-e^{-x}} + x·e^{-x - e^{-x}}: the second term as one exponential, so x → -∞ gives 0, not
// 0·∞.
/**
 * GoLU (Gompertz linear unit): `x·exp(−exp(−x))`; derivative `exp(−e^{−x}) + x·exp(−x − e^{−x})`.
 * Source: Das et al., "Gompertz linear units: leveraging asymmetry for enhanced learning
 * dynamics", arXiv:2502.03654, 2025.
 */
export function golu(x: Tensor): Tensor {
  return elementwise(
    'golu',
    x,
    {},
    (x) => tf.mul(x, tf.exp(tf.neg(tf.exp(tf.neg(x))))),
    (x) => {
      const e = tf.exp(tf.neg(x));
      return { x: tf.add(tf.exp(tf.neg(e)), tf.mul(x, tf.exp(tf.sub(tf.neg(x), e)))) };
    },
  );
}

// hardswish(x) = x·relu6(x + 3)/6  (Howard et al., "Searching for MobileNetV3", ICCV 2019),
// as x·(relu6(x + 3)/6) so that x·6 never overflows (x = 3e38 gave ∞).
// PyTorch's derivative: 0 (x < -3), x/3 + 1/2 (-3 <= x <= 3), 1 (x > 3).
/**
 * Hard-swish: `x·relu6(x + 3)/6`; derivative 0 below −3, `x/3 + 1/2` on [−3, 3], 1 above
 * (PyTorch's choice at the kinks).
 * Source: Howard et al., "Searching for MobileNetV3", ICCV 2019.
 */
export function hardSwish(x: Tensor): Tensor {
  return elementwise(
    'hardSwish',
    x,
    {},
    (x) => tf.mul(x, tf.div(tf.clipByValue(tf.add(x, 3), 0, 6), 6)),
    (x) => ({
      x: tf.where(tf.less(x, -3), tf.zerosLike(x), tf.where(tf.lessEqual(x, 3), tf.add(tf.div(x, 3), 0.5), tf.onesLike(x))),
    }),
  );
}

/** Options of {@link xgelu} and {@link xsilu}. */
export interface ExpandedGateOptions {
  /**
   * Gate expansion: the gate `(1 + 2·alpha)·g(x) − alpha` ranges over (−alpha, 1 + alpha). A
   * number or a tensor (channels-last, gets a gradient). Default 0 (the reference
   * implementation's initial value: plain GELU / SiLU).
   */
  alpha?: Param;
}

/** @internal */
export const EXPANDED_GATE_OPTIONS: OptionSpec<ExpandedGateOptions> = { alpha: { default: 0, check: 'finite', tensor: true } };

// x·((1 + 2α)·g(x) - α) for a gate g with derivative g'. dy/dx = (1 + 2α)(g + x·g') - α,
// dy/dα = x·(2g - 1) = x·h(x) where h = 2g - 1 is passed in directly (erf(x/√2) or tanh(x/2)).
function expandedGate(
  where: string,
  x: Tensor,
  alpha: Param,
  g: (x: Tensor) => Tensor,
  dg: (x: Tensor) => Tensor,
  twoGMinusOne: (x: Tensor) => Tensor,
): Tensor {
  return elementwise(
    where,
    x,
    { alpha },
    (x, p) => tf.mul(x, tf.sub(tf.mul(tf.add(1, tf.mul(2, p.alpha)), g(x)), p.alpha)),
    (x, p) => ({
      x: tf.sub(tf.mul(tf.add(1, tf.mul(2, p.alpha)), tf.add(g(x), tf.mul(x, dg(x)))), p.alpha),
      alpha: () => tf.mul(x, twoGMinusOne(x)),
    }),
  );
}

// xgelu(x) = x·((1 + 2α)·Φ(x) - α)  (Huang, "Expanded gating ranges improve activation
// functions", 2024).
/**
 * xGELU: `x·((1 + 2·alpha)·Φ(x) − alpha)`, GELU with an expanded gating range. `alpha` may
 * be a tensor (channels-last) and then receives a gradient.
 * Source: Huang, "Expanded gating ranges improve activation functions", arXiv:2405.20768, 2024.
 */
export function xgelu(x: Tensor, options?: ExpandedGateOptions): Tensor {
  const { alpha } = resolveOptions(EXPANDED_GATE_OPTIONS, options, 'xgelu');
  // alpha = 0 (a number) is GELU itself: the same (fused where available) computation
  if (alpha === 0) return gelu(x);
  return expandedGate('xgelu', x, alpha, normalCdf, normalPdf, (x) => tf.erf(tf.mul(x, Math.SQRT1_2)));
}

// xsilu(x) = x·((1 + 2α)·σ(x) - α)  (Huang 2024).
/**
 * xSiLU: `x·((1 + 2·alpha)·σ(x) − alpha)`, SiLU with an expanded gating range. `alpha` may be a
 * tensor (channels-last) and then receives a gradient.
 * Source: Huang, "Expanded gating ranges improve activation functions", arXiv:2405.20768, 2024.
 */
export function xsilu(x: Tensor, options?: ExpandedGateOptions): Tensor {
  const { alpha } = resolveOptions(EXPANDED_GATE_OPTIONS, options, 'xsilu');
  return expandedGate('xsilu', x, alpha, tf.sigmoid, sigmoidSlope, (x) => tf.tanh(tf.mul(x, 0.5)));
}
