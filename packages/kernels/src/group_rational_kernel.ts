// Fused group-rational kernels over typed arrays (KAT's GR-KAN activation, version A).
//
//   y = P(x) / Q(x),   P(x) = sum_{j=0..m} a[g,j] x^j,   Q(x) = 1 + sum_{j=1..n} |b[g,j-1]| |x|^j
//
// x is [rows, C] channels-last; channel c belongs to group g = floor(c / (C/G)); the numerator
// is [G, m+1] or shared [1, m+1]; the denominator [G, n]. Source: KAT (Yang & Wang, 2024),
// the formula of its CUDA/Triton kernels (= rational_activations version A).
//
// Backward, per element with t = dy/Q and u = -dy P/Q^2:
//   dx      = dy (P'(x) - y Q'(x)) / Q,   Q'(x) = sign(x) sum_j j |b_j| |x|^{j-1}
//   da[g,j] += t x^j
//   db[g,j] += u sign(b_j) |x|^j
// Coefficient gradients are reduced FlashKAT-style: each group accumulates in float64
// registers over a tile of rows, and only the tile's partial sum is added to the group's total
// (no per-element accumulation into shared memory). sign(0) = 0, as in KAT and PyTorch.
//
// Range. Everything here is float64, rounded to float32 once at the store, so the direct form
// stays finite for every float32 x as long as |x|^max(m,n) times the largest coefficient stays
// below ~1e300 (always for degrees 5/4: (3.4e38)^5 * 3.4e38 ~ 1e231). Beyond that (high degrees
// and huge |x|) P and Q are divided by |x|^e, e = the highest k with b_k != 0, the order at
// which Q grows (`scaledElement`): Q~ = Q/|x|^e >= |b_e| > 0, P~ = P/|x|^e, y = P~/Q~, and
//   dx = dy (P~' - y sign(x) Q~') / Q~,   P~' = P'/|x|^e,   Q~' = Q'(|x|)/|x|^e
//   da_j += dy sign(x)^j |x|^(j-e) / Q~,   db_k += -dy y |x|^(k-e) / Q~  (k <= e; for k > e b_k = 0)
// Results out of float32's range become +-Infinity at the store, never NaN: a coefficient
// gradient is selected by the sign of b (0 for b = 0), not multiplied by it.
import { defineFusedKernel, sideOf, type ParallelSide } from './fused_kernel';
import { GROUP_RATIONAL_WASM, type GroupRationalWasm } from './generated/group_rational_wasm';

/** tfjs kernel names of the fused group rational. */
export const GROUP_RATIONAL_KERNEL = 'BasiskitGroupRational';
export const GROUP_RATIONAL_GRAD_KERNEL = 'BasiskitGroupRationalGrad';

/** Rows per tile of the coefficient-gradient reduction. */
export const GROUP_RATIONAL_TILE_ROWS = 64;

/** Elements per forward chunk of the parallel SIMD kernel (half as many backward): tens of microseconds. */
export const GROUP_RATIONAL_CHUNK_ELEMENTS = 8192;

/** Attributes of the group-rational kernels. */
export interface GroupRationalAttrs {
  groups: number;
}

/** The sizes {@link groupRationalLayout} reads off the shapes. */
export interface GroupRationalLayout {
  rows: number;
  channels: number;
  groups: number;
  perGroup: number;
  numLen: number;
  denLen: number;
  sharedNumerator: boolean;
}

/** Sizes from the shapes of x [..., C], numerator [G or 1, m+1], denominator [G, n]. */
export function groupRationalLayout(xShape: number[], numShape: number[], denShape: number[], groups: number): GroupRationalLayout {
  const channels = xShape[xShape.length - 1];
  const size = xShape.reduce((p, d) => p * d, 1);
  return {
    rows: channels === 0 ? 0 : size / channels,
    channels,
    groups,
    perGroup: channels / groups,
    numLen: numShape[1],
    denLen: denShape[1],
    sharedNumerator: numShape[0] === 1,
  };
}

