// WGSL kernels of the group rational (KAT's GR-KAN, version A; group_rational_kernel.ts has the
// math and the cpu/wasm kernels):
//
//   y = P(x)/Q(x),  P = sum_{j=0..m} a[g,j] x^j,  Q = 1 + sum_{j=1..n} |b[g,j-1]| |x|^j
//   dx = dy (P' - y Q')/Q,  da[g,j] += (dy/Q) x^j,  db[g,j] += -(dy/Q) y sign(b_j) |x|^(j+1)
//
// float32 throughout. For |x| > 1, P and Q are divided by |x|^e (e = the highest k with b_k != 0,
// the order at which Q grows), as in group_rational_reference.ts: Q~ >= |b_e| > 0 never
// overflows, and out-of-range results become +-Infinity, not NaN. sign(0) = 0; db is selected by
// the sign of b (0 for b = 0), never multiplied by it. Shared numerator ([1, m+1]): da sums over
// the groups. Coefficient gradients without atomics: each workgroup sums a chunk of one group's
// elements (a thread per strided element, then a tree reduction in workgroup memory) into a row
// of partials [chunks, G, m+1+n]; one small pass adds the chunks (and the groups of a shared
// numerator) in order. Source: KAT (Yang & Wang, 2024), its CUDA/Triton kernels' formula.
import { groupRationalKernel, type GroupRationalAttrs } from '../group_rational_kernel';
import { chunking, defineWebGPUKernel, elementwiseProgram, sizeOf, workgroupProgram, WORKGROUP, type WGSLContext } from './program';
import type { tf } from '@basiskit/tensor';

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

const layout = ([xs, as, bs]: number[][], groups: number) => {
  const channels = xs[xs.length - 1];
  const size = sizeOf(xs);
  return { size, rows: channels === 0 ? 0 : size / channels, channels, groups, perGroup: channels / groups, numLen: as[1], denLen: bs[1], shared: as[0] === 1 };
};

const NAMES = ['X', 'Num', 'Den'];
const UNIFORMS = 'channels : i32, perGroup : i32,';

function run(ctx: WGSLContext, inputs: tf.TensorInfo[], attrs: GroupRationalAttrs) {
  return layout(
    inputs.map((t) => t.shape),
    attrs.groups,
  );
}

