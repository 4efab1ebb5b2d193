// WGSL programs for tfjs-backend-webgpu, as plain objects for
// `backend.runWebGPUProgram(program, inputs, 'float32', uniforms)` (the fields of its
// `WebGPUProgram` interface: variableNames, outputShape, shaderKey, dispatchLayout, dispatch,
// workgroupSize, uniforms, size, getUserCode; see tfjs-backend-webgpu's webgpu_program.js,
// `makeShader`). Every buffer is passed flat (shape [size]): the shaders index it themselves, so
// one compiled pipeline serves every shape (sizes travel as uniforms) and no rank limit applies.
// tfjs declares `result` (the output), one `array<f32>` per input name, `uniforms`, and calls
// `main(index)` with the flat global index; `localIndex`, `workgroupId` and `numWorkgroups` are
// its private variables (used by the workgroup-reduction programs).
import { tf } from '@basiskit/tensor';
import type { FusedKernelConfig } from '../fused_kernel';

type TensorInfo = tf.TensorInfo;

/** The fields of tfjs-backend-webgpu's `WebGPUProgram` these kernels use. */
export interface WGSLProgram {
  variableNames: string[];
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number];
  /** Extra uniform fields, e.g. `'n : i32, h : f32,'` (values in the run's uniform list, same order). */
  uniforms?: string;
  /** Whether tfjs adds `uniforms.size` (the output size). */
  size: boolean;
  /** Threads of a program whose thread count is not its output size (the last uniform, `threads`, appended by `WGSLContext.run`). */
  threads?: number;
  getUserCode(): string;
}

/** A uniform value: `i` an i32, `f` an f32 (in the program's `uniforms` order). */
export type Uniform = { i: number } | { f: number };

/** The part of tfjs-backend-webgpu's backend these kernels call. */
export interface WebGPUBackendLike {
  runWebGPUProgram(program: WGSLProgram, inputs: TensorInfo[], dtype: 'float32', uniforms?: { type: string; data: number[] }[]): TensorInfo;
  disposeData(dataId: unknown): boolean;
}

/** Threads per workgroup of every program here. */
export const WORKGROUP = 64;

const sizeOf = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/**
 * What a WebGPU kernel body gets: its inputs (flat), and `run` / `dispose` for the programs it
 * runs. Results keep their flat shape until the registration gives them their real shapes.
 */
export class WGSLContext {
  constructor(readonly backend: WebGPUBackendLike) {}

  /** Runs `program` on `inputs` with `uniforms` (values of `program.uniforms`, in order). */
  run(program: WGSLProgram, inputs: TensorInfo[], uniforms: Uniform[] = []): TensorInfo {
    const all = program.threads === undefined ? uniforms : [...uniforms, { i: program.threads }];
    const data = all.map((u) => ('i' in u ? { type: 'int32', data: [u.i] } : { type: 'float32', data: [u.f] }));
    return this.backend.runWebGPUProgram(program, inputs.map(flat), 'float32', data);
  }

  /** Frees an intermediate result. */
  dispose(info: TensorInfo): void {
    this.backend.disposeData(info.dataId);
  }
}

/** `info` viewed flat (same data). */
export function flat(info: TensorInfo): TensorInfo {
  return { dataId: info.dataId, shape: [sizeOf(info.shape)], dtype: info.dtype };
}

/**
 * One thread per output element (`main(index)`, guarded by `index < uniforms.size`): `body`
 * writes `result[index]`. `key` names the shader (with every constant baked into `body`). With
 * `threads`, that many threads (guard `index < uniforms.threads`) write the `outputSize` values.
 */
export function elementwiseProgram(
  key: string,
  variableNames: string[],
  outputSize: number,
  body: string,
  uniforms = '',
  helpers = '',
  threads?: number,
): WGSLProgram {
  const count = threads ?? outputSize;
  return {
    variableNames,
    outputShape: [outputSize],
    shaderKey: `basiskit_${key}`,
    dispatchLayout: { x: [0] },
    dispatch: [Math.max(1, Math.ceil(count / WORKGROUP)), 1, 1],
    workgroupSize: [WORKGROUP, 1, 1],
    uniforms: threads === undefined ? uniforms || undefined : `${uniforms} threads : i32,`,
    size: threads === undefined,
    threads,
    getUserCode: () => `
      ${helpers}
      fn main(index : i32) {
        if (index < ${threads === undefined ? 'uniforms.size' : 'uniforms.threads'}) {
          ${body}
        }
      }`,
  };
}

/** WGSL `tanhSafe(x)`: tanh without the exp overflow of a large |x| (+-1 beyond |x| = 10). */
export const TANH_WGSL = `fn tanhSafe(x : f32) -> f32 { if (abs(x) > 10.0) { return sign(x); } return tanh(x); }`;

