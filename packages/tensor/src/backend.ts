// Starting a tfjs backend. Node: wasm (XNNPACK, SIMD) first, cpu as the fallback, tfjs-node
// ('tensorflow') when installed and asked for. Browsers: webgpu, webgl, wasm, cpu — webgpu and
// webgl when the app has imported their tfjs packages. BASISKIT_BACKEND overrides the choice.
// Every backend that does not start is reported with why (for wasm: the .wasm URL or file that
// did not load, and how it failed).
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as wasm from '@tensorflow/tfjs-backend-wasm';
import { BackendError, ConfigError } from './errors';
import { fusedKernelReport, type FusedKernelReport } from './kernel_report';
import { setKernelThreads, type ThreadPoolInfo } from './thread_pool';
import { defaultWasmPaths } from './wasm_paths';

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
  /**
   * Where tfjs-backend-wasm's `.wasm` files are (`setWasmPaths`): a folder URL ending in `/`, or a
   * map from each file name (`tfjs-backend-wasm.wasm`, `tfjs-backend-wasm-simd.wasm`,
   * `tfjs-backend-wasm-threaded-simd.wasm`) to its URL. Default in browsers: the copies shipped
   * in @basiskit/tensor's dist/, which bundlers that understand `new URL(..., import.meta.url)`
   * emit as assets; in Node, tfjs-backend-wasm's own folder.
   */
  wasmPaths?: string | Record<string, string>;
  /** Threads for the wasm backend where the platform supports them (browsers with COOP/COEP). */
  wasmThreads?: number;
  /**
   * Threads for basiskit's fused kernels (the thread pool, {@link threadPool}), the calling
   * thread included. Default: `BASISKIT_THREADS` when set, else all cores. Where worker threads
   * cannot share memory (a page without COOP/COEP headers) the kernels run on one thread, and
   * `kernelThreads.note` says why.
   */
  threads?: number;
}

