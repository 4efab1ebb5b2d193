// One error family for every basiskit package. Messages name where (module path), which
// argument, what was expected and what came, e.g.
//   ShapeError: layers.0 (KANLinear).forward: argument x: expected last dim 5, got shape [7, 4]

/** Where an error happened and what was wrong, in structured form (also in the message). */
export interface ErrorContext {
  /** Dotted module path (`layers.0`) or function name (`loadSafetensors`). */
  where?: string;
  /** The argument, option or key at fault. */
  argument?: string;
  /** What was expected, in words or as a shape. */
  expected?: string;
  /** What was given. */
  got?: string;
}

function describe(problem: string, ctx: ErrorContext): string {
  const parts: string[] = [];
  if (ctx.where) parts.push(`${ctx.where}:`);
  if (ctx.argument) parts.push(`argument ${ctx.argument}:`);
  parts.push(problem);
  const tail: string[] = [];
  if (ctx.expected !== undefined) tail.push(`expected ${ctx.expected}`);
  if (ctx.got !== undefined) tail.push(`got ${ctx.got}`);
  return tail.length ? `${parts.join(' ')} (${tail.join(', ')})` : parts.join(' ');
}

/** Base class of every error basiskit throws on purpose. */
export class BasiskitError extends Error {
  readonly where?: string;
  readonly argument?: string;
  readonly expected?: string;
  readonly got?: string;

  constructor(problem: string, ctx: ErrorContext = {}) {
    super(describe(problem, ctx));
    this.name = new.target.name;
    this.where = ctx.where;
    this.argument = ctx.argument;
    this.expected = ctx.expected;
    this.got = ctx.got;
  }
}

/** A tensor or array has the wrong shape or rank. */
export class ShapeError extends BasiskitError {}
/** An option or constructor argument is invalid. */
export class ConfigError extends BasiskitError {}
/** A tensor has the wrong dtype. */
export class DTypeError extends BasiskitError {}
/** A state dict does not fit a module (missing, unexpected or mis-shaped keys). */
export class StateDictError extends BasiskitError {
  constructor(
    problem: string,
    ctx: ErrorContext = {},
    /** Keys the module has and the dict lacks. */
    readonly missing: string[] = [],
    /** Keys the dict has and the module lacks. */
    readonly unexpected: string[] = [],
    /** Keys present on both sides with different shapes. */
    readonly mismatched: { key: string; expected: number[]; got: number[] }[] = [],
  ) {
    super(problem, ctx);
  }
}
/** Bytes that are not a valid file of the format (safetensors, .npy). */
export class FormatError extends BasiskitError {}
/** A backend could not be started or lacks a kernel. */
export class BackendError extends BasiskitError {}
/** A module (or one of its parameters) was used after `dispose()`. */
export class DisposedError extends BasiskitError {}

/** `[2, 3]` for error messages. */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}
