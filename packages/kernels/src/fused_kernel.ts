// A fused op's kernels as data, the way tfjs declares its own (`eluConfig = {kernelName,
// backendName, kernelFunc}`, listed in register_all_kernels.ts): each `*_kernel.ts` file holds
// the math over Float32Arrays and exports one `FusedKernelConfig` — forward and backward
// kernel, their optional wasm SIMD versions, which inputs the backward differentiates — and
// register_all_kernels.ts lists the configs and registers them once. `registerFusedKernel`
// turns a config into two tfjs kernels for cpu and wasm (@basiskit/tensor's typed_array_kernel.ts) and the
// gradient that runs the backward kernel.
import {
  ConfigError,
  registerTypedArrayKernel,
  runKernel,
  simdModule,
  tf,
  TYPED_ARRAY_BACKENDS,
  wasmSimdEnabled,
  type KernelBody,
  type PoolKernel,
  type RowSplit,
  type SimdModuleSource,
} from '@basiskit/tensor';

/** One direction (forward or backward) of a fused kernel. `E`: the SIMD module's exports. */
export interface KernelSide<A extends object, E> extends KernelBody<A> {
  /**
   * The wasm SIMD version: with the module's exports and the heap offsets of the inputs and the
   * (zeroed) outputs, compute in place and return true, or return false to fall back to
   * `compute` on heap views (unsupported sizes). `memory` is tfjs's wasm memory (to copy cached
   * tables into `scratch`; views on it are valid until the next heap allocation).
   */
  wasm?(simd: E, inputs: number[], outputs: number[], shapes: number[][], attrs: A, scratch: number, memory: WebAssembly.Memory): boolean;
  /** The multi-threaded wasm SIMD version (replaces `wasm` where the module has a shared-memory build). */
  parallel?: ParallelSide<A, E>;
}

/**
 * One step of a parallel wasm kernel: `fn(...args, chunk, thread)` runs for every chunk in
 * 0..chunks-1, on any thread, in any order (`thread`, 0..threads-1, only picks the caller's
 * part of the scratch). Phases run one after another.
 */
export interface ParallelPhase<E> {
  /** The export's name (checked when it runs). */
  fn: string;
  /** Type carrier only (never set): the module's exports. */
  readonly exports?: E;
  args: number[];
  chunks: number;
}

/**
 * A kernel side split into chunks that the thread pool (@basiskit/tensor's `threadPool`) runs
 * on all cores, with the wasm SIMD module instantiated on shared memory. A chunk's results
 * must not depend on which thread runs it or on how many threads there are (disjoint outputs;
 * reductions as per-chunk partial sums that a later one-chunk phase adds in a fixed order), so
 * every thread count gives the same bits. On the wasm backend with one thread the same phases
 * run in place on the tfjs heap (thread 0); on cpu, inputs are copied into the pool's memory.
 */
export interface ParallelSide<A extends object, E> {
  /** Bytes of zeroed scratch the phases need with `threads` threads (a shared part and one part per thread). */
  scratchBytes(shapes: number[][], attrs: A, threads: number): number;
  /**
   * The phases, from the byte offsets of the inputs, the (zeroed) outputs and the scratch
   * (16-byte aligned); null where the module does not cover these shapes or attributes (then
   * the JavaScript `compute` runs).
   */
  phases(inputs: number[], outputs: number[], scratch: number, shapes: number[][], attrs: A, threads: number): ParallelPhase<E>[] | null;
  /** How the first phase splits by rows (wasm backend: the calling thread in place, the workers on copies of their rows). */
  rowSplit?(shapes: number[][], attrs: A): RowSplit | null;
}

