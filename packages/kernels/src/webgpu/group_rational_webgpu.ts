// WGSL kernels of the group rational (KAT's GR-KAN, version A; group_rational_kernel.ts has the
// math and the cpu/wasm kernels):
//
//   y = P(x)/Q(x),  P = sum_{j=0..m} a[g,j] x^j,  Q = 1 + sum_{j=1..n} |b[g,j-1]| |x|^j
//   dx = dy (P' - y Q')/Q,  da[g,j] += (dy/Q) x^j,  db[g,j] += -(dy/Q) y sign(b_j) |x|^(j+1)
//
// float32 throughout. Degrees 5/4 (KAT's): the direct Horner form of P, P', Q, Q' for |x| up to
// the group's float32 bound (|x|^5 max(1, |a|, |b|) <= 1e36, group_rational_kernel.ts's
// `directLimit` with float32's range), computed once per invocation; beyond it (rare) and for
// other degrees, the scaled form of group_rational_reference.ts: for |x| > 1, P and Q divided by
// |x|^e (e = the highest k with b_k != 0, the order at which Q grows), so Q~ >= |b_e| > 0 never
// overflows and out-of-range results become +-Infinity, not NaN. sign(0) = 0; db is selected by
// the sign of b (0 for b = 0), never multiplied by it. Shared numerator ([1, m+1]): da sums over
// the groups.
//
// Layout: workgroup wg takes chunk wg / G of group g = wg % G's elements (its coefficients stay in
// registers); each invocation loops over the chunk with stride WORKGROUP. The backward is one
// pass: it writes dx and keeps the m+1+n coefficient moments in registers, then ONE reduction in
// workgroup memory (one barrier; thread j sums moment j in order) writes the workgroup's row of
// partials [chunks, G, m+1+n]
// (stored after dx in the pass's output: a WGSL program has one output; dx is then copied out);
// one small pass adds the chunks (and the groups of a shared numerator) in order. No atomics.
// Source: KAT (Yang & Wang, 2024), its CUDA/Triton kernels' formula; FlashKAT's per-block sums.
import { groupRationalKernel, groupRationalLayout, type GroupRationalAttrs, type GroupRationalLayout } from '../group_rational_kernel';
import { chunking, defineWebGPUKernel, elementwiseProgram, sizeOf, workgroupProgram, WORKGROUP } from './program';

/**
 * WGSL `rational(x, g) -> Rational`: y, 1/Q~, dx's factor (P~' - y sign(x) Q~')/Q~, and e (0 on
 * the direct form |x| <= 1). NUM, DEN: m+1, n; SHARED: one numerator row.
 */
function rationalWGSL(numLen: number, denLen: number, shared: boolean): string {
  return `
    const NUM = ${numLen};
    const DEN = ${denLen};
    struct Rational { y : f32, iq : f32, dxf : f32, e : i32 };
    fn numOffset(g : i32) -> i32 { return ${shared ? '0' : 'g * NUM'}; }
    // highest k with b_k != 0 (0 if none)
    fn order(g : i32) -> i32 {
      for (var k = DEN; k >= 1; k--) { if (Den[g * DEN + k - 1] != 0.0) { return k; } }
      return 0;
    }
    fn rational(xv : f32, g : i32) -> Rational {
      let ax = abs(xv);
      let s = sign(xv);
      var e = 0;
      if (ax > 1.0) { e = order(g); }
      let inv = 1.0 / ax;
      var pw0 = 1.0; // |x|^-e
      for (var k = 0; k < e; k++) { pw0 = pw0 * inv; }
      // Q~ = sum_{k<=top} c_k |x|^(k-e), Q~' = sum k c_k |x|^(k-1-e)   (c_0 = 1, c_k = |b_k|)
      let top = select(DEN, e, ax > 1.0);
      var q = pw0;
      var dq = 0.0;
      var prev = pw0;
      for (var k = 1; k <= top; k++) {
        let c = abs(Den[g * DEN + k - 1]);
        let cur = prev * ax;
        if (c != 0.0) { q += c * cur; dq += f32(k) * c * prev; }
        prev = cur;
      }
      // P~ = sum_j a_j sign^j |x|^(j-e), P~' = sum_j j a_j sign^(j-1) |x|^(j-1-e)
      let aOff = numOffset(g);
      var p = 0.0;
      var dp = 0.0;
      var sp = 1.0;
      var pj = pw0;
      var below = 0.0; // sign^(j-1) |x|^(j-1-e)
      for (var j = 0; j < NUM; j++) {
        let aj = Num[aOff + j];
        if (aj != 0.0) {
          p += aj * sp * pj;
          if (j > 0) { dp += f32(j) * aj * below; }
        }
        below = sp * pj;
        sp = sp * s;
        pj = pj * ax;
      }
      let iq = 1.0 / q;
      let y = p * iq;
      return Rational(y, iq, (dp - y * s * dq) * iq, e);
    }`;
}

