// The one validation module of basiskit: every package checks its arguments, options and input
// tensors with these, so every bad input ends in a BasiskitError that names where (module path
// or function), the argument, what was expected and what came.
//
// Two styles, one vocabulary:
// - throwing checks for a single value: `checkNumber(v, {where, argument, min, integer})`,
//   `checkTensor(x, {where, dtype, rank, lastDim})`, `checkOptions(o, {where, known})`;
// - collect-then-throw for option objects and state: `collectNumber(o, key, spec, problems)`
//   appends a {@link Problem} instead of throwing, then `throwProblems(problems, {where})`
//   reports every problem at once (so a caller can validate everything before changing anything).
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, DTypeError, ShapeError, formatShape } from './errors';

/** One invalid argument: which, what was expected, what came. */
export interface Problem {
  argument: string;
  expected: string;
  got: string;
}

/** Range and kind constraints of a numeric value. */
export interface NumberSpec {
  /** Inclusive lower bound. */
  min?: number;
  /** Exclusive lower bound. */
  gt?: number;
  /** Inclusive upper bound. */
  max?: number;
  /** Exclusive upper bound. */
  lt?: number;
  /** Must be an integer. */
  integer?: boolean;
  /** `null` is allowed. */
  nullable?: boolean;
  /** `Infinity` is allowed (e.g. an unbounded count). */
  infinite?: boolean;
}

/** Where a checked value comes from: the function or module path, and the argument's name. */
export interface CheckSite {
  /** `layers.0 (KANLinear).forward`, `rational`, ... */
  where: string;
  /** The argument or option at fault. */
  argument: string;
}

/** `1e-3`, `[0.9, 0.999]`, `"cos"`, `a tensor [2, 3] float32` — a value for an error message. */
export function show(v: unknown): string {
  if (v instanceof tf.Tensor) return v.isDisposed ? 'a disposed tensor' : `a ${v.dtype} tensor ${formatShape(v.shape)}`;
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'function') return 'a function';
  if (typeof v === 'symbol') return v.toString();
  if (Array.isArray(v)) return v.length > 8 ? `an array of length ${v.length}` : `[${v.map(show).join(', ')}]`;
  if (typeof v === 'number' || typeof v === 'boolean' || v === null || v === undefined) return String(v);
  try {
    const s = JSON.stringify(v);
    return s.length > 80 ? `${s.slice(0, 77)}...` : s;
  } catch {
    return Object.prototype.toString.call(v);
  }
}

/** `an integer >= 1`, `a finite number > 0 or null` — the "expected" of a number check. */
export function describeNumber(spec: NumberSpec): string {
  const parts: string[] = [spec.integer ? 'an integer' : 'a finite number'];
  if (spec.min !== undefined) parts.push(`>= ${spec.min}`);
  if (spec.gt !== undefined) parts.push(`> ${spec.gt}`);
  if (spec.max !== undefined) parts.push(`<= ${spec.max}`);
  if (spec.lt !== undefined) parts.push(`< ${spec.lt}`);
  let s = parts.join(' ');
  if (spec.infinite) s += ' (or Infinity)';
  if (spec.nullable) s += ' or null';
  return s;
}

/** Whether `v` satisfies `spec` (a number, not a numeric string). */
export function numberOk(v: unknown, spec: NumberSpec = {}): boolean {
  if (v === null) return !!spec.nullable;
  if (typeof v !== 'number' || Number.isNaN(v)) return false;
  if (!Number.isFinite(v) && !(spec.infinite && v === Infinity)) return false;
  if (spec.integer && Number.isFinite(v) && !Number.isInteger(v)) return false;
  if (spec.min !== undefined && !(v >= spec.min)) return false;
  if (spec.gt !== undefined && !(v > spec.gt)) return false;
  if (spec.max !== undefined && !(v <= spec.max)) return false;
  if (spec.lt !== undefined && !(v < spec.lt)) return false;
  return true;
}

/**
 * Returns `v` when it is a number satisfying `spec`; throws a ConfigError naming `where`,
 * `argument`, the expectation and the value otherwise.
 *
 * @example checkNumber(options.gridSize, { where: 'KANLinear', argument: 'gridSize', integer: true, min: 1 })
 */
