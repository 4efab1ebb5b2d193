// torch.optim.RMSprop (single-tensor path) on tfjs.
import { collectBool, collectNumber, definedOnly, tf, type Parameter, type Problem } from '@basiskit/tensor';
import { Optimizer, checkLr, type ClipOptions, type ParamGroup, type ParamState, type ResolvedParamGroup, type StateSpec } from './optimizer';

/** Options of {@link RMSprop} (PyTorch's argument names in camelCase, same defaults). */
export interface RMSpropOptions {
  /** Learning rate. Default 1e-2. */
  lr?: number;
  /** Smoothing constant of the squared-gradient average. Default 0.99. */
  alpha?: number;
  /** Added to the denominator for numerical stability. Default 1e-8. */
  eps?: number;
  /** L2 penalty added to the gradient. Default 0. */
  weightDecay?: number;
  /** Momentum factor. Default 0. */
  momentum?: number;
  /** Normalize by the estimated variance of the gradient (centered RMSprop). Default false. */
  centered?: boolean;
  /** Maximize the objective instead of minimizing it. Default false. */
  maximize?: boolean;
}

/** {@link RMSprop}'s per-group options, resolved. */
export type RMSpropGroupOptions = Required<RMSpropOptions>;

const NAMES = ['lr', 'alpha', 'eps', 'weightDecay', 'momentum', 'centered', 'maximize'] as const;

/**
 * RMSprop (Hinton's lecture 6e; centered variant of Graves 2013), exactly PyTorch's
 * `torch.optim.RMSprop`. For each parameter `p` with gradient `g`:
 *
 * ```
 * g ← maximize ? -g : g
 * if weightDecay ≠ 0:  g ← g + weightDecay·p
 * v ← α·v + (1 - α)·g²                               (state "square_avg")
 * centered:  ḡ ← ḡ + (1 - α)·(g - ḡ);  avg ← sqrt(v - ḡ²) + eps   (state "grad_avg")
 * else:      avg ← sqrt(v) + eps
 * momentum > 0:  b ← momentum·b + g / avg;  p ← p - lr·b   (state "momentum_buffer")
 * else:          p ← p - lr·g / avg
 * ```
 *
 * State: `step` (a number), `square_avg`, `momentum_buffer` (momentum > 0), `grad_avg`
 * (centered), all starting at zero.
 *
 * Source: torch/optim/rmsprop.py (`_single_tensor_rmsprop`), PyTorch 2.x.
 */
export class RMSprop extends Optimizer<RMSpropGroupOptions> {
  /**
   * @param params parameters or parameter groups (a group's options override `options`)
   * @param options RMSprop options plus clipping ({@link ClipOptions})
   */
  constructor(params: Parameter[] | ParamGroup<RMSpropGroupOptions>[], options: RMSpropOptions & ClipOptions = {}) {
    super(params, {
      lr: 1e-2,
      alpha: 0.99,
      eps: 1e-8,
      weightDecay: 0,
      momentum: 0,
      centered: false,
      maximize: false,
      ...definedOnly(options),
    } as RMSpropGroupOptions & ClipOptions);
  }

  override get kind(): string {
    return 'RMSprop';
  }

  protected optionNames(): readonly string[] {
    return NAMES;
  }

  protected checkOptions(o: RMSpropGroupOptions, prefix: string): Problem[] {
    const out: Problem[] = [];
    const r = o as unknown as Record<string, unknown>;
    checkLr(r, prefix, out);
    collectNumber(r, 'alpha', { min: 0 }, out, prefix);
    collectNumber(r, 'eps', { min: 0 }, out, prefix);
    collectNumber(r, 'weightDecay', { min: 0 }, out, prefix);
    collectNumber(r, 'momentum', { min: 0 }, out, prefix);
    collectBool(r, 'centered', out, prefix);
    collectBool(r, 'maximize', out, prefix);
    return out;
  }

  protected stateSpec(): StateSpec {
    return { tensors: ['square_avg', 'momentum_buffer', 'grad_avg'], scalars: ['step'], together: ['step', 'square_avg'] };
  }

  protected updateParam(param: Parameter, grad: tf.Tensor, group: ResolvedParamGroup<RMSpropGroupOptions>, state: ParamState): void {
    const { lr, alpha, eps, weightDecay, momentum, centered } = group;
    const p = param.value;
    state.scalars.step = (state.scalars.step ?? 0) + 1;
    let g = group.maximize ? tf.neg(grad) : grad;
    if (weightDecay !== 0) g = tf.add(g, tf.mul(p, weightDecay));
    const v0 = state.tensors.square_avg ?? tf.zerosLike(p);
    const v = this.setStateTensor(state, 'square_avg', tf.add(tf.mul(v0, alpha), tf.mul(tf.mul(g, g), 1 - alpha)));
    let avg: tf.Tensor;
    if (centered) {
      const ga0 = state.tensors.grad_avg ?? tf.zerosLike(p);
      const ga = this.setStateTensor(state, 'grad_avg', tf.add(ga0, tf.mul(tf.sub(g, ga0), 1 - alpha)));
      avg = tf.sqrt(tf.sub(v, tf.mul(ga, ga)));
    } else {
      avg = tf.sqrt(v);
    }
    avg = tf.add(avg, eps);
    if (momentum > 0) {
      const b0 = state.tensors.momentum_buffer ?? tf.zerosLike(p);
      const buf = this.setStateTensor(state, 'momentum_buffer', tf.add(tf.mul(b0, momentum), tf.div(g, avg)));
      p.assign(tf.sub(p, tf.mul(buf, lr)));
    } else {
      p.assign(tf.sub(p, tf.mul(tf.div(g, avg), lr)));
    }
  }
}
