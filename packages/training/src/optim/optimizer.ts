// The optimizer base class: PyTorch's torch.optim.Optimizer (param groups whose options
// override the defaults, lazily created per-parameter state, state_dict/load_state_dict) on
// tfjs variables, with gradient clipping built in and every step leak-free.
import {
  ConfigError,
  DisposedError,
  ShapeError,
  StateDictError,
  collectNumber,
  copyJson,
  definedOnly,
  formatProblem,
  formatShape,
  isRecord,
  numberOk,
  show,
  tf,
  type Parameter,
  type Problem,
} from '@basiskit/tensor';
import { clipGradNorm, clipGradValue } from './clip';

/** Gradient clipping applied by every optimizer before its update (global, not per group). */
export interface ClipOptions {
  /**
   * Rescale the gradients of all parameters (all groups) so that their total L2 norm is at
   * most this, like calling `torch.nn.utils.clip_grad_norm_(params, clipGradNorm)` between
   * `backward()` and `step()`. See {@link clipGradNorm}.
   */
  clipGradNorm?: number;
  /**
   * Clamp every gradient element to `[-clipGradValue, clipGradValue]`, like
   * `torch.nn.utils.clip_grad_value_`. Applied before `clipGradNorm` when both are set.
   */
  clipGradValue?: number;
}

/**
 * A parameter group as the constructor takes it (PyTorch's param groups): its parameters and
 * any options that override the optimizer's defaults for them.
 *
 * @example
 * new SGD([{ params: body }, { params: head, lr: 1e-2, weightDecay: 0 }], { lr: 1e-3, momentum: 0.9 });
 */
export type ParamGroup<O> = { params: Parameter[] } & Partial<O>;

/** A parameter group with every option resolved (defaults filled in). Options may be changed in place. */
export type ResolvedParamGroup<O> = O & { readonly params: readonly Parameter[] };

/**
 * An optimizer's state as {@link Optimizer.stateDict} returns it and
 * {@link Optimizer.loadStateDict} takes it.
 *
 * - `tensors`: per-parameter state tensors keyed `state.<i>.<name>` (`state.0.exp_avg`), where
 *   `i` is the parameter's index counted over all groups in order (PyTorch's packed indices)
 *   and `name` is PyTorch's state name.
 * - `meta`: JSON data — `optimizer` (the class), `paramGroups` (each group's options, PyTorch's
 *   `param_groups` without `params`), `groupSizes` (parameters per group), `state`
 *   (per-parameter numbers such as Adam's `step`, keyed by index) and optimizer-specific entries
 *   (L-BFGS keeps its history under `lbfgs`).
 */
export interface OptimizerState {
  tensors: Record<string, tf.Tensor>;
  meta: Record<string, unknown>;
}

/** The state of one parameter: tensors (momentum, moments) and numbers (step counts). */
export interface ParamState {
  tensors: Record<string, tf.Tensor>;
  scalars: Record<string, number>;
}

/**
 * Which per-parameter state an optimizer keeps, for {@link Optimizer.loadStateDict}'s checks:
 * tensor names (each shaped like its parameter), number names (non-negative integers), and
 * names that must all be present once a parameter has any state.
 */
export interface StateSpec {
  tensors: readonly string[];
  scalars: readonly string[];
  together: readonly string[];
}

/** One parameter's update in a step: the parameter, its (clipped) gradient, its state index and its group. */
export interface ParamUpdate {
  param: Parameter;
  grad: tf.Tensor;
  /** Index over all groups (PyTorch's packed state index). */
  index: number;
  /** Index of its parameter group. */
  group: number;
}

interface Slot {
  param: Parameter;
  /** Index over all groups (PyTorch's packed state index). */
  index: number;
  group: number;
}

const CLIP_KEYS = ['clipGradNorm', 'clipGradValue'];
const STATE_KEY_RE = /^state\.(0|[1-9][0-9]*)\.([A-Za-z_][A-Za-z0-9_]*)$/;

