// Oscillating activations: SIREN's sine, x + sin²(x) and Snake for periodic extrapolation,
// the growing cosine unit and SPDER.
import { tf } from '@basiskit/tensor';
import type { Tensor } from '@basiskit/tensor';
import { elementwise } from './elementwise';
import { resolveOptions, type OptionSpec, type Param } from './options';

/** Options of {@link sine}. */
export interface SineOptions {
  /** Frequency ω0. Default 30 (SIREN). */
  w0?: number;
}

/** @internal */
export const SINE_OPTIONS: OptionSpec<SineOptions> = { w0: { default: 30, check: 'finite' } };

/** The largest finite float32. */
const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * The bound |x| <= L that keeps fl32(w·x) finite (undefined when |w| <= 1: it always is). Past
 * it the phase of w·x is not representable anyway (ulp(w·x) = 2^104 there), so x is clamped.
 */
function angleClamp(w: number): number | undefined {
  const wf = Math.abs(Math.fround(w));
  return wf <= 1 ? undefined : Math.fround((FLOAT32_MAX / wf) * (1 - 2 ** -20));
}

// sine(x) = sin(ω0·x)  (Sitzmann et al., "Implicit neural representations with periodic
// activation functions" (SIREN), NeurIPS 2020). Derivative ω0·cos(ω0·x). x is clamped where
// ω0·x would overflow float32 (sin(∞) is NaN; x = 3e38 with ω0 = 30 gave NaN).
/**
 * SIREN's sine: `sin(w0·x)`, default w0 = 30; derivative `w0·cos(w0·x)`. Pair it with
 * {@link sirenInit} for the linear layers. Finite for every finite x: where `w0·x` would
 * overflow float32 (|x| > 1.1e37 for w0 = 30) x is clamped to that bound (the float32 phase
 * of w0·x means nothing there: its spacing is 2^104).
 * Source: Sitzmann et al., "Implicit neural representations with periodic activation
 * functions", NeurIPS 2020.
 */
export function sine(x: Tensor, options?: SineOptions): Tensor {
  const { w0 } = resolveOptions(SINE_OPTIONS, options, 'sine');
  const bound = angleClamp(w0);
  const angle = (x: Tensor) => tf.mul(w0, bound === undefined ? x : tf.clipByValue(x, -bound, bound));
  return elementwise(
    'sine',
    x,
    {},
    (x) => tf.sin(angle(x)),
    (x) => ({ x: tf.mul(w0, tf.cos(angle(x))) }),
  );
}

// periodic(x) = x + sin²(x)  (Liu Ziyin, Hartwig & Ueda, "Neural networks fail to learn periodic
// functions and how to fix it", NeurIPS 2020; Snake with a = 1). Derivative
// 1 + sin(2x) = 1 + 2·sin(x)·cos(x) (2x overflows for |x| > 1.7e38).
/**
 * `x + sin²(x)`, the periodic-extrapolation activation (Snake with a = 1); derivative
 * `1 + sin(2x)`, computed as `1 + 2·sin(x)·cos(x)` so it is finite for every finite x.
 * Source: Liu Ziyin, Hartwig & Ueda, NeurIPS 2020.
 */
export function periodic(x: Tensor): Tensor {
  return elementwise(
    'periodic',
    x,
    {},
    (x) => tf.add(x, tf.square(tf.sin(x))),
    (x) => ({ x: tf.add(1, tf.mul(2, tf.mul(tf.sin(x), tf.cos(x)))) }),
  );
}

/** Options of {@link snake}. */
export interface SnakeOptions {
  /** Frequency a; a number or a tensor (channels-last, gets a gradient). Default 1. */
  a?: Param;
}

/** @internal */
export const SNAKE_OPTIONS: OptionSpec<SnakeOptions> = { a: { default: 1, check: 'finite', tensor: true } };

// Below this |v| the sin²(v)/v terms are evaluated by their Taylor series.
const SMALL = 1e-2;

/** h(v) = sin²(v)/v (h(0) = 0), by series near 0. */
function sin2OverV(v: Tensor): Tensor {
  const small = tf.less(tf.abs(v), SMALL);
  const safe = tf.where(small, tf.onesLike(v), v);
  const series = tf.mul(v, tf.sub(1, tf.div(tf.square(v), 3))); // v - v³/3
  return tf.where(small, series, tf.div(tf.square(tf.sin(safe)), safe));
}

/**
 * x²·h'(v) with v = a·x and h'(v) = sin(2v)/v − sin²(v)/v² (h'(0) = 1): the a-derivative of
 * x·h(a·x). Near v = 0 by the series x·(x·(1 − v² + 2v⁴/9)); elsewhere as x·(g(v)/a) with
 * g(v) = v·h'(v) = 2·sin(v)·cos(v) − sin²(v)/v, bounded by 2, so no x² (1e60 at x = 1e30) and
 * no 2v is ever formed: finite wherever the true value is, and within its range
 * |x/a|·2 + 1/a² where v was clamped.
 */