/**
 * WGSL of degrees 5/4's fast path: `coeffs54(g)` (a0..a5, |b1|..|b4| and the direct form's bound
 * `limit`), `value54` (y) and `grad54` (dx and the 10 moments) by Horner.
 */
const FAST54_WGSL = `
    struct C54 { a0 : f32, a1 : f32, a2 : f32, a3 : f32, a4 : f32, a5 : f32, b1 : f32, b2 : f32, b3 : f32, b4 : f32, limit : f32 };
    fn coeffs54(g : i32) -> C54 {
      let o = numOffset(g);
      let d = g * 4;
      var c = C54(Num[o], Num[o + 1], Num[o + 2], Num[o + 3], Num[o + 4], Num[o + 5], abs(Den[d]), abs(Den[d + 1]), abs(Den[d + 2]), abs(Den[d + 3]), 0.0);
      var big = max(1.0, max(max(max(abs(c.a0), abs(c.a1)), max(abs(c.a2), abs(c.a3))), max(abs(c.a4), abs(c.a5))));
      big = max(big, max(max(c.b1, c.b2), max(c.b3, c.b4)));
      // |x|^5 big <= 1e36: no term of P, P', Q, Q' or the moments overflows float32
      c.limit = pow(1e36 / big, 0.2);
      return c;
    }
    fn value54(c : C54, x : f32) -> f32 {
      let ax = abs(x);
      let p = c.a0 + x * (c.a1 + x * (c.a2 + x * (c.a3 + x * (c.a4 + x * c.a5))));
      let q = 1.0 + ax * (c.b1 + ax * (c.b2 + ax * (c.b3 + ax * c.b4)));
      return p / q;
    }`;

/** WGSL `element(x, g, dy) -> Elem`: dx and the K moments of one element by the general (scaled) form. */
const ELEMENT_WGSL = `
    struct Elem { dx : f32, m : array<f32, K> };
    fn element(xv : f32, g : i32, dyv : f32) -> Elem {
      var r : Elem;
      let ax = abs(xv);
      let s = sign(xv);
      let R = rational(xv, g);
      r.dx = dyv * R.dxf;
      let t = dyv * R.iq;
      let u = -t * R.y;
      let inv = 1.0 / ax;
      var pw = 1.0; // |x|^(j-e)
      for (var k = 0; k < R.e; k++) { pw = pw * inv; }
      let pe = pw;
      var sp = 1.0;
      for (var j = 0; j < NUM; j++) {
        r.m[j] = t * sp * pw;
        sp = sp * s;
        pw = pw * ax;
      }
      // db_j: |x|^(j+1-e), for j+1 <= e on the scaled form
      var pb = pe;
      for (var j = 0; j < DEN; j++) {
        pb = pb * ax;
        r.m[NUM + j] = select(0.0, u * pb, R.e == 0 || j + 1 <= R.e);
      }
      return r;
    }`;

/** The group rational's sizes, and the element count. */
type Layout = GroupRationalLayout & { size: number };

function layoutOf([xs, as, bs]: number[][], groups: number): Layout {
  return { ...groupRationalLayout(xs, as, bs, groups), size: sizeOf(xs) };
}

const UNIFORMS = 'channels : i32, perGroup : i32, groups : i32, perGroupElements : i32, chunkSize : i32, rowStep : i32, colStep : i32,';

