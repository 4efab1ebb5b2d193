// Internal option checks shared by the optimizers and schedulers (not re-exported). Each check
// appends a problem (argument, expected, got) instead of throwing, so constructors can throw the
// first one as a ConfigError and loadStateDict can report every problem at once.

/** One invalid option: which argument, what was expected, what came. */
export interface OptionProblem {
  argument: string;
  expected: string;
  got: string;
}

/** Range and kind constraints of a numeric option. */
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

/** `1e-3`, `[0.9, 0.999]`, `"cos"` — a value for an error message. */
export function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(show).join(', ')}]`;
  if (typeof v === 'number' || typeof v === 'boolean' || v === null || v === undefined) return String(v);
  try {
    return JSON.stringify(v);
  } catch {
    return String(v);
  }
}

function describeSpec(spec: NumberSpec): string {
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

/** Whether `v` satisfies `spec`. */
export function numberOk(v: unknown, spec: NumberSpec): boolean {
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

/** Appends a problem unless `o[key]` satisfies `spec`. */
export function checkNumber(o: Record<string, unknown>, key: string, spec: NumberSpec, out: OptionProblem[], prefix = ''): void {
  const v = o[key];
  if (!numberOk(v, spec)) out.push({ argument: prefix + key, expected: describeSpec(spec), got: show(v) });
}

/** Appends a problem unless `o[key]` is a boolean. */
export function checkBool(o: Record<string, unknown>, key: string, out: OptionProblem[], prefix = ''): void {
  const v = o[key];
  if (typeof v !== 'boolean') out.push({ argument: prefix + key, expected: 'a boolean', got: show(v) });
}

/** Appends a problem unless `o[key]` is one of `choices`. */
export function checkChoice(o: Record<string, unknown>, key: string, choices: readonly unknown[], out: OptionProblem[], prefix = ''): void {
  const v = o[key];
  if (!choices.includes(v)) out.push({ argument: prefix + key, expected: `one of ${choices.map(show).join(', ')}`, got: show(v) });
}

/** A copy of `o` without its `undefined` values (so they do not override defaults). */
export function definedOnly<T extends object>(o: T | undefined): Partial<T> {
  const out: Record<string, unknown> = {};
  if (o) for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out as Partial<T>;
}

/** Whether `v` is a plain object (not an array, not null). */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
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