/**
 * `workgroups` workgroups of WORKGROUP threads writing `outputSize` values (`body` sees `wg`, the
 * flat workgroup index, and `lid`, the thread's index in it; it may use workgroup memory and
 * `workgroupBarrier()` in uniform control flow).
 */
export function workgroupProgram(
  key: string,
  variableNames: string[],
  outputSize: number,
  workgroups: number,
  body: string,
  uniforms = '',
  helpers = '',
): WGSLProgram {
  return {
    variableNames,
    outputShape: [outputSize],
    shaderKey: `basiskit_${key}`,
    dispatchLayout: { x: [0] },
    dispatch: [workgroups, 1, 1],
    workgroupSize: [WORKGROUP, 1, 1],
    uniforms: uniforms || undefined,
    size: false,
    getUserCode: () => `
      ${helpers}
      fn main(index : i32) {
        let wg = i32(workgroupId.z * numWorkgroups.x * numWorkgroups.y + workgroupId.y * numWorkgroups.x + workgroupId.x);
        let lid = i32(localIndex);
        ${body}
      }`,
  };
}

/**
 * Second pass of a two-pass column sum: partials [chunks, width] (one row per chunk of the
 * first pass) -> out[j] = sum_c partials[c, offset + j], j < count, summed in chunk order.
 */
export function sumChunks(ctx: WGSLContext, partials: TensorInfo, chunks: number, width: number, offset: number, count: number): TensorInfo {
  const program = elementwiseProgram(
    'sum_chunks',
    ['P'],
    count,
    `var s = 0.0;
     for (var c = 0; c < uniforms.chunks; c++) { s += P[c * uniforms.width + uniforms.offset + index]; }
     result[index] = s;`,
    'chunks : i32, width : i32, offset : i32,',
  );
  return ctx.run(program, [partials], [{ i: chunks }, { i: width }, { i: offset }]);
}

/** Chunks of about `target` items (at most `maxChunks`) for `items` items: [chunks, itemsPerChunk]. */
export function chunking(items: number, target = 256, maxChunks = 512): [number, number] {
  const chunks = Math.max(1, Math.min(maxChunks, Math.ceil(items / target)));
  return [chunks, Math.max(1, Math.ceil(items / chunks))];
}

/** One side (forward or backward) of a WebGPU kernel: inputs (real shapes) -> outputs (any shape; resized by the registration). */
export type WGSLSide<A> = (ctx: WGSLContext, inputs: TensorInfo[], attrs: A) => TensorInfo[];

/**
 * A fused op's WGSL kernels: the cpu/wasm config they stand beside (its kernel names, inputs and
 * gradient, registered by the same config) and the two WGSL sides, which must give the same
 * outputs (and output shapes, from `fused.forward/backward.outputShapes`).
 */
export interface WebGPUKernelConfig<A extends object = any> {
  fused: FusedKernelShape<A>;
  forward: WGSLSide<A>;
  backward: WGSLSide<A>;
}

/** What the WGSL registration reads of a cpu/wasm config (any SIMD export type). */
export type FusedKernelShape<A extends object> = Pick<FusedKernelConfig<A, never>, 'name' | 'gradName' | 'inputs' | 'cotangents'> & {
  forward: { outputShapes(shapes: number[][], attrs: A): number[][] };
  backward: { outputShapes(shapes: number[][], attrs: A): number[][] };
};

/** `config`, typed. */
export function defineWebGPUKernel<A extends object>(config: WebGPUKernelConfig<A>): WebGPUKernelConfig<A> {
  return config;
}

/** WGSL of Phi(x) and exp(-x^2/2) with one exp (gelu_kernel.ts's erfcx polynomial), as `normalCdfGauss(x) -> vec2<f32>`. */
export function normalCdfWGSL(poly: readonly number[]): string {
  const horner = poly
    .slice(0, -1)
    .reverse()
    .map((c) => `r = r * u + ${f32(c)};`)
    .join(' ');
  return `
    fn normalCdfGauss(x : f32) -> vec2<f32> {
      let zs = x * 0.70710678118654752;
      let z = min(abs(zs), 30.0);
      let gauss = exp(-zs * zs);
      let u = (3.0 - z) / (3.0 + z);
      var r = ${f32(poly[poly.length - 1])};
      ${horner}
      let halfErfc = 0.5 * gauss * r;
      return vec2<f32>(select(halfErfc, 1.0 - halfErfc, x > 0.0), gauss);
    }`;
}

/** A number as a WGSL f32 literal. */
export function f32(v: number): string {
  const s = String(v);
  return /[.eE]/.test(s) ? s : `${s}.0`;
}

export { sizeOf };
