// Option objects of the activation functions: defaults and checks in one declarative table per
// function, shared by the function (errors name the function, `smelu`) and by its Module form
// (errors name the class, `SmeLU`). The checks are @basiskit/tensor's validation module.
// Internal: not re-exported from the package.
import { tf, ConfigError, checkTensor, describeNumber, isRecord, numberOk, show, throwProblems } from '@basiskit/tensor';
import type { NumberSpec, Problem, Tensor } from '@basiskit/tensor';

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

/** The shared number spec of each check ('nonzero' adds v !== 0, which a spec cannot say). */
const SPEC: Record<NumberCheck, NumberSpec> = { finite: {}, positive: { gt: 0 }, nonzero: {} };

function expectedOf(check: NumberCheck): string {
  return check === 'nonzero' ? 'a finite non-zero number' : describeNumber(SPEC[check]);
}

function passes(v: unknown, check: NumberCheck): boolean {
  return numberOk(v, SPEC[check]) && (check !== 'nonzero' || v !== 0);
}

/**
 * Fills in defaults and checks every option against `spec`, with @basiskit/tensor's validation:
 * unknown option names are errors (a misspelt option would otherwise be ignored silently), then
 * every invalid value is collected and reported at once, each naming `where`, the option, what
 * was expected and what came (one ConfigError; a tensor option of the wrong dtype is a
 * DTypeError, as for the input).
 */
export function resolveOptions<O extends object, Optional extends keyof O = never>(
  spec: OptionSpec<O>,
  options: O | undefined,
  where: string,
): Resolved<O, Optional> {
  if (options !== undefined && !isRecord(options)) {
    throw new ConfigError('options must be an object', { where, argument: 'options', expected: 'an object or undefined', got: show(options) });
  }
  const given = (options ?? {}) as Record<string, unknown>;
  const rules = spec as Record<string, OptionRule>;
  const known = Object.keys(rules);
  throwProblems(
    Object.keys(given)
      .filter((key) => !Object.hasOwn(rules, key))
      .map((key) => ({ argument: key, expected: known.length ? `one of ${known.join(', ')}` : 'no options', got: show(given[key]) })),
    { where, problem: 'unknown option' },
  );
  const problems: Problem[] = [];
  const out: Record<string, unknown> = {};
  for (const [key, rule] of Object.entries(rules)) {
    const v = given[key];
    const bad = (expected: string) => problems.push({ argument: key, expected, got: show(v) });
    if (v === undefined) {
      out[key] = 'optionalInteger' in rule ? undefined : rule.default;
    } else if ('optionalInteger' in rule) {
      const integer: NumberSpec = { integer: true, min: rule.min };
      if (numberOk(v, integer)) out[key] = v;
      else bad(`${describeNumber(integer)} (or leave it out)`);
    } else if ('boolean' in rule) {
      if (typeof v === 'boolean') out[key] = v;
      else bad('true or false');
    } else if ('oneOf' in rule) {
      if (typeof v === 'string' && rule.oneOf.includes(v)) out[key] = v;
      else bad(`one of ${rule.oneOf.map((c) => `'${c}'`).join(', ')}`);
    } else if (v instanceof tf.Tensor) {
      if (rule.tensor) {
        checkTensor(v, { where, argument: key, dtype: 'float32' });
        out[key] = v;
      } else {
        bad(expectedOf(rule.check));
      }
    } else if (passes(v, rule.check)) {
      out[key] = v;
    } else {
      bad(rule.tensor ? `${expectedOf(rule.check)} or a float32 tensor` : expectedOf(rule.check));
    }
  }
  throwProblems(problems, { where });
  return out as Resolved<O, Optional>;
}