export function checkNumber(v: unknown, spec: NumberSpec & CheckSite): number {
  if (!numberOk(v, spec)) {
    throw new ConfigError('invalid value', { where: spec.where, argument: spec.argument, expected: describeNumber(spec), got: show(v) });
  }
  return v as number;
}

/** Constraints of {@link checkTensor}. */
export interface TensorSpec {
  /** Allowed dtype(s). */
  dtype?: tf.DataType | readonly tf.DataType[];
  /** Allowed rank(s). */
  rank?: number | readonly number[];
  /** Smallest allowed rank. */
  minRank?: number;
  /** Required size of the last dim (implies rank >= 1). */
  lastDim?: number;
  /** Required shape; `null` entries match any size (implies the rank). */
  shape?: readonly (number | null)[];
}

/**
 * Throws unless `x` is a live tfjs tensor meeting `spec`: a ConfigError when it is not a tensor
 * (or is disposed), a DTypeError for the dtype, a ShapeError for rank and sizes. The argument
 * defaults to `x`.
 *
 * @example checkTensor(x, { where: this.where('forward'), dtype: 'float32', minRank: 1, lastDim: inFeatures })
 */
export function checkTensor(x: unknown, spec: TensorSpec & { where: string; argument?: string }): asserts x is tf.Tensor {
  const { where } = spec;
  const argument = spec.argument ?? 'x';
  if (!(x instanceof tf.Tensor)) throw new ConfigError('not a tensor', { where, argument, expected: 'a tf.Tensor', got: show(x) });
  if (x.isDisposed) throw new ConfigError('tensor is disposed', { where, argument, expected: 'a live tf.Tensor', got: 'a disposed tensor' });
  if (spec.dtype !== undefined) {
    const dtypes: readonly tf.DataType[] = typeof spec.dtype === 'string' ? [spec.dtype] : spec.dtype;
    if (!dtypes.includes(x.dtype)) throw new DTypeError('wrong dtype', { where, argument, expected: dtypes.join(' or '), got: x.dtype });
  }
  const got = `shape ${formatShape(x.shape)}`;
  if (spec.rank !== undefined) {
    const ranks: readonly number[] = typeof spec.rank === 'number' ? [spec.rank] : spec.rank;
    if (!ranks.includes(x.rank)) throw new ShapeError('wrong rank', { where, argument, expected: `rank ${ranks.join(' or ')}`, got });
  }
  if (spec.minRank !== undefined && x.rank < spec.minRank) {
    throw new ShapeError('wrong rank', { where, argument, expected: `rank >= ${spec.minRank}`, got });
  }
  if (spec.shape !== undefined) {
    const want = spec.shape;
    if (want.length !== x.rank || want.some((d, i) => d !== null && d !== x.shape[i])) {
      throw new ShapeError('wrong shape', { where, argument, expected: formatShape(want.map((d) => (d === null ? -1 : d))).replace(/-1/g, '*'), got });
    }
  }
  if (spec.lastDim !== undefined && (x.rank < 1 || x.shape[x.rank - 1] !== spec.lastDim)) {
    throw new ShapeError('wrong size of the last dim', { where, argument, expected: `[..., ${spec.lastDim}]`, got });
  }
}

/** Whether `v` is a plain object (not an array, not null, not a tensor). */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof tf.Tensor);
}

/** A copy of `o` without its `undefined` values (so they do not override defaults). */
export function definedOnly<T extends object>(o: T | undefined): Partial<T> {
  const out: Record<string, unknown> = {};
  if (o) for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out as Partial<T>;
}

