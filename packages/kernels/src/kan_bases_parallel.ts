// The parallel wasm sides (fused_kernel.ts `ParallelSide`) of four KAN bases: RBF (FastKAN),
// Chebyshev (ChebyKAN), Fourier (FourierKAN) and ReLU-KAN, over assembly/kan_bases.ts (which
// documents the arithmetic). Chunks are blocks of elements (ReLU-KAN: of rows) of about
// KAN_BASES_CHUNK_VALUES basis values, the same for every thread count; the reductions over
// elements (dgrid, dphaseLow, dphaseHeight) are per-chunk float64 partial sums in the scratch
// that a one-chunk finish phase adds in chunk order, so every thread count gives the same bits.
import type { ChebyshevAttrs } from './chebyshev_basis_kernel';
import type { FourierAttrs } from './fourier_basis_kernel';
import type { ParallelSide } from './fused_kernel';
import type { KanBasesWasm } from './generated/kan_bases_wasm';
import type { RBFAttrs } from './rbf_basis_kernel';
import type { ReLUKANAttrs } from './relu_kan_basis_kernel';

/** Basis values per chunk (forward and backward): tens of microseconds of work. */
export const KAN_BASES_CHUNK_VALUES = 16384;

type Side<A extends object> = ParallelSide<A, KanBasesWasm>;

const sizeOf = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** Elements per chunk and the number of chunks (at least 1) for `count` elements of `width` values. */
function chunking(count: number, width: number): { per: number; chunks: number } {
  const per = Math.max(1, Math.floor(KAN_BASES_CHUNK_VALUES / Math.max(1, width)));
  return { per, chunks: Math.max(1, Math.ceil(count / per)) };
}

/** RBF scratch: the uniform-grid header (48 bytes) and eps[K] (float64), then K float64 per backward chunk. */
const rbfScratch = (M: number, K: number, backward: boolean) => 48 + 8 * K + (backward ? chunking(M, K).chunks * K * 8 : 0);

/** RBF: a one-chunk setup (is the grid uniform), then chunks of elements; backward: then the dgrid finish. */
export const rbfParallel: { forward: Side<RBFAttrs>; backward: Side<RBFAttrs> } = {
  forward: {
    scratchBytes: ([xs, gs]) => rbfScratch(sizeOf(xs), gs[0], false),
    phases: ([x, grid], [out], scratch, [xs, gs], { denominator }) => {
      const M = sizeOf(xs);
      const K = gs[0];
      const invH = 1 / denominator;
      const { per, chunks } = chunking(M, K);
      return [
        { fn: 'rbfSetup', args: [grid, K, invH, scratch], chunks: 1 },
        { fn: 'rbfForward', args: [x, grid, out, M, K, invH, per, scratch], chunks },
      ];
    },
  },
  backward: {
    scratchBytes: ([, xs, gs]) => rbfScratch(sizeOf(xs), gs[0], true),
    phases: ([dy, x, grid], [dx, dgrid], scratch, [, xs, gs], { denominator }) => {
      const M = sizeOf(xs);
      const K = gs[0];
      const invH = 1 / denominator;
      const { per, chunks } = chunking(M, K);
      return [
        { fn: 'rbfSetup', args: [grid, K, invH, scratch], chunks: 1 },
        { fn: 'rbfBackward', args: [dy, x, grid, dx, M, K, invH, per, scratch], chunks },
        { fn: 'rbfBackwardFinish', args: [dgrid, K, chunks, scratch], chunks: 1 },
      ];
    },
  },
};

/** Chebyshev: chunks of elements, forward and backward. */
export const chebyshevParallel: { forward: Side<ChebyshevAttrs>; backward: Side<ChebyshevAttrs> } = {
  forward: {
    scratchBytes: () => 0,
    phases: ([x], [out], _scratch, [xs], { degree }) => {
      const M = sizeOf(xs);
      const { per, chunks } = chunking(M, degree + 1);
      return [{ fn: 'chebyshevForward', args: [x, out, M, degree, per], chunks }];
    },
  },
  backward: {
    scratchBytes: () => 0,
    phases: ([dy, x], [dx], _scratch, [, xs], { degree }) => {
      const M = sizeOf(xs);
      const { per, chunks } = chunking(M, degree + 1);
      return [{ fn: 'chebyshevBackward', args: [dy, x, dx, M, degree, per], chunks }];
    },
  },
};

/** Fourier: chunks of elements, forward and backward. */
export const fourierParallel: { forward: Side<FourierAttrs>; backward: Side<FourierAttrs> } = {
  forward: {
    scratchBytes: () => 0,
    phases: ([x], [out], _scratch, [xs], { gridSize }) => {
      const M = sizeOf(xs);
      const { per, chunks } = chunking(M, 2 * gridSize);
      return [{ fn: 'fourierForward', args: [x, out, M, gridSize, per], chunks }];
    },
  },
  backward: {
    scratchBytes: () => 0,
    phases: ([dy, x], [dx], _scratch, [, xs], { gridSize }) => {
      const M = sizeOf(xs);
      const { per, chunks } = chunking(M, 2 * gridSize);
      return [{ fn: 'fourierBackward', args: [dy, x, dx, M, gridSize, per], chunks }];
    },
  },
};

/** ReLU-KAN sizes from x [..., in] and phaseLow [in or 1, G+k]. */
function reluKanLayout(xs: number[], ls: number[]) {
  const features = xs[xs.length - 1];
  const size = sizeOf(xs);
  const rows = features === 0 ? 0 : size / features;
  const nBasis = ls[1];
  const perFeature = ls[0] !== 1;
  const { per, chunks } = chunking(rows, features * nBasis);
  return { rows, features, nBasis, perFeature: perFeature ? 1 : 0, len: ls[0] * nBasis, per, chunks };
}

/** ReLU-KAN: chunks of rows (f64x2); backward: then the phase-gradient finish. */
export const reluKanParallel: { forward: Side<ReLUKANAttrs>; backward: Side<ReLUKANAttrs> } = {
  forward: {
    scratchBytes: () => 0,
    phases: ([x, low, high], [out], _scratch, [xs, ls], { r }) => {
      const L = reluKanLayout(xs, ls);
      return [{ fn: 'reluKanForward', args: [x, low, high, out, L.rows, L.features, L.nBasis, L.perFeature, r, L.per], chunks: L.chunks }];
    },
  },
  backward: {
    // per chunk: ds then de partial sums, len float64 each
    scratchBytes: ([, xs, ls]) => {
      const L = reluKanLayout(xs, ls);
      return L.chunks * 2 * L.len * 8;
    },
    phases: ([dy, x, low, high], [dx, dlow, dhigh], scratch, [, xs, ls], { r }) => {
      const L = reluKanLayout(xs, ls);
      return [
        {
          fn: 'reluKanBackward',
          args: [dy, x, low, high, dx, L.rows, L.features, L.nBasis, L.perFeature, r, L.per, scratch],
          chunks: L.chunks,
        },
        { fn: 'reluKanBackwardFinish', args: [dlow, dhigh, L.len, L.chunks, scratch], chunks: 1 },
      ];
    },
  },
};
