import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultBackendOrder, describeWasmFailure, initBackend, isNode, traceStart, wasmBinaryUrl } from './backend';
import { BackendError, ConfigError } from './errors';
import { registerKernelReport, type FusedKernelReport } from './kernel_report';
import './index';

afterEach(() => {
  delete process.env.BASISKIT_BACKEND;
});

describe('initBackend (Node)', () => {
  it('starts wasm with SIMD first', async () => {
    expect(isNode()).toBe(true);
    expect(defaultBackendOrder()).toEqual(['wasm', 'cpu']);
    const info = await initBackend();
    expect(info.name).toBe('wasm');
    expect(info.requested).toBe('auto');
    expect(info.simd).toBe(true);
    expect(info.threads).toBe(1);
    expect(info.fallbacks).toEqual([]);
    expect(info.kernelThreads.sharedMemory).toBe(true);
    expect(info.kernelThreads.threads).toBeGreaterThanOrEqual(1);
    expect(tf.getBackend()).toBe('wasm');
  });

  it('starts an explicitly requested backend', async () => {
    expect((await initBackend({ backend: 'cpu' })).name).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect((await initBackend({ backend: 'wasm' })).name).toBe('wasm');
  });

  it('BASISKIT_BACKEND overrides the option', async () => {
    process.env.BASISKIT_BACKEND = 'cpu';
    const info = await initBackend({ backend: 'wasm' });
    expect(info).toMatchObject({ name: 'cpu', requested: 'cpu', fromEnv: true });
    delete process.env.BASISKIT_BACKEND;
    expect((await initBackend()).name).toBe('wasm');
  });

  it('names an unknown backend and where it came from', async () => {
    process.env.BASISKIT_BACKEND = 'cuda';
    await expect(initBackend()).rejects.toThrow(ConfigError);
    await expect(initBackend()).rejects.toThrow(/argument BASISKIT_BACKEND: unknown backend .*got "cuda"/);
    delete process.env.BASISKIT_BACKEND;
    await expect(initBackend({ backend: 'gpu' as never })).rejects.toThrow(/argument backend: unknown backend/);
  });

  it('an explicit backend that cannot start throws with the reason (no silent fallback)', async () => {
    await expect(initBackend({ backend: 'webgl' })).rejects.toThrow(BackendError);
    await expect(initBackend({ backend: 'webgl' })).rejects.toThrow(/webgl: not registered: import '@tensorflow\/tfjs-backend-webgl'/);
    await expect(initBackend({ backend: 'tensorflow' })).rejects.toThrow(/tensorflow: @tensorflow\/tfjs-node is not installed/);
    expect(tf.getBackend()).toBe('wasm');
  });
});

