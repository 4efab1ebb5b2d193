// Element-wise closeness with a report of the worst element, as numpy's
// assert_allclose: |got - want| <= atol + rtol * |want|.
import type * as tf from '@tensorflow/tfjs-core';

export interface Tolerance {
  rtol: number;
  atol: number;
}

/** Result of comparing two arrays: the worst element by excess over its tolerance. */
export interface CloseReport {
  ok: boolean;
  worstIndex: number;
  worstGot: number;
  worstWant: number;
  worstAbsErr: number;
  maxAbsErr: number;
  failures: number;
}

function unravel(index: number, shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    out[d] = index % shape[d];
    index = Math.floor(index / shape[d]);
  }
  return out;
}

/** Compares arrays element-wise; NaN on either side counts as a failure unless both are NaN. */
export function compareArrays(got: ArrayLike<number>, want: ArrayLike<number>, tol: Tolerance): CloseReport {
  if (got.length !== want.length) {
    throw new Error(`compareArrays: length ${got.length} vs expected ${want.length}`);
  }
  let worst = -1;
  let worstExcess = -Infinity;
  let maxAbsErr = 0;
  let failures = 0;
  for (let i = 0; i < got.length; i++) {
    const g = got[i];
    const w = want[i];
    const err = Math.abs(g - w);
    const both = Number.isNaN(g) && Number.isNaN(w);
    const excess = both ? -Infinity : Number.isNaN(err) ? Infinity : err - (tol.atol + tol.rtol * Math.abs(w));
    if (!both && err > maxAbsErr) maxAbsErr = err;
    if (Number.isNaN(err) && !both) maxAbsErr = NaN;
    if (excess > 0) failures++;
    if (excess > worstExcess) {
      worstExcess = excess;
      worst = i;
    }
  }
  return {
    ok: failures === 0,
    worstIndex: worst,
    worstGot: worst >= 0 ? got[worst] : NaN,
    worstWant: worst >= 0 ? want[worst] : NaN,
    worstAbsErr: worst >= 0 ? Math.abs(got[worst] - want[worst]) : 0,
    maxAbsErr,
    failures,
  };
}

/**
 * Throws unless `got` matches `want` (shape and values within `tol`); the message names the
 * label, the worst element's multi-index, got, want, and how many elements failed.
 */
export function assertClose(
  got: tf.Tensor | { shape: readonly number[]; data: ArrayLike<number> },
  want: { shape: readonly number[]; data: ArrayLike<number> },
  tol: Tolerance,
  label = 'tensor',
): CloseReport {
  const gotShape = got.shape;
  const gotData = 'dataSync' in got ? got.dataSync() : got.data;
  if (gotShape.length !== want.shape.length || gotShape.some((d, i) => d !== want.shape[i])) {
    throw new Error(`${label}: shape [${gotShape.join(', ')}], expected [${want.shape.join(', ')}]`);
  }
  const r = compareArrays(gotData as ArrayLike<number>, want.data, tol);
  if (!r.ok) {
    const at = unravel(r.worstIndex, want.shape);
    throw new Error(
      `${label}: ${r.failures}/${want.data.length} elements outside atol=${tol.atol} rtol=${tol.rtol}; ` +
        `worst at [${at.join(', ')}]: got ${r.worstGot}, want ${r.worstWant} (|err| ${r.worstAbsErr.toExponential(3)})`,
    );
  }
  return r;
}