/** One backend that was tried and could not be started. */
export interface BackendAttempt {
  name: BackendName;
  /** Why, e.g. `could not load https://example.com/assets/tfjs-backend-wasm-simd.wasm (HTTP 404 Not Found); ...`. */
  reason: string;
  /** For wasm: the `.wasm` URL (or file) that was tried, when known. */
  url?: string;
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
  /** The threads basiskit's fused kernels run on (see {@link InitBackendOptions.threads}). */
  kernelThreads: ThreadPoolInfo;
  /**
   * Which of basiskit's fused kernels run on this backend (reported by @basiskit/kernels when it
   * is loaded; `{ kind: 'none' }` without it): the cpu/wasm kernels, the WGSL kernels on webgpu
   * (with their names), or none (plain-ops references).
   */
  fusedKernels: FusedKernelReport;
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

/** A failed start, with the URL it could not load (wasm). */
class StartError extends Error {
  constructor(
    message: string,
    readonly url?: string,
  ) {
    super(message);
  }
}

/** A `.wasm` request seen while a backend started (browsers: through fetch). */
export interface WasmLoad {
  url: string;
  status?: number;
  statusText?: string;
  /** The network error, when the request failed without a response. */
  error?: string;
}

/** What a backend start left behind: `.wasm` requests and console warnings (tfjs and emscripten report through them). */
export interface StartTrace {
  loads: WasmLoad[];
  warnings: string[];
  /** Puts fetch and console.warn back. */
  stop(): void;
}

const WASM_URL = /\.wasm(?:[?#]|$)/;

/**
 * Watches a backend start: `.wasm` requests made through `globalThis.fetch` (with their status)
 * and `console.warn` lines, which still reach the console. tfjs reports a failed start only by
 * a warning and `setBackend` resolving false, and emscripten names the failing URL only in a
 * warning (Node) or not at all (browsers); this recovers both for the report.
 */
export function traceStart(): StartTrace {
  const g = globalThis as { fetch?: (input: unknown, init?: unknown) => Promise<{ status: number; statusText: string }> };
  const loads: WasmLoad[] = [];
  const warnings: string[] = [];
  const fetch0 = g.fetch;
  const warn0 = console.warn;
  const fetch1 =
    typeof fetch0 === 'function'
      ? (input: unknown, init?: unknown) => {
          const url = typeof input === 'string' ? input : input instanceof URL ? input.href : (input as { url?: string } | null)?.url;
          const response = fetch0.call(globalThis, input, init);
          if (typeof url !== 'string' || !WASM_URL.test(url)) return response;
          const load: WasmLoad = { url };
          loads.push(load);
          return response.then(
            (r) => {
              load.status = r.status;
              load.statusText = r.statusText;
              return r;
            },
            (e: unknown) => {
              load.error = e instanceof Error ? e.message : String(e);
              throw e;
            },
          );
        }
      : undefined;
  if (fetch1) g.fetch = fetch1;
  const warn1 = (...args: unknown[]) => {
    warnings.push(args.map((a) => (a instanceof Error ? a.message : String(a))).join(' '));
    warn0.apply(console, args);
  };
  console.warn = warn1;
  return {
    loads,
    warnings,
    stop() {
      if (fetch1 && g.fetch === fetch1) g.fetch = fetch0;
      if (console.warn === warn1) console.warn = warn0;
    },
  };
}

/** The binary tfjs-backend-wasm will load with these paths (its getPathToWasmBinary), when they say. */
export function wasmBinaryUrl(paths: string | Record<string, string> | undefined, simd: boolean, threads: boolean): string | undefined {
  const file = simd && threads ? 'tfjs-backend-wasm-threaded-simd.wasm' : simd ? 'tfjs-backend-wasm-simd.wasm' : 'tfjs-backend-wasm.wasm';
  if (typeof paths === 'string') return paths + file;
  return paths?.[file];
}

/** The innermost message of emscripten's `Aborted(...)` warnings, without its build hint. */
function abortDetail(warnings: string[]): string | undefined {
  for (const w of warnings) {
    let m = /Aborted\((.*)\)/s.exec(w)?.[1];
    if (m === undefined) continue;
    for (let inner = /Aborted\((.*)\)/s.exec(m); inner; inner = /Aborted\((.*)\)/s.exec(m)) m = inner[1];
    m = m.replace(/\. Build with -sASSERTIONS.*$/s, '').replace(/^(?:RuntimeError|Error): /, '');
    if (m) return m;
  }
  return undefined;
}

/** tfjs's own reason: the warning after `Initialization of backend <name> failed`. */
function tfjsDetail(warnings: string[], name: string): string | undefined {
  const i = warnings.findIndex((w) => w.includes(`Initialization of backend ${name} failed`));
  return i >= 0 ? warnings[i + 1]?.split('\n')[0] : undefined;
}

const WASM_HINT =
  "pass initBackend({ wasmPaths }) the URL of a folder that serves tfjs-backend-wasm's .wasm files (see @basiskit/tensor's README, 'Browsers and bundlers')";

/** Why wasm did not start, naming the URL or file that did not load. */
export function describeWasmFailure(trace: Pick<StartTrace, 'loads' | 'warnings'>, expectedUrl: string | undefined, note?: string): StartError {
  const failed = trace.loads.find((l) => l.error !== undefined || (l.status !== undefined && (l.status < 200 || l.status > 299)));
  const detail = abortDetail(trace.warnings);
  let reason: string;
  let url = failed?.url ?? expectedUrl;
  if (failed) {
    const how = failed.error !== undefined ? `network error: ${failed.error}` : `HTTP ${failed.status}${failed.statusText ? ` ${failed.statusText}` : ''}`;
    reason = `could not load ${failed.url} (${how})`;
  } else if (detail !== undefined && /ENOENT|no such file|failed to load|fetching of the wasm failed|NetworkError|Failed to fetch/i.test(detail)) {
    url ??= /'([^']+\.wasm)'/.exec(detail)?.[1];
    reason = `could not load ${url ?? "tfjs-backend-wasm's .wasm file"} (${detail})`;
  } else {
    const loaded = trace.loads.find((l) => l.status !== undefined);
    const what = loaded ? `loaded ${loaded.url}, but the wasm module did not start` : `the wasm module did not start${url ? ` (binary ${url})` : ''}`;
    reason = `${what}: ${detail ?? tfjsDetail(trace.warnings, 'wasm') ?? 'no reason given'}`;
  }
  return new StartError(`${reason}; ${note ? `${note}; ` : ''}${WASM_HINT}`, url);
}

type Listener = (...args: unknown[]) => void;
const PROCESS_EVENTS = ['uncaughtException', 'unhandledRejection'] as const;

/** The process listeners now, to tell which ones a wasm start adds. */
function processListeners(): Record<string, Listener[]> | undefined {
  const p = (globalThis as { process?: { listeners?: (e: string) => Listener[] } }).process;
  if (!isNode() || typeof p?.listeners !== 'function') return undefined;
  return Object.fromEntries(PROCESS_EVENTS.map((e) => [e, p.listeners!(e)]));
}

/**
 * Removes the 'uncaughtException' and 'unhandledRejection' handlers emscripten installs in Node
 * when the wasm module starts (they rethrow from inside the handler, so any uncaught error of
 * the app exits with code 7 and a stack through tf-backend-wasm.node.js). Only listeners added
 * since `before` that are emscripten's (`throw reason`, `ExitStatus`) are removed.
 */
export function removeEmscriptenListeners(before: Record<string, Listener[]> | undefined): void {
  if (!before) return;
  const p = (globalThis as { process?: { listeners(e: string): Listener[]; removeListener(e: string, l: Listener): void } }).process!;
  for (const event of PROCESS_EVENTS) {
    for (const l of p.listeners(event)) {
      if (!before[event].includes(l) && /ExitStatus|throw reason/.test(String(l))) p.removeListener(event, l);
    }
  }
}

/**
 * In Node, wraps the wasm backend's factory so that emscripten's process handlers are removed
 * as soon as the module has started, whoever starts it (initBackend, `tf.setBackend('wasm')`,
 * tfjs's own choice of backend). Idempotent.
 */
function guardWasmFactory(): void {
  const factory = tf.findBackendFactory('wasm') as (() => Promise<tf.KernelBackend>) & { basiskitGuard?: true };
  if (!isNode() || !factory || factory.basiskitGuard) return;
  const registry = (tf.engine() as unknown as { registryFactory?: Record<string, { priority?: number }> }).registryFactory;
  const priority = registry?.wasm?.priority ?? 2;
  const guarded = Object.assign(
    async () => {
      const before = processListeners();
      try {
        return await factory();
      } finally {
        removeEmscriptenListeners(before);
      }
    },
    { basiskitGuard: true as const },
  );
  tf.removeBackend('wasm');
  tf.registerBackend('wasm', guarded, priority);
}
guardWasmFactory();

async function startWasm(options: InitBackendOptions): Promise<void> {
  const defaults = options.wasmPaths === undefined ? defaultWasmPaths() : {};
  const paths = options.wasmPaths ?? defaults.paths;
  if (paths !== undefined) {
    try {
      wasm.setWasmPaths(paths);
    } catch (e) {
      // tfjs-backend-wasm refuses new paths once a start has failed
      throw new StartError(`an earlier start of wasm failed in this page, and tfjs-backend-wasm cannot retry (${(e as Error).message.split('\n')[0]})`);
    }
  }
  if (options.wasmThreads !== undefined) wasm.setThreadsCount(options.wasmThreads);
  const [simd, threads] = await Promise.all([tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'), tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')]);
  const expected = wasmBinaryUrl(paths, simd as boolean, threads as boolean);
  const trace = traceStart();
  let ok: boolean;
  try {
    ok = await tf.setBackend('wasm'); // emscripten's process handlers are removed by guardWasmFactory
  } catch (e) {
    throw new StartError(`${(e as Error).message}; ${WASM_HINT}`, expected);
  } finally {
    trace.stop();
  }
  if (!ok) throw describeWasmFailure(trace, expected, defaults.note);
}

