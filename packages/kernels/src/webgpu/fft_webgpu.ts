// WGSL kernels of the FFTs (fft_kernel.ts has the math, the attrs and the cpu/wasm kernels):
//
//   X_k = s sum_{j<n} x_j e^{dir 2 pi i j k / n},   dir -1 (fft, rfft), +1 (ifft, irfft)
//
// Every transform is a complex FFT of strided lines (outer x n x inner, read and written in place
// along the axis: no transpose), on an interleaved (re, im) work buffer of that layout:
// 1. gather: the input lines (length L) cropped or zero-padded to n (irfft: the Hermitian
//    extension of the bins to n, imaginary parts of bin 0 and bin n/2 dropped; real input: im 0);
// 2. power-of-two n: Stockham autosort passes, one dispatch each, a radix-2 pass first when
//    log2 n is odd, then radix-4 passes (p = product of the radices so far; thread b of a line:
//    k = b mod p, u_q = x[b + q n/r] e^{dir 2 pi i q k/(r p)}, v = DFT_r(u),
//    y[(b - k) r + k + q p] = v_q); twiddles computed in the shader;
//    other n: a direct DFT (a thread per output, the exponent jk reduced mod n in integers),
//    O(n^2) per line: simplest correct, and cheap for the small non-power-of-two lengths of
//    the operators (Bluestein via the power-of-two passes would be O(n log n));
// 3. split: the real or imaginary part times s, cropped or zero-padded to the output length
//    (rfft: the first `bins` bins, imaginary parts of bins 0 and n/2 exactly 0; irfft's
//    gradient: bins weighted w_k, 0 past n/2).
// rfft is the complex FFT of the real line (no half-length packing): correctness first.
// Gradients are the adjoint transforms of fft_kernel.ts: fft/ifft the other direction, rfft an
// inverse complex FFT of the zero-extended bins (real part), irfft a weighted rfft.
// Source: Stockham autosort FFT (Stockham 1966; the GPU formulation of E. Bainville, "OpenCL Fast
// Fourier Transform", 2010).
import { fftKernel, irfftKernel, rfftKernel, type FFTAttrs } from '../fft_kernel';
import { defineWebGPUKernel, elementwiseProgram, type WGSLContext, type WGSLProgram, WORKGROUP } from './program';
import type { tf } from '@basiskit/tensor';

type TensorInfo = tf.TensorInfo;

/** outer x len x inner: the lines along `axis` of `shape`. */
function lineLayout(shape: readonly number[], axis: number) {
  let outer = 1;
  for (let d = 0; d < axis; d++) outer *= shape[d];
  let inner = 1;
  for (let d = axis + 1; d < shape.length; d++) inner *= shape[d];
  return { outer, inner, len: shape[axis] };
}

/** `program` dispatched over two dimensions when its workgroups pass the 65535 per-dimension limit (tfjs flattens the index). */
function spread(program: WGSLProgram, threads: number): WGSLProgram {
  const groups = Math.max(1, Math.ceil(threads / WORKGROUP));
  if (groups <= 65535) return program;
  return { ...program, dispatch: [65535, Math.ceil(groups / 65535), 1] };
}

// e^{dir 2 pi i num/den} with the angle reduced in integers to the nearest quarter turn j plus
// phi in [-pi/4, pi/4], then Taylor polynomials (error < 2e-9 there): WGSL's cos/sin may be off
// by 2^-11 (its spec's bound, met by SwiftShader), far above float32 rounding.
const COMPLEX_WGSL = `
  fn cmul(a : vec2<f32>, b : vec2<f32>) -> vec2<f32> { return vec2<f32>(a.x * b.x - a.y * b.y, a.x * b.y + a.y * b.x); }
  fn root(num : i32, den : i32, dir : f32) -> vec2<f32> {
    let j = (4 * num + den / 2) / den;
    let phi = 1.5707963267948966 * f32(4 * num - j * den) / f32(den);
    let x2 = phi * phi;
    let s = phi * (1.0 + x2 * (-1.0 / 6.0 + x2 * (1.0 / 120.0 + x2 * (-1.0 / 5040.0 + x2 * (1.0 / 362880.0)))));
    let c = 1.0 + x2 * (-0.5 + x2 * (1.0 / 24.0 + x2 * (-1.0 / 720.0 + x2 * (1.0 / 40320.0 + x2 * (-1.0 / 3628800.0)))));
    var v = vec2<f32>(c, s);
    switch (j & 3) {
      case 1: { v = vec2<f32>(-s, c); }
      case 2: { v = vec2<f32>(-c, -s); }
      case 3: { v = vec2<f32>(s, -c); }
      default: {}
    }
    return vec2<f32>(v.x, dir * v.y);
  }`;