/** The group rational's WGSL kernels (attribute `groups`). */
export const groupRationalWebGPU = /* @__PURE__ */ defineWebGPUKernel<GroupRationalAttrs>({
  fused: groupRationalKernel,
  forward: (ctx, inputs, attrs) => {
    const L = run(ctx, inputs, attrs);
    const key = `group_rational_${L.numLen}_${L.denLen}_${L.shared}`;
    const program = elementwiseProgram(
      key,
      NAMES,
      L.size,
      'result[index] = rational(X[index], (index % uniforms.channels) / uniforms.perGroup).y;',
      UNIFORMS,
      rationalWGSL(L.numLen, L.denLen, L.shared),
    );
    return [ctx.run(program, inputs, [{ i: L.channels }, { i: L.perGroup }])];
  },
  backward: (ctx, [dy, ...inputs], attrs) => {
    const L = run(ctx, inputs, attrs);
    const key = `group_rational_${L.numLen}_${L.denLen}_${L.shared}`;
    const helpers = rationalWGSL(L.numLen, L.denLen, L.shared);
    const names = ['DY', ...NAMES];
    const all = [dy, ...inputs];
    const dx = ctx.run(
      elementwiseProgram(
        `${key}_dx`,
        names,
        L.size,
        'result[index] = DY[index] * rational(X[index], (index % uniforms.channels) / uniforms.perGroup).dxf;',
        UNIFORMS,
        helpers,
      ),
      all,
      [{ i: L.channels }, { i: L.perGroup }],
    );
    // partials [chunks, G, K], K = m+1+n: workgroup wg sums chunk wg / G of group wg % G
    const K = L.numLen + L.denLen;
    const perGroupElements = L.rows * L.perGroup;
    const [chunks, chunkSize] = chunking(perGroupElements, 16 * WORKGROUP, 256);
    const partials = ctx.run(
      workgroupProgram(
        `${key}_partials`,
        names,
        chunks * L.groups * K,
        chunks * L.groups,
        `let g = wg % uniforms.groups;
         let e0 = (wg / uniforms.groups) * uniforms.chunkSize;
         let e1 = min(uniforms.perGroupElements, e0 + uniforms.chunkSize);
         var acc : array<f32, K>;
         for (var j = 0; j < K; j++) { acc[j] = 0.0; }
         for (var el = e0 + lid; el < e1; el += WG) {
           let i = (el / uniforms.perGroup) * uniforms.channels + g * uniforms.perGroup + el % uniforms.perGroup;
           let xv = X[i];
           let ax = abs(xv);
           let s = sign(xv);
           let R = rational(xv, g);
           let t = DY[i] * R.iq;
           let u = -t * R.y;
           let inv = 1.0 / ax;
           var pw = 1.0; // |x|^(j-e)
           for (var k = 0; k < R.e; k++) { pw = pw * inv; }
           var sp = 1.0;
           for (var j = 0; j < NUM; j++) {
             acc[j] += t * sp * pw;
             sp = sp * s;
             pw = pw * ax;
           }
           // db_j: |x|^(j+1-e), for j+1 <= e on the scaled form
           var pb = 1.0;
           for (var k = 0; k < R.e; k++) { pb = pb * inv; }
           for (var j = 0; j < DEN; j++) {
             pb = pb * ax;
             if (R.e == 0 || j + 1 <= R.e) { acc[NUM + j] += u * pb; }
           }
         }
         for (var j = 0; j < K; j++) { shared_[j * WG + lid] = acc[j]; }
         workgroupBarrier();
         for (var stride = WG / 2; stride > 0; stride = stride / 2) {
           if (lid < stride) {
             for (var j = 0; j < K; j++) { shared_[j * WG + lid] += shared_[j * WG + lid + stride]; }
           }
           workgroupBarrier();
         }
         if (lid < K) { result[wg * K + lid] = shared_[lid * WG]; }`,
        'channels : i32, perGroup : i32, groups : i32, perGroupElements : i32, chunkSize : i32,',
        `${helpers}
         const K = ${K};
         const WG = ${WORKGROUP};
         var<workgroup> shared_ : array<f32, ${K * WORKGROUP}>;`,
      ),
      all,
      [{ i: L.channels }, { i: L.perGroup }, { i: L.groups }, { i: perGroupElements }, { i: chunkSize }],
    );
    const reduceUniforms = 'groups : i32, chunks : i32,';
    const reduceValues = [{ i: L.groups }, { i: chunks }];
    // da[gN, j] = sum over chunks (and over groups when shared)
    const da = ctx.run(
      elementwiseProgram(
        `${key}_da`,
        ['P'],
        (L.shared ? 1 : L.groups) * L.numLen,
        `let row = index / ${L.numLen};
         let j = index % ${L.numLen};
         let g0 = ${L.shared ? '0' : 'row'};
         let g1 = ${L.shared ? 'uniforms.groups' : 'row + 1'};
         var s = 0.0;
         for (var c = 0; c < uniforms.chunks; c++) {
           for (var g = g0; g < g1; g++) { s += P[(c * uniforms.groups + g) * ${K} + j]; }
         }
         result[index] = s;`,
        reduceUniforms,
      ),
      [partials],
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
         for (var c = 0; c < uniforms.chunks; c++) { s += P[(c * uniforms.groups + g) * ${K} + ${L.numLen} + j]; }
         let b = Den[index];
         result[index] = select(select(-s, s, b > 0.0), 0.0, b == 0.0);`,
        reduceUniforms,
      ),
      [partials, inputs[2]],
      reduceValues,
    );
    ctx.dispose(partials);
    return [dx, da, db];
  },
});