/** Chunks per group and the uniforms of a chunked pass (UNIFORMS' order). */
function chunked(L: Layout) {
  const perGroupElements = L.rows * L.perGroup;
  const [chunks, chunkSize] = chunking(perGroupElements, 32 * WORKGROUP, 256);
  const perGroup = Math.max(1, L.perGroup);
  const values = [L.channels, L.perGroup, L.groups, perGroupElements, chunkSize, Math.floor(WORKGROUP / perGroup), WORKGROUP % perGroup].map((i) => ({ i }));
  return { chunks, values };
}

/**
 * The loop of a chunked pass: workgroup wg takes elements [e0, e1) of group g (element el of a
 * group: row el / perGroup, column el % perGroup), stride WG; `body` sees `i` (the flat index).
 */
function chunkLoop(body: string): string {
  return `let g = wg % uniforms.groups;
         let e0 = (wg / uniforms.groups) * uniforms.chunkSize;
         let e1 = min(uniforms.perGroupElements, e0 + uniforms.chunkSize);
         var row = (e0 + lid) / max(1, uniforms.perGroup);
         var col = (e0 + lid) % max(1, uniforms.perGroup);
         let c0 = g * uniforms.perGroup;
         for (var el = e0 + lid; el < e1; el += ${WORKGROUP}) {
           let i = row * uniforms.channels + c0 + col;
           ${body}
           row += uniforms.rowStep;
           col += uniforms.colStep;
           if (col >= uniforms.perGroup) { col -= uniforms.perGroup; row += 1; }
         }`;
}

