// torch.optim.Adam and torch.optim.AdamW (single-tensor path) on tfjs.
import { collectBool, collectNumber, definedOnly, numberOk, show, tf, type Parameter, type Problem } from '@basiskit/tensor';
import { Optimizer, checkLr, type ClipOptions, type ParamGroup, type ParamState, type ResolvedParamGroup, type StateSpec } from './optimizer';

/** Options of {@link Adam} and {@link AdamW} (PyTorch's argument names in camelCase). */
export interface AdamOptions {
  /** Learning rate. Default 1e-3. */
  lr?: number;
  /** Coefficients of the running averages of the gradient and its square. Default [0.9, 0.999]. */
  betas?: [number, number];
  /** Added to the denominator for numerical stability. Default 1e-8. */
  eps?: number;
  /** Weight decay: L2 penalty in the gradient for Adam (default 0); decoupled for AdamW (default 1e-2). */
  weightDecay?: number;
  /** Use the AMSGrad variant (maximum of past second moments). Default false. */
  amsgrad?: boolean;
  /** Maximize the objective instead of minimizing it. Default false. */
  maximize?: boolean;
}

/** {@link Adam}'s per-group options, resolved. */
export type AdamGroupOptions = Required<AdamOptions>;

const NAMES = ['lr', 'betas', 'eps', 'weightDecay', 'amsgrad', 'maximize'] as const;

function checkAdamOptions(o: AdamGroupOptions, prefix: string): Problem[] {
  const out: Problem[] = [];
  const r = o as unknown as Record<string, unknown>;
  checkLr(r, prefix, out);
  const b = o.betas as unknown;
  if (!Array.isArray(b) || b.length !== 2 || !b.every((x) => numberOk(x, { min: 0, lt: 1 }))) {
    out.push({ argument: `${prefix}betas`, expected: '[beta1, beta2] with 0 <= beta < 1', got: show(b) });
  }
  collectNumber(r, 'eps', { min: 0 }, out, prefix);
  collectNumber(r, 'weightDecay', { min: 0 }, out, prefix);
  collectBool(r, 'amsgrad', out, prefix);
  collectBool(r, 'maximize', out, prefix);
  return out;
}

/**
 * Adam (Kingma & Ba, 2015), exactly PyTorch's `torch.optim.Adam`. For each parameter `p`
 * with gradient `g`, with `t` its own step count (starting at 1):
 *
 * ```
 * g ← maximize ? -g : g
 * if weightDecay ≠ 0:  g ← g + weightDecay·p               (AdamW instead: p ← p·(1 - lr·weightDecay))
 * m ← m + (1 - β1)·(g - m)                                  (lerp; state "exp_avg")
 * v ← β2·v + (1 - β2)·g²                                    (state "exp_avg_sq")
 * amsgrad: v̂ ← max(v̂, v) and use v̂ below                   (state "max_exp_avg_sq")
 * denom ← sqrt(v) / sqrt(1 - β2^t) + eps
 * p ← p - (lr / (1 - β1^t))·m / denom
 * ```
 *
 * State: `step` (a number, in `meta.state`), `exp_avg`, `exp_avg_sq`, `max_exp_avg_sq`
 * (amsgrad), all starting at zero.
 *
 * Source: torch/optim/adam.py (`_single_tensor_adam`), PyTorch 2.x.
 */
export class Adam extends Optimizer<AdamGroupOptions> {
  /**
   * @param params parameters or parameter groups (a group's options override `options`)
   * @param options Adam options plus clipping ({@link ClipOptions})
   */
  constructor(params: Parameter[] | ParamGroup<AdamGroupOptions>[], options: AdamOptions & ClipOptions = {}) {
    super(params, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false, ...definedOnly(options) } as AdamGroupOptions &
      ClipOptions);
  }

  override get kind(): string {
    return 'Adam';
  }

  /** Whether weight decay is decoupled (AdamW). */
  protected get decoupled(): boolean {
    return false;
  }

  protected optionNames(): readonly string[] {
    return NAMES;
  }

  protected checkOptions(o: AdamGroupOptions, prefix: string): Problem[] {
    return checkAdamOptions(o, prefix);
  }

  protected stateSpec(): StateSpec {
    return { tensors: ['exp_avg', 'exp_avg_sq', 'max_exp_avg_sq'], scalars: ['step'], together: ['step', 'exp_avg', 'exp_avg_sq'] };
  }

  protected updateParam(param: Parameter, grad: tf.Tensor, group: ResolvedParamGroup<AdamGroupOptions>, state: ParamState): void {
    const { lr, eps, weightDecay, amsgrad } = group;
    const [beta1, beta2] = group.betas;
    let p: tf.Tensor = param.value;
    const step = (state.scalars.step ?? 0) + 1;
    state.scalars.step = step;
    let g = group.maximize ? tf.neg(grad) : grad;
    if (weightDecay !== 0) {
      if (this.decoupled) p = tf.mul(p, 1 - lr * weightDecay);
      else g = tf.add(g, tf.mul(p, weightDecay));
    }
    const m0 = state.tensors.exp_avg ?? tf.zerosLike(p);
    const v0 = state.tensors.exp_avg_sq ?? tf.zerosLike(p);
    const m = this.setStateTensor(state, 'exp_avg', tf.add(m0, tf.mul(tf.sub(g, m0), 1 - beta1)));
    const v = this.setStateTensor(state, 'exp_avg_sq', tf.add(tf.mul(v0, beta2), tf.mul(tf.mul(g, g), 1 - beta2)));
    const biasCorrection1 = 1 - beta1 ** step;
    const biasCorrection2 = 1 - beta2 ** step;
    const stepSize = lr / biasCorrection1;
    const biasCorrection2Sqrt = Math.sqrt(biasCorrection2);
    let second = v;
    if (amsgrad) {
      const vmax0 = state.tensors.max_exp_avg_sq ?? tf.zerosLike(p);
      second = this.setStateTensor(state, 'max_exp_avg_sq', tf.maximum(vmax0, v));
    }
    const denom = tf.add(tf.div(tf.sqrt(second), biasCorrection2Sqrt), eps);
    param.value.assign(tf.sub(p, tf.mul(tf.div(m, denom), stepSize)));
  }
}

/**
 * AdamW (Loshchilov & Hutter, 2019), exactly PyTorch's `torch.optim.AdamW`: {@link Adam}
 * with decoupled weight decay (default `weightDecay = 1e-2`) applied before the Adam update,
 *
 * ```
 * p ← p·(1 - lr·weightDecay)
 * (then Adam's update with the undecayed gradient)
 * ```
 *
 * Source: torch/optim/adamw.py / adam.py (`decoupled_weight_decay=True`), PyTorch 2.x.
 */
export class AdamW extends Adam {
  /**
   * @param params parameters or parameter groups (a group's options override `options`)
   * @param options AdamW options plus clipping ({@link ClipOptions})
   */
  constructor(params: Parameter[] | ParamGroup<AdamGroupOptions>[], options: AdamOptions & ClipOptions = {}) {
    super(params, { weightDecay: 1e-2, ...definedOnly(options) });
  }

  override get kind(): string {
    return 'AdamW';
  }

  protected override get decoupled(): boolean {
    return true;
  }
}