/** A fused op's kernels: forward, backward and how the gradient maps onto the inputs. */
export interface FusedKernelConfig<A extends object, E = never> {
  /** tfjs kernel name of the forward pass (prefix `Basiskit`). */
  name: string;
  /** tfjs kernel name of the backward pass. */
  gradName: string;
  /** Forward inputs, in the order `forward.compute` receives them (the backward gets `dy` first). */
  inputs: readonly string[];
  /**
   * Names of the backward's cotangent inputs, one per forward output, which it receives first
   * (then the forward inputs). Default `['dy']` (one output).
   */
  cotangents?: readonly string[];
  /** The wasm SIMD module `wasm` functions use (src/generated/*_wasm.ts). */
  simd?: SimdModuleSource<E>;
  forward: KernelSide<A, E>;
  backward: KernelSide<A, E>;
  /** The inputs the backward's outputs are gradients of, in output order. Default: `inputs`. */
  differentiates?: readonly string[];
  /**
   * Inputs whose gradient is another input's (the terms of a sum), e.g. `{ skip: 'x' }`: they get
   * a clone (same data, no copy) of that input's gradient, which the backward computes once.
   */
  sharesGradientWith?: Readonly<Record<string, string>>;
  /**
   * What a gradient request for an input not in `differentiates` says (a ConfigError): the op's
   * name and what the caller should do instead.
   */
  notDifferentiable?: { where: string; expected: string };
  /**
   * An input whose gradient the backward can skip (a network's first layer: its input needs
   * none). The backward then gets the attribute `skipInputGradient: true`, and leaves that
   * output zero.
   */
  skippable?: string;
}

/**
 * `sides[which]` as a call that bundlers may drop: a config's parallel side is written
 * `parallel: sideOf(holder, 'forward')` with a `@__PURE__` annotation, not `holder.forward` — a
 * property read counts as a possible side effect, which would keep every kernel in every app
 * bundle (test/bundle.test.ts).
 */
export function sideOf<S, K extends keyof S>(sides: S, which: K): S[K] {
  return sides[which];
}

/** `config`, typed (lets TypeScript infer the attribute and SIMD export types). */
export function defineFusedKernel<A extends object, E = never>(config: FusedKernelConfig<A, E>): FusedKernelConfig<A, E> {
  return config;
}

/** Runs `phases` one chunk after another on thread 0 (the one-thread path, in place on the tfjs heap). */
function runPhases<E>(exports: E, phases: ParallelPhase<E>[] | null): boolean {
  if (!phases) return false;
  for (const { fn, args, chunks } of phases) {
    const f = (exports as Record<string, (...a: number[]) => void>)[fn];
    for (let c = 0; c < chunks; c++) f(...args, c, 0);
  }
  return true;
}

function side<A extends object, E>(config: FusedKernelConfig<A, E>, s: KernelSide<A, E>, kernelName: string, inputNames: readonly string[]) {
  const { wasm, parallel, ...body } = s;
  const source = config.simd;
  const pooled = parallel && source?.base64Shared ? parallel : undefined;
  let wasmCompute;
  if (pooled && source) {
    wasmCompute = (memory: WebAssembly.Memory | null, ins: number[], outs: number[], shapes: number[][], attrs: A, scratch: number) => {
      const exports = simdModule(source, memory);
      return exports ? runPhases(exports, pooled.phases(ins, outs, scratch, shapes, attrs, 1)) : false;
    };
  } else if (wasm && source) {
    wasmCompute = (memory: WebAssembly.Memory | null, ins: number[], outs: number[], shapes: number[][], attrs: A, scratch: number) => {
      const exports = simdModule(source, memory);
      return exports && memory ? wasm(exports, ins, outs, shapes, attrs, scratch, memory) : false;
    };
  }
  return {
    ...body,
    kernelName,
    inputNames,
    wasmCompute,
    wasmScratchBytes: pooled ? (shapes: number[][], attrs: A) => pooled.scratchBytes(shapes, attrs, 1) : body.wasmScratchBytes,
    pool:
      pooled && source
        ? { source, enabled: wasmSimdEnabled, scratchBytes: pooled.scratchBytes, phases: pooled.phases as PoolKernel<A>['phases'], rowSplit: pooled.rowSplit }
        : undefined,
  };
}

