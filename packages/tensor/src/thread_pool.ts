// A pool of worker threads that run wasm kernels on one shared memory (SharedArrayBuffer +
// Atomics), for basiskit's fused kernels (@basiskit/kernels declares them as phases of chunks).
//
//   run(module, phases): for each phase in order, every chunk c in 0..chunks-1 runs once as
//   `exports[fn](...args, c, thread)` on some thread; the calling thread claims chunks too.
//
// No per-call messages and no per-call start-up: workers start once (lazily, on the first run
// that has more than one chunk), compile each module once from bytes in a shared control block,
// and wait on an Atomics word between runs (after a short spin). A chunk is claimed with one
// compare-exchange on a word holding (run generation, next chunk), so a worker that arrives
// late for a run can never take a chunk of the next one. The results do not depend on who runs
// which chunk (the kernels' contract), so every thread count gives the same bits.
//
// Node: worker_threads (`process.getBuiltinModule`, no import a bundler would follow).
// Browsers: Blob-URL workers under cross-origin isolation; without SharedArrayBuffer the pool
// has no workers and runs every chunk on the calling thread, and says so in `info()`.
import { ConfigError } from './errors';

/** A wasm module the pool runs: the base64 of a build importing `env.memory`, plain and shared. */
export interface PoolModuleSource {
  /** A unique name (the assembly file it is compiled from). */
  readonly name: string;
  /** The module importing a plain (non-shared) memory, base64. */
  readonly base64: string;
  /** The module importing a shared memory, base64 (needed for worker threads). */
  readonly base64Shared?: string;
}

/** One step of a run: `fn(...args, chunk, thread)` for chunk = 0..chunks-1. */
export interface PoolPhase {
  fn: string;
  args: readonly number[];
  chunks: number;
}

/** What the pool runs on, as {@link initBackend} reports it. */
export interface ThreadPoolInfo {
  /** Threads that run kernels (the calling thread included). */
  threads: number;
  /** What was asked for (`initBackend({ threads })`, `BASISKIT_THREADS`, or all cores). */
  requested: number;
  /** Whether worker threads can share memory here (SharedArrayBuffer and Atomics.wait in workers). */
  sharedMemory: boolean;
  /** Why fewer threads run than were asked for, when they do. */
  note?: string;
}

// control block (Int32 words)
const CLAIM = 0; // (generation << CHUNK_BITS) | next chunk
const DONE = 1; // chunks finished in this run
const WAKE = 2; // bumped at every run (workers wait on it)
const MOD = 3; // module id of this run
const FN = 4; // export index
const NARGS = 5;
const NCHUNKS = 6;
const BASE = 7; // chunk offset of this round (phases of more than MAX_ROUND chunks run in rounds)
const ERROR = 8; // set by a worker whose chunk threw
const STOP = 9;
const MODULES = 16; // per module: byte offset, length (MAX_MODULES entries)
const MAX_MODULES = 48;
const ARGS_BYTE = 512; // Float64 args
const MAX_ARGS = 48;
const BYTES_START = 1024; // module bytes
const CONTROL_BYTES = 1 << 20;
const CHUNK_BITS = 12;
const MAX_ROUND = (1 << CHUNK_BITS) - 1;
const GEN_MASK = (1 << (32 - CHUNK_BITS)) - 1;
const PAGE = 65536;
const MAX_PAGES = 32768; // 2 GiB

/** Iterations a worker polls for the next run before it sleeps on Atomics.wait (tens of microseconds). */
const WORKER_SPIN = 20000;