function snakeSlopeInA(x: Tensor, a: Param, v: Tensor): Tensor {
  const small = tf.less(tf.abs(v), SMALL);
  const safe = tf.where(small, tf.onesLike(v), v);
  const safeA = tf.where(small, tf.onesLike(v), tf.mul(a, tf.onesLike(v)));
  const v2 = tf.square(tf.where(small, v, tf.zerosLike(v)));
  const series = tf.add(tf.sub(1, v2), tf.mul(2 / 9, tf.square(v2))); // 1 - v² + 2v⁴/9
  const sin = tf.sin(safe);
  const g = tf.sub(tf.mul(2, tf.mul(sin, tf.cos(safe))), tf.div(tf.square(sin), safe));
  return tf.mul(x, tf.where(small, tf.mul(x, series), tf.div(g, safeA)));
}

// snake(x) = x + sin²(a·x)/a  (Liu Ziyin, Hartwig & Ueda, NeurIPS 2020). Written as
// x + x·h(a·x) with h(v) = sin²(v)/v, which is smooth in a through a = 0 (snake → x), so no
// epsilon is needed in the division. dy/dx = 1 + sin(2a·x) = 1 + 2·sin(v)·cos(v);
// dy/da = x²·h'(a·x) (see snakeSlopeInA). v = a·x is clamped to ±FLOAT32_MAX where it
// overflows: |x| > FLOAT32_MAX/|a| there, so sin²(a·x)/a <= 1/|a| is below x's float32 spacing
// and y = x; the phase of a·x means nothing in float32 at that size.
/**
 * Snake: `x + sin²(a·x)/a`. `a` may be a tensor (channels-last, e.g. shape [C]) and then
 * receives a gradient. Evaluated as `x + x·h(a·x)` with `h(v) = sin²(v)/v`, exact for every a
 * including a = 0 (where it is the identity), so the reference implementations' `+1e-9` in
 * the denominator is not needed. Value and derivatives are finite for every finite x where the
 * true ones are (no a·x, 2a·x or x² overflow into NaN).
 * Source: Liu Ziyin, Hartwig & Ueda, "Neural networks fail to learn periodic functions and how
 * to fix it", NeurIPS 2020.
 */
export function snake(x: Tensor, options?: SnakeOptions): Tensor {
  const { a } = resolveOptions(SNAKE_OPTIONS, options, 'snake');
  const phase = (x: Tensor, a: Param) => tf.clipByValue(tf.mul(a, x), -FLOAT32_MAX, FLOAT32_MAX);
  return elementwise(
    'snake',
    x,
    { a },
    (x, p) => tf.add(x, tf.mul(x, sin2OverV(phase(x, p.a)))),
    (x, p) => {
      const v = phase(x, p.a);
      return {
        x: tf.add(1, tf.mul(2, tf.mul(tf.sin(v), tf.cos(v)))),
        a: () => snakeSlopeInA(x, p.a, v),
      };
    },
  );
}

// gcu(x) = x·cos(x)  (Noel et al., "Growing cosine unit: a novel oscillatory activation
// function that can speedup training and reduce parameters in convolutional neural networks",
// 2021). Derivative cos(x) − x·sin(x).
/**
 * Growing cosine unit: `x·cos(x)`; derivative `cos(x) − x·sin(x)`.
 * Source: Noel et al., arXiv:2108.12943, 2021.
 */
export function gcu(x: Tensor): Tensor {
  return elementwise(
    'gcu',
    x,
    {},
    (x) => tf.mul(x, tf.cos(x)),
    (x) => ({ x: tf.sub(tf.cos(x), tf.mul(x, tf.sin(x))) }),
  );
}

// spder(x) = sin(x)·√|x|  (Shah & Sitawarin, "SPDER: semiperiodic damping-enabled object
// representation", 2023). Derivative cos(x)·√|x| + sin(x)·sign(x)/(2√|x|)
// = √|x|·(cos(x) + sinc(x)/2) with sinc(x) = sin(x)/x: finite, and 0 at x = 0.
/**
 * SPDER: `sin(x)·√|x|`; derivative `√|x|·(cos(x) + sin(x)/(2x))`, written without the
 * 1/√|x| so it is finite everywhere and 0 at x = 0 (the true derivative there).
 * Source: Shah & Sitawarin, "SPDER: semiperiodic damping-enabled object representation",
 * arXiv:2306.15242, 2023.
 */
export function spder(x: Tensor): Tensor {
  return elementwise(
    'spder',
    x,
    {},
    (x) => tf.mul(tf.sin(x), tf.sqrt(tf.abs(x))),
    (x) => {
      const small = tf.less(tf.abs(x), SMALL);
      const safe = tf.where(small, tf.onesLike(x), x);
      const sinc = tf.where(small, tf.sub(1, tf.div(tf.square(x), 6)), tf.div(tf.sin(safe), safe));
      return { x: tf.mul(tf.sqrt(tf.abs(x)), tf.add(tf.cos(x), tf.mul(0.5, sinc))) };
    },
  );
}
