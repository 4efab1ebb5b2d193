// torch.optim.SGD (single-tensor, non-foreach path) on tfjs.
import { collectBool, collectNumber, definedOnly, tf, type Parameter, type Problem } from '@basiskit/tensor';
import { Optimizer, checkLr, type ClipOptions, type ParamGroup, type ParamState, type ResolvedParamGroup, type StateSpec } from './optimizer';

/** Options of {@link SGD} (PyTorch's argument names in camelCase, same defaults). */
export interface SGDOptions {
  /** Learning rate (required). */
  lr: number;
  /** Momentum factor. Default 0. */
  momentum?: number;
  /** Dampening for momentum. Default 0. */
  dampening?: number;
  /** L2 penalty added to the gradient (`g + weightDecay·p`). Default 0. */
  weightDecay?: number;
  /** Nesterov momentum (needs `momentum > 0` and `dampening = 0`). Default false. */
  nesterov?: boolean;
  /** Maximize the objective instead of minimizing it. Default false. */
  maximize?: boolean;
}

/** {@link SGD}'s per-group options, resolved. */
export type SGDGroupOptions = Required<SGDOptions>;

const NAMES = ['lr', 'momentum', 'dampening', 'weightDecay', 'nesterov', 'maximize'] as const;

/**
 * Stochastic gradient descent with optional momentum, Nesterov momentum and weight decay,
 * exactly PyTorch's `torch.optim.SGD`. For each parameter `p` with gradient `g`:
 *
 * ```
 * g ← maximize ? -g : g
 * if weightDecay ≠ 0:  g ← g + weightDecay·p
 * if momentum ≠ 0:
 *   b ← first step ? g : momentum·b + (1 - dampening)·g      (state "momentum_buffer")
 *   g ← nesterov ? g + momentum·b : b
 * p ← p - lr·g
 * ```
 *
 * State: `momentum_buffer` (when momentum ≠ 0), created from the first gradient.
 *
 * Source: torch/optim/sgd.py (`_single_tensor_sgd`), PyTorch 2.x.
 *
 * @example
 * const opt = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9, nesterov: true });
 * const loss = opt.step(() => lossFn(model.forward(x), y)); loss.dispose();
 */
export class SGD extends Optimizer<SGDGroupOptions> {
  /**
   * @param params parameters or parameter groups (a group's options override `options`)
   * @param options SGD options plus clipping ({@link ClipOptions})
   */
  constructor(params: Parameter[] | ParamGroup<SGDGroupOptions>[], options: SGDOptions & ClipOptions) {
    super(params, { momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false, ...definedOnly(options) } as SGDGroupOptions & ClipOptions);
  }

  override get kind(): string {
    return 'SGD';
  }

  protected optionNames(): readonly string[] {
    return NAMES;
  }

  protected checkOptions(o: SGDGroupOptions, prefix: string): Problem[] {
    const out: Problem[] = [];
    const r = o as unknown as Record<string, unknown>;
    checkLr(r, prefix, out);
    collectNumber(r, 'momentum', { min: 0 }, out, prefix);
    collectNumber(r, 'dampening', {}, out, prefix);
    collectNumber(r, 'weightDecay', { min: 0 }, out, prefix);
    collectBool(r, 'nesterov', out, prefix);
    collectBool(r, 'maximize', out, prefix);
    if (!out.length && o.nesterov && (o.momentum <= 0 || o.dampening !== 0)) {
      out.push({
        argument: `${prefix}nesterov`,
        expected: 'momentum > 0 and dampening = 0 for Nesterov momentum',
        got: `momentum ${o.momentum}, dampening ${o.dampening}`,
      });
    }
    return out;
  }

  protected stateSpec(): StateSpec {
    return { tensors: ['momentum_buffer'], scalars: [], together: [] };
  }

  protected updateParam(param: Parameter, grad: tf.Tensor, group: ResolvedParamGroup<SGDGroupOptions>, state: ParamState): void {
    const p = param.value;
    let g = group.maximize ? tf.neg(grad) : grad;
    if (group.weightDecay !== 0) g = tf.add(g, tf.mul(p, group.weightDecay));
    if (group.momentum !== 0) {
      const old = state.tensors.momentum_buffer;
      const buf = old ? tf.add(tf.mul(old, group.momentum), tf.mul(g, 1 - group.dampening)) : tf.clone(g);
      this.setStateTensor(state, 'momentum_buffer', buf);
      g = group.nesterov ? tf.add(g, tf.mul(buf, group.momentum)) : buf;
    }
    p.assign(tf.sub(p, tf.mul(g, group.lr)));
  }
}