// The worker: compiles modules from the control block on first use, claims chunks, waits.
const WORKER_SOURCE = `
'use strict';
const SPIN = ${WORKER_SPIN};
const CLAIM=${CLAIM},DONE=${DONE},WAKE=${WAKE},MOD=${MOD},FN=${FN},NARGS=${NARGS},NCHUNKS=${NCHUNKS},BASE=${BASE},ERROR=${ERROR},STOP=${STOP},MODULES=${MODULES},ARGS_BYTE=${ARGS_BYTE},CHUNK_BITS=${CHUNK_BITS};
function start(d) {
  const ctl = new Int32Array(d.control), args = new Float64Array(d.control, ARGS_BYTE, ${MAX_ARGS}), bytes = new Uint8Array(d.control);
  const memory = d.memory, tid = d.tid, mods = [];
  function fns(id) {
    if (mods[id] !== undefined) return mods[id];
    const off = ctl[MODULES + 2 * id], len = ctl[MODULES + 2 * id + 1];
    let list = null;
    try {
      const module = new WebAssembly.Module(bytes.slice(off, off + len));
      const inst = new WebAssembly.Instance(module, { env: { memory } });
      list = WebAssembly.Module.exports(module).map((e) => inst.exports[e.name]);
    } catch (e) { list = null; }
    return (mods[id] = list);
  }
  let seen = Atomics.load(ctl, WAKE);
  for (;;) {
    for (;;) {
      const w = Atomics.load(ctl, CLAIM);
      const next = w & ${MAX_ROUND};
      const n = ctl[NCHUNKS];
      if (next >= n) break;
      const list = fns(ctl[MOD]);
      if (list === null) break;
      const f = list[ctl[FN]], nargs = ctl[NARGS], base = ctl[BASE];
      const a = [];
      for (let i = 0; i < nargs; i++) a.push(args[i]);
      if (Atomics.compareExchange(ctl, CLAIM, w, w + 1) !== w) continue;
      a.push(base + next, tid);
      try { f.apply(null, a); } catch (e) { Atomics.store(ctl, ERROR, 1); }
      if (Atomics.add(ctl, DONE, 1) + 1 === n) Atomics.notify(ctl, DONE);
    }
    if (Atomics.load(ctl, STOP)) return;
    let spins = 0;
    while (Atomics.load(ctl, WAKE) === seen && spins < SPIN) spins++;
    if (spins >= SPIN) Atomics.wait(ctl, WAKE, seen);
    seen = Atomics.load(ctl, WAKE);
  }
}
if (typeof process !== 'undefined' && process.versions && process.versions.node) {
  start(require('node:worker_threads').workerData);
} else {
  self.onmessage = (e) => start(e.data);
}
`;

interface NodeWorkerThreads {
  Worker: new (src: string, options: { eval: boolean; workerData: unknown }) => { unref(): void; terminate(): Promise<number> };
}

interface Process {
  versions?: { node?: string };
  env?: Record<string, string | undefined>;
  getBuiltinModule?: (name: string) => unknown;
}

const proc = (globalThis as { process?: Process }).process;
const isNodeRuntime = typeof proc?.versions?.node === 'string';

/** Cores of this machine (`os.availableParallelism`, `navigator.hardwareConcurrency`), at least 1. */
export function availableCores(): number {
  if (isNodeRuntime) {
    const os = proc?.getBuiltinModule?.('node:os') as { availableParallelism?: () => number; cpus(): unknown[] } | undefined;
    const n = os ? (os.availableParallelism?.() ?? os.cpus().length) : 1;
    return Math.max(1, n);
  }
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  return Math.max(1, nav?.hardwareConcurrency ?? 1);
}

/** Why worker threads cannot share memory here, or null when they can. */
function sharedMemoryProblem(): string | null {
  const g = globalThis as { SharedArrayBuffer?: unknown; crossOriginIsolated?: boolean; Worker?: unknown };
  if (typeof g.SharedArrayBuffer !== 'function') {
    return isNodeRuntime
      ? 'SharedArrayBuffer is missing'
      : 'SharedArrayBuffer is missing (the page is not cross-origin isolated: serve it with COOP/COEP headers)';
  }
  if (!isNodeRuntime && g.crossOriginIsolated === false) return 'the page is not cross-origin isolated (serve it with COOP/COEP headers)';
  if (isNodeRuntime ? !proc?.getBuiltinModule : typeof g.Worker !== 'function') return 'no worker threads here';
  return null;
}

