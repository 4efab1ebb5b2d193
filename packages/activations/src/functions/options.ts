// Option objects of the activation functions: defaults and checks in one declarative table per
// function, shared by the function (errors name the function, `smelu`) and by its Module form
// (errors name the class, `SmeLU`). Internal: not re-exported from the package.
import { tf, ConfigError } from '@basiskit/tensor';
import type { Tensor } from '@basiskit/tensor';

/** A scalar option that may also be a tensor broadcasting over the channels-last input. */
export type Param = number | Tensor;

/** What a numeric option must satisfy. */
export type NumberCheck = 'finite' | 'positive' | 'nonzero';

/** A numeric option: its default, its check, and whether a tensor is accepted. */
export interface NumberRule {
  readonly default: number;
  readonly check: NumberCheck;
  /** Accept a `tf.Tensor` (broadcast over x's trailing dims; gradients flow to it). */
  readonly tensor?: boolean;
}

/** A string option chosen from a fixed list. */
export interface ChoiceRule {
  readonly default: string;
  readonly oneOf: readonly string[];
}

/** A boolean option. */
export interface BooleanRule {
  readonly default: boolean;
  readonly boolean: true;
}

/** An integer option that may be left out (no default: `undefined` means "not given"). */
export interface OptionalIntegerRule {
  readonly optionalInteger: true;
  readonly min: number;
}

/** Any option rule. */
export type OptionRule = NumberRule | ChoiceRule | BooleanRule | OptionalIntegerRule;

/** The rules of every option of an options interface `O`. */
export type OptionSpec<O> = { readonly [K in keyof O]-?: OptionRule };

/** `O` with every option present (defaults filled in), except the `Optional` ones (no default). */
export type Resolved<O, Optional extends keyof O = never> = {
  readonly [K in Exclude<keyof O, Optional>]-?: Exclude<O[K], undefined>;
} & { readonly [K in Optional]: O[K] };

/** The spec with tensors refused everywhere (for Modules, whose constant options are numbers). */
export function numbersOnly<O>(spec: OptionSpec<O>): OptionSpec<O> {
  const out: Record<string, OptionRule> = {};
  for (const [k, rule] of Object.entries(spec as Record<string, OptionRule>)) {
    out[k] = 'check' in rule ? { default: rule.default, check: rule.check } : rule;
  }
  return out as OptionSpec<O>;
}

const EXPECTED: Record<NumberCheck, string> = {
  finite: 'a finite number',
  positive: 'a finite number > 0',
  nonzero: 'a finite non-zero number',
};

function passes(v: number, check: NumberCheck): boolean {
  if (!Number.isFinite(v)) return false;
  if (check === 'positive') return v > 0;
  if (check === 'nonzero') return v !== 0;
  return true;
}

function describeValue(v: unknown): string {
  if (v instanceof tf.Tensor) return `a tensor of shape [${v.shape.join(', ')}]`;
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'object' && v !== null) return Array.isArray(v) ? 'an array' : 'an object';
  return String(v);
}

/**
 * Fills in defaults and checks every option against `spec`. Throws a ConfigError naming
 * `where`, the option, what was expected and what came; unknown option names are errors too
 * (a misspelt option would otherwise be ignored silently).
 */
export function resolveOptions<O extends object, Optional extends keyof O = never>(
  spec: OptionSpec<O>,
  options: O | undefined,
  where: string,
): Resolved<O, Optional> {
  if (options !== undefined && (typeof options !== 'object' || options === null || Array.isArray(options))) {
    throw new ConfigError('options must be an object', { where, argument: 'options', expected: 'an object or undefined', got: describeValue(options) });
  }
  const given = (options ?? {}) as Record<string, unknown>;
  const rules = spec as Record<string, OptionRule>;
  for (const key of Object.keys(given)) {
    if (!(key in rules)) {
      const known = Object.keys(rules);
      throw new ConfigError('unknown option', {
        where,
        argument: key,
        expected: known.length ? `one of ${known.join(', ')}` : 'no options',
        got: describeValue(given[key]),
      });
    }
  }
  const out: Record<string, unknown> = {};
  for (const [key, rule] of Object.entries(rules)) {
    const v = given[key];
    if (v === undefined) {
      out[key] = 'optionalInteger' in rule ? undefined : rule.default;
    } else if ('optionalInteger' in rule) {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < rule.min) {
        throw new ConfigError('invalid value', { where, argument: key, expected: `an integer >= ${rule.min} (or leave it out)`, got: describeValue(v) });
      }
      out[key] = v;
    } else if ('boolean' in rule) {
      if (typeof v !== 'boolean') throw new ConfigError('invalid value', { where, argument: key, expected: 'true or false', got: describeValue(v) });
      out[key] = v;
    } else if ('oneOf' in rule) {
      if (typeof v !== 'string' || !rule.oneOf.includes(v)) {
        throw new ConfigError('invalid value', { where, argument: key, expected: `one of ${rule.oneOf.map((s) => `'${s}'`).join(', ')}`, got: describeValue(v) });
      }
      out[key] = v;
    } else if (v instanceof tf.Tensor) {
      if (!rule.tensor) {
        throw new ConfigError('invalid value', { where, argument: key, expected: EXPECTED[rule.check], got: describeValue(v) });
      }
      if (v.isDisposed) throw new ConfigError('tensor is disposed', { where, argument: key, got: 'a disposed tensor' });
      if (v.dtype !== 'float32') throw new ConfigError('invalid dtype', { where, argument: key, expected: 'a float32 tensor', got: v.dtype });
      out[key] = v;
    } else if (typeof v !== 'number' || !passes(v, rule.check)) {
      throw new ConfigError('invalid value', {
        where,
        argument: key,
        expected: rule.tensor ? `${EXPECTED[rule.check]} or a float32 tensor` : EXPECTED[rule.check],
        got: describeValue(v),
      });
    } else {
      out[key] = v;
    }
  }
  return out as Resolved<O, Optional>;
}
