// WGSL kernels of the fused epilogues gelu(x + bias) and gelu(x + bias + skip) (bias_gelu_kernel.ts
// has the math and the cpu/wasm kernels):
//
//   pre = x + bias + skip,  y = pre Phi(pre),  dx = dskip = dy (Phi(pre) + pre phi(pre)),
//   dbias = sum over the N rows of dx
//
// x, skip [N, C], bias [C]. dbias in two passes without atomics: one thread per (chunk of rows,
// channel) sums its chunk (coalesced over channels), then `sumChunks` adds the chunks in order.
// Source: Hendrycks & Gimpel, arXiv:1606.08415; neuraloperator's FNO block (fno_block.py).
import { biasGeluKernel, biasSkipGeluKernel } from '../bias_gelu_kernel';
import { GELU_WGSL } from './gelu_webgpu';
import { chunking, defineWebGPUKernel, elementwiseProgram, sizeOf, sumChunks, type WebGPUKernelConfig } from './program';

function epilogue(withSkip: boolean): WebGPUKernelConfig<Record<string, never>> {
  const names = withSkip ? ['X', 'B', 'S'] : ['X', 'B'];
  const pre = (i: string) => `X[${i}] + B[(${i}) % uniforms.channels]${withSkip ? ` + S[${i}]` : ''}`;
  const key = withSkip ? 'bias_skip_gelu' : 'bias_gelu';
  return defineWebGPUKernel({
    fused: withSkip ? biasSkipGeluKernel : biasGeluKernel,
    forward: (ctx, inputs) => {
      const channels = inputs[1].shape[0];
      const program = elementwiseProgram(key, names, sizeOf(inputs[0].shape), `result[index] = geluValue(${pre('index')});`, 'channels : i32,', GELU_WGSL);
      return [ctx.run(program, inputs, [{ i: channels }])];
    },
    backward: (ctx, [dy, ...inputs]) => {
      const channels = inputs[1].shape[0];
      const n = sizeOf(inputs[0].shape);
      const rows = channels === 0 ? 0 : n / channels;
      const dx = ctx.run(
        elementwiseProgram(`${key}_dx`, ['DY', ...names], n, `result[index] = DY[index] * geluSlope(${pre('index')});`, 'channels : i32,', GELU_WGSL),
        [dy, ...inputs],
        [{ i: channels }],
      );
      const [chunks, rowsPerChunk] = chunking(rows, 64);
      const partials = ctx.run(
        elementwiseProgram(
          `${key}_dbias_partial`,
          ['DY', ...names],
          chunks * channels,
          `let c = index % uniforms.channels;
           let r0 = (index / uniforms.channels) * uniforms.rowsPerChunk;
           let r1 = min(uniforms.rows, r0 + uniforms.rowsPerChunk);
           var s = 0.0;
           for (var r = r0; r < r1; r++) {
             let i = r * uniforms.channels + c;
             s += DY[i] * geluSlope(${pre('i')});
           }
           result[index] = s;`,
          'channels : i32, rows : i32, rowsPerChunk : i32,',
          GELU_WGSL,
        ),
        [dy, ...inputs],
        [{ i: channels }, { i: rows }, { i: rowsPerChunk }],
      );
      const dbias = sumChunks(ctx, partials, chunks, channels, 0, channels);
      ctx.dispose(partials);
      return [dx, dbias];
    },
  });
}

/** gelu(x + bias)'s WGSL kernels. */
export const biasGeluWebGPU = /* @__PURE__ */ epilogue(false);
/** gelu(x + bias + skip)'s WGSL kernels. */
export const biasSkipGeluWebGPU = /* @__PURE__ */ epilogue(true);
