// One kernel body for the cpu and wasm backends: a fused kernel written once as a function
// over Float32Arrays (@basiskit/kernels' FusedKernelConfig, @basiskit/training's Adam update)
// is registered for:
//   cpu:  inputs are `backend.data.get(dataId).values`, outputs `backend.makeTensorInfo`;
//   wasm: outputs are allocated on the wasm heap first (`backend.makeOutput`), then every
//         input and output is viewed in place with `backend.typedArrayFromHeap` (views are
//         taken after all allocations, since growing the heap detaches earlier views).
// A kernel may also run on the thread pool (thread_pool.ts). Backends without a registration
// (webgl, webgpu) use the op's plain-ops reference instead.
import * as tf from '@tensorflow/tfjs-core';
import { threadPool, type PoolModuleSource, type PoolPhase } from './thread_pool';

type TensorInfo = tf.TensorInfo;
type NamedAttrMap = tf.NamedAttrMap;

/** A kernel body over float32 typed arrays: output shapes and the computation. */
export interface KernelBody<A extends object> {
  /** Shapes of the float32 outputs, from the input shapes and attributes. */
  outputShapes(shapes: number[][], attrs: A): number[][];
  /**
   * Indices of outputs that `compute` accumulates into (`+=`), which must start at zero; the
   * others it overwrites completely. Default: all outputs are zeroed.
   */
  accumulates?: readonly number[];
  /** Fills `outputs` from `inputs` (the `accumulates` outputs arrive zeroed). */
  compute(inputs: Float32Array[], outputs: Float32Array[], shapes: number[][], attrs: A): void;
  /**
   * Bytes of zeroed wasm-heap scratch that the wasm SIMD version needs (its heap offset arrives
   * as `scratch`, 16-byte aligned); freed after the call. Default 0 (then `scratch` is 0).
   */
  wasmScratchBytes?(shapes: number[][], attrs: A): number;
}

/** A kernel body registered under a name, with its inputs and optional wasm SIMD path. */
export interface TypedArrayKernel<A extends object> extends KernelBody<A> {
  /** The tfjs kernel name (prefix `Basiskit`). */
  kernelName: string;
  /** Input names, in the order `compute` receives them. */
  inputNames: readonly string[];
  /**
   * Optional wasm SIMD path: given tfjs's wasm memory and the heap offsets of the inputs and
   * (zero-initialised) outputs, compute in place and return true, or return false to fall back
   * to `compute` on heap views.
   */
  wasmCompute?(memory: WebAssembly.Memory | null, inputs: number[], outputs: number[], shapes: number[][], attrs: A, scratch: number): boolean;
  /**
   * Optional multi-threaded wasm SIMD path on the thread pool's memory (@basiskit/tensor's
   * `threadPool`): cpu always takes it (one thread or more); wasm takes it with more than one
   * thread and at least {@link POOL_MIN_FLOATS} input floats (else `wasmCompute`, in place).
   */
  pool?: PoolKernel<A>;
}

/** A kernel's chunked phases, run by the thread pool (see @basiskit/kernels' `ParallelSide`). */
export interface PoolKernel<A extends object> {
  /** The module: its shared-memory build runs on the workers. */
  source: PoolModuleSource;
  /** Whether the pool path may run now (e.g. the wasm SIMD kernels are switched on). Default: always. */
  enabled?(): boolean;
  scratchBytes(shapes: number[][], attrs: A, threads: number): number;
  /** The phases, or null where the module does not cover these shapes (then `compute` runs). */
  phases(inputs: number[], outputs: number[], scratch: number, shapes: number[][], attrs: A, threads: number): PoolPhase[] | null;
}

/** Below this many input floats, the wasm backend runs a kernel in place on one thread (copying costs more). */
export const POOL_MIN_FLOATS = 32768;

const poolEnabled = (kernel: TypedArrayKernel<object>) => kernel.pool !== undefined && (kernel.pool.enabled?.() ?? true);

interface EmscriptenLike {
  asm?: { memory?: WebAssembly.Memory };
  wasmMemory?: WebAssembly.Memory;
}

/** The WebAssembly.Memory of a tfjs wasm backend (`backend.wasm`), if it exposes one. */
export function tfjsWasmMemory(wasmModule: unknown): WebAssembly.Memory | null {
  const m = wasmModule as EmscriptenLike;
  const mem = m.asm?.memory ?? m.wasmMemory ?? null;
  return mem instanceof WebAssembly.Memory ? mem : null;
}

/** Modules the pool could not compile here (no wasm SIMD): their kernels run in JavaScript. */
const poolFailed = new Set<string>();

/**
 * Runs `kernel` on the thread pool: copies `inputs` into the pool's memory, runs the phases,
 * returns the outputs (copies), or null where the module does not compile here.
 */
function runOnPool(kernel: TypedArrayKernel<object>, inputs: Float32Array[], shapes: number[][], attrs: object, outShapes: number[][]): Float32Array[] | null {
  const spec = kernel.pool!;
  if (poolFailed.has(spec.source.name)) return null;
  const pool = threadPool();
  pool.reset();
  const ins = inputs.map((a) => {
    const at = pool.alloc(a.length * 4, false);
    pool.f32(at, a.length).set(a);
    return at;
  });
  const outs = outShapes.map((sh) => pool.alloc(size(sh) * 4));
  const scratch = pool.alloc(spec.scratchBytes(shapes, attrs, pool.threads));
  const phases = spec.phases(ins, outs, scratch, shapes, attrs, pool.threads);
  if (!phases) return null;
  try {
    pool.run(spec.source, phases);
  } catch (e) {
    if (!(e instanceof WebAssembly.CompileError || e instanceof WebAssembly.LinkError)) throw e;
    poolFailed.add(spec.source.name);
    return null;
  }
  return outs.map((at, i) => pool.f32(at, size(outShapes[i])).slice());
}

