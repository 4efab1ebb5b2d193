// Option parsers for commander: each turns a string into a checked value or throws a
// UsageError naming the option (commander reports it as one line, exit code 2).
import { InvalidArgumentError, Option, type Command } from 'commander';

/** An integer >= min. */
export const intArg =
  (min: number) =>
  (value: string): number => {
    const n = Number(value);
    if (!Number.isSafeInteger(n) || n < min) throw new InvalidArgumentError(`expected an integer >= ${min}, got '${value}'.`);
    return n;
  };

/** A finite number > 0. */
export const positiveArg = (value: string): number => {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`expected a number > 0, got '${value}'.`);
  return n;
};

/** A comma-separated list of integers >= 1 (`2,5,1`). */
export const widthsArg = (value: string): number[] => {
  const parts = value.split(',').map((s) => Number(s.trim()));
  if (parts.length < 2 || parts.some((n) => !Number.isSafeInteger(n) || n < 1))
    throw new InvalidArgumentError(`expected at least two comma-separated integers >= 1 like 2,5,1, got '${value}'.`);
  return parts;
};

/** One of `choices`. */
export const choiceArg =
  (choices: readonly string[]) =>
  (value: string): string => {
    if (!choices.includes(value)) throw new InvalidArgumentError(`expected one of ${choices.join(', ')}, got '${value}'.`);
    return value;
  };

/** Adds the options every command takes (`--json`, `--backend`), also accepted before the command. */
export function withCommonOptions(cmd: Command): Command {
  return cmd
    .option('--json', 'print one JSON document with the results on stdout (progress goes to stderr)')
    .addOption(new Option('--backend <name>', 'tfjs backend').choices(['wasm', 'cpu']));
}