/** Element (o, t, ii) of an [outer, size, inner] layout from a flat index `index`: `o`, `t`, `ii` (WGSL). */
const coords = (size: string) => `
  let per_ = ${size} * uniforms.inner;
  let o = index / per_;
  let rem_ = index - o * per_;
  let t = rem_ / uniforms.inner;
  let ii = rem_ - t * uniforms.inner;`;

/**
 * Gathers lines of length `len` (cropped or zero-padded to n) into an interleaved [outer, n,
 * inner] complex buffer; `im` null: real input; `hermitian`: irfft's extension of the bins.
 */
function gather(ctx: WGSLContext, re: TensorInfo, im: TensorInfo | null, shape: readonly number[], axis: number, n: number, hermitian: boolean): TensorInfo {
  const { outer, inner, len } = lineLayout(shape, axis);
  const threads = outer * n * inner;
  const names = im ? ['Re', 'Im'] : ['Re'];
  const imOf = (src: string) => (im ? `Im[${src}]` : '0.0');
  const body = hermitian
    ? `${coords('uniforms.n')}
       let low = 2 * t <= uniforms.n;
       let k = select(uniforms.n - t, t, low);
       var v = vec2<f32>(0.0, 0.0);
       if (k < uniforms.len) {
         let src = (o * uniforms.len + k) * uniforms.inner + ii;
         let keepIm = k != 0 && 2 * k != uniforms.n;
         v = vec2<f32>(Re[src], select(0.0, select(-1.0, 1.0, low) * ${imOf('src')}, keepIm));
       }
       result[2 * index] = v.x;
       result[2 * index + 1] = v.y;`
    : `${coords('uniforms.n')}
       var v = vec2<f32>(0.0, 0.0);
       if (t < uniforms.len) {
         let src = (o * uniforms.len + t) * uniforms.inner + ii;
         v = vec2<f32>(Re[src], ${imOf('src')});
       }
       result[2 * index] = v.x;
       result[2 * index + 1] = v.y;`;
  const key = `fft_gather_${im ? 'c' : 'r'}${hermitian ? '_h' : ''}`;
  const program = spread(elementwiseProgram(key, names, 2 * threads, body, 'n : i32, len : i32, inner : i32,', '', threads), threads);
  return ctx.run(program, im ? [re, im] : [re], [{ i: n }, { i: len }, { i: inner }]);
}

/** One Stockham pass of radix 2 or 4 on interleaved [outer, n, inner] lines (p: the size of the sub-transforms done). */
function stockhamPass(ctx: WGSLContext, w: TensorInfo, outer: number, n: number, inner: number, radix: 2 | 4, p: number, dir: number): TensorInfo {
  const threads = (outer * n * inner) / radix;
  const load = (q: number) => `load(i0 + ${q} * stride_)`;
  const body =
    radix === 2
      ? `${coords('T')}
         let k = t % uniforms.p;
         let stride_ = T * uniforms.inner;
         let base = o * uniforms.n * uniforms.inner + ii;
         let i0 = base + t * uniforms.inner;
         let u0 = ${load(0)};
         let u1 = cmul(${load(1)}, root(k, 2 * uniforms.p, uniforms.dir));
         let j = base + ((t - k) * 2 + k) * uniforms.inner;
         let jp = uniforms.p * uniforms.inner;
         store(j, u0 + u1);
         store(j + jp, u0 - u1);`
      : `${coords('T')}
         let k = t % uniforms.p;
         let stride_ = T * uniforms.inner;
         let base = o * uniforms.n * uniforms.inner + ii;
         let i0 = base + t * uniforms.inner;
         let u0 = ${load(0)};
         let u1 = cmul(${load(1)}, root(k, 4 * uniforms.p, uniforms.dir));
         let u2 = cmul(${load(2)}, root(2 * k, 4 * uniforms.p, uniforms.dir));
         let u3 = cmul(${load(3)}, root(3 * k, 4 * uniforms.p, uniforms.dir));
         let s02 = u0 + u2;
         let d02 = u0 - u2;
         let s13 = u1 + u3;
         let d13 = u1 - u3;
         let rd = uniforms.dir * vec2<f32>(-d13.y, d13.x); // dir i (u1 - u3)
         let j = base + ((t - k) * 4 + k) * uniforms.inner;
         let jp = uniforms.p * uniforms.inner;
         store(j, s02 + s13);
         store(j + jp, d02 + rd);
         store(j + 2 * jp, s02 - s13);
         store(j + 3 * jp, d02 - rd);`;
  const helpers = `${COMPLEX_WGSL}
    fn load(i : i32) -> vec2<f32> { return vec2<f32>(W[2 * i], W[2 * i + 1]); }
    fn store(i : i32, v : vec2<f32>) { result[2 * i] = v.x; result[2 * i + 1] = v.y; }`;
  const program = spread(
    elementwiseProgram(
      `fft_stockham${radix}`,
      ['W'],
      2 * outer * n * inner,
      `let T = uniforms.n / ${radix};${body}`,
      'n : i32, inner : i32, p : i32, dir : f32,',
      helpers,
      threads,
    ),
    threads,
  );
  return ctx.run(program, [w], [{ i: n }, { i: inner }, { i: p }, { f: dir }]);
}

