import { describe, expect, it } from 'vitest';
import { ConfigError } from './errors';
import { availableCores, setKernelThreads, ThreadPool, threadPool, type PoolModuleSource } from './thread_pool';

// A test module (AssemblyScript, compiled by asc 0.28 with the kernels' flags, plain and with
// `--sharedMemory --maximumMemory 65536 --enable threads`):
//   export function mark(out: usize, sink: usize, work: i32, chunk: i32, thread: i32): void
//     { sink[chunk] = sum_{i<work} sqrt(i) (f64); out[chunk] = chunk * 1000 + thread (f32) }
//   export function partial(x: usize, partial: usize, chunk: i32, thread: i32): void
//     { partial[chunk] = sum of x[16 chunk .. 16 chunk + 15] (f64) }
//   export function boom(chunk: i32, thread: i32): void { if (chunk == 3) unreachable(); }
const TEST_MODULE: PoolModuleSource = {
  name: 'pool_test',
  base64:
    'AGFzbQEAAAABFQNgBH9/f38AYAV/f39/fwBgAn9/AAIPAQNlbnYGbWVtb3J5AgAAAwQDAAECBxkDBG1hcmsAAQdwYXJ0aWFsAAAEYm9vbQACCpIBAz4CAX8BfANAIARBEEgEQCAFIAAgAkEEdCAEakECdGoqAgC7oCEFIARBAWohBAwBCwsgASACQQN0aiAFOQMAC0UCAX8BfANAIAIgBUoEQCAGIAW3n6AhBiAFQQFqIQUMAQsLIAEgA0EDdGogBjkDACAAIANBAnRqIANB6AdsIARqsjgCAAsLACAAQQNGBEAACws=',
  base64Shared:
    'AGFzbQEAAAABFQNgBH9/f38AYAV/f39/fwBgAn9/AAISAQNlbnYGbWVtb3J5AgMAgIAEAwQDAAECBxkDBG1hcmsAAQdwYXJ0aWFsAAAEYm9vbQACCpIBAz4CAX8BfANAIARBEEgEQCAFIAAgAkEEdCAEakECdGoqAgC7oCEFIARBAWohBAwBCwsgASACQQN0aiAFOQMAC0UCAX8BfANAIAIgBUoEQCAGIAW3n6AhBiAFQQFqIQUMAQsLIAEgA0EDdGogBjkDACAAIANBAnRqIANB6AdsIARqsjgCAAsLACAAQQNGBEAACws=',
};

/** Runs `chunks` marks with `work` busy iterations each on a pool of `threads`; returns the thread of each chunk. */
function marks(pool: ThreadPool, chunks: number, work: number): number[] {
  pool.reset();
  const out = pool.alloc(chunks * 4);
  const sink = pool.alloc(chunks * 8);
  pool.run(TEST_MODULE, [{ fn: 'mark', args: [out, sink, work], chunks }]);
  return Array.from(pool.f32(out, chunks), (v, c) => v - c * 1000);
}