/** Forward: y = P(x)/Q(x), group by group. */
export function groupRationalForward(x: Float32Array, a: Float32Array, b: Float32Array, y: Float32Array, L: GroupRationalLayout): void {
  if (L.numLen === 6 && L.denLen === 4) return forward54(x, a, b, y, L);
  const ab = new Float64Array(L.denLen);
  const S = new ScaledElement(L.numLen, L.denLen);
  for (let g = 0; g < L.groups; g++) {
    const aOff = L.sharedNumerator ? 0 : g * L.numLen;
    for (let j = 0; j < L.denLen; j++) ab[j] = Math.abs(b[g * L.denLen + j]);
    const limit = directLimit(a, aOff, L.numLen, ab);
    S.setGroup(a, aOff, ab);
    const c0 = g * L.perGroup;
    for (let r = 0; r < L.rows; r++) {
      const end = r * L.channels + c0 + L.perGroup;
      for (let i = r * L.channels + c0; i < end; i++) {
        const xi = x[i];
        const ax = Math.abs(xi);
        if (ax > limit) {
          S.evaluate(xi);
          y[i] = S.y;
          continue;
        }
        let p = a[aOff + L.numLen - 1];
        for (let j = L.numLen - 2; j >= 0; j--) p = p * xi + a[aOff + j];
        let q = 0;
        for (let j = L.denLen - 1; j >= 0; j--) q = (q + ab[j]) * ax;
        y[i] = p / (1 + q);
      }
    }
  }
}

/**
 * Largest |x| at which the direct float64 form cannot overflow: |x|^max(m,n) times the largest
 * coefficient (at least 1) stays below 1e300.
 */
function directLimit(a: Float32Array, aOff: number, numLen: number, ab: Float64Array): number {
  const degree = Math.max(numLen - 1, ab.length);
  if (degree === 0) return Infinity;
  let big = 1;
  for (let j = 0; j < numLen; j++) big = Math.max(big, Math.abs(a[aOff + j]));
  for (let j = 0; j < ab.length; j++) big = Math.max(big, ab[j]);
  return Math.pow(1e300 / big, 1 / degree);
}

/**
 * One element by P~/Q~ (see the file header), for |x| beyond `directLimit`: values in `y`,
 * `dp` (P~'), `dq` (Q~'), `iq` (1/Q~), and `pw[j] = |x|^(j-e)`.
 */
class ScaledElement {
  y = 0;
  dp = 0;
  dq = 0;
  iq = 0;
  /** Highest k with b_k != 0 (0 if none). */
  e = 0;
  /** pw[i] = |x|^(i - e), i = 0..max(m, e). */
  readonly pw: Float64Array;
  private a: Float32Array = new Float32Array(0);
  private aOff = 0;
  private ab: Float64Array = new Float64Array(0);

  constructor(
    private readonly numLen: number,
    denLen: number,
  ) {
    this.pw = new Float64Array(Math.max(numLen, denLen + 1));
  }

  setGroup(a: Float32Array, aOff: number, ab: Float64Array): void {
    this.a = a;
    this.aOff = aOff;
    this.ab = ab;
    this.e = 0;
    for (let k = ab.length; k >= 1; k--) {
      if (ab[k - 1] !== 0) {
        this.e = k;
        break;
      }
    }
  }

  evaluate(xi: number): void {
    const { a, aOff, ab, e, pw, numLen } = this;
    const ax = Math.abs(xi);
    const s = xi > 0 ? 1 : -1;
    // powers from |x|^0 outwards, so that under- or overflow only reaches the far ends
    const top = Math.max(numLen - 1, e);
    pw[e] = 1;
    for (let i = e + 1; i <= top; i++) pw[i] = pw[i - 1] * ax;
    const inv = 1 / ax;
    for (let i = e - 1; i >= 0; i--) pw[i] = pw[i + 1] * inv;
    let q = pw[0];
    let dq = 0;
    for (let k = 1; k <= e; k++) {
      q += ab[k - 1] * pw[k];
      dq += k * ab[k - 1] * pw[k - 1];
    }
    let p = 0;
    let dp = 0;
    let sj = 1; // sign(x)^j
    for (let j = 0; j < numLen; j++) {
      const aj = a[aOff + j];
      if (aj !== 0) {
        p += aj * sj * pw[j];
        if (j > 0) dp += j * aj * sj * s * pw[j - 1]; // sign^(j-1) = sign^j * sign
      }
      sj *= s;
    }
    this.iq = 1 / q;
    this.y = p * this.iq;
    this.dp = dp;
    this.dq = dq;
  }
}

/** Degrees 5/4: where group g's numerator row starts. */
function numeratorOffset54(g: number, L: GroupRationalLayout): number {
  return L.sharedNumerator ? 0 : g * 6;
}

/** Degrees 5/4: group g's a0..a5 and |b1|..|b4|. */
function coefficients54(a: Float32Array, b: Float32Array, g: number, L: GroupRationalLayout): number[] {
  const o = numeratorOffset54(g, L);
  const d = g * 4;
  return [a[o], a[o + 1], a[o + 2], a[o + 3], a[o + 4], a[o + 5], Math.abs(b[d]), Math.abs(b[d + 1]), Math.abs(b[d + 2]), Math.abs(b[d + 3])];
}