/** Registers `config`'s two kernels for cpu and wasm and the forward kernel's gradient (once). */
export function registerFusedKernel<A extends object, E>(config: FusedKernelConfig<A, E>): void {
  registerTypedArrayKernel<A>(side(config, config.forward, config.name, config.inputs));
  const cotangents = config.cotangents ?? ['dy'];
  registerTypedArrayKernel<A>(side(config, config.backward, config.gradName, [...cotangents, ...config.inputs]));
  if (tf.getGradient(config.name)) return;
  const differentiates = config.differentiates ?? config.inputs;
  tf.registerGradient({
    kernelName: config.name,
    inputsToSave: [...config.inputs],
    gradFunc: (dy, saved, attrs) => {
      // a multi-output kernel gets one cotangent per output (tfjs fills unused ones with zeros)
      const dys = Array.isArray(dy) ? dy : [dy];
      const inputs: Record<string, tf.Tensor> = {};
      cotangents.forEach((n, i) => (inputs[n] = dys[i]));
      config.inputs.forEach((n, i) => (inputs[n] = saved[i]));
      const backward = (extra?: object) => {
        const out = runKernel(config.gradName, inputs, extra ? { ...attrs, ...extra } : (attrs as object));
        return Array.isArray(out) ? out : [out];
      };
      const result: Record<string, () => tf.Tensor> = {};
      // lazily only where reading a gradient back is a copy (cpu, wasm): a GPU backend would stall
      if (config.skippable && (TYPED_ARRAY_BACKENDS as readonly string[]).includes(tf.getBackend())) {
        lazyGradients(config, differentiates, backward, result);
        return result;
      }
      // one backward kernel gives every gradient (tensors made here live in the backward's scope)
      const grads = backward();
      for (const n of config.inputs) {
        const alias = config.sharesGradientWith?.[n];
        const i = differentiates.indexOf(alias ?? n);
        result[n] = i < 0 ? notDifferentiable(config, n) : alias ? () => tf.clone(grads[i]) : () => grads[i];
      }
      return result;
    },
  });
}

/**
 * Gradients of a config with a `skippable` input, run when tfjs asks for them. tfjs asks only
 * for the inputs on a path from what it differentiates, in input order (the skippable input,
 * x, comes first): when x's gradient is asked for, one backward gives every gradient and the
 * others wait as plain arrays (no tensor to leak if they are never asked for); when it is not,
 * the backward runs with `skipInputGradient` and computes no dx. Only on cpu and wasm, where
 * reading a gradient back is a copy; other backends run one full backward.
 */
function lazyGradients(
  config: FusedKernelConfig<object, unknown>,
  differentiates: readonly string[],
  backward: (extra?: object) => tf.Tensor[],
  result: Record<string, () => tf.Tensor>,
): void {
  const skippable = config.skippable!;
  const skipIndex = differentiates.indexOf(skippable);
  // the gradients a backward computed beyond the one asked for, until they are asked for
  let waiting: ({ values: Float32Array; shape: number[] } | null)[] = [];
  const run = (i: number, withInputGradient: boolean) => {
    const grads = backward(withInputGradient ? undefined : { skipInputGradient: true });
    waiting = grads.map((g, j) => (j === i || (!withInputGradient && j === skipIndex) ? null : { values: g.dataSync() as Float32Array, shape: g.shape }));
    return grads[i];
  };
  for (const n of config.inputs) {
    const i = differentiates.indexOf(n);
    if (i < 0) {
      result[n] = notDifferentiable(config, n);
    } else if (n === skippable) {
      result[n] = () => run(i, true);
    } else {
      result[n] = () => {
        const w = waiting[i];
        if (!w) return run(i, false);
        waiting[i] = null;
        return tf.tensor(w.values, w.shape, 'float32');
      };
    }
  }
}

function notDifferentiable(config: FusedKernelConfig<object, unknown>, input: string): () => tf.Tensor {
  const { where, expected } = config.notDifferentiable ?? { where: config.name, expected: 'a constant' };
  return () => {
    throw new ConfigError(`not differentiable in ${input}`, { where, argument: input, expected, got: `a gradient request for ${input}` });
  };
}
