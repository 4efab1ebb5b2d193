import { createRng, initBackend, tf } from '@basiskit/tensor';
import { describe, expect, it } from 'vitest';
import { bsplineBasisKernel, bsplineLayout, wasmTableBytes } from './bspline_basis_kernel';
import { testGrid, testInputs } from './bspline_basis_test_data';
import { BSPLINE_WASM } from './generated/bspline_wasm';
import { GROUP_RATIONAL_WASM } from './generated/group_rational_wasm';
import { GROUP_RATIONAL_TILE_ROWS, groupRationalBackward, groupRationalForward, groupRationalLayout, groupRationalParallel } from './group_rational_kernel';
import { runParallel, runPrevious } from './parallel_phases_test_utils';
import { BSPLINE_WASM_PREVIOUS, GROUP_RATIONAL_WASM_PREVIOUS } from './previous_simd_modules_test_data';
import {
  kanLinearLocalKernel,
  SPLINE_TILE_ROWS,
  splineLinearLocalKernel,
  splineLocalBackward,
  splineLocalForward,
  splineLocalLayout,
} from './spline_linear_kernel';

const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));
const SCHEDULES = [
  { threads: 1, shared: false },
  { threads: 3, reverse: true, shared: false },
  { threads: 4, shared: true },
  { threads: 2, reverse: true, shared: true },
];

/** |a - b| <= tol (1 + |b|) everywhere, NaN where b is NaN (one expect: the first element that is not). */
function close(a: Float32Array, b: Float32Array, tol: number, label: string) {
  expect(a.length, label).toBe(b.length);
  let bad = -1;
  for (let i = 0; i < a.length && bad < 0; i++) {
    const ok = Number.isNaN(b[i]) ? Number.isNaN(a[i]) : Math.abs(a[i] - b[i]) <= tol * (1 + Math.abs(b[i]));
    if (!ok) bad = i;
  }
  expect(bad < 0 ? null : `${label}[${bad}]: ${a[bad]} vs ${b[bad]}`).toBeNull();
}

/** Spline test data as typed arrays: x [n, inF] (knots, +-1e6 and a NaN included), grid, Wt [inF, nb, out], baseWt [inF, out], dy. */
async function splineData(n: number, inF: number, out: number, g: number, k: number, kind: 'uniform' | 'random') {
  await initBackend({ backend: 'cpu' });
  const grid = testGrid(inF, g, k, kind, 70 + g);
  const xt = testInputs(grid, n, 80 + k);
  const x = (xt.dataSync() as Float32Array).slice();
  const gd = (grid.dataSync() as Float32Array).slice();
  tf.dispose([grid, xt]);
  const rng = createRng(n + out);
  const nb = g + k;
  const normal = (len: number) => Float32Array.from({ length: len }, () => rng.normal());
  const m = g + 2 * k + 1;
  return {
    x,
    grid: gd,
    wt: normal(inF * nb * out),
    bwt: normal(inF * out),
    dy: normal(n * out),
    shapes: { x: [n, inF], grid: [inF, m], wt: [inF, nb, out], bwt: [inF, out], dy: [n, out] },
  };
}