/** The group rational's WGSL kernels (attribute `groups`). */
export const groupRationalWebGPU = /* @__PURE__ */ defineWebGPUKernel<GroupRationalAttrs>({
  fused: groupRationalKernel,
  forward: (ctx, inputs, attrs) => {
    const L = layoutOf(
      inputs.map((t) => t.shape),
      attrs.groups,
    );
    const fast = L.numLen === 6 && L.denLen === 4;
    const key = `group_rational_${L.numLen}_${L.denLen}_${L.sharedNumerator}`;
    const { chunks, values } = chunked(L);
    const body = fast
      ? `let xv = X[i];
         if (abs(xv) <= c.limit) { result[i] = value54(c, xv); } else { result[i] = rational(xv, g).y; }`
      : 'result[i] = rational(X[i], g).y;';
    const program = workgroupProgram(
      `${key}_fwd`,
      ['X', 'Num', 'Den'],
      L.size,
      chunks * L.groups,
      chunkLoop(body).replace('let c0 =', `${fast ? 'let c = coeffs54(g);' : ''}\n         let c0 =`),
      UNIFORMS,
      rationalWGSL(L.numLen, L.denLen, L.sharedNumerator) + (fast ? FAST54_WGSL : ''),
    );
    return [ctx.run(program, inputs, values)];
  },
  backward: (ctx, [dy, ...inputs], attrs) => {
    const L = layoutOf(
      inputs.map((t) => t.shape),
      attrs.groups,
    );
    const fast = L.numLen === 6 && L.denLen === 4;
    const key = `group_rational_${L.numLen}_${L.denLen}_${L.sharedNumerator}`;
    const K = L.numLen + L.denLen;
    const { chunks, values } = chunked(L);
    const ks = Array.from({ length: K }, (_, j) => j);
    const general = `let E = element(xv, g, dyv);
           result[i] = E.dx;
           ${ks.map((j) => `m${j} += E.m[${j}];`).join(' ')}`;
    const body = fast
      ? `let xv = X[i];
         let dyv = DY[i];
         if (abs(xv) <= c.limit) {
           let ax = abs(xv);
           let p = c.a0 + xv * (c.a1 + xv * (c.a2 + xv * (c.a3 + xv * (c.a4 + xv * c.a5))));
           let dp = c.a1 + xv * (2.0 * c.a2 + xv * (3.0 * c.a3 + xv * (4.0 * c.a4 + xv * 5.0 * c.a5)));
           let q = 1.0 + ax * (c.b1 + ax * (c.b2 + ax * (c.b3 + ax * c.b4)));
           let dq = sign(xv) * (c.b1 + ax * (2.0 * c.b2 + ax * (3.0 * c.b3 + ax * 4.0 * c.b4)));
           let iq = 1.0 / q;
           let y = p * iq;
           let t = dyv * iq;
           result[i] = t * (dp - y * dq);
           let u = -t * y;
           let x2 = xv * xv;
           let x3 = x2 * xv;
           let x4 = x2 * x2;
           m0 += t; m1 += t * xv; m2 += t * x2; m3 += t * x3; m4 += t * x4; m5 += t * x4 * xv;
           m6 += u * ax; m7 += u * x2; m8 += u * ax * x2; m9 += u * x4;
         } else {
           ${general}
         }`
      : `let xv = X[i];
         let dyv = DY[i];
         ${general}`;
    // output: dx [size], then the partials [chunks, G, K]
    const combined = ctx.run(
      workgroupProgram(
        `${key}_bwd`,
        ['DY', 'X', 'Num', 'Den'],
        L.size + chunks * L.groups * K,
        chunks * L.groups,
        `${ks.map((j) => `var m${j} = 0.0;`).join(' ')}
         ${chunkLoop(body).replace('let c0 =', `${fast ? 'let c = coeffs54(g);' : ''}\n         let c0 =`)}
         ${ks.map((j) => `shared_[${j * WORKGROUP} + lid] = m${j};`).join(' ')}
         workgroupBarrier();
         // one reduction: thread j < K sums moment j over the workgroup's threads, in order
         if (lid < K) {
           var sum = 0.0;
           for (var l = 0; l < ${WORKGROUP}; l++) { sum += shared_[lid * ${WORKGROUP} + l]; }
           result[uniforms.base + wg * K + lid] = sum;
         }`,
        `${UNIFORMS} base : i32,`,
        `${rationalWGSL(L.numLen, L.denLen, L.sharedNumerator)}
         ${fast ? FAST54_WGSL : ''}
         const K = ${K};
         ${ELEMENT_WGSL}
         var<workgroup> shared_ : array<f32, ${K * WORKGROUP}>;`,
      ),
      [dy, ...inputs],
      [...values, { i: L.size }],
    );
    const dx = ctx.run(elementwiseProgram('copy_prefix', ['C'], L.size, 'result[index] = C[index];'), [combined]);
    const reduceUniforms = 'groups : i32, chunks : i32, base : i32,';
    const reduceValues = [{ i: L.groups }, { i: chunks }, { i: L.size }];
    // da[gN, j] = sum over chunks (and over groups when shared)
    const da = ctx.run(
      elementwiseProgram(
        `${key}_da`,
        ['P'],
        (L.sharedNumerator ? 1 : L.groups) * L.numLen,
        `let row = index / ${L.numLen};
         let j = index % ${L.numLen};
         let g0 = ${L.sharedNumerator ? '0' : 'row'};
         let g1 = ${L.sharedNumerator ? 'uniforms.groups' : 'row + 1'};
         var s = 0.0;
         for (var c = 0; c < uniforms.chunks; c++) {
           for (var g = g0; g < g1; g++) { s += P[uniforms.base + (c * uniforms.groups + g) * ${K} + j]; }
         }
         result[index] = s;`,
        reduceUniforms,
      ),
      [combined],
      reduceValues,
    );
    // db[g, j] = sign(b) * sum over chunks, selected (0 where b = 0)
    const db = ctx.run(
      elementwiseProgram(
        `${key}_db`,
        ['P', 'Den'],
        L.groups * L.denLen,
        `let g = index / ${L.denLen};
         let j = index % ${L.denLen};
         var s = 0.0;
         for (var c = 0; c < uniforms.chunks; c++) { s += P[uniforms.base + (c * uniforms.groups + g) * ${K} + ${L.numLen} + j]; }
         let b = Den[index];
         result[index] = select(select(-s, s, b > 0.0), 0.0, b == 0.0);`,
        reduceUniforms,
      ),
      [combined, inputs[2]],
      reduceValues,
    );
    ctx.dispose(combined);
    return [dx, da, db];
  },
});
