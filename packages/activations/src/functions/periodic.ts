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

// sine(x) = sin(ω0·x)  (Sitzmann et al., "Implicit neural representations with periodic
// activation functions" (SIREN), NeurIPS 2020). Derivative ω0·cos(ω0·x).
/**
 * SIREN's sine: `sin(w0·x)`, default w0 = 30; derivative `w0·cos(w0·x)`. Pair it with
 * {@link sirenInit} for the linear layers.
 * Source: Sitzmann et al., "Implicit neural representations with periodic activation
 * functions", NeurIPS 2020.
 */
export function sine(x: Tensor, options?: SineOptions): Tensor {
  const { w0 } = resolveOptions(SINE_OPTIONS, options, 'sine');
  return elementwise(
    'sine',
    x,
    {},
    (x) => tf.sin(tf.mul(w0, x)),
    (x) => ({ x: tf.mul(w0, tf.cos(tf.mul(w0, x))) }),
  );
}

// periodic(x) = x + sin²(x)  (Liu Ziyin, Hartwig & Ueda, "Neural networks fail to learn periodic
// functions and how to fix it", NeurIPS 2020; Snake with a = 1). Derivative 1 + sin(2x).
/**
 * `x + sin²(x)`, the periodic-extrapolation activation (Snake with a = 1); derivative
 * `1 + sin(2x)`.
 * Source: Liu Ziyin, Hartwig & Ueda, NeurIPS 2020.
 */
export function periodic(x: Tensor): Tensor {
  return elementwise(
    'periodic',
    x,
    {},
    (x) => tf.add(x, tf.square(tf.sin(x))),
    (x) => ({ x: tf.add(1, tf.sin(tf.mul(2, x))) }),
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

/** h'(v) = sin(2v)/v − sin²(v)/v² (h'(0) = 1), by series near 0. */
function sin2OverVSlope(v: Tensor): Tensor {
  const small = tf.less(tf.abs(v), SMALL);
  const safe = tf.where(small, tf.onesLike(v), v);
  const v2 = tf.square(v);
  const series = tf.add(tf.sub(1, v2), tf.mul(2 / 9, tf.square(v2))); // 1 - v² + 2v⁴/9
  const direct = tf.sub(tf.div(tf.sin(tf.mul(2, safe)), safe), tf.div(tf.square(tf.sin(safe)), tf.square(safe)));
  return tf.where(small, series, direct);
}

// snake(x) = x + sin²(a·x)/a  (Liu Ziyin, Hartwig & Ueda, NeurIPS 2020). Written as
// x + x·h(a·x) with h(v) = sin²(v)/v, which is smooth in a through a = 0 (snake → x), so no
// epsilon is needed in the division. dy/dx = 1 + sin(2a·x); dy/da = x²·h'(a·x).
/**
 * Snake: `x + sin²(a·x)/a`. `a` may be a tensor (channels-last, e.g. shape [C]) and then
 * receives a gradient. Evaluated as `x + x·h(a·x)` with `h(v) = sin²(v)/v`, exact for every a
 * including a = 0 (where it is the identity), so the reference implementations' `+1e-9` in
 * the denominator is not needed.
 * Source: Liu Ziyin, Hartwig & Ueda, "Neural networks fail to learn periodic functions and how
 * to fix it", NeurIPS 2020.
 */
export function snake(x: Tensor, options?: SnakeOptions): Tensor {
  const { a } = resolveOptions(SNAKE_OPTIONS, options, 'snake');
  return elementwise(
    'snake',
    x,
    { a },
    (x, p) => tf.add(x, tf.mul(x, sin2OverV(tf.mul(p.a, x)))),
    (x, p) => ({
      x: tf.add(1, tf.sin(tf.mul(2, tf.mul(p.a, x)))),
      a: () => tf.mul(tf.square(x), sin2OverVSlope(tf.mul(p.a, x))),
    }),
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