function forward54(x: Float32Array, a: Float32Array, b: Float32Array, y: Float32Array, L: GroupRationalLayout): void {
  const { rows, channels, perGroup } = L;
  for (let g = 0; g < L.groups; g++) {
    const [a0, a1, a2, a3, a4, a5, b1, b2, b3, b4] = coefficients54(a, b, g, L);
    const c0 = g * perGroup;
    for (let r = 0; r < rows; r++) {
      const start = r * channels + c0;
      const end = start + perGroup;
      for (let i = start; i < end; i++) {
        const xi = x[i];
        const ax = Math.abs(xi);
        const p = a0 + xi * (a1 + xi * (a2 + xi * (a3 + xi * (a4 + xi * a5))));
        const q = 1 + ax * (b1 + ax * (b2 + ax * (b3 + ax * b4)));
        y[i] = p / q;
      }
    }
  }
}

/** Backward: dx, and the coefficient gradients da, db reduced per group over row tiles. */
export function groupRationalBackward(
  dy: Float32Array,
  x: Float32Array,
  a: Float32Array,
  b: Float32Array,
  dx: Float32Array,
  da: Float32Array,
  db: Float32Array,
  L: GroupRationalLayout,
): void {
  if (L.numLen === 6 && L.denLen === 4) return backward54(dy, x, a, b, dx, da, db, L);
  const m = L.numLen;
  const n = L.denLen;
  const ab = new Float64Array(n);
  const tileA = new Float64Array(m);
  const tileB = new Float64Array(n);
  const totA = new Float64Array(m);
  const totB = new Float64Array(n);
  const S = new ScaledElement(m, n);
  for (let g = 0; g < L.groups; g++) {
    const aOff = L.sharedNumerator ? 0 : g * m;
    for (let j = 0; j < n; j++) ab[j] = Math.abs(b[g * n + j]);
    const limit = directLimit(a, aOff, m, ab);
    S.setGroup(a, aOff, ab);
    totA.fill(0);
    totB.fill(0);
    const c0 = g * L.perGroup;
    for (let r0 = 0; r0 < L.rows; r0 += GROUP_RATIONAL_TILE_ROWS) {
      tileA.fill(0);
      tileB.fill(0);
      const r1 = Math.min(L.rows, r0 + GROUP_RATIONAL_TILE_ROWS);
      for (let r = r0; r < r1; r++) {
        const end = r * L.channels + c0 + L.perGroup;
        for (let i = r * L.channels + c0; i < end; i++) {
          const xi = x[i];
          const ax = Math.abs(xi);
          const s = Math.sign(xi);
          if (ax > limit) {
            S.evaluate(xi);
            const { y: ys, iq, pw, e } = S;
            const t = dy[i] * iq;
            dx[i] = t * (S.dp - ys * s * S.dq);
            let sj = 1;
            for (let j = 0; j < m; j++) {
              tileA[j] += t * sj * pw[j];
              sj *= s;
            }
            const u = -t * ys;
            for (let k = 1; k <= e; k++) tileB[k - 1] += u * pw[k];
            continue;
          }
          let p = a[aOff + m - 1];
          let dp = 0;
          for (let j = m - 2; j >= 0; j--) {
            dp = dp * xi + p;
            p = p * xi + a[aOff + j];
          }
          let q = 0;
          let dq = 0;
          for (let j = n - 1; j >= 0; j--) {
            dq = dq * ax + (j + 1) * ab[j];
            q = (q + ab[j]) * ax;
          }
          const iq = 1 / (1 + q);
          const yi = p * iq;
          const g0 = dy[i];
          dx[i] = g0 * (dp - yi * s * dq) * iq;
          const t = g0 * iq;
          const u = -t * yi;
          let xp = 1;
          for (let j = 0; j < m; j++) {
            tileA[j] += t * xp;
            xp *= xi;
          }
          let axp = ax;
          for (let j = 0; j < n; j++) {
            tileB[j] += u * axp;
            axp *= ax;
          }
        }
      }
      for (let j = 0; j < m; j++) totA[j] += tileA[j];
      for (let j = 0; j < n; j++) totB[j] += tileB[j];
    }
    for (let j = 0; j < m; j++) da[aOff + j] += totA[j];
    for (let j = 0; j < n; j++) {
      const bj = b[g * n + j];
      db[g * n + j] = bj > 0 ? totB[j] : bj < 0 ? -totB[j] : 0;
    }
  }
}