/** The bytes of a base64 string (Node's Buffer, or atob in browsers). */
export function decodeBase64(base64: string): Uint8Array {
  const g = globalThis as { Buffer?: { from(s: string, e: string): Uint8Array }; atob?: (s: string) => string };
  if (g.Buffer) return new Uint8Array(g.Buffer.from(base64, 'base64'));
  const bin = g.atob!(base64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

interface CallerModule {
  id: number;
  names: string[];
  fns: ((...a: number[]) => void)[];
}

/**
 * The thread pool: a shared wasm memory that kernels copy their tensors into, and the workers
 * that run their chunks. One per process ({@link threadPool}); not reentrant (a run does not
 * start another).
 */
export class ThreadPool {
  /** The memory the pool's modules import (shared when workers can run). */
  readonly memory: WebAssembly.Memory;
  /** Whether {@link ThreadPool.memory} is shared (then worker threads run chunks). */
  readonly shared: boolean;
  private readonly control: SharedArrayBuffer | null;
  private readonly ctl: Int32Array | null;
  private readonly args: Float64Array | null;
  private readonly modules = new Map<string, CallerModule>();
  private readonly workers: { terminate(): unknown }[] = [];
  private bytesEnd = BYTES_START;
  private gen = 0;
  private top = 0;
  private waitable = isNodeRuntime;
  private requested: number;
  private readonly problem: string | null;

  constructor(threads: number) {
    this.requested = threads;
    this.problem = sharedMemoryProblem();
    this.shared = this.problem === null;
    this.memory = new WebAssembly.Memory(this.shared ? { initial: 16, maximum: MAX_PAGES, shared: true } : { initial: 16 });
    this.control = this.shared ? new SharedArrayBuffer(CONTROL_BYTES) : null;
    this.ctl = this.control ? new Int32Array(this.control) : null;
    this.args = this.control ? new Float64Array(this.control, ARGS_BYTE, MAX_ARGS) : null;
  }

  /** Threads that run kernels, the calling thread included (workers are started on first use). */
  get threads(): number {
    return this.shared ? this.requested : 1;
  }

  /** What the pool runs on. */
  info(): ThreadPoolInfo {
    const info: ThreadPoolInfo = { threads: this.threads, requested: this.requested, sharedMemory: this.shared };
    if (this.problem && this.requested > 1) info.note = `one thread: ${this.problem}`;
    return info;
  }

  /** Sets the number of threads (stops the workers; the next run starts the new number). */
  setThreads(threads: number): void {
    if (threads === this.requested) return;
    this.stopWorkers();
    this.requested = threads;
  }

  /** Empties the memory for a new run's tensors (everything allocated before is free). */
  reset(): void {
    this.top = 64;
  }

  /**
   * Allocates `bytes` (16-byte aligned; zeroed unless `zero` is false) in
   * {@link ThreadPool.memory}, growing it; returns the offset.
   */
  alloc(bytes: number, zero = true): number {
    const at = (this.top + 15) & ~15;
    const end = at + Math.max(0, bytes);
    const have = this.memory.buffer.byteLength;
    if (end > have) {
      // what lies below the old end was used before; what grows arrives zeroed
      if (zero && have > at) new Uint8Array(this.memory.buffer, at, have - at).fill(0);
      const pages = Math.ceil((end - have) / PAGE);
      if (have / PAGE + pages > MAX_PAGES) {
        throw new ConfigError('out of memory', {
          where: 'threadPool',
          argument: 'bytes',
          expected: `at most ${MAX_PAGES * PAGE} bytes in all`,
          got: String(end),
        });
      }
      this.memory.grow(pages);
    } else if (bytes > 0 && zero) {
      new Uint8Array(this.memory.buffer, at, bytes).fill(0);
    }
    this.top = end;
    return at;
  }

  /** A Float32Array view of `length` floats at byte offset `at` (valid until the memory grows). */
  f32(at: number, length: number): Float32Array {
    return new Float32Array(this.memory.buffer, at, length);
  }

  /**
   * Runs `phases` of `source`'s exports on the pool's memory: each phase's chunks on all
   * threads (the calling one included), one phase after another. Throws if a chunk threw.
   */
  run(source: PoolModuleSource, phases: readonly PoolPhase[]): void {
    for (const phase of phases) {
      const { mod, fi, f } = this.exportOf(source, phase.fn);
      const parallel = this.shared && this.requested > 1 && phase.chunks > 1 && mod.id >= 0 && phase.args.length <= MAX_ARGS;
      if (!parallel) {
        for (let c = 0; c < phase.chunks; c++) f(...phase.args, c, 0);
        continue;
      }
      this.startWorkers();
      for (let base = 0; base < phase.chunks; base += MAX_ROUND) this.round(mod.id, fi, f, phase.args, base, Math.min(MAX_ROUND, phase.chunks - base));
    }
  }

  /** Stops the workers (they restart on the next parallel run). */
  stopWorkers(): void {
    if (!this.ctl || this.workers.length === 0) return;
    Atomics.store(this.ctl, STOP, 1);
    Atomics.add(this.ctl, WAKE, 1);
    Atomics.notify(this.ctl, WAKE);
    for (const w of this.workers.splice(0)) void w.terminate();
    Atomics.store(this.ctl, STOP, 0);
  }

  private round(id: number, fi: number, f: (...a: number[]) => void, args: readonly number[], base: number, n: number): void {
    this.publish(id, fi, args, base, n);
    this.finish(id, f, args, base, n);
  }

  /** Publishes chunks base..base+n-1 of export `fi` for the workers (they start at once). */
  private publish(id: number, fi: number, args: readonly number[], base: number, n: number): void {
    const ctl = this.ctl!;
    ctl[MOD] = id;
    ctl[FN] = fi;
    ctl[NARGS] = args.length;
    for (let i = 0; i < args.length; i++) this.args![i] = args[i];
    ctl[BASE] = base;
    ctl[NCHUNKS] = n;
    Atomics.store(ctl, DONE, 0);
    Atomics.store(ctl, ERROR, 0);
    this.gen = (this.gen + 1) & GEN_MASK;
    Atomics.store(ctl, CLAIM, this.gen << CHUNK_BITS);
    Atomics.add(ctl, WAKE, 1);
    Atomics.notify(ctl, WAKE);
  }

  /** The calling thread takes the published chunks still unclaimed, then waits for the workers' ones. */
  private finish(id: number, f: (...a: number[]) => void, args: readonly number[], base: number, n: number): void {
    const ctl = this.ctl!;
    // after a chunk throws, the caller still claims (without running) the rest, and waits for
    // the workers' chunks: a late worker must not count into the next run
    let failure: unknown = null;
    for (;;) {
      const w = Atomics.load(ctl, CLAIM);
      const next = w & MAX_ROUND;
      if (next >= n) break;
      if (Atomics.compareExchange(ctl, CLAIM, w, w + 1) !== w) continue;
      if (failure === null) {
        try {
          f(...args, base + next, 0);
        } catch (e) {
          failure = e;
        }
      }
      Atomics.add(ctl, DONE, 1);
    }
    // wait for the chunks the workers took: spin, then (where the thread may block) sleep on DONE
    let spins = 0;
    for (let done = Atomics.load(ctl, DONE); done < n; done = Atomics.load(ctl, DONE)) {
      if (++spins < 50000 || !this.waitable) continue;
      try {
        Atomics.wait(ctl, DONE, done, 1);
      } catch {
        this.waitable = false; // a browser's main thread may not block
      }
    }
    if (failure !== null) throw failure;
    if (Atomics.load(ctl, ERROR)) throw new Error(`threadPool: a worker's chunk failed in ${this.moduleName(id)}`);
  }

  /**
   * Starts chunks `from`..`to`-1 of `phase` on the workers and returns at once, so that the
   * calling thread can do other work (its own share, elsewhere); the returned function takes
   * whatever the workers have not claimed yet (on this thread) and waits for the rest. Call it
   * before anything else runs on the pool. With no workers it runs every chunk itself.
   */
  start(source: PoolModuleSource, phase: PoolPhase, from: number, to: number): () => void {
    const { mod, fi, f } = this.exportOf(source, phase.fn);
    const n = to - from;
    if (!(this.shared && this.requested > 1 && mod.id >= 0 && phase.args.length <= MAX_ARGS && n > 0 && n <= MAX_ROUND)) {
      return () => {
        for (let c = from; c < to; c++) f(...phase.args, c, 0);
      };
    }
    this.startWorkers();
    this.publish(mod.id, fi, phase.args, from, n);
    return () => this.finish(mod.id, f, phase.args, from, n);
  }

  /** The caller's instance of `source` and its export `fn` (a ConfigError naming the exports when there is none). */
  private exportOf(source: PoolModuleSource, fn: string): { mod: CallerModule; fi: number; f: (...a: number[]) => void } {
    const mod = this.module(source);
    const fi = mod.names.indexOf(fn);
    if (fi < 0) throw new ConfigError('unknown export', { where: `threadPool (${source.name})`, argument: 'fn', expected: mod.names.join(', '), got: fn });
    return { mod, fi, f: mod.fns[fi] };
  }

  private moduleName(id: number): string {
    for (const [name, m] of this.modules) if (m.id === id) return name;
    return String(id);
  }

  private module(source: PoolModuleSource): CallerModule {
    const have = this.modules.get(source.name);
    if (have) return have;
    const sharedBuild = this.shared && source.base64Shared !== undefined;
    if (this.shared && !sharedBuild) {
      throw new ConfigError('no shared-memory build', {
        where: `threadPool (${source.name})`,
        argument: 'base64Shared',
        expected: 'the module compiled with --sharedMemory',
        got: 'none',
      });
    }
    const bytes = decodeBase64(sharedBuild ? source.base64Shared! : source.base64);
    const module = new WebAssembly.Module(bytes as BufferSource);
    const inst = new WebAssembly.Instance(module, { env: { memory: this.memory } });
    const names = WebAssembly.Module.exports(module).map((e) => e.name);
    const fns = names.map((n) => inst.exports[n] as (...a: number[]) => void);
    // its bytes go into the control block, where workers compile it on first use
    let id = -1;
    if (this.ctl && this.modules.size < MAX_MODULES && this.bytesEnd + bytes.length <= CONTROL_BYTES) {
      id = this.modules.size;
      new Uint8Array(this.control!).set(bytes, this.bytesEnd);
      this.ctl[MODULES + 2 * id] = this.bytesEnd;
      this.ctl[MODULES + 2 * id + 1] = bytes.length;
      this.bytesEnd += bytes.length;
    }
    const m = { id, names, fns };
    this.modules.set(source.name, m);
    return m;
  }

  private startWorkers(): void {
    const want = this.requested - 1;
    if (this.workers.length >= want) return;
    const data = (tid: number) => ({ control: this.control, memory: this.memory, tid });
    for (let tid = this.workers.length + 1; tid <= want; tid++) {
      if (isNodeRuntime) {
        const { Worker } = proc!.getBuiltinModule!('node:worker_threads') as NodeWorkerThreads;
        const w = new Worker(WORKER_SOURCE, { eval: true, workerData: data(tid) });
        w.unref(); // an idle pool does not keep the process alive
        this.workers.push(w);
      } else {
        const url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'text/javascript' }));
        const w = new Worker(url);
        w.postMessage(data(tid));
        this.workers.push(w);
      }
    }
  }
}