describe('ThreadPool', () => {
  it('runs every chunk exactly once, on the calling thread and the workers', () => {
    const pool = new ThreadPool(2);
    try {
      expect(pool.shared).toBe(true);
      expect(pool.info()).toEqual({ threads: 2, requested: 2, sharedMemory: true });
      // the worker starts on the first parallel run and joins once it has compiled the module:
      // run until it has taken chunks (bounded), then check a run's bookkeeping
      let threads: number[] = [];
      for (let attempt = 0; attempt < 200 && !threads.includes(1); attempt++) threads = marks(pool, 64, 20000);
      expect(threads.every((t) => t === 0 || t === 1)).toBe(true);
      expect(threads).toContain(1);
      expect(threads).toContain(0);
      // a phase of more chunks than one round holds (4095) runs in rounds, each chunk once
      const many = marks(pool, 5000, 0);
      expect(many.every((t) => t === 0 || t === 1)).toBe(true);
    } finally {
      pool.stopWorkers();
    }
  });

  it('gives the same bits with 1, 2 and 3 threads (per-chunk partial sums)', () => {
    const results: number[][] = [];
    for (const threads of [1, 2, 3]) {
      const pool = new ThreadPool(threads);
      try {
        pool.reset();
        const chunks = 256;
        const x = pool.alloc(chunks * 16 * 4);
        const view = pool.f32(x, chunks * 16);
        for (let i = 0; i < view.length; i++) view[i] = Math.sin(i * 0.37) * 1e3;
        const p = pool.alloc(chunks * 8);
        for (let rep = 0; rep < 5; rep++) pool.run(TEST_MODULE, [{ fn: 'partial', args: [x, p], chunks }]);
        results.push(Array.from(new Float64Array(pool.memory.buffer, p, chunks)));
      } finally {
        pool.stopWorkers();
      }
    }
    expect(results[1]).toEqual(results[0]);
    expect(results[2]).toEqual(results[0]);
  });

  it('reports a chunk that throws, on the calling thread or a worker, and keeps working', () => {
    const pool = new ThreadPool(2);
    try {
      expect(() => pool.run(TEST_MODULE, [{ fn: 'boom', args: [], chunks: 8 }])).toThrow();
      expect(() => pool.run(TEST_MODULE, [{ fn: 'nope', args: [], chunks: 1 }])).toThrow(/unknown export.*mark/s);
      expect(marks(pool, 16, 10).length).toBe(16);
    } finally {
      pool.stopWorkers();
    }
  });

  it('start() runs a range of chunks on the workers while the caller is free, and wait takes what is left', () => {
    for (const threads of [1, 2]) {
      const pool = new ThreadPool(threads);
      try {
        pool.reset();
        const out = pool.alloc(32 * 4);
        const sink = pool.alloc(32 * 8);
        pool.f32(out, 32).fill(-1);
        const wait = pool.start(TEST_MODULE, { fn: 'mark', args: [out, sink, 2000], chunks: 32 }, 8, 24);
        wait();
        const v = Array.from(pool.f32(out, 32));
        v.forEach((m, c) => {
          if (c < 8 || c >= 24) expect(m).toBe(-1);
          else expect(m - c * 1000 === 0 || m - c * 1000 === 1).toBe(true);
        });
      } finally {
        pool.stopWorkers();
      }
    }
  });

  it('grows its memory and zeroes what it allocates', () => {
    const pool = new ThreadPool(1);
    pool.reset();
    const a = pool.alloc(1024);
    pool.f32(a, 256).fill(7);
    pool.reset();
    const b = pool.alloc(1024);
    expect(b).toBe(a);
    expect(Array.from(pool.f32(b, 256)).every((v) => v === 0)).toBe(true);
    // growing: what lay below the old end is zeroed too
    pool.reset();
    const used = pool.alloc(pool.memory.buffer.byteLength - 64);
    pool.f32(used, 16).fill(3);
    pool.reset();
    const big = pool.alloc(8 << 20);
    expect(pool.memory.buffer.byteLength).toBeGreaterThanOrEqual(big + (8 << 20));
    expect(Array.from(pool.f32(big, 16)).every((v) => v === 0)).toBe(true);
  });

  it('takes its thread count from setKernelThreads, BASISKIT_THREADS, or all cores, and rejects bad counts', () => {
    expect(availableCores()).toBeGreaterThanOrEqual(1);
    try {
      expect(setKernelThreads(3).threads).toBe(3);
      expect(threadPool().threads).toBe(3);
      process.env.BASISKIT_THREADS = '2';
      expect(setKernelThreads(undefined).threads).toBe(2);
      delete process.env.BASISKIT_THREADS;
      expect(setKernelThreads(undefined).threads).toBe(availableCores());
      expect(() => setKernelThreads(0)).toThrow(ConfigError);
      expect(() => setKernelThreads(1.5)).toThrow(/threads.*positive integer/s);
      process.env.BASISKIT_THREADS = 'many';
      expect(() => setKernelThreads(undefined)).toThrow(/BASISKIT_THREADS/);
    } finally {
      delete process.env.BASISKIT_THREADS;
      setKernelThreads(undefined);
      threadPool().stopWorkers();
    }
  });
});