describe('the wasm failure report', () => {
  /** Runs `body` with a fake fetch under traceStart (as a browser's wasm start would fetch), then stops the trace. */
  async function traced(fake: (url: string) => Promise<{ status: number; statusText: string }>, body: () => Promise<void>) {
    const g = globalThis as { fetch?: unknown };
    const real = g.fetch;
    const warn = console.warn;
    g.fetch = (input: unknown) => fake(String(input instanceof URL ? input.href : input));
    console.warn = () => undefined; // the trace passes warnings on; keep the test output clean
    const trace = traceStart();
    try {
      await body();
    } finally {
      trace.stop();
      expect(console.warn).not.toBe(warn); // our silent stub is back, not the trace's wrapper
      console.warn = warn;
      g.fetch = real;
    }
    return trace;
  }

  it('names the URL that answered 404, with the status, and how to fix it', async () => {
    const url = 'https://example.com/assets/tfjs-backend-wasm-simd.wasm';
    const trace = await traced(
      async (u) => ({ status: u.endsWith('.wasm') ? 404 : 200, statusText: u.endsWith('.wasm') ? 'Not Found' : 'OK' }),
      async () => {
        await fetch('https://example.com/app.js'); // not a .wasm request: passed through, not recorded
        await fetch(url, { credentials: 'same-origin' });
        console.warn('Aborted(both async and sync fetching of the wasm failed)');
      },
    );
    expect(trace.loads).toEqual([{ url, status: 404, statusText: 'Not Found' }]);
    const e = describeWasmFailure(trace, url);
    expect(e.url).toBe(url);
    expect(e.message).toMatch(
      /^could not load https:\/\/example\.com\/assets\/tfjs-backend-wasm-simd\.wasm \(HTTP 404 Not Found\); pass initBackend\(\{ wasmPaths \}\)/,
    );
  });

  it('names a network error, a binary that loaded but did not start, and a note on the shipped files', async () => {
    const url = 'https://cdn.example/wasm/tfjs-backend-wasm.wasm';
    const offline = await traced(
      () => Promise.reject(new TypeError('Failed to fetch')),
      async () => {
        await expect(fetch(new URL(url))).rejects.toThrow('Failed to fetch');
      },
    );
    expect(describeWasmFailure(offline, undefined).message).toMatch(
      /^could not load https:\/\/cdn\.example\/wasm\/tfjs-backend-wasm\.wasm \(network error: Failed to fetch\)/,
    );
    const corrupt = await traced(
      async () => ({ status: 200, statusText: 'OK' }),
      async () => {
        await fetch(url);
        console.warn('failed to asynchronously prepare wasm: CompileError: WebAssembly.instantiate(): expected magic word');
        console.warn('Aborted(CompileError: WebAssembly.instantiate(): expected magic word). Build with -sASSERTIONS for more info.');
      },
    );
    const e = describeWasmFailure(corrupt, url, 'the .wasm files shipped with @basiskit/tensor are for another version');
    expect(e.message).toMatch(
      /^loaded https:\/\/cdn\.example\/wasm\/tfjs-backend-wasm\.wasm, but the wasm module did not start: CompileError: WebAssembly\.instantiate\(\): expected magic word; the \.wasm files shipped/,
    );
  });

  it("names the file from emscripten's warning in Node (no fetch), and the binary each wasmPaths form selects", () => {
    const file = '/srv/wasm/tfjs-backend-wasm-simd.wasm';
    const warnings = [
      `Aborted(Error: ENOENT: no such file or directory, open '${file}')`,
      `failed to asynchronously prepare wasm: RuntimeError: Aborted(Error: ENOENT: no such file or directory, open '${file}'). Build with -sASSERTIONS for more info.`,
      'Initialization of backend wasm failed',
    ];
    const e = describeWasmFailure({ loads: [], warnings }, undefined);
    expect(e.url).toBe(file);
    expect(e.message).toMatch(
      /^could not load \/srv\/wasm\/tfjs-backend-wasm-simd\.wasm \(ENOENT: no such file or directory, open '\/srv\/wasm\/tfjs-backend-wasm-simd\.wasm'\);/,
    );
    expect(
      describeWasmFailure({ loads: [], warnings: ['Initialization of backend wasm failed', 'Make sure the server can serve the `.wasm` file'] }, undefined)
        .message,
    ).toMatch(/^the wasm module did not start: Make sure the server can serve/);
    expect(wasmBinaryUrl('/w/', true, false)).toBe('/w/tfjs-backend-wasm-simd.wasm');
    expect(wasmBinaryUrl('/w/', true, true)).toBe('/w/tfjs-backend-wasm-threaded-simd.wasm');
    expect(wasmBinaryUrl('/w/', false, false)).toBe('/w/tfjs-backend-wasm.wasm');
    expect(wasmBinaryUrl({ 'tfjs-backend-wasm-simd.wasm': 'blob:x' }, true, false)).toBe('blob:x');
    expect(wasmBinaryUrl(undefined, true, false)).toBeUndefined();
  });

  it('leaves no emscripten process handler behind once wasm has started, however it was started', async () => {
    await tf.setBackend('cpu');
    await tf.setBackend('wasm'); // tfjs's own call, not initBackend
    expect((tf.findBackendFactory('wasm') as { basiskitGuard?: boolean }).basiskitGuard).toBe(true);
    const emscripten = (l: unknown) => /ExitStatus|throw reason/.test(String(l));
    expect(process.listeners('uncaughtException').filter(emscripten)).toEqual([]);
    expect(process.listeners('unhandledRejection').filter(emscripten)).toEqual([]);
  });
});

describe('chained ops', () => {
  it('are registered by importing @basiskit/tensor (tf.zeros([2, 3]).reshape([6]) and friends)', () => {
    const out = tf.tidy(() => {
      const x = tf.zeros([2, 3]).reshape([6]);
      expect(x.shape).toEqual([6]);
      return x.add(1).mul(tf.scalar(2)).reshape([2, 3]).transpose().sum(1).arraySync();
    });
    expect(out).toEqual([4, 4, 4]);
  });
});

describe('initBackend threads', () => {
  it('sets the kernel threads, reports them, and rejects a bad count before starting anything', async () => {
    try {
      expect((await initBackend({ backend: 'cpu', threads: 2 })).kernelThreads).toEqual({ threads: 2, requested: 2, sharedMemory: true });
      await expect(initBackend({ threads: 0 })).rejects.toThrow(/initBackend.*threads.*positive integer/s);
      expect(tf.getBackend()).toBe('cpu');
    } finally {
      await initBackend({ backend: 'wasm' });
    }
  });
});

describe('initBackend fusedKernels', () => {
  it("says 'none' without @basiskit/kernels, else what the registered reporter says for the started backend", async () => {
    expect((await initBackend({ backend: 'cpu' })).fusedKernels).toEqual({ kind: 'none' });
    const asked: string[] = [];
    registerKernelReport((backend): FusedKernelReport => {
      asked.push(backend);
      return backend === 'webgpu' ? { kind: 'webgpu', kernels: ['BasiskitGelu'] } : { kind: backend === 'cpu' || backend === 'wasm' ? 'typed-array' : 'none' };
    });
    try {
      expect((await initBackend({ backend: 'cpu' })).fusedKernels).toEqual({ kind: 'typed-array' });
      expect((await initBackend({ backend: 'wasm' })).fusedKernels).toEqual({ kind: 'typed-array' });
      expect(asked).toEqual(['cpu', 'wasm']);
    } finally {
      registerKernelReport(undefined);
    }
    expect((await initBackend()).fusedKernels).toEqual({ kind: 'none' });
  });
});