let pool: ThreadPool | null = null;
let requestedThreads: number | null = null;

/** Threads from `BASISKIT_THREADS` when set (a positive integer), else null. */
function envThreads(): number | null {
  const v = proc?.env?.BASISKIT_THREADS;
  if (v === undefined || v === '') return null;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) {
    throw new ConfigError('invalid value', { where: 'BASISKIT_THREADS', argument: 'BASISKIT_THREADS', expected: 'a positive integer', got: JSON.stringify(v) });
  }
  return n;
}

/**
 * Sets the kernel threads (what `initBackend({ threads })` does): a positive integer, or
 * undefined for `BASISKIT_THREADS` or else all cores.
 */
export function setKernelThreads(threads: number | undefined): ThreadPoolInfo {
  if (threads !== undefined && (!Number.isInteger(threads) || threads < 1)) {
    throw new ConfigError('invalid value', { where: 'initBackend', argument: 'threads', expected: 'a positive integer', got: String(threads) });
  }
  requestedThreads = threads ?? null;
  const n = requestedThreads ?? envThreads() ?? availableCores();
  if (pool) pool.setThreads(n);
  return threadPool().info();
}

/** The process's thread pool (created on first use with the threads `initBackend({ threads })` set). */
export function threadPool(): ThreadPool {
  if (!pool) pool = new ThreadPool(requestedThreads ?? envThreads() ?? availableCores());
  return pool;
}
