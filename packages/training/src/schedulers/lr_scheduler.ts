// The LR scheduler base class: PyTorch's torch.optim.lr_scheduler.LRScheduler protocol
// (construct = initial step to epoch 0, `step()` after each epoch or batch, `get_last_lr`,
// state dicts) over a basiskit Optimizer's getLr/setLr.
import { ConfigError, StateDictError, collectChoice, copyJson, isRecord, numberOk, show, type Problem } from '@basiskit/tensor';
import type { Optimizer } from '../optim/optimizer';

/**
 * When a scheduler's `step()` is meant to be called: after every epoch (`'epoch'`) or after
 * every optimizer step (`'step'`, i.e. per batch). `fit` reads it.
 */
export type SchedulerInterval = 'epoch' | 'step';

/** Options every scheduler takes. */
export interface SchedulerBaseOptions {
  /** When `step()` is called (see {@link SchedulerInterval}); each scheduler has its default. */
  interval?: SchedulerInterval;
}

/**
 * A scheduler's state as {@link LRScheduler.stateDict} returns it: plain JSON (every number is
 * finite or encoded as a string, so `JSON.stringify` round-trips it exactly).
 */
export interface LRSchedulerState {
  /** The scheduler class (`'StepLR'`). */
  scheduler: string;
  /** The epoch (or step) count: 0 after construction, +1 per `step()`. */
  lastEpoch: number;
  /** Each group's base learning rate. */
  baseLrs: number[];
  /** The learning rates set by the last step. */
  lastLr: number[];
  /** The scheduler's options (restored on load, as PyTorch restores its attributes). */
  options: Record<string, unknown>;
  /** Scheduler-specific counters (ReduceLROnPlateau's `best`, ...). */
  [key: string]: unknown;
}

/** The optimizer API a scheduler uses: learning rates per group (any basiskit optimizer). */
export type SchedulableOptimizer = Optimizer<{ lr: number }>;

/**
 * Base class of the LR schedulers, with PyTorch's protocol: constructing a scheduler performs
 * its initial step (epoch 0: the optimizer's learning rates are set to the schedule's first
 * value); call {@link LRScheduler.step} after `optimizer.step()` once per epoch — or per
 * batch where {@link LRScheduler.interval} is `'step'`; {@link LRScheduler.getLastLr} gives
 * the learning rates set last. Closed-form schedulers compute `lr(epoch)` from the base
 * learning rates (the groups' learning rates at construction), PyTorch's
 * `_get_closed_form_lr`; changes made to the learning rates by others between steps are
 * overwritten (no chaining).
 *
 * Source: torch/optim/lr_scheduler.py (`LRScheduler`).
 */
export abstract class LRScheduler<Opts extends object = object> {
  /** The optimizer whose learning rates this scheduler sets. */
  readonly optimizer: SchedulableOptimizer;
  /** When `step()` is meant to be called: `'epoch'` (per epoch) or `'step'` (per batch). */
  readonly interval: SchedulerInterval;
  /** Resolved options. */
  protected opts: Opts;
  /** Each group's base learning rate. */
  protected baseLrs: number[];
  /** The learning rates set by the last step. */
  protected lastLr: number[];
  /** Epoch count (-1 before the initial step). */
  protected epoch = -1;

  /**
   * @param optimizer the optimizer to schedule
   * @param opts the resolved options (validated with {@link LRScheduler.checkOptions})
   * @param interval when `step()` is called
   */
  constructor(optimizer: SchedulableOptimizer, opts: Opts, interval: SchedulerInterval) {
    const where = this.kind;
    if (!optimizer || typeof optimizer.setLr !== 'function' || !Array.isArray(optimizer.paramGroups)) {
      throw new ConfigError('not an optimizer', {
        where,
        argument: 'optimizer',
        expected: 'a basiskit Optimizer (with paramGroups and setLr)',
        got: show(optimizer),
      });
    }
    const problems: Problem[] = [];
    collectChoice({ interval }, 'interval', ['epoch', 'step'], problems);
    problems.push(...this.checkOptions(opts, optimizer.paramGroups.length));
    if (problems.length) throw new ConfigError('invalid option', { where, ...problems[0] });
    this.optimizer = optimizer;
    this.interval = interval;
    this.opts = opts;
    this.baseLrs = optimizer.paramGroups.map((g) => g.lr);
    this.lastLr = [...this.baseLrs];
  }

  /** The scheduler's name (`'StepLR'`), in error messages and state dicts. */
  get kind(): string {
    return this.constructor.name;
  }

  /** The epoch (or step) count: 0 after construction, +1 per `step()`. */
  get lastEpoch(): number {
    return this.epoch;
  }

  /** Problems with the options (`groups`: the optimizer's number of parameter groups). */
  protected abstract checkOptions(opts: Opts, groups: number): Problem[];