/** Direct DFT of interleaved [outer, n, inner] lines (n not a power of two): a thread per output. */
function directDFT(ctx: WGSLContext, w: TensorInfo, outer: number, n: number, inner: number, dir: number): TensorInfo {
  const threads = outer * n * inner;
  const body = `${coords('uniforms.n')}
    let base = o * uniforms.n * uniforms.inner + ii;
    var acc = vec2<f32>(0.0, 0.0);
    var e = 0; // j t mod n
    for (var j = 0; j < uniforms.n; j++) {
      let src = 2 * (base + j * uniforms.inner);
      acc += cmul(vec2<f32>(W[src], W[src + 1]), root(e, uniforms.n, uniforms.dir));
      e += t;
      if (e >= uniforms.n) { e -= uniforms.n; }
    }
    result[2 * index] = acc.x;
    result[2 * index + 1] = acc.y;`;
  const program = spread(elementwiseProgram('fft_direct', ['W'], 2 * threads, body, 'n : i32, inner : i32, dir : f32,', COMPLEX_WGSL, threads), threads);
  return ctx.run(program, [w], [{ i: n }, { i: inner }, { f: dir }]);
}

/**
 * The unnormalised DFT of length n (e^{+i} when `inverse`) of the lines along `axis` of `re`,
 * `im` (shape `shape`; `im` null: real): an interleaved [outer, n, inner] complex buffer.
 */
function transform(
  ctx: WGSLContext,
  re: TensorInfo,
  im: TensorInfo | null,
  shape: readonly number[],
  axis: number,
  n: number,
  inverse: boolean,
  hermitian = false,
): TensorInfo {
  const { outer, inner } = lineLayout(shape, axis);
  const dir = inverse ? 1 : -1;
  let w = gather(ctx, re, im, shape, axis, n, hermitian);
  if (n === 1 || outer * inner === 0) return w;
  const step = (next: TensorInfo) => {
    ctx.dispose(w);
    w = next;
  };
  if ((n & (n - 1)) !== 0) {
    step(directDFT(ctx, w, outer, n, inner, dir));
    return w;
  }
  let p = 1;
  if (Math.round(Math.log2(n)) % 2 === 1) {
    step(stockhamPass(ctx, w, outer, n, inner, 2, p, dir));
    p = 2;
  }
  for (; p < n; p *= 4) step(stockhamPass(ctx, w, outer, n, inner, 4, p, dir));
  return w;
}

/** How {@link split} treats the bins: plain, rfft output (imaginary parts of bins 0, n/2 exactly 0), or irfft's gradient (weights w_k, 0 past n/2). */
type SplitMode = 'plain' | 'real' | 'weighted';