async function start(name: BackendName, options: InitBackendOptions): Promise<void> {
  if (name === 'tensorflow') {
    if (!isNode()) throw new Error('tfjs-node runs only in Node');
    await loadTfjsNode();
  }
  if (!tf.findBackendFactory(name)) {
    const pkg = name === 'webgpu' ? '@tensorflow/tfjs-backend-webgpu' : `@tensorflow/tfjs-backend-${name}`;
    throw new Error(`not registered: import '${pkg}' in the app to enable it`);
  }
  if (name === 'wasm') {
    await startWasm(options);
  } else {
    // tf.setBackend resolves false (or throws) when the backend fails to initialise; tfjs says
    // why only in a console warning
    const trace = traceStart();
    let ok: boolean;
    try {
      ok = await tf.setBackend(name);
    } finally {
      trace.stop();
    }
    if (!ok) throw new Error(`the backend failed to initialise${tfjsDetail(trace.warnings, name) ? ` (${tfjsDetail(trace.warnings, name)})` : ''}`);
  }
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
  const kernelThreads = setKernelThreads(options.threads);
  const order = requested === 'auto' ? defaultBackendOrder() : [requested];
  const fallbacks: BackendAttempt[] = [];
  for (const name of order) {
    try {
      if (tf.getBackend() !== name) await start(name, options);
      return describeBackend(name, requested, fromEnvValue !== undefined, fallbacks, kernelThreads);
    } catch (e) {
      const url = (e as StartError).url;
      fallbacks.push(url !== undefined ? { name, reason: (e as Error).message, url } : { name, reason: (e as Error).message });
    }
  }
  throw new BackendError('no backend could be started', {
    where: 'initBackend',
    argument: fromEnvValue !== undefined ? 'BASISKIT_BACKEND' : 'backend',
    expected: order.join(' or '),
    got: fallbacks.map((f) => `${f.name}: ${f.reason}`).join('; '),
  });
}

function describeBackend(
  name: BackendName,
  requested: BackendName | 'auto',
  fromEnv: boolean,
  fallbacks: BackendAttempt[],
  kernelThreads: ThreadPoolInfo,
): BackendInfo {
  const info: BackendInfo = { name, requested, fromEnv, fallbacks, kernelThreads, fusedKernels: fusedKernelReport(name) };
  if (name === 'wasm') {
    info.simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
    info.threads = tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT') ? wasm.getThreadsCount() : 1;
  }
  return info;
}