function isParameter(x: unknown): x is Parameter {
  return typeof x === 'object' && x !== null && (x as { value?: unknown }).value instanceof tf.Variable;
}

/**
 * Base class of basiskit's optimizers, with PyTorch's `torch.optim.Optimizer` semantics:
 *
 * - parameters are given as a list or as groups `{ params, ...options }`; a group's options
 *   override the defaults (`paramGroups` holds the resolved options, which schedulers and
 *   users may change between steps, e.g. with {@link Optimizer.setLr});
 * - {@link Optimizer.step} evaluates the loss closure and the gradients of every *trainable*
 *   parameter; a parameter without a gradient (not connected to the loss) is skipped, like
 *   PyTorch's `grad is None`; frozen parameters (`trainable = false`) are never touched;
 * - per-parameter state (momentum buffers, Adam moments, step counts) is created lazily on a
 *   parameter's first update and saved/restored bit-exactly by
 *   {@link Optimizer.stateDict}/{@link Optimizer.loadStateDict}.
 *
 * Subclasses implement {@link Optimizer.updateParam} (the per-parameter update rule, called
 * inside `tf.tidy`) or override `step` (L-BFGS).
 *
 * Source: torch/optim/optimizer.py.
 */
export abstract class Optimizer<O extends { lr: number }> {
  /** The parameter groups with their resolved options, in the order given. */
  readonly paramGroups: readonly ResolvedParamGroup<O>[];
  /** See {@link ClipOptions.clipGradNorm}; `undefined` when off. */
  readonly clipGradNorm: number | undefined;
  /** See {@link ClipOptions.clipGradValue}; `undefined` when off. */
  readonly clipGradValue: number | undefined;
  /** Per-parameter state, keyed by the parameter's index over all groups. */
  protected readonly state = new Map<number, ParamState>();
  private readonly slots: Slot[] = [];
  private disposed = false;