interface CpuBackend {
  data: { get(dataId: unknown): { values?: unknown } };
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): TensorInfo;
}

interface WasmBackend {
  wasm: unknown;
  dataIdMap: { get(dataId: unknown): { memoryOffset: number } };
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array;
  disposeData(dataId: unknown): boolean;
}

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

function inputsOf(kernel: TypedArrayKernel<object>, inputs: Record<string, TensorInfo | undefined>): TensorInfo[] {
  return kernel.inputNames.map((n) => {
    const t = inputs[n];
    if (!t || t.dtype !== 'float32') {
      throw new Error(`${kernel.kernelName}: input ${n} must be a float32 tensor, got ${t ? t.dtype : 'nothing'}`);
    }
    return t;
  });
}

function cpuKernelFunc(kernel: TypedArrayKernel<object>): tf.KernelFunc {
  return ({ inputs, attrs, backend }) => {
    const b = backend as unknown as CpuBackend;
    const ins = inputsOf(kernel, inputs as Record<string, TensorInfo>);
    const shapes = ins.map((t) => t.shape);
    const arrays = ins.map((t) => b.data.get(t.dataId).values as Float32Array);
    const outShapes = kernel.outputShapes(shapes, attrs as object);
    let outs = poolEnabled(kernel) ? runOnPool(kernel, arrays, shapes, attrs as object, outShapes) : null;
    if (!outs) {
      outs = outShapes.map((s) => new Float32Array(size(s)));
      kernel.compute(arrays, outs, shapes, attrs as object);
    }
    const infos = outShapes.map((s, i) => b.makeTensorInfo(s, 'float32', outs[i]));
    return infos.length === 1 ? infos[0] : infos;
  };
}

function wasmKernelFunc(kernel: TypedArrayKernel<object>): tf.KernelFunc {
  return ({ inputs, attrs, backend }) => {
    const b = backend as unknown as WasmBackend;
    const ins = inputsOf(kernel, inputs as Record<string, TensorInfo>);
    const shapes = ins.map((t) => t.shape);
    const outShapes = kernel.outputShapes(shapes, attrs as object);
    const infos = outShapes.map((s) => b.makeOutput(s, 'float32'));
    if (poolEnabled(kernel) && threadPool().threads > 1 && ins.reduce((n, t) => n + size(t.shape), 0) >= POOL_MIN_FLOATS) {
      const outs = runOnPool(
        kernel,
        ins.map((t) => b.typedArrayFromHeap(t)),
        shapes,
        attrs as object,
        outShapes,
      );
      if (outs) {
        infos.forEach((t, i) => b.typedArrayFromHeap(t).set(outs[i]));
        return infos.length === 1 ? infos[0] : infos;
      }
    }
    // scratch: a heap block of its own (allocated before any view is taken), 16 extra bytes
    // so that its start can be aligned
    const scratchBytes = kernel.wasmCompute ? (kernel.wasmScratchBytes?.(shapes, attrs as object) ?? 0) : 0;
    const scratchInfo = scratchBytes > 0 ? b.makeOutput([Math.ceil(scratchBytes / 4) + 4], 'float32') : null;
    try {
      const outs = infos.map((t) => b.typedArrayFromHeap(t));
      outs.forEach((o, i) => {
        if (!kernel.accumulates || kernel.accumulates.includes(i)) o.fill(0);
      });
      const ptr = (t: TensorInfo) => b.dataIdMap.get(t.dataId).memoryOffset;
      let scratch = 0;
      if (scratchInfo) {
        b.typedArrayFromHeap(scratchInfo).fill(0);
        scratch = (ptr(scratchInfo) + 15) & ~15;
      }
      const done = kernel.wasmCompute?.(tfjsWasmMemory(b.wasm), ins.map(ptr), infos.map(ptr), shapes, attrs as object, scratch) ?? false;
      if (!done)
        kernel.compute(
          ins.map((t) => b.typedArrayFromHeap(t)),
          outs,
          shapes,
          attrs as object,
        );
    } finally {
      if (scratchInfo) b.disposeData(scratchInfo.dataId);
    }
    return infos.length === 1 ? infos[0] : infos;
  };
}

/** Backends a typed-array kernel is registered for. */
export const TYPED_ARRAY_BACKENDS = ['cpu', 'wasm'] as const;

/** Registers `kernel` for cpu and wasm (once; later calls are no-ops). */
export function registerTypedArrayKernel<A extends object>(kernel: TypedArrayKernel<A>): void {
  const k = kernel as unknown as TypedArrayKernel<object>;
  for (const backendName of TYPED_ARRAY_BACKENDS) {
    if (tf.getKernel(kernel.kernelName, backendName)) continue;
    const kernelFunc = backendName === 'cpu' ? cpuKernelFunc(k) : wasmKernelFunc(k);
    tf.registerKernel({ kernelName: kernel.kernelName, backendName, kernelFunc });
  }
}

/** Whether the active backend has `kernelName` (else ops take their plain-ops reference path). */
export function hasKernel(kernelName: string): boolean {
  return tf.getKernel(kernelName, tf.getBackend()) != null;
}

/** Runs a registered kernel (typed attrs). */
export function runKernel(kernelName: string, inputs: Record<string, tf.Tensor>, attrs: object = {}): tf.Tensor | tf.Tensor[] {
  return tf.engine().runKernel(kernelName, inputs as unknown as tf.NamedTensorMap, attrs as NamedAttrMap) as tf.Tensor | tf.Tensor[];
}
