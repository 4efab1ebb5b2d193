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
import { simdModule } from './wasm_simd_module';

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
  /**
   * How the first phase splits by rows, for the wasm backend with more than one thread: the
   * calling thread runs its share of the chunks in place on the tfjs heap while the workers run
   * theirs on copies of their rows only (a full copy costs as much as an elementwise kernel).
   */
  rowSplit?(shapes: number[][], attrs: A): RowSplit | null;
}

/**
 * The row structure of a kernel's first phase: its chunks come in units of `chunksPerUnit`
 * consecutive chunks, each unit covering `rowsPerUnit` rows of the row-major inputs and outputs
 * named here (and `scratchPerUnit` bytes at the start of the scratch: its partial sums). The
 * phase writes no other output.
 */
export interface RowSplit {
  rows: number;
  rowsPerUnit: number;
  chunksPerUnit: number;
  rowInputs: readonly number[];
  rowOutputs: readonly number[];
  scratchPerUnit: number;
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
 * and copies each output into `sinks[i]` (false where the module does not compile here, or
 * does not cover these shapes). Outputs not in `accumulates` are overwritten by the kernel, so
 * only the others are zeroed first.
 */
function runOnPool(kernel: TypedArrayKernel<object>, inputs: Float32Array[], shapes: number[][], attrs: object, sinks: Float32Array[]): boolean {
  const spec = kernel.pool!;
  if (poolFailed.has(spec.source.name)) return false;
  const pool = threadPool();
  pool.reset();
  const ins = inputs.map((a) => {
    const at = pool.alloc(a.length * 4, false);
    pool.f32(at, a.length).set(a);
    return at;
  });
  const outs = sinks.map((o, i) => pool.alloc(o.length * 4, !kernel.accumulates || kernel.accumulates.includes(i)));
  const scratch = pool.alloc(spec.scratchBytes(shapes, attrs, pool.threads));
  const phases = spec.phases(ins, outs, scratch, shapes, attrs, pool.threads);
  if (!phases) return false;
  try {
    pool.run(spec.source, phases);
  } catch (e) {
    if (!(e instanceof WebAssembly.CompileError || e instanceof WebAssembly.LinkError)) throw e;
    poolFailed.add(spec.source.name);
    return false;
  }
  sinks.forEach((o, i) => o.set(pool.f32(outs[i], o.length)));
  return true;
}

/**
 * The wasm backend's split run (see {@link PoolKernel.rowSplit}): the calling thread runs the
 * first units of rows in place on the tfjs heap, the workers the rest on copies of their rows,
 * at the same time; then their rows and partial sums are copied back and the remaining phases
 * run in place. Every chunk computes what it would on one thread, so the bits are the same.
 * False where it does not apply (then the caller takes another path).
 */
function runSplit(
  kernel: TypedArrayKernel<object>,
  b: WasmBackend,
  ins: TensorInfo[],
  infos: TensorInfo[],
  shapes: number[][],
  attrs: object,
  split: RowSplit,
): boolean {
  const spec = kernel.pool!;
  const pool = threadPool();
  const units = Math.ceil(split.rows / split.rowsPerUnit);
  // an even share: whatever the workers have not started when the caller is done, it takes
  const mine = Math.max(1, Math.round(units / pool.threads));
  const exports = simdModule(spec.source as PoolModuleSource & { exports?: unknown }, tfjsWasmMemory(b.wasm)) as Record<
    string,
    (...a: number[]) => void
  > | null;
  if (!exports || mine >= units) return false;
  const r0 = mine * split.rowsPerUnit;
  // the heap side: scratch for one thread, outputs zeroed where they accumulate
  const scratchBytes = spec.scratchBytes(shapes, attrs, 1);
  const scratchInfo = scratchBytes > 0 ? b.makeOutput([Math.ceil(scratchBytes / 4) + 4], 'float32') : null;
  try {
    const ptr = (t: TensorInfo) => b.dataIdMap.get(t.dataId).memoryOffset;
    const heapScratch = scratchInfo ? (ptr(scratchInfo) + 15) & ~15 : 0;
    const outViews = infos.map((t) => b.typedArrayFromHeap(t));
    outViews.forEach((o, i) => {
      if (!kernel.accumulates || kernel.accumulates.includes(i)) o.fill(0);
    });
    if (scratchInfo) b.typedArrayFromHeap(scratchInfo).fill(0);
    const heapPhases = spec.phases(ins.map(ptr), infos.map(ptr), heapScratch, shapes, attrs, 1);
    if (!heapPhases) return false;
    // the pool side: the workers' rows of the row tensors (addressed as if whole), the rest whole
    pool.reset();
    const rowFloats = (shape: number[]) => (split.rows === 0 ? 0 : size(shape) / split.rows);
    const place = (view: Float32Array, shape: number[], byRow: boolean, copy: boolean, zero: boolean) => {
      const from = byRow ? r0 * rowFloats(shape) : 0;
      const at = pool.alloc((view.length - from) * 4, zero);
      if (copy) pool.f32(at, view.length - from).set(view.subarray(from));
      return at - from * 4;
    };
    const poolIns = ins.map((t, i) => place(b.typedArrayFromHeap(t), t.shape, split.rowInputs.includes(i), true, false));
    const poolOuts = infos.map((t, i) =>
      place(outViews[i], t.shape, split.rowOutputs.includes(i), false, !kernel.accumulates || kernel.accumulates.includes(i)),
    );
    const poolScratch = pool.alloc(spec.scratchBytes(shapes, attrs, pool.threads));
    const poolPhases = spec.phases(poolIns, poolOuts, poolScratch, shapes, attrs, pool.threads);
    if (!poolPhases) return false;
    const [first, ...rest] = heapPhases;
    const split0 = mine * split.chunksPerUnit;
    const wait = pool.start(spec.source, poolPhases[0], split0, first.chunks);
    const f = exports[first.fn];
    for (let c = 0; c < split0; c++) f(...first.args, c, 0);
    wait();
    infos.forEach((t, i) => {
      if (!split.rowOutputs.includes(i)) return;
      const from = r0 * rowFloats(t.shape);
      outViews[i].set(pool.f32(poolOuts[i] + from * 4, outViews[i].length - from), from);
    });
    if (split.scratchPerUnit > 0 && scratchInfo) {
      const lo = mine * split.scratchPerUnit;
      const hi = Math.min(units * split.scratchPerUnit, scratchBytes);
      const heap = new Uint8Array(b.typedArrayFromHeap(scratchInfo).buffer);
      heap.set(new Uint8Array(pool.memory.buffer, poolScratch + lo, hi - lo), heapScratch + lo);
    }
    for (const { fn, args, chunks } of rest) for (let c = 0; c < chunks; c++) exports[fn](...args, c, 0);
    return true;
  } finally {
    if (scratchInfo) b.disposeData(scratchInfo.dataId);
  }
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
    const outs = outShapes.map((s) => new Float32Array(size(s)));
    if (!(poolEnabled(kernel) && runOnPool(kernel, arrays, shapes, attrs as object, outs))) kernel.compute(arrays, outs, shapes, attrs as object);
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
    const big = poolEnabled(kernel) && threadPool().threads > 1 && ins.reduce((n, t) => n + size(t.shape), 0) >= POOL_MIN_FLOATS;
    const split = big ? (kernel.pool!.rowSplit?.(shapes, attrs as object) ?? null) : null;
    if (split && runSplit(kernel, b, ins, infos, shapes, attrs as object, split)) return infos.length === 1 ? infos[0] : infos;
    if (big && !split) {
      // heap views stay valid: the pool's memory is its own, the tfjs heap does not grow here
      const sinks = infos.map((t) => b.typedArrayFromHeap(t));
      if (
        runOnPool(
          kernel,
          ins.map((t) => b.typedArrayFromHeap(t)),
          shapes,
          attrs as object,
          sinks,
        )
      ) {
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