function backward54(
  dy: Float32Array,
  x: Float32Array,
  a: Float32Array,
  b: Float32Array,
  dx: Float32Array,
  da: Float32Array,
  db: Float32Array,
  L: GroupRationalLayout,
): void {
  const { rows, channels, perGroup } = L;
  for (let g = 0; g < L.groups; g++) {
    const o = numeratorOffset54(g, L);
    const [a0, a1, a2, a3, a4, a5, b1, b2, b3, b4] = coefficients54(a, b, g, L);
    const c0 = g * perGroup;
    let A0 = 0,
      A1 = 0,
      A2 = 0,
      A3 = 0,
      A4 = 0,
      A5 = 0,
      B1 = 0,
      B2 = 0,
      B3 = 0,
      B4 = 0;
    for (let r0 = 0; r0 < rows; r0 += GROUP_RATIONAL_TILE_ROWS) {
      let t0 = 0,
        t1 = 0,
        t2 = 0,
        t3 = 0,
        t4 = 0,
        t5 = 0,
        u1 = 0,
        u2 = 0,
        u3 = 0,
        u4 = 0;
      const r1 = Math.min(rows, r0 + GROUP_RATIONAL_TILE_ROWS);
      for (let r = r0; r < r1; r++) {
        const start = r * channels + c0;
        const end = start + perGroup;
        for (let i = start; i < end; i++) {
          const xi = x[i];
          const ax = Math.abs(xi);
          const s = Math.sign(xi);
          const x2 = xi * xi,
            x3 = x2 * xi,
            x4 = x2 * x2,
            x5 = x4 * xi;
          const ax2 = x2,
            ax3 = ax * x2,
            ax4 = x4;
          const p = a0 + a1 * xi + a2 * x2 + a3 * x3 + a4 * x4 + a5 * x5;
          const dp = a1 + 2 * a2 * xi + 3 * a3 * x2 + 4 * a4 * x3 + 5 * a5 * x4;
          const q = 1 + b1 * ax + b2 * ax2 + b3 * ax3 + b4 * ax4;
          const dq = s * (b1 + 2 * b2 * ax + 3 * b3 * ax2 + 4 * b4 * ax3);
          const iq = 1 / q;
          const yi = p * iq;
          const gy = dy[i];
          dx[i] = gy * (dp - yi * dq) * iq;
          const t = gy * iq;
          const u = -t * yi;
          t0 += t;
          t1 += t * xi;
          t2 += t * x2;
          t3 += t * x3;
          t4 += t * x4;
          t5 += t * x5;
          u1 += u * ax;
          u2 += u * ax2;
          u3 += u * ax3;
          u4 += u * ax4;
        }
      }
      A0 += t0;
      A1 += t1;
      A2 += t2;
      A3 += t3;
      A4 += t4;
      A5 += t5;
      B1 += u1;
      B2 += u2;
      B3 += u3;
      B4 += u4;
    }
    da[o] += A0;
    da[o + 1] += A1;
    da[o + 2] += A2;
    da[o + 3] += A3;
    da[o + 4] += A4;
    da[o + 5] += A5;
    // selected by sign(b), not multiplied: b = 0 gives 0 also where the sum overflowed
    const sb = (v: number, sum: number) => (v > 0 ? sum : v < 0 ? -sum : 0);
    db[g * 4] = sb(b[g * 4], B1);
    db[g * 4 + 1] = sb(b[g * 4 + 1], B2);
    db[g * 4 + 2] = sb(b[g * 4 + 2], B3);
    db[g * 4 + 3] = sb(b[g * 4 + 3], B4);
  }
}

/** Rows per forward chunk (one group's ~32K elements). */
const forwardRowsPerChunk = (L: GroupRationalLayout) => Math.max(1, Math.ceil(GROUP_RATIONAL_CHUNK_ELEMENTS / Math.max(1, L.perGroup)));

/** Tiles of GROUP_RATIONAL_TILE_ROWS rows per backward chunk (one group's ~16K elements). */
const backwardTilesPerChunk = (L: GroupRationalLayout) =>
  Math.max(1, Math.ceil(GROUP_RATIONAL_CHUNK_ELEMENTS / 2 / Math.max(1, GROUP_RATIONAL_TILE_ROWS * L.perGroup)));

/**
 * The parallel wasm SIMD sides of the group rational (degrees 5/4; `phases` returns null for
 * others: `compute` runs).
 */