/** A deep copy of JSON-like data (numbers, strings, booleans, null, arrays, plain objects). */
export function copyJson<T>(v: T): T {
  if (Array.isArray(v)) return v.map(copyJson) as T;
  if (isRecord(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = copyJson(x);
    return out as T;
  }
  return v;
}

/**
 * Checks an options object: `undefined` (all defaults) or a plain object; with `known`, every
 * key must be one of them (a misspelt option is an error, not silently a default). Returns a
 * copy without `undefined` values, ready to spread over the defaults.
 */
export function checkOptions<T extends object>(options: T | undefined, site: { where: string; argument?: string; known?: readonly string[] }): Partial<T> {
  const argument = site.argument ?? 'options';
  if (options === undefined) return {};
  if (!isRecord(options))
    throw new ConfigError('invalid options', { where: site.where, argument, expected: 'an options object or undefined', got: show(options) });
  if (site.known) {
    const unknown = Object.keys(options).filter((k) => !site.known?.includes(k));
    if (unknown.length) {
      throw new ConfigError(`unknown option${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => JSON.stringify(k)).join(', ')}`, {
        where: site.where,
        argument,
        expected: `options among ${site.known.join(', ')}`,
        got: show(Object.keys(options)),
      });
    }
  }
  return definedOnly(options);
}

/** Appends a problem unless `o[key]` satisfies `spec` (`prefix` is put before the key's name). */
export function collectNumber(o: Record<string, unknown>, key: string, spec: NumberSpec, out: Problem[], prefix = ''): void {
  const v = Object.hasOwn(o, key) ? o[key] : undefined;
  if (!numberOk(v, spec)) out.push({ argument: prefix + key, expected: describeNumber(spec), got: show(v) });
}

/** Appends a problem unless `o[key]` is a boolean. */
export function collectBool(o: Record<string, unknown>, key: string, out: Problem[], prefix = ''): void {
  const v = Object.hasOwn(o, key) ? o[key] : undefined;
  if (typeof v !== 'boolean') out.push({ argument: prefix + key, expected: 'a boolean', got: show(v) });
}

/** Appends a problem unless `o[key]` is one of `choices`. */
export function collectChoice(o: Record<string, unknown>, key: string, choices: readonly unknown[], out: Problem[], prefix = ''): void {
  const v = Object.hasOwn(o, key) ? o[key] : undefined;
  if (!choices.includes(v)) out.push({ argument: prefix + key, expected: `one of ${choices.map(show).join(', ')}`, got: show(v) });
}

/** `argument a: expected x, got y` — one problem as a line. */
export function formatProblem(p: Problem): string {
  return `${p.argument}: expected ${p.expected}, got ${p.got}`;
}

/**
 * Throws one ConfigError (or `ErrorClass`) reporting every problem, when there are any. With a
 * single problem its argument/expected/got are the error's fields; with several the message
 * lists them one per line.
 */
export function throwProblems(problems: readonly Problem[], site: { where: string; problem?: string }, ErrorClass: typeof ConfigError = ConfigError): void {
  if (!problems.length) return;
  const problem = site.problem ?? (problems.length > 1 ? 'invalid options' : 'invalid value');
  if (problems.length === 1) throw new ErrorClass(problem, { where: site.where, ...problems[0] });
  throw new ErrorClass(`${problem}:\n  ${problems.map(formatProblem).join('\n  ')}`, { where: site.where });
}

/** Throws unless `x.rank` is in `ranks` (or >= `min` when given as `{ min }`). */
export function checkRank(x: tf.Tensor, ranks: number[] | { min: number }, where: string, argument = 'x'): void {
  checkTensor(x, Array.isArray(ranks) ? { where, argument, rank: ranks } : { where, argument, minRank: ranks.min });
}

/** Throws unless dimension `axis` (negative counts from the end) of `x` equals `size`. */
export function checkDim(x: tf.Tensor, axis: number, size: number, where: string, argument = 'x'): void {
  const a = axis < 0 ? x.rank + axis : axis;
  if (a < 0 || a >= x.rank || x.shape[a] !== size) {
    throw new ShapeError(`wrong size of dim ${axis}`, { where, argument, expected: `${size} at dim ${axis}`, got: `shape ${formatShape(x.shape)}` });
  }
}

/** Throws unless `value` is an integer >= `min`. */
export function checkInt(value: unknown, min: number, where: string, argument: string): asserts value is number {
  checkNumber(value, { where, argument, integer: true, min });
}

/** Throws unless `value` is a finite number. */
export function checkFinite(value: unknown, where: string, argument: string): asserts value is number {
  checkNumber(value, { where, argument });
}