describe('parallel wasm SIMD phases: bit-identical to the previous single-thread kernels (local backward: close), for every schedule', () => {
  it.each([
    { n: 500, inF: 6, out: 37, g: 5, k: 3, kind: 'uniform' }, // 3 forward chunks, 4 backward tiles
    { n: 64 * 3 + 5, inF: 3, out: 16, g: 10, k: 2, kind: 'random' },
    { n: 7, inF: 4, out: 3, g: 3, k: 1, kind: 'random' },
    { n: 9, inF: 2, out: 21, g: 2, k: 0, kind: 'uniform' },
  ] as const)('local spline forward and backward, basis forward and backward: %o', async ({ n, inF, out, g, k, kind }) => {
    const d = await splineData(n, inF, out, g, k, kind);
    const m = g + 2 * k + 1;
    const nb = g + k;
    const attrs = { splineOrder: k };
    const tables = wasmTableBytes(inF, m, k);
    const [yPrev] = runPrevious(BSPLINE_WASM_PREVIOUS, 'localForward', [d.x, d.grid, d.wt], [n * out], tables + inF * (k + 2) * 4, ([x, t, w], [y], s) => [
      x,
      t,
      w,
      y,
      n,
      inF,
      out,
      m,
      k,
      s,
    ]);
    const backPrev = runPrevious(
      BSPLINE_WASM_PREVIOUS,
      'localBackward',
      [d.dy, d.x, d.grid, d.wt],
      [n * inF, inF * nb * out],
      tables + Math.ceil((nb * out * 4) / 16) * 16 + nb * out * 8 + 8 * (k + 1),
      ([dy, x, t, w], [dx, dw], s) => [dy, x, t, w, dx, dw, n, inF, out, m, k, SPLINE_TILE_ROWS, s],
    );
    const [basesPrev] = runPrevious(BSPLINE_WASM_PREVIOUS, 'basisForward', [d.x, d.grid], [n * inF * nb], tables + 4 * (k + 1), ([x, t], [b], s) => [
      x,
      t,
      b,
      n,
      inF,
      m,
      k,
      s,
    ]);
    const dyBases = Float32Array.from({ length: n * inF * nb }, (_, i) => Math.sin(i));
    const [dxBasesPrev] = runPrevious(
      BSPLINE_WASM_PREVIOUS,
      'basisBackward',
      [dyBases, d.x, d.grid],
      [n * inF],
      tables + 8 * (k + 1),
      ([dy, x, t], [dx], s) => [dy, x, t, dx, n, inF, m, k, s],
    );
    const sh = d.shapes;
    let backFirst: Float32Array[] | null = null;
    for (const { shared, ...schedule } of SCHEDULES) {
      const label = JSON.stringify({ shared, ...schedule });
      const [y] = runParallel(
        BSPLINE_WASM,
        splineLinearLocalKernel.forward.parallel!,
        [d.x, d.grid, d.wt],
        [sh.x, sh.grid, sh.wt],
        [n * out],
        attrs,
        schedule,
        shared,
      )!;
      expect(bits(y), `y ${label}`).toEqual(bits(yPrev));
      const back = runParallel(
        BSPLINE_WASM,
        splineLinearLocalKernel.backward.parallel!,
        [d.dy, d.x, d.grid, d.wt],
        [sh.dy, sh.x, sh.grid, sh.wt],
        [n * inF, inF * nb * out],
        attrs,
        schedule,
        shared,
      )!;
      // the backward sorts a feature's rows by span (dW in registers per span, dx per span's weight rows): another
      // summation order than the previous kernel's, so close to it (not the same bits); the same bits for every schedule
      close(back[0], backPrev[0], 2e-5, `dx ${label}`);
      close(back[1], backPrev[1], 2e-5, `dW ${label}`);
      if (backFirst === null) backFirst = back;
      else backFirst.forEach((a, j) => expect(bits(back[j]), `backward output ${j} ${label}`).toEqual(bits(a)));
      const [bases] = runParallel(BSPLINE_WASM, bsplineBasisKernel.forward.parallel!, [d.x, d.grid], [sh.x, sh.grid], [n * inF * nb], attrs, schedule, shared)!;
      expect(bits(bases), `bases ${label}`).toEqual(bits(basesPrev));
      const [dxB] = runParallel(
        BSPLINE_WASM,
        bsplineBasisKernel.backward.parallel!,
        [dyBases, d.x, d.grid],
        [[n, inF, nb], sh.x, sh.grid],
        [n * inF],
        attrs,
        schedule,
        shared,
      )!;
      expect(bits(dxB), `basis dx ${label}`).toEqual(bits(dxBasesPrev));
    }
    // and close to the JavaScript kernels
    const L = splineLocalLayout(sh.x, sh.grid, sh.wt, k);
    const yJs = new Float32Array(n * out);
    splineLocalForward(d.x, d.grid, d.wt, yJs, L);
    close(yPrev, yJs, 2e-5, 'y vs JS');
    expect(bsplineLayout(sh.x, sh.grid, k).nb).toBe(nb);
  });

  it.each([
    { rows: 1100, groups: 3, per: 64, sharedNumerator: false }, // several forward chunks, 18 tiles per group
    { rows: 200, groups: 4, per: 30, sharedNumerator: true }, // scalar tails, da summed over groups
    { rows: 5, groups: 2, per: 4, sharedNumerator: true },
  ])('group rational 5/4 forward and backward: %o', ({ rows, groups, per, sharedNumerator }) => {
    const rng = createRng(rows + per);
    const channels = groups * per;
    const x = Float32Array.from({ length: rows * channels }, (_, i) => (i % 97 === 0 ? 3e6 : rng.normal() * 3));
    const a = Float32Array.from({ length: (sharedNumerator ? 1 : groups) * 6 }, () => rng.normal() * 0.5);
    const b = Float32Array.from({ length: groups * 4 }, () => rng.normal() * 0.5);
    const dy = Float32Array.from({ length: rows * channels }, () => rng.normal());
    const shapes = [
      [rows, channels],
      [sharedNumerator ? 1 : groups, 6],
      [groups, 4],
    ];
    const s = sharedNumerator ? 1 : 0;
    const [yPrev] = runPrevious(GROUP_RATIONAL_WASM_PREVIOUS, 'forward54', [x, a, b], [x.length], 0, ([xx, aa, bb], [y]) => [
      xx,
      aa,
      bb,
      y,
      rows,
      channels,
      groups,
      s,
    ]);
    const backPrev = runPrevious(
      GROUP_RATIONAL_WASM_PREVIOUS,
      'backward54',
      [dy, x, a, b],
      [x.length, a.length, b.length],
      0,
      ([g, xx, aa, bb], [dx, da, db]) => [g, xx, aa, bb, dx, da, db, rows, channels, groups, s, GROUP_RATIONAL_TILE_ROWS],
    );
    for (const { shared, ...schedule } of SCHEDULES) {
      const label = JSON.stringify({ shared, ...schedule });
      const [y] = runParallel(GROUP_RATIONAL_WASM, groupRationalParallel.forward, [x, a, b], shapes, [x.length], { groups }, schedule, shared)!;
      expect(bits(y), `y ${label}`).toEqual(bits(yPrev));
      const back = runParallel(
        GROUP_RATIONAL_WASM,
        groupRationalParallel.backward,
        [dy, x, a, b],
        [shapes[0], ...shapes],
        [x.length, a.length, b.length],
        { groups },
        schedule,
        shared,
      )!;
      // the backward's f32x4 path evaluates P, P', Q, Q' in Estrin's form and the moments from x^2, x^4 (not the
      // previous module's Horner and powers): close, not bit-identical (bit-identity across thread counts: thread_pool_kernels.test.ts)
      ['dx', 'da', 'db'].forEach((n, i) => close(back[i], backPrev[i], n === 'dx' ? 1e-5 : 5e-5, `${n} ${label}`));
    }
    const L = groupRationalLayout(shapes[0], shapes[1], shapes[2], groups);
    const yJs = new Float32Array(x.length);
    groupRationalForward(x, a, b, yJs, L);
    close(yPrev, yJs, 2e-5, 'y vs JS');
    const [dxJs, daJs, dbJs] = [new Float32Array(x.length), new Float32Array(a.length), new Float32Array(b.length)];
    groupRationalBackward(dy, x, a, b, dxJs, daJs, dbJs, L);
    close(backPrev[0], dxJs, 2e-5, 'dx vs JS');
    close(backPrev[1], daJs, 1e-4, 'da vs JS');
  });

  it('group rational degrees other than 5/4: phases returns null (compute runs)', () => {
    const side = groupRationalParallel.forward;
    expect(
      side.phases(
        [16, 32, 48],
        [64],
        0,
        [
          [2, 4],
          [1, 4],
          [1, 3],
        ],
        { groups: 1 },
        1,
      ),
    ).toBeNull();
  });
});