export const groupRationalParallel: {
  forward: ParallelSide<GroupRationalAttrs, GroupRationalWasm>;
  backward: ParallelSide<GroupRationalAttrs, GroupRationalWasm>;
} = {
  forward: {
    scratchBytes: () => 0,
    phases: ([x, a, b], [y], _scratch, [xs, as, bs], { groups }) => {
      const L = groupRationalLayout(xs, as, bs, groups);
      if (L.numLen !== 6 || L.denLen !== 4) return null;
      const rows = forwardRowsPerChunk(L);
      const args = [x, a, b, y, L.rows, L.channels, L.groups, L.sharedNumerator ? 1 : 0, rows];
      return [{ fn: 'forward54', args, chunks: L.groups * Math.ceil(L.rows / rows) }];
    },
    // chunks are (block of rows, group), row blocks outermost: x and y split by rows
    rowSplit: ([xs, as, bs], { groups }) => {
      const L = groupRationalLayout(xs, as, bs, groups);
      return { rows: L.rows, rowsPerUnit: forwardRowsPerChunk(L), chunksPerUnit: L.groups, rowInputs: [0], rowOutputs: [0], scratchPerUnit: 0 };
    },
  },
  backward: {
    // every tile's 10 float64 partial sums of the coefficient gradients, per group
    scratchBytes: ([, xs, as, bs], { groups }) => {
      const L = groupRationalLayout(xs, as, bs, groups);
      return L.groups * Math.ceil(L.rows / GROUP_RATIONAL_TILE_ROWS) * 80;
    },
    phases: ([dy, x, a, b], [dx, da, db], scratch, [, xs, as, bs], { groups }) => {
      const L = groupRationalLayout(xs, as, bs, groups);
      if (L.numLen !== 6 || L.denLen !== 4) return null;
      const shared = L.sharedNumerator ? 1 : 0;
      const tiles = Math.ceil(L.rows / GROUP_RATIONAL_TILE_ROWS);
      const perChunk = backwardTilesPerChunk(L);
      return [
        {
          fn: 'backward54',
          args: [dy, x, a, b, dx, L.rows, L.channels, L.groups, shared, GROUP_RATIONAL_TILE_ROWS, perChunk, scratch],
          chunks: L.groups * Math.ceil(tiles / perChunk),
        },
        { fn: 'backward54Finish', args: [a, b, da, db, L.rows, L.groups, shared, GROUP_RATIONAL_TILE_ROWS, scratch], chunks: 1 },
      ];
    },
    // chunks are (block of tiles, group), tile blocks outermost: dy, x and dx split by rows, and
    // the tiles' partial sums (at (tile * groups + group) * 80 bytes) by blocks
    rowSplit: ([, xs, as, bs], { groups }) => {
      const L = groupRationalLayout(xs, as, bs, groups);
      const perChunk = backwardTilesPerChunk(L);
      return {
        rows: L.rows,
        rowsPerUnit: perChunk * GROUP_RATIONAL_TILE_ROWS,
        chunksPerUnit: L.groups,
        rowInputs: [0, 1],
        rowOutputs: [0],
        scratchPerUnit: perChunk * L.groups * 80,
      };
    },
  },
};

/**
 * The group rational's kernels: inputs x, numerator, denominator (attribute `groups`); the
 * backward gives dx, dnumerator, ddenominator. The wasm SIMD module (assembly/group_rational.ts,
 * a parallel side: chunks of (rows, group), split by rows on wasm, then a 1-chunk finish of the backward's coefficient
 * gradients) covers degrees 5/4 (KAT's); for other degrees `phases` returns null (run `compute`).
 */
export const groupRationalKernel = /* @__PURE__ */ defineFusedKernel<GroupRationalAttrs, GroupRationalWasm>({
  name: GROUP_RATIONAL_KERNEL,
  gradName: GROUP_RATIONAL_GRAD_KERNEL,
  inputs: ['x', 'numerator', 'denominator'],
  simd: GROUP_RATIONAL_WASM,
  forward: {
    outputShapes: ([xs]) => [xs],
    accumulates: [],
    compute: ([x, a, b], [y], [xs, as, bs], { groups }) => groupRationalForward(x, a, b, y, groupRationalLayout(xs, as, bs, groups)),
    parallel: /* @__PURE__ */ sideOf(groupRationalParallel, 'forward'),
  },
  backward: {
    outputShapes: ([, xs, as, bs]) => [xs, as, bs],
    accumulates: [1], // da (shared numerators sum over groups); dx and db are overwritten
    compute: ([dy, x, a, b], [dx, da, db], [, xs, as, bs], { groups }) =>
      groupRationalBackward(dy, x, a, b, dx, da, db, groupRationalLayout(xs, as, bs, groups)),
    parallel: /* @__PURE__ */ sideOf(groupRationalParallel, 'backward'),
  },
});
