// Fused epilogue kernels over typed arrays: a bias over the last axis, an optional skip term and
// the exact GELU in one pass, and the gradient in one pass (the FNO block's
// `gelu(spectral_conv(x) + bias + skip(x))` and the channel MLP's `gelu(x W^T + b)`):
//
//   pre = x + bias + skip,  y = gelu(pre) = pre Phi(pre)        x, skip [N, C], bias [C]
//   dx = dskip = dy (Phi(pre) + pre phi(pre)),  dbias = sum over the N rows of dx
//
// Phi and phi share one exp (gelu_kernel.ts documents the math); the backward recomputes pre
// from the saved inputs instead of keeping it. Against separate ops this saves the passes of
// the bias add, the skip add and the bias gradient's row sums over [N, C]. The wasm SIMD
// version (assembly/gelu.ts) needs C to be a multiple of 4 (else this JavaScript kernel runs),
// and sums dbias in float32 per chunk of BIAS_GELU_CHUNK_ROWS rows; the JavaScript kernel sums in
// float64. Sources: Hendrycks & Gimpel, arXiv:1606.08415 (GELU); the FNO block of
// neuraloperator/neuraloperator, neuralop/layers/fno_block.py.
import { defineFusedKernel, type FusedKernelConfig } from './fused_kernel';
import { normalCdfAndGauss } from './gelu_kernel';
import { GELU_WASM, type GeluWasm } from './generated/gelu_wasm';

/** tfjs kernel names of gelu(x + bias) and gelu(x + bias + skip). */
export const BIAS_GELU_KERNEL = 'BasiskitBiasGelu';
export const BIAS_GELU_GRAD_KERNEL = 'BasiskitBiasGeluGrad';
export const BIAS_SKIP_GELU_KERNEL = 'BasiskitBiasSkipGelu';
export const BIAS_SKIP_GELU_GRAD_KERNEL = 'BasiskitBiasSkipGeluGrad';

/** Rows whose dbias terms the SIMD backward sums before adding them to dbias. */
export const BIAS_GELU_CHUNK_ROWS = 256;

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/** y = gelu(x + bias (+ skip)) over rows of c = bias.length channels, in float64. */
export function biasGeluForward(x: Float32Array, bias: Float32Array, skip: Float32Array | null, y: Float32Array): void {
  const c = bias.length;
  for (let i = 0; i < x.length; i++) {
    const pre = x[i] + bias[i % c] + (skip ? skip[i] : 0);
    y[i] = pre * normalCdfAndGauss(pre)[0];
  }
}

/** dx = dy gelu'(x + bias (+ skip)), dbias = row sums of dx (float64 sums). */
export function biasGeluBackward(
  dy: Float32Array,
  x: Float32Array,
  bias: Float32Array,
  skip: Float32Array | null,
  dx: Float32Array,
  dbias: Float32Array,
): void {
  const c = bias.length;
  const acc = new Float64Array(c);
  for (let i = 0; i < x.length; i++) {
    const j = i % c;
    const pre = x[i] + bias[j] + (skip ? skip[i] : 0);
    const [phi, gauss] = normalCdfAndGauss(pre);
    const g = dy[i] * (phi + pre * INV_SQRT_2PI * gauss);
    dx[i] = g;
    acc[j] += g;
  }
  dbias.set(acc);
}

const size = (s: number[]) => s.reduce((p, d) => p * d, 1);

/** The two kernels (with and without skip) share everything but their inputs. */
function epilogue(withSkip: boolean): FusedKernelConfig<Record<string, never>, GeluWasm> {
  // inputs: x, bias (, skip); the backward gets dy first
  return defineFusedKernel<Record<string, never>, GeluWasm>({
    name: withSkip ? BIAS_SKIP_GELU_KERNEL : BIAS_GELU_KERNEL,
    gradName: withSkip ? BIAS_SKIP_GELU_GRAD_KERNEL : BIAS_GELU_GRAD_KERNEL,
    inputs: withSkip ? ['x', 'bias', 'skip'] : ['x', 'bias'],
    differentiates: ['x', 'bias'],
    sharesGradientWith: withSkip ? { skip: 'x' } : undefined,
    simd: GELU_WASM,
    forward: {
      outputShapes: ([xs]) => [xs],
      accumulates: [],
      compute: ([x, bias, skip], [y]) => biasGeluForward(x, bias, skip ?? null, y),
      wasm: (simd, [x, bias, skip], [y], [xs, bs]) => {
        const c = bs[0];
        if (c % 4 !== 0) return false;
        simd.biasGeluForward(x, bias, skip ?? 0, y, size(xs) / c, c);
        return true;
      },
    },
    backward: {
      outputShapes: ([, xs, bs]) => [xs, bs],
      accumulates: [1],
      compute: ([dy, x, bias, skip], [dx, dbias]) => biasGeluBackward(dy, x, bias, skip ?? null, dx, dbias),
      wasmScratchBytes: ([, , bs]) => 4 * bs[0],
      wasm: (simd, [dy, x, bias, skip], [dx, dbias], [, xs, bs], _attrs, scratch) => {
        const c = bs[0];
        if (c % 4 !== 0) return false;
        simd.biasGeluBackward(dy, x, bias, skip ?? 0, dx, dbias, scratch, size(xs) / c, c, BIAS_GELU_CHUNK_ROWS);
        return true;
      },
    },
  });
}

/** gelu(x + bias): inputs x [..., C], bias [C]; the backward gives dx and dbias. */
export const biasGeluKernel = /* @__PURE__ */ epilogue(false);

/** gelu(x + bias + skip): inputs x, bias [C], skip (x's shape); skip's gradient is x's. */
export const biasSkipGeluKernel = /* @__PURE__ */ epilogue(true);