describe('fused KANLinear (base branch) and skipped dx in the parallel SIMD phases', () => {
  it.each([
    { n: 300, inF: 5, out: 37, g: 5, k: 3, kind: 'uniform' },
    { n: 70, inF: 3, out: 6, g: 4, k: 2, kind: 'random' },
    { n: 9, inF: 2, out: 1, g: 2, k: 0, kind: 'uniform' },
  ] as const)('agree with the JavaScript kernels; skipInputGradient leaves dx zero and dW unchanged: %o', async ({ n, inF, out, g, k, kind }) => {
    const d = await splineData(n, inF, out, g, k, kind);
    const nb = g + k;
    const sh = d.shapes;
    const L = splineLocalLayout(sh.x, sh.grid, sh.wt, k);
    const yJs = new Float32Array(n * out);
    splineLocalForward(d.x, d.grid, d.wt, yJs, L, d.bwt);
    const [dxJs, dwJs, dbJs] = [new Float32Array(n * inF), new Float32Array(inF * nb * out), new Float32Array(inF * out)];
    splineLocalBackward(d.dy, d.x, d.grid, d.wt, dxJs, dwJs, L, { bwt: d.bwt, dbwt: dbJs });
    // skipped dx in JavaScript: zero, and the same dW, dBaseW bits
    const [sx, sw, sb] = [new Float32Array(n * inF).fill(7), new Float32Array(inF * nb * out), new Float32Array(inF * out)];
    splineLocalBackward(d.dy, d.x, d.grid, d.wt, sx, sw, L, { bwt: d.bwt, dbwt: sb }, true);
    expect(sx.every((v) => v === 0)).toBe(true);
    expect(bits(sw)).toEqual(bits(dwJs));
    expect(bits(sb)).toEqual(bits(dbJs));
    const ins = [d.x, d.grid, d.wt, d.bwt];
    const inShapes = [sh.x, sh.grid, sh.wt, sh.bwt];
    let first: Float32Array[] | null = null;
    for (const { shared, ...schedule } of SCHEDULES) {
      const [y] = runParallel(BSPLINE_WASM, kanLinearLocalKernel.forward.parallel!, ins, inShapes, [n * out], { splineOrder: k }, schedule, shared)!;
      close(y, yJs, 2e-5, 'y');
      const run = (skip: boolean) =>
        runParallel(
          BSPLINE_WASM,
          kanLinearLocalKernel.backward.parallel!,
          [d.dy, ...ins],
          [sh.dy, ...inShapes],
          [n * inF, inF * nb * out, inF * out],
          { splineOrder: k, skipInputGradient: skip },
          schedule,
          shared,
        )!;
      const back = run(false);
      close(back[0], dxJs, 5e-5, 'dx');
      close(back[1], dwJs, 2e-5, 'dW');
      close(back[2], dbJs, 1e-4, 'dBaseW'); // sums of silu(+-1e6) dy: float32 tiles vs float64
      const skipped = run(true);
      expect(skipped[0].every((v) => v === 0)).toBe(true);
      expect(bits(skipped[1])).toEqual(bits(back[1]));
      expect(bits(skipped[2])).toEqual(bits(back[2]));
      // every schedule, the same bits
      first ??= [y, ...back];
      [y, ...back].forEach((a, i) => expect(bits(a)).toEqual(bits(first![i])));
    }
    // the spline-only kernel skips dx the same way
    const full = runParallel(
      BSPLINE_WASM,
      splineLinearLocalKernel.backward.parallel!,
      [d.dy, d.x, d.grid, d.wt],
      [sh.dy, sh.x, sh.grid, sh.wt],
      [n * inF, inF * nb * out],
      { splineOrder: k },
      { threads: 2 },
    )!;
    const skip = runParallel(
      BSPLINE_WASM,
      splineLinearLocalKernel.backward.parallel!,
      [d.dy, d.x, d.grid, d.wt],
      [sh.dy, sh.x, sh.grid, sh.wt],
      [n * inF, inF * nb * out],
      { splineOrder: k, skipInputGradient: true },
      { threads: 2 },
    )!;
    expect(skip[0].every((v) => v === 0)).toBe(true);
    expect(bits(skip[1])).toEqual(bits(full[1]));
  });
});
