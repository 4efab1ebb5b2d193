// Test helper: runs a kernel's parallel side (fused_kernel.ts ParallelSide) the way the thread
// pool will, but on this thread: the module (plain or shared build) instantiated on a fresh
// WebAssembly.Memory, inputs copied in, outputs and scratch zeroed, every phase's chunks run in a
// chosen order with a chosen thread index each. Also runs a plain single-thread export on such a
// memory (for the previous modules of previous_simd_modules_test_data.ts).
import type { SimdModuleSource } from '@basiskit/tensor';
import type { ParallelSide } from './fused_kernel';

type Fn = (...args: number[]) => void;

/** Exports of a wasm module (base64) instantiated on `memory`. */
export function instantiate(base64: string, memory: WebAssembly.Memory): Record<string, Fn> {
  const module = new WebAssembly.Module(new Uint8Array(Buffer.from(base64, 'base64')));
  return new WebAssembly.Instance(module, { env: { memory } }).exports as Record<string, Fn>;
}

/** A memory with the float32 arrays `inputs`, zeroed outputs of `outputSizes` and `scratchBytes` of zeroed scratch, all 16-byte aligned (offset 0 unused). */
export function layout(shared: boolean, inputs: Float32Array[], outputSizes: number[], scratchBytes: number) {
  const sizes = [...inputs.map((a) => a.length * 4), ...outputSizes.map((n) => n * 4), scratchBytes];
  const offsets: number[] = [];
  let at = 16;
  for (const s of sizes) {
    offsets.push(at);
    at += Math.ceil(Math.max(s, 1) / 16) * 16;
  }
  const pages = Math.ceil(at / 65536) + 1;
  const memory = shared ? new WebAssembly.Memory({ initial: pages, maximum: 65536, shared: true }) : new WebAssembly.Memory({ initial: pages });
  inputs.forEach((a, i) => new Float32Array(memory.buffer, offsets[i], a.length).set(a));
  const ins = offsets.slice(0, inputs.length);
  const outs = offsets.slice(inputs.length, inputs.length + outputSizes.length);
  const read = () => outs.map((o, i) => new Float32Array(memory.buffer, o, outputSizes[i]).slice());
  return { memory, ins, outs, scratch: offsets[offsets.length - 1], read };
}

/** How the chunks of a phase are run: in which order, and on which (pretend) thread. */
export interface Schedule {
  threads: number;
  /** Reverse the chunk order. */
  reverse?: boolean;
}

/**
 * Runs `side` on `inputs` (float32, with their `shapes`) in a fresh memory and returns the
 * outputs. Chunk c of a phase runs as thread (c * 7 + 3) % threads (not c's natural thread).
 */
export function runParallel<A extends object, E>(
  source: SimdModuleSource<E>,
  side: ParallelSide<A, E>,
  inputs: Float32Array[],
  shapes: number[][],
  outputSizes: number[],
  attrs: A,
  { threads, reverse = false }: Schedule,
  shared = false,
): Float32Array[] | null {
  const L = layout(shared, inputs, outputSizes, side.scratchBytes(shapes, attrs, threads));
  const exports = instantiate(shared ? source.base64Shared! : source.base64, L.memory);
  const phases = side.phases(L.ins, L.outs, L.scratch, shapes, attrs, threads);
  if (phases === null) return null;
  for (const phase of phases) {
    const order = Array.from({ length: phase.chunks }, (_, c) => c);
    if (reverse) order.reverse();
    for (const c of order) exports[phase.fn](...phase.args, c, (c * 7 + 3) % threads);
  }
  return L.read();
}

/** Runs the single-thread export `fn` of the module `base64` with `args(ins, outs, scratch)`. */
export function runPrevious(
  base64: string,
  fn: string,
  inputs: Float32Array[],
  outputSizes: number[],
  scratchBytes: number,
  args: (ins: number[], outs: number[], scratch: number) => number[],
): Float32Array[] {
  const L = layout(false, inputs, outputSizes, scratchBytes);
  instantiate(base64, L.memory)[fn](...args(L.ins, L.outs, L.scratch));
  return L.read();
}
