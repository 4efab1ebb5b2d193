import { describe, expect, it } from 'vitest';
import { assertClose, compareArrays } from './compare';

describe('compareArrays / assertClose', () => {
  const tol = { rtol: 1e-4, atol: 1e-6 };
  it('accepts values within atol + rtol*|want|', () => {
    expect(compareArrays([1.00005, 0], [1, 5e-7], tol).ok).toBe(true);
  });
  it('reports the worst element with its multi-index', () => {
    const want = { shape: [2, 2], data: [1, 2, 3, 4] };
    expect(() => assertClose({ shape: [2, 2], data: [1, 2, 3.1, 4.001] }, want, tol, 'y')).toThrow(/y: 2\/4 elements .* worst at \[1, 0\]: got 3.1, want 3/);
  });
  it('treats NaN as a failure unless both are NaN', () => {
    expect(compareArrays([NaN], [1], tol).ok).toBe(false);
    expect(compareArrays([NaN], [NaN], tol).ok).toBe(true);
  });
  it('rejects a shape mismatch', () => {
    expect(() => assertClose({ shape: [3], data: [1, 2, 3] }, { shape: [1, 3], data: [1, 2, 3] }, tol)).toThrow(/shape \[3\], expected \[1, 3\]/);
  });
});
