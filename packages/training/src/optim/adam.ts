// torch.optim.Adam and torch.optim.AdamW on tfjs: a fused path (one set of elementwise ops over
// the flat concatenation of a group's float32 parameters, like torch's foreach/fused flags) and
// the single-tensor path (`_single_tensor_adam`), bit-identical to each other.
import { ConfigError, collectBool, collectNumber, definedOnly, numberOk, show, tf, type Parameter, type Problem } from '@basiskit/tensor';
import {
  Optimizer,
  checkLr,
  type ClipOptions,
  type OptimizerState,
  type ParamGroup,
  type ParamState,
  type ParamUpdate,
  type ResolvedParamGroup,
  type StateSpec,
} from './optimizer';
import { adamKernelAvailable, adamUpdateKernel, type AdamKernelScalars } from './adam_kernel';

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

/** {@link Adam}'s and {@link AdamW}'s optimizer-wide options (not per group, not in the state dict). */
export interface AdamForeachOptions {
  /**
   * Update all float32 parameters of a group that share a step count with one set of
   * elementwise ops over their flat concatenation (PyTorch's `foreach`/`fused`), keeping
   * `exp_avg`/`exp_avg_sq` flat between steps. Results and state are bit-identical to the
   * per-parameter path (`false`): the same float32 ops run in the same order on every element.
   * Default true.
   */
  foreach?: boolean;
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

/** The elementwise state names, in PyTorch's order (the order `stateDict` lists them). */
const MOMENTS = ['exp_avg', 'exp_avg_sq', 'max_exp_avg_sq'] as const;

/**
 * The moments of several parameters (one group, one step count) kept as flat float32 tensors:
 * parameter `indices[k]` owns elements `[offsets[k], offsets[k] + sizes[k])`.
 */
interface FlatState {
  key: string;
  indices: number[];
  shapes: number[][];
  sizes: number[];
  offsets: number[];
  tensors: Partial<Record<(typeof MOMENTS)[number], tf.Tensor>>;
}

/** `t` as a rank-1 tensor (itself when it already is). */
function flatten(t: tf.Tensor): tf.Tensor {
  return t.rank === 1 ? t : tf.reshape(t, [-1]);
}

/**
 * `flat` cut into `f`'s parameters (each shaped like its parameter on cpu and wasm, rank 1
 * elsewhere). On cpu and wasm, whose data lives in this thread, one read and a typed-array copy
 * per part: tfjs-wasm's Slice/SplitV copy element by element in JS (~1.5 ms for 100k floats,
 * more than the whole update); elsewhere `tf.split` keeps the data on the device.
 */
function splitFlat(flat: tf.Tensor, f: FlatState): tf.Tensor[] {
  const backend = tf.getBackend();
  if (backend !== 'cpu' && backend !== 'wasm') return tf.split(flat, f.sizes);
  const data = flat.dataSync() as Float32Array;
  return f.sizes.map((n, k) => tf.tensor(data.slice(f.offsets[k], f.offsets[k] + n), f.shapes[k], 'float32'));
}

/**
 * One Adam update on tensors of any shape (a parameter, or the flat concatenation of several
 * with the same step count): the same float32 ops in the same order whatever the layout, so
 * the fused and the per-parameter paths agree bit for bit. Call inside `tf.tidy`.
 */
function adamUpdate(
  p0: tf.Tensor,
  grad: tf.Tensor,
  m0: tf.Tensor,
  v0: tf.Tensor,
  vmax0: tf.Tensor | undefined,
  group: AdamGroupOptions,
  step: number,
  decoupled: boolean,
): { p: tf.Tensor; m: tf.Tensor; v: tf.Tensor; vmax?: tf.Tensor } {
  const { lr, eps, weightDecay, amsgrad } = group;
  const [beta1, beta2] = group.betas;
  let p = p0;
  let g = group.maximize ? tf.neg(grad) : grad;
  if (weightDecay !== 0) {
    if (decoupled) p = tf.mul(p, 1 - lr * weightDecay);
    else g = tf.add(g, tf.mul(p0, weightDecay));
  }
  const m = tf.add(m0, tf.mul(tf.sub(g, m0), 1 - beta1));
  const v = tf.add(tf.mul(v0, beta2), tf.mul(tf.mul(g, g), 1 - beta2));
  const biasCorrection1 = 1 - beta1 ** step;
  const biasCorrection2 = 1 - beta2 ** step;
  const stepSize = lr / biasCorrection1;
  const biasCorrection2Sqrt = Math.sqrt(biasCorrection2);
  const vmax = amsgrad ? tf.maximum(vmax0 ?? tf.zerosLike(v), v) : undefined;
  const denom = tf.add(tf.div(tf.sqrt(vmax ?? v), biasCorrection2Sqrt), eps);
  return { p: tf.sub(p, tf.mul(tf.div(m, denom), stepSize)), m, v, vmax };
}

/** A group's hyper-parameters for {@link adamUpdateKernel}. */
function pickScalars(g: AdamGroupOptions): Omit<AdamKernelScalars, 'step' | 'decoupled'> {
  return { lr: g.lr, betas: g.betas, eps: g.eps, weightDecay: g.weightDecay, amsgrad: g.amsgrad, maximize: g.maximize };
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
 * By default (`foreach: true`) the float32 parameters of a group that share a step count are
 * updated together: their gradients and values are concatenated once, the formula above runs
 * once on the flat tensors (the moments stay flat between steps) and the results are split back
 * (~4 kernels per parameter plus ~15 per group instead of ~11 per parameter); on the cpu and
 * wasm backends the formula is ONE typed-array kernel (`BasiskitAdamUpdate`, adam_kernel.ts)
 * that rounds every intermediate to float32 as the ops do, with no temporaries. Elementwise
 * float32 ops give the same bits whatever the layout, so parameters and state are
 * bit-identical to `foreach: false` (one parameter at a time, torch's `_single_tensor_adam`);
 * `stateDict()` lists the state per parameter either way.
 *
 * Source: torch/optim/adam.py (`_single_tensor_adam`, `_multi_tensor_adam`), PyTorch 2.x.
 */
export class Adam extends Optimizer<AdamGroupOptions> {
  /** Whether groups are updated with one set of ops over flat tensors ({@link AdamForeachOptions.foreach}). */
  readonly foreach: boolean;
  /** Flat moments by their parameter indices (`FlatState.key`). */
  private readonly flats = new Map<string, FlatState>();
  /** The flat state holding each parameter's moments, by parameter index. */
  private readonly flatOf = new Map<number, FlatState>();

  /**
   * @param params parameters or parameter groups (a group's options override `options`)
   * @param options Adam options plus clipping ({@link ClipOptions}) and `foreach` ({@link AdamForeachOptions})
   */
  constructor(params: Parameter[] | ParamGroup<AdamGroupOptions>[], options: AdamOptions & ClipOptions & AdamForeachOptions = {}) {
    const record = typeof options === 'object' && options !== null;
    const { foreach, ...rest } = record ? options : { foreach: undefined };
    super(params, {
      lr: 1e-3,
      betas: [0.9, 0.999],
      eps: 1e-8,
      weightDecay: 0,
      amsgrad: false,
      maximize: false,
      ...definedOnly(record ? rest : options),
    } as AdamGroupOptions & ClipOptions);
    if (foreach !== undefined && typeof foreach !== 'boolean') {
      throw new ConfigError('invalid option', { where: this.kind, argument: 'foreach', expected: 'a boolean or undefined', got: show(foreach) });
    }
    this.foreach = foreach ?? true;
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
    const p = param.value;
    const step = (state.scalars.step ?? 0) + 1;
    state.scalars.step = step;
    const t = state.tensors;
    const r = adamUpdate(p, grad, t.exp_avg ?? tf.zerosLike(p), t.exp_avg_sq ?? tf.zerosLike(p), t.max_exp_avg_sq, group, step, this.decoupled);
    this.setStateTensor(state, 'exp_avg', r.m);
    this.setStateTensor(state, 'exp_avg_sq', r.v);
    if (r.vmax) this.setStateTensor(state, 'max_exp_avg_sq', r.vmax);
    param.value.assign(r.p);
  }

  protected override applyUpdates(updates: readonly ParamUpdate[]): void {
    if (!this.foreach) return super.applyUpdates(updates);
    // Parameters update together when they share a group and a step count (a parameter
    // skipped in some step, having had no gradient, has its own bias corrections).
    const buckets = new Map<string, ParamUpdate[]>();
    for (const u of updates) {
      const st = this.stateOf(u.index);
      if (u.param.dtype !== 'float32' || u.param.size === 0) {
        this.updateParam(u.param, u.grad, this.paramGroups[u.group], st);
        continue;
      }
      const key = `${u.group}:${st.scalars.step ?? 0}`;
      const b = buckets.get(key);
      if (b) b.push(u);
      else buckets.set(key, [u]);
    }
    for (const us of buckets.values()) this.updateFlat(us);
  }

  /** One fused update of parameters of one group with one step count. Inside `tf.tidy`. */
  private updateFlat(us: ParamUpdate[]): void {
    const group = this.paramGroups[us[0].group];
    const f = this.flatFor(us.map((u) => u.index));
    if (group.amsgrad && !f.tensors.max_exp_avg_sq) this.gather(f, 'max_exp_avg_sq');
    const cat = (ts: tf.Tensor[]) => (ts.length === 1 ? flatten(ts[0]) : tf.concat(ts.map(flatten)));
    const p = cat(us.map((u) => u.param.value));
    const g = cat(us.map((u) => u.grad));
    const step = (this.stateOf(us[0].index).scalars.step ?? 0) + 1;
    for (const u of us) this.stateOf(u.index).scalars.step = step;
    const { exp_avg: m0, exp_avg_sq: v0, max_exp_avg_sq: vmax0 } = f.tensors;
    const r = adamKernelAvailable()
      ? adamUpdateKernel(p, g, m0 ?? tf.zerosLike(p), v0 ?? tf.zerosLike(p), group.amsgrad ? (vmax0 ?? tf.zerosLike(p)) : undefined, {
          ...pickScalars(group),
          step,
          decoupled: this.decoupled,
        })
      : adamUpdate(p, g, m0 ?? tf.zerosLike(p), v0 ?? tf.zerosLike(p), vmax0, group, step, this.decoupled);
    this.setFlat(f, 'exp_avg', r.m);
    this.setFlat(f, 'exp_avg_sq', r.v);
    if (r.vmax) this.setFlat(f, 'max_exp_avg_sq', r.vmax);
    const parts = us.length === 1 ? [r.p] : splitFlat(r.p, f);
    us.forEach((u, k) => u.param.value.assign(parts[k].rank === f.shapes[k].length ? parts[k] : tf.reshape(parts[k], f.shapes[k])));
  }

  private setFlat(f: FlatState, name: (typeof MOMENTS)[number], t: tf.Tensor): void {
    const old = f.tensors[name];
    if (old === t) return;
    f.tensors[name] = tf.keep(t);
    if (old && !old.isDisposed) old.dispose();
  }

  /** The flat state over exactly `indices`, made from their per-parameter state if needed. */
  private flatFor(indices: number[]): FlatState {
    const key = indices.join(',');
    const have = this.flats.get(key);
    if (have) return have;
    for (const i of indices) {
      const other = this.flatOf.get(i);
      if (other) this.unflatten(other);
    }
    const params = this.params;
    const shapes = indices.map((i) => params[i].shape);
    const sizes = shapes.map((s) => s.reduce((a, b) => a * b, 1));
    const offsets: number[] = [];
    sizes.reduce((o, n) => (offsets.push(o), o + n), 0);
    const f: FlatState = { key, indices, shapes, sizes, offsets, tensors: {} };
    this.flats.set(key, f);
    for (const i of indices) this.flatOf.set(i, f);
    this.gather(f, 'exp_avg');
    this.gather(f, 'exp_avg_sq');
    // max_exp_avg_sq joins when every parameter has it (or amsgrad needs it, see updateFlat)
    if (indices.every((i) => this.stateOf(i).tensors.max_exp_avg_sq)) this.gather(f, 'max_exp_avg_sq');
    return f;
  }

  /** Moves the per-parameter tensors `name` of `f`'s parameters into `f` (zeros where missing, as the update would start them). */
  private gather(f: FlatState, name: (typeof MOMENTS)[number]): void {
    const states = f.indices.map((i) => this.stateOf(i));
    if (states.every((st) => !st.tensors[name])) return;
    const flat = tf.tidy(() => {
      const parts = states.map((st, k) => (st.tensors[name] ? flatten(st.tensors[name]) : tf.zeros([f.sizes[k]])));
      return parts.length === 1 ? parts[0] : tf.concat(parts);
    });
    f.tensors[name] = tf.keep(flat);
    for (const st of states) {
      const t = st.tensors[name];
      delete st.tensors[name];
      if (t && t !== flat) t.dispose();
    }
  }

  /** Gives `f`'s moments back to its parameters (per-parameter tensors) and drops `f`. */
  private unflatten(f: FlatState): void {
    for (const name of MOMENTS) {
      const flat = f.tensors[name];
      if (!flat) continue;
      f.indices.forEach((i, k) => {
        const t = tf.keep(tf.tidy(() => tf.reshape(tf.slice(flat, [f.offsets[k]], [f.sizes[k]]), f.shapes[k])));
        this.stateOf(i).tensors[name] = t;
      });
      flat.dispose();
    }
    this.flats.delete(f.key);
    for (const i of f.indices) this.flatOf.delete(i);
  }

  protected override exportStateTensors(index: number, state: ParamState): Record<string, tf.Tensor> {
    const own = super.exportStateTensors(index, state);
    const f = this.flatOf.get(index);
    if (!f) return own;
    const k = f.indices.indexOf(index);
    const out: Record<string, tf.Tensor> = {};
    for (const name of MOMENTS) {
      const flat = f.tensors[name];
      if (flat) {
        out[name] = tf.tidy(() => tf.reshape(tf.slice(flat, [f.offsets[k]], [f.sizes[k]]), f.shapes[k]));
        own[name]?.dispose(); // (never both: a moment is either flat or per parameter)
      } else if (own[name]) out[name] = own[name];
    }
    for (const [name, t] of Object.entries(own)) if (!(name in out)) out[name] = t;
    return out;
  }

  /**
   * {@link Optimizer.loadStateDict}, then (with `foreach`) the loaded moments laid out flat as
   * the next step would (per group and step count), so a save/load round trip leaves the
   * optimizer holding the same tensors as before.
   */
  override loadStateDict(state: OptimizerState): void {
    super.loadStateDict(state);
    if (!this.foreach) return;
    const buckets = new Map<string, number[]>();
    let index = 0;
    this.paramGroups.forEach((g, gi) => {
      for (const p of g.params) {
        const st = this.state.get(index);
        if (st?.tensors.exp_avg && p.dtype === 'float32' && p.size > 0) {
          const key = `${gi}:${st.scalars.step ?? 0}`;
          const b = buckets.get(key);
          if (b) b.push(index);
          else buckets.set(key, [index]);
        }
        index++;
      }
    });
    for (const indices of buckets.values()) this.flatFor(indices);
  }

  protected override clearExtra(): void {
    for (const f of this.flats.values()) tf.dispose(Object.values(f.tensors));
    this.flats.clear();
    this.flatOf.clear();
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
   * @param options AdamW options plus clipping ({@link ClipOptions}) and `foreach` ({@link AdamForeachOptions})
   */
  constructor(params: Parameter[] | ParamGroup<AdamGroupOptions>[], options: AdamOptions & ClipOptions & AdamForeachOptions = {}) {
    super(params, { weightDecay: 1e-2, ...definedOnly(options) });
  }

  override get kind(): string {
    return 'AdamW';
  }

  protected override get decoupled(): boolean {
    return true;
  }
}