/** Part `part` (0 real, 1 imaginary) of interleaved [outer, n, inner] lines, times `scale`, cropped or zero-padded to `lenOut`. */
function split(
  ctx: WGSLContext,
  w: TensorInfo,
  outer: number,
  n: number,
  inner: number,
  lenOut: number,
  part: 0 | 1,
  scale: number,
  mode: SplitMode = 'plain',
): TensorInfo {
  const size = outer * lenOut * inner;
  const zero = part === 1 && mode !== 'plain' ? ' || t == 0 || 2 * t == uniforms.n' : '';
  const weight = mode === 'weighted' ? ' * select(2.0, 1.0, t == 0 || 2 * t == uniforms.n)' : '';
  const limit = mode === 'weighted' ? '2 * t > uniforms.n' : 't >= uniforms.n';
  const body = `${coords('uniforms.lenOut')}
    if (${limit}${zero}) {
      result[index] = 0.0;
    } else {
      result[index] = W[2 * ((o * uniforms.n + t) * uniforms.inner + ii) + ${part}] * uniforms.scale${weight};
    }`;
  const program = spread(elementwiseProgram(`fft_split_${part}_${mode}`, ['W'], size, body, 'n : i32, inner : i32, lenOut : i32, scale : f32,'), size);
  return ctx.run(program, [w], [{ i: n }, { i: inner }, { i: lenOut }, { f: scale }]);
}

/** Both parts of {@link split}; frees `w`. */
function splitBoth(
  ctx: WGSLContext,
  w: TensorInfo,
  shape: readonly number[],
  axis: number,
  n: number,
  lenOut: number,
  scale: number,
  mode: SplitMode = 'plain',
): TensorInfo[] {
  const { outer, inner } = lineLayout(shape, axis);
  const out = [split(ctx, w, outer, n, inner, lenOut, 0, scale, mode), split(ctx, w, outer, n, inner, lenOut, 1, scale, mode)];
  ctx.dispose(w);
  return out;
}

/** The real part of {@link split}; frees `w`. */
function splitReal(ctx: WGSLContext, w: TensorInfo, shape: readonly number[], axis: number, n: number, lenOut: number, scale: number): TensorInfo {
  const { outer, inner } = lineLayout(shape, axis);
  const out = split(ctx, w, outer, n, inner, lenOut, 0, scale);
  ctx.dispose(w);
  return out;
}

/** fft / ifft's WGSL kernels (inputs real, imag; backward dyReal, dyImag, real, imag). */
export const fftWebGPU = /* @__PURE__ */ defineWebGPUKernel<FFTAttrs>({
  fused: fftKernel,
  forward: (ctx, [re, im], { axis, n, inverse, scale }) => splitBoth(ctx, transform(ctx, re, im, re.shape, axis, n, inverse), re.shape, axis, n, n, scale),
  backward: (ctx, [dr, di, re], { axis, n, inverse, scale }) =>
    splitBoth(ctx, transform(ctx, dr, di, dr.shape, axis, n, !inverse), dr.shape, axis, n, re.shape[axis], scale),
});

/** rfft's WGSL kernels (input x, attribute `bins`; backward dyReal, dyImag, x). */
export const rfftWebGPU = /* @__PURE__ */ defineWebGPUKernel<FFTAttrs>({
  fused: rfftKernel,
  forward: (ctx, [x], { axis, n, scale, bins }) =>
    splitBoth(ctx, transform(ctx, x, null, x.shape, axis, n, false), x.shape, axis, n, bins ?? (n >> 1) + 1, scale, 'real'),
  backward: (ctx, [dr, di, x], { axis, n, scale }) => [
    splitReal(ctx, transform(ctx, dr, di, dr.shape, axis, n, true), dr.shape, axis, n, x.shape[axis], scale),
  ],
});

/** irfft's WGSL kernels (inputs real, imag: the bins; backward g, real, imag). */
export const irfftWebGPU = /* @__PURE__ */ defineWebGPUKernel<FFTAttrs>({
  fused: irfftKernel,
  forward: (ctx, [re, im], { axis, n, scale }) => [splitReal(ctx, transform(ctx, re, im, re.shape, axis, n, true, true), re.shape, axis, n, n, scale)],
  backward: (ctx, [g, re], { axis, n, scale }) =>
    splitBoth(ctx, transform(ctx, g, null, g.shape, axis, n, false), g.shape, axis, n, re.shape[axis], scale, 'weighted'),
});
