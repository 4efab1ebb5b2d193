// Starting a tfjs backend. Node: wasm (XNNPACK, SIMD) first, cpu as the fallback, tfjs-node
// ('tensorflow') when installed and asked for. Browsers: webgpu, webgl, wasm, cpu — webgpu and
// webgl when the app has imported their tfjs packages. BASISKIT_BACKEND overrides the choice.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as wasm from '@tensorflow/tfjs-backend-wasm';
import { BackendError, ConfigError } from './errors';

/** Names of the backends basiskit knows how to start. */
export type BackendName = 'wasm' | 'cpu' | 'tensorflow' | 'webgl' | 'webgpu';

const KNOWN: BackendName[] = ['wasm', 'cpu', 'tensorflow', 'webgl', 'webgpu'];

/** Options of {@link initBackend}. */
export interface InitBackendOptions {
  /**
   * The backend to start, or `'auto'` (default) for the platform's order. An explicit choice
   * (here or in the `BASISKIT_BACKEND` environment variable, which wins) either starts or
   * throws; `'auto'` falls back down the order and reports why.
   */
  backend?: BackendName | 'auto';
  /** Where the browser fetches tfjs-backend-wasm's `.wasm` files (`setWasmPaths`). */
  wasmPaths?: string | Record<string, string>;
  /** Threads for the wasm backend where the platform supports them (browsers with COOP/COEP). */
  wasmThreads?: number;
}

/** One backend that was tried and could not be started. */
export interface BackendAttempt {
  name: BackendName;
  reason: string;
}

/** What {@link initBackend} started. */
export interface BackendInfo {
  /** The backend now active (`tf.getBackend()`). */
  name: BackendName;
  /** What was asked for (`'auto'` by default). */
  requested: BackendName | 'auto';
  /** Whether the choice came from `BASISKIT_BACKEND`. */
  fromEnv: boolean;
  /** For wasm: whether the SIMD build runs. */
  simd?: boolean;
  /** For wasm: threads in use (1 in Node). */
  threads?: number;
  /** Backends tried before this one, with the reason each failed (empty when the first worked). */
  fallbacks: BackendAttempt[];
}

/** Whether this is Node (or Bun/Deno with process.versions.node), not a browser. */
export function isNode(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof p?.versions?.node === 'string' && typeof (globalThis as { window?: unknown }).window === 'undefined';
}

function envBackend(): string | undefined {
  const p = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process;
  const v = p?.env?.BASISKIT_BACKEND?.trim();
  return v ? v : undefined;
}

/** The order `'auto'` tries on this platform. */
export function defaultBackendOrder(): BackendName[] {
  return isNode() ? ['wasm', 'cpu'] : ['webgpu', 'webgl', 'wasm', 'cpu'];
}

async function loadTfjsNode(): Promise<void> {
  if (tf.findBackendFactory('tensorflow')) return;
  const name = '@tensorflow/tfjs-node';
  try {
    await import(/* @vite-ignore */ /* webpackIgnore: true */ name);
  } catch (e) {
    throw new Error(`${name} is not installed or failed to load (${(e as Error).message.split('\n')[0]})`);
  }
}

async function start(name: BackendName, options: InitBackendOptions): Promise<void> {
  if (name === 'tensorflow') {
    if (!isNode()) throw new Error('tfjs-node runs only in Node');
    await loadTfjsNode();
  }
  if (name === 'wasm') {
    if (options.wasmPaths !== undefined) wasm.setWasmPaths(options.wasmPaths as string);
    if (options.wasmThreads !== undefined) wasm.setThreadsCount(options.wasmThreads);
  }
  if (!tf.findBackendFactory(name)) {
    const pkg = name === 'webgpu' ? '@tensorflow/tfjs-backend-webgpu' : `@tensorflow/tfjs-backend-${name}`;
    throw new Error(`not registered: import '${pkg}' in the app to enable it`);
  }
  // tf.setBackend resolves false (or throws) when the backend fails to initialise.
  const ok = await tf.setBackend(name);
  if (!ok) throw new Error('the backend failed to initialise');
  await tf.ready();
  // The cpu backend's first write in Node prints "install tfjs-node for speed"; basiskit
  // chose cpu knowingly (wasm failed or was declined), so skip that advice.
  if (name === 'cpu') (tf.backend() as unknown as { firstUse?: boolean }).firstUse = false;
}

/**
 * Starts a tfjs backend and returns what started. Idempotent: calling it again with the
 * active backend returns at once.
 *
 * @example
 * const info = await initBackend(); // Node: { name: 'wasm', simd: true, threads: 1, ... }
 */
export async function initBackend(options: InitBackendOptions = {}): Promise<BackendInfo> {
  const fromEnvValue = envBackend();
  const requested = (fromEnvValue ?? options.backend ?? 'auto') as BackendName | 'auto';
  if (requested !== 'auto' && !KNOWN.includes(requested)) {
    throw new ConfigError('unknown backend', {
      where: 'initBackend',
      argument: fromEnvValue !== undefined ? 'BASISKIT_BACKEND' : 'backend',
      expected: `'auto' or one of ${KNOWN.join(', ')}`,
      got: JSON.stringify(requested),
    });
  }
  const order = requested === 'auto' ? defaultBackendOrder() : [requested];
  const fallbacks: BackendAttempt[] = [];
  for (const name of order) {
    try {
      if (tf.getBackend() !== name) await start(name, options);
      return describeBackend(name, requested, fromEnvValue !== undefined, fallbacks);
    } catch (e) {
      fallbacks.push({ name, reason: (e as Error).message });
    }
  }
  throw new BackendError('no backend could be started', {
    where: 'initBackend',
    argument: fromEnvValue !== undefined ? 'BASISKIT_BACKEND' : 'backend',
    expected: order.join(' or '),
    got: fallbacks.map((f) => `${f.name}: ${f.reason}`).join('; '),
  });
}

function describeBackend(name: BackendName, requested: BackendName | 'auto', fromEnv: boolean, fallbacks: BackendAttempt[]): BackendInfo {
  const info: BackendInfo = { name, requested, fromEnv, fallbacks };
  if (name === 'wasm') {
    info.simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
    info.threads = tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT') ? wasm.getThreadsCount() : 1;
  }
  return info;
}