  /**
   * @param params the parameters to optimize, or parameter groups (see {@link ParamGroup});
   *   every parameter may appear only once.
   * @param defaults the resolved default options (each subclass fills in its defaults) plus
   *   the clipping options.
   * @throws ConfigError naming the class, the argument, what was expected and what came.
   */
  constructor(params: Parameter[] | ParamGroup<O>[], defaults: O & ClipOptions) {
    const where = this.kind;
    const fail = (problem: string, p: Problem): never => {
      throw new ConfigError(problem, { where, ...p });
    };
    if (!isRecord(defaults)) fail('invalid options', { argument: 'options', expected: 'an options object', got: show(defaults) });
    const { clipGradNorm: cn, clipGradValue: cv, ...rest } = defaults as O & ClipOptions & Record<string, unknown>;
    for (const [k, v] of [
      ['clipGradNorm', cn],
      ['clipGradValue', cv],
    ] as const) {
      if (v !== undefined && !numberOk(v, { gt: 0, infinite: true }))
        fail('invalid option', { argument: k, expected: 'a number > 0 or undefined', got: show(v) });
    }
    this.clipGradNorm = cn;
    this.clipGradValue = cv;
    const names = this.optionNames();
    for (const k of Object.keys(rest)) {
      if (!names.includes(k)) fail('unknown option', { argument: k, expected: `one of ${names.join(', ')}, clipGradNorm, clipGradValue`, got: k });
    }
    const bad = this.checkOptions(rest as unknown as O, '');
    if (bad.length) fail('invalid option', bad[0]);

    if (!Array.isArray(params) || params.length === 0) {
      fail('optimizer got an empty parameter list', {
        argument: 'params',
        expected: 'a non-empty array of Parameters or of parameter groups { params, ...options }',
        got: Array.isArray(params) ? '[]' : show(params),
      });
    }
    const asGroups = (params as unknown[]).every((g) => isRecord(g) && 'params' in g && !isParameter(g));
    const asParams = (params as unknown[]).every(isParameter);
    if (!asGroups && !asParams) {
      const i = (params as unknown[]).findIndex((g) => !isParameter(g));
      fail('invalid params', {
        argument: `params[${i}]`,
        expected: 'all Parameters or all parameter groups { params, ...options } (not mixed)',
        got: isRecord((params as unknown[])[i])
          ? `an object with keys ${Object.keys((params as Record<string, unknown>[])[i]).join(', ')}`
          : show((params as unknown[])[i]),
      });
    }
    const groups: Record<string, unknown>[] = asGroups ? (params as Record<string, unknown>[]) : [{ params }];
    const seen = new Map<Parameter, string>();
    const resolved: ResolvedParamGroup<O>[] = [];
    groups.forEach((g, gi) => {
      const prefix = asGroups ? `paramGroups[${gi}].` : '';
      const ps = g.params;
      if (!Array.isArray(ps) || ps.length === 0) {
        fail('parameter group has no parameters', { argument: `${prefix}params`, expected: 'a non-empty array of Parameters', got: show(ps) });
      }
      (ps as unknown[]).forEach((p: unknown, pi) => {
        const at = `${prefix || 'params'}${prefix ? 'params' : ''}[${pi}]`;
        if (!isParameter(p)) return fail('not a Parameter', { argument: at, expected: 'a Parameter (with a tf.Variable value)', got: show(p) });
        const before = seen.get(p);
        if (before !== undefined) {
          fail('some parameters appear in more than one parameter group (or twice in one)', {
            argument: at,
            expected: 'each parameter once',
            got: `the same Parameter as ${before}`,
          });
        }
        seen.set(p, at);
      });
      const opts: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(g)) {
        if (k === 'params') continue;
        if (CLIP_KEYS.includes(k))
          fail('clipping is global, not per group', { argument: `${prefix}${k}`, expected: 'clipping in the optimizer options', got: show(v) });
        if (!names.includes(k)) fail('unknown option', { argument: `${prefix}${k}`, expected: `one of ${names.join(', ')}`, got: k });
        opts[k] = v;
      }
      const full = { ...copyJson(rest), ...copyJson(definedOnly(opts)) } as Record<string, unknown>;
      const problems = this.checkOptions(full as unknown as O, prefix);
      if (problems.length) fail('invalid option', problems[0]);
      full.params = Object.freeze([...(ps as Parameter[])]);
      resolved.push(full as ResolvedParamGroup<O>);
    });
    this.paramGroups = Object.freeze(resolved);
    let index = 0;
    resolved.forEach((g, gi) => {
      for (const param of g.params) this.slots.push({ param, index: index++, group: gi });
    });
  }

  // ---------------------------------------------------------------------------------------
  // What subclasses provide. These run from the base constructor too, so they may not read
  // the subclass's own fields.

  /**
   * The optimizer's name (`'Adam'`), used in error messages and in `stateDict().meta.optimizer`.
   * Subclasses override it (the default, the constructor's name, may be minified away).
   */
  get kind(): string {
    return this.constructor.name;
  }

  /** The names of the per-group options (the keys of `O`). */
  protected abstract optionNames(): readonly string[];

  /** Problems with a resolved option set; `prefix` (`paramGroups[1].`) goes before each argument name. */
  protected abstract checkOptions(options: O, prefix: string): Problem[];

  /** The per-parameter state this optimizer keeps (for loadStateDict's checks). */
  protected abstract stateSpec(): StateSpec;

  /**
   * Updates one parameter in place from its gradient (already clipped), with its group's
   * options and its state. Called inside `tf.tidy`: store state with
   * {@link Optimizer.setStateTensor} (which keeps it), write the parameter with
   * `param.value.assign(...)`.
   */
  protected abstract updateParam(param: Parameter, grad: tf.Tensor, group: ResolvedParamGroup<O>, state: ParamState): void;

  /** Optimizer-wide state for `stateDict().meta` (L-BFGS); JSON data. */
  protected extraMeta(): Record<string, unknown> {
    return {};
  }

  /** Checks the optimizer-wide part of `meta` (appends problems). */
  protected checkExtraMeta(_meta: Record<string, unknown>, _problems: string[]): void {}

  /** Loads the optimizer-wide part of `meta` (already checked). */
  protected loadExtraMeta(_meta: Record<string, unknown>): void {}

  /** Frees/clears optimizer-wide state. */
  protected clearExtra(): void {}

  // ---------------------------------------------------------------------------------------

  /** The learning rate of group `group` (default the first). */
  getLr(group = 0): number {
    this.checkGroup(group, 'getLr');
    return this.paramGroups[group].lr;
  }

  /** Sets the learning rate of group `group`, or of every group when omitted. */
  setLr(lr: number, group?: number): void {
    if (!numberOk(lr, { min: 0 }))
      throw new ConfigError('invalid learning rate', { where: `${this.kind}.setLr`, argument: 'lr', expected: 'a finite number >= 0', got: show(lr) });
    if (group === undefined) {
      for (const g of this.paramGroups) g.lr = lr;
    } else {
      this.checkGroup(group, 'setLr');
      this.paramGroups[group].lr = lr;
    }
  }

  /** Every parameter, over all groups in order (index = state index). */
  get params(): Parameter[] {
    return this.slots.map((s) => s.param);
  }

  private checkGroup(group: number, method: string): void {
    if (!Number.isInteger(group) || group < 0 || group >= this.paramGroups.length) {
      throw new ConfigError('no such parameter group', {
        where: `${this.kind}.${method}`,
        argument: 'group',
        expected: `an integer in [0, ${this.paramGroups.length})`,
        got: show(group),
      });
    }
  }

  /** Whether {@link Optimizer.dispose} has freed this optimizer. */
  get isDisposed(): boolean {
    return this.disposed;
  }

  /** Throws a DisposedError naming the optimizer and `method` once it is disposed. */
  protected checkUsable(method: string): void {
    if (this.disposed) throw new DisposedError('the optimizer was disposed', { where: `${this.kind}.${method}` });
  }

  /** Checks what a closure returned: a rank-0 tensor. */
  protected checkLoss(v: unknown): asserts v is tf.Scalar {
    if (!(v instanceof tf.Tensor) || v.rank !== 0) {
      throw new ShapeError('the closure must return a scalar loss', {
        where: `${this.kind}.step`,
        argument: 'closure',
        expected: 'a rank-0 tf.Tensor',
        got: v instanceof tf.Tensor ? `shape ${formatShape(v.shape)}` : show(v),
      });
    }
  }

  private checkClosure(closure: unknown): void {
    if (typeof closure !== 'function') {
      throw new ConfigError('invalid closure', {
        where: `${this.kind}.step`,
        argument: 'closure',
        expected: 'a function returning the scalar loss',
        got: show(closure),
      });
    }
  }

  /** Evaluates `closure` without gradients and checks its result. Call inside `tf.tidy`. */
  protected evaluateLoss(closure: () => tf.Scalar): tf.Scalar {
    this.checkClosure(closure);
    const v = closure();
    this.checkLoss(v);
    return v;
  }

  /**
   * Evaluates `closure` and the gradients of `params` (all trainable), then applies the
   * configured clipping to the gradients that exist. Entries are `null` for parameters the loss
   * does not depend on. Call inside `tf.tidy`.
   */
  protected computeGradients(closure: () => tf.Scalar, params: readonly Parameter[]): { value: tf.Scalar; grads: (tf.Tensor | null)[] } {
    this.checkClosure(closure);
    // A closure that throws or returns a non-tensor is reported after the tape closes:
    // throwing inside tfjs's gradient tape leaks the tensors the tape saved for the backward
    // pass (they are kept, so no tidy frees them); a finished `gradients` call disposes them.
    let notTensor: { v: unknown } | undefined;
    let thrown: { e: unknown } | undefined;
    const f = () => {
      let v: unknown;
      try {
        v = closure();
      } catch (e) {
        thrown = { e };
        return tf.scalar(0);
      }
      if (v instanceof tf.Tensor) return v;
      notTensor = { v };
      return tf.scalar(0);
    };
    const { value, grads } = tf.engine().gradients(
      f,
      params.map((p) => p.value),
      undefined,
      true,
    );
    if (thrown) throw thrown.e;
    this.checkLoss(notTensor ? notTensor.v : value);
    const present = grads.filter((g): g is tf.Tensor => g != null);
    let clipped = present;
    if (this.clipGradValue !== undefined) clipped = clipGradValue(clipped, this.clipGradValue);
    if (this.clipGradNorm !== undefined) clipped = clipGradNorm(clipped, this.clipGradNorm).grads;
    let k = 0;
    return { value, grads: grads.map((g) => (g == null ? null : clipped[k++])) };
  }

  /**
   * One optimization step: evaluates `closure` (which returns the scalar loss, computed from
   * the parameters' `value`s with tfjs ops) and the gradients of every trainable parameter,
   * clips them if configured, and updates the parameters in place. Everything but the
   * returned loss is freed (no tensors leak per step); state tensors are created on a
   * parameter's first update and kept.
   *
   * @returns the loss, evaluated before the update; the caller disposes it.
   */
  step(closure: () => tf.Scalar): tf.Scalar {
    this.checkUsable('step');
    const slots = this.slots.filter((s) => s.param.trainable);
    return tf.tidy(() => {
      if (slots.length === 0) return this.evaluateLoss(closure);
      const { value, grads } = this.computeGradients(
        closure,
        slots.map((s) => s.param),
      );
      const updates: ParamUpdate[] = [];
      grads.forEach((g, i) => {
        if (g != null) updates.push({ param: slots[i].param, grad: g, index: slots[i].index, group: slots[i].group });
      });
      this.applyUpdates(updates);
      return value;
    });
  }

  /**
   * Applies the updates of one step (parameters with a gradient, in order over all groups).
   * Called inside `tf.tidy`. The default calls {@link Optimizer.updateParam} for each in turn;
   * Adam overrides it to update a whole group with one set of ops.
   */
  protected applyUpdates(updates: readonly ParamUpdate[]): void {
    for (const u of updates) this.updateParam(u.param, u.grad, this.paramGroups[u.group], this.stateOf(u.index));
  }

  /**
   * The state tensors of parameter `index` for {@link Optimizer.stateDict}, as new tensors
   * the caller owns, in PyTorch's layout (each shaped like its parameter). The default copies
   * `state.tensors`; an optimizer that keeps some state elsewhere (Adam's flat state) adds it.
   */
  protected exportStateTensors(_index: number, state: ParamState): Record<string, tf.Tensor> {
    const out: Record<string, tf.Tensor> = {};
    for (const [name, t] of Object.entries(state.tensors)) out[name] = tf.clone(t);
    return out;
  }

  /** The state of parameter `index`, created (empty) on first use. */
  protected stateOf(index: number): ParamState {
    let st = this.state.get(index);
    if (!st) {
      st = { tensors: {}, scalars: {} };
      this.state.set(index, st);
    }
    return st;
  }

  /** Stores `t` as state tensor `name` (kept across `tf.tidy`), disposing the previous value. */
  protected setStateTensor(state: ParamState, name: string, t: tf.Tensor): tf.Tensor {
    const old = state.tensors[name];
    if (old === t) return t;
    state.tensors[name] = tf.keep(t);
    if (old && !old.isDisposed) old.dispose();
    return t;
  }

  /**
   * The optimizer's state (see {@link OptimizerState}). The tensors are new tensors the caller
   * owns (dispose them when done; the optimizer's own state is unaffected); `meta` is a
   * fresh JSON-compatible object. Loading it with {@link Optimizer.loadStateDict} into a new
   * optimizer of the same kind over the same parameters continues bit-exactly.
   */
  stateDict(): OptimizerState {
    this.checkUsable('stateDict');
    const tensors: Record<string, tf.Tensor> = {};
    const perParam: Record<string, Record<string, number>> = {};
    const indices = [...this.state.keys()].sort((a, b) => a - b);
    for (const i of indices) {
      const st = this.state.get(i)!;
      for (const [name, t] of Object.entries(this.exportStateTensors(i, st))) tensors[`state.${i}.${name}`] = tf.keep(t);
      if (Object.keys(st.scalars).length) perParam[String(i)] = { ...st.scalars };
    }
    const paramGroups = this.paramGroups.map((g) => {
      const o: Record<string, unknown> = {};
      for (const k of this.optionNames()) o[k] = copyJson((g as Record<string, unknown>)[k]);
      return o;
    });
    const meta: Record<string, unknown> = {
      optimizer: this.kind,
      paramGroups,
      groupSizes: this.paramGroups.map((g) => g.params.length),
      state: perParam,
      ...copyJson(this.extraMeta()),
    };
    return { tensors, meta };
  }

  /**
   * Restores a state from {@link Optimizer.stateDict}: the group options (learning rates
   * included, as PyTorch does), the per-parameter state and any optimizer-wide state.
   * Everything is checked first — the optimizer kind, the number and sizes of groups, every
   * option, every tensor key (`state.<i>.<name>` with a known name and an index in range),
   * shape and dtype, every number — and all problems are reported in one
   * {@link StateDictError}; when it throws, nothing has been loaded. The dict's tensors stay
   * the caller's (they are copied).
   */
  loadStateDict(state: OptimizerState): void {
    this.checkUsable('loadStateDict');
    const where = `${this.kind}.loadStateDict`;
    if (!isRecord(state) || !isRecord(state.tensors) || !isRecord(state.meta)) {
      throw new ConfigError('invalid optimizer state', { where, argument: 'state', expected: '{ tensors, meta } as stateDict() returns', got: show(state) });
    }
    const { tensors, meta } = state;
    const problems: string[] = [];
    const missing: string[] = [];
    const unexpected: string[] = [];
    const mismatched: { key: string; expected: number[]; got: number[] }[] = [];
    if (meta.optimizer !== this.kind) problems.push(`meta.optimizer: expected ${show(this.kind)}, got ${show(meta.optimizer)}`);
    const names = this.optionNames();
    const groups = meta.paramGroups;
    if (!Array.isArray(groups) || groups.length !== this.paramGroups.length) {
      problems.push(`meta.paramGroups: expected ${this.paramGroups.length} group(s), got ${Array.isArray(groups) ? groups.length : show(groups)}`);
    } else {
      groups.forEach((g: unknown, gi) => {
        if (!isRecord(g)) {
          problems.push(`meta.paramGroups[${gi}]: expected an object, got ${show(g)}`);
          return;
        }
        for (const k of names) if (!(k in g)) problems.push(`meta.paramGroups[${gi}]: missing option ${k}`);
        for (const k of Object.keys(g)) if (!names.includes(k)) problems.push(`meta.paramGroups[${gi}]: unknown option ${k}`);
        if (names.every((k) => k in g)) {
          for (const p of this.checkOptions(g as unknown as O, `meta.paramGroups[${gi}].`)) problems.push(formatProblem(p));
        }
      });
    }
    const sizes = this.paramGroups.map((g) => g.params.length);
    if (!Array.isArray(meta.groupSizes) || meta.groupSizes.length !== sizes.length || meta.groupSizes.some((n, i) => n !== sizes[i])) {
      problems.push(`meta.groupSizes: expected [${sizes.join(', ')}], got ${show(meta.groupSizes)}`);
    }
    const spec = this.stateSpec();
    const present = new Map<number, Set<string>>();
    const mark = (i: number, name: string) => {
      let s = present.get(i);
      if (!s) present.set(i, (s = new Set()));
      s.add(name);
    };
    for (const [key, t] of Object.entries(tensors)) {
      const m = STATE_KEY_RE.exec(key);
      const i = m ? Number(m[1]) : -1;
      if (!m || i >= this.slots.length || !spec.tensors.includes(m[2])) {
        unexpected.push(key);
        continue;
      }
      if (!(t instanceof tf.Tensor) || t.isDisposed) {
        problems.push(`${key}: expected a live tf.Tensor, got ${t instanceof tf.Tensor ? 'a disposed tensor' : show(t)}`);
        continue;
      }
      const p = this.slots[i].param;
      if (t.shape.join() !== p.shape.join()) mismatched.push({ key, expected: p.shape, got: t.shape });
      else if (t.dtype !== p.dtype) problems.push(`dtype mismatch for ${key}: expected ${p.dtype}, got ${t.dtype}`);
      mark(i, m[2]);
    }
    if (!isRecord(meta.state)) {
      problems.push(`meta.state: expected an object, got ${show(meta.state)}`);
    } else {
      for (const [k, v] of Object.entries(meta.state)) {
        const i = /^(0|[1-9][0-9]*)$/.test(k) ? Number(k) : -1;
        if (i < 0 || i >= this.slots.length || !isRecord(v)) {
          problems.push(`meta.state.${k}: expected a parameter index in [0, ${this.slots.length}) with an object of numbers, got ${show(v)}`);
          continue;
        }
        for (const [name, x] of Object.entries(v)) {
          if (!spec.scalars.includes(name)) problems.push(`meta.state.${k}.${name}: unknown state (expected one of ${spec.scalars.join(', ') || 'none'})`);
          else if (!numberOk(x, { min: 0, integer: true })) problems.push(`meta.state.${k}.${name}: expected an integer >= 0, got ${show(x)}`);
          else mark(i, name);
        }
      }
    }
    for (const [i, names2] of present) {
      const lacking = spec.together.filter((n) => !names2.has(n));
      if (lacking.length) {
        for (const n of lacking) missing.push(spec.tensors.includes(n) ? `state.${i}.${n}` : `meta.state.${i}.${n}`);
      }
    }
    this.checkExtraMeta(meta, problems);
    if (unexpected.length) problems.unshift(`unexpected keys: ${unexpected.join(', ')}`);
    if (missing.length) problems.unshift(`missing keys (parameters with partial state): ${missing.join(', ')}`);
    for (const m of mismatched) problems.push(`shape mismatch for ${m.key}: expected ${formatShape(m.expected)}, got ${formatShape(m.got)}`);
    if (problems.length) {
      throw new StateDictError(`optimizer state rejected, nothing loaded:\n  ${problems.join('\n  ')}`, { where }, missing, unexpected, mismatched);
    }
    // Everything checked: replace.
    this.clearState();
    for (const [key, t] of Object.entries(tensors)) {
      const m = STATE_KEY_RE.exec(key)!;
      this.stateOf(Number(m[1])).tensors[m[2]] = tf.keep(tf.clone(t));
    }
    for (const [k, v] of Object.entries(meta.state as Record<string, Record<string, number>>)) {
      Object.assign(this.stateOf(Number(k)).scalars, v);
    }
    (groups as Record<string, unknown>[]).forEach((g, gi) => {
      const target = this.paramGroups[gi] as Record<string, unknown>;
      for (const k of names) target[k] = copyJson(g[k]);
    });
    this.loadExtraMeta(meta);
  }

  private clearState(): void {
    for (const st of this.state.values()) for (const t of Object.values(st.tensors)) if (!t.isDisposed) t.dispose();
    this.state.clear();
    this.clearExtra();
  }

  /** Frees the optimizer's state tensors. The optimizer cannot step afterwards; the parameters stay. */
  dispose(): void {
    if (this.disposed) return;
    this.clearState();
    this.disposed = true;
  }
}

/** Appends `lr >= 0` etc. — the checks every optimizer shares. */
export function checkLr(o: Record<string, unknown>, prefix: string, out: Problem[]): void {
  collectNumber(o, 'lr', { min: 0 }, out, prefix);
}