  /** Each group's learning rate at `epoch` (closed form). */
  protected abstract computeLr(epoch: number): number[];

  /** Scheduler-specific state for the state dict (JSON). */
  protected extraState(): Record<string, unknown> {
    return {};
  }

  /** Checks the scheduler-specific part of a state dict (appends problems). */
  protected checkExtraState(_state: Record<string, unknown>, _problems: string[]): void {}

  /** Loads the scheduler-specific part of a (checked) state dict. */
  protected loadExtraState(_state: Record<string, unknown>): void {}

  /** PyTorch's `_initial_step`: epoch 0. Subclass constructors call it last. */
  protected initialStep(): void {
    this.step();
  }

  /** Sets the groups' learning rates (and records them as the last ones). */
  protected apply(lrs: number[]): void {
    lrs.forEach((lr, i) => this.optimizer.setLr(lr, i));
    this.lastLr = [...lrs];
  }

  /**
   * Advances the schedule by one epoch (or one batch for `interval: 'step'`) and sets the
   * optimizer's learning rates. Call it after `optimizer.step()`. `metric` is used by
   * {@link ReduceLROnPlateau} only.
   */
  step(_metric?: number): void {
    const epoch = this.epoch + 1;
    const lrs = this.computeLr(epoch);
    this.epoch = epoch;
    this.apply(lrs);
  }

  /** The learning rates (one per group) set by the last step. */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  /** The scheduler's state as plain JSON (see {@link LRSchedulerState}). */
  stateDict(): LRSchedulerState {
    return {
      scheduler: this.kind,
      lastEpoch: this.epoch,
      baseLrs: [...this.baseLrs],
      lastLr: [...this.lastLr],
      options: copyJson(this.opts as Record<string, unknown>),
      ...copyJson(this.extraState()),
    };
  }

  /**
   * Restores a state from {@link LRScheduler.stateDict} (counters, base learning rates,
   * options). Like PyTorch, it does not change the optimizer's learning rates: load the
   * optimizer's state dict too (it holds them). Everything is checked first; on a problem it
   * throws a {@link StateDictError} listing all of them and loads nothing.
   */
  loadStateDict(state: LRSchedulerState): void {
    const where = `${this.kind}.loadStateDict`;
    if (!isRecord(state))
      throw new ConfigError('invalid scheduler state', { where, argument: 'state', expected: 'an object from stateDict()', got: show(state) });
    const n = this.baseLrs.length;
    const problems: string[] = [];
    if (state.scheduler !== this.kind) problems.push(`scheduler: expected ${show(this.kind)}, got ${show(state.scheduler)}`);
    if (!numberOk(state.lastEpoch, { min: 0, integer: true })) problems.push(`lastEpoch: expected an integer >= 0, got ${show(state.lastEpoch)}`);
    for (const key of ['baseLrs', 'lastLr'] as const) {
      const v = state[key];
      if (!Array.isArray(v) || v.length !== n || !v.every((x) => numberOk(x, { min: 0 }))) {
        problems.push(`${key}: expected ${n} finite number(s) >= 0 (one per parameter group), got ${show(v)}`);
      }
    }
    if (!isRecord(state.options)) {
      problems.push(`options: expected an object, got ${show(state.options)}`);
    } else {
      const known = Object.keys(this.opts);
      for (const k of Object.keys(state.options)) if (!known.includes(k)) problems.push(`options.${k}: unknown option`);
      for (const k of known) if (!(k in state.options)) problems.push(`options.${k}: missing`);
      if (!problems.some((p) => p.startsWith('options.'))) {
        for (const p of this.checkOptions(state.options as Opts, n)) problems.push(`options.${p.argument}: expected ${p.expected}, got ${p.got}`);
      }
    }
    this.checkExtraState(state, problems);
    if (problems.length) throw new StateDictError(`scheduler state rejected, nothing loaded:\n  ${problems.join('\n  ')}`, { where });
    this.epoch = state.lastEpoch;
    this.baseLrs = [...state.baseLrs];
    this.lastLr = [...state.lastLr];
    this.opts = copyJson(state.options) as Opts;
    this.loadExtraState(state);
  }
}

/** `value` as one number per group: a number is repeated; an array must have `groups` entries. */
export function perGroup(value: number | number[], groups: number): number[] {
  return Array.isArray(value) ? [...value] : new Array<number>(groups).fill(value);
}

/** Appends a problem unless `o[key]` is a number (or an array of `groups` numbers) satisfying `ok`. */
export function checkPerGroup(o: Record<string, unknown>, key: string, groups: number, ok: (x: unknown) => boolean, expected: string, out: Problem[]): void {
  const v = o[key];
  const good = Array.isArray(v) ? v.length === groups && v.every(ok) : ok(v);
  if (!good) out.push({ argument: key, expected: `${expected}, or an array of ${groups} such (one per parameter group)`, got: show(v) });
}
