// Argument checks shared by every layer: each throws a ShapeError/ConfigError that names
// where (module path and method), the argument, what was expected and what came.
import type { Tensor } from '@tensorflow/tfjs-core';
import { ConfigError, ShapeError, formatShape } from './errors';

/** Throws unless `x.rank` is in `ranks` (or >= `min` when given as `{ min }`). */
export function checkRank(x: Tensor, ranks: number[] | { min: number }, where: string, argument = 'x'): void {
  const ok = Array.isArray(ranks) ? ranks.includes(x.rank) : x.rank >= ranks.min;
  if (!ok) {
    const expected = Array.isArray(ranks) ? `rank ${ranks.join(' or ')}` : `rank >= ${ranks.min}`;
    throw new ShapeError('wrong rank', { where, argument, expected, got: `shape ${formatShape(x.shape)}` });
  }
}

/** Throws unless dimension `axis` (negative counts from the end) of `x` equals `size`. */
export function checkDim(x: Tensor, axis: number, size: number, where: string, argument = 'x'): void {
  const a = axis < 0 ? x.rank + axis : axis;
  if (a < 0 || a >= x.rank || x.shape[a] !== size) {
    throw new ShapeError(`wrong size of dim ${axis}`, {
      where,
      argument,
      expected: `${size} at dim ${axis}`,
      got: `shape ${formatShape(x.shape)}`,
    });
  }
}

/** Throws unless `value` is an integer >= `min`. */
export function checkInt(value: unknown, min: number, where: string, argument: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new ConfigError('invalid value', { where, argument, expected: `an integer >= ${min}`, got: String(value) });
  }
}

/** Throws unless `value` is a finite number. */
export function checkFinite(value: unknown, where: string, argument: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ConfigError('invalid value', { where, argument, expected: 'a finite number', got: String(value) });
  }
}
