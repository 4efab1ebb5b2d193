// The worker side shared by the apps: start the backend and answer the page's requests.
import { initBackend, tf, type BackendInfo } from '@basiskit/tensor';
import type { BackendSummary, Response, WorkerEvent } from './protocol';

const scope = self as unknown as {
  postMessage(m: unknown, transfer?: Transferable[]): void;
  onmessage: ((e: MessageEvent) => void) | null;
  crossOriginIsolated?: boolean;
};

/**
 * Starts the backend inside the worker (`requested`, default 'auto': wasm, else cpu). tfjs-backend-wasm's
 * threaded build does not start inside a bundled module worker (its pthread workers' blob script cannot
 * find the bundled factory), so the worker runs the single-threaded SIMD build: the worker itself keeps
 * the work off the page's thread.
 */
export async function startWorkerBackend(requested?: string): Promise<BackendSummary> {
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  const info: BackendInfo = await initBackend({ backend: (requested || 'auto') as 'auto' });
  return {
    name: info.name,
    simd: info.simd,
    threads: info.threads,
    crossOriginIsolated: scope.crossOriginIsolated === true,
    fallbacks: info.fallbacks.map((f) => `${f.name}: ${f.reason}`),
  };
}

/** Pushes a snapshot to the page (between the responses). */
export function postSnapshot<S>(snapshot: S): void {
  const event: WorkerEvent<S> = { event: 'snapshot', snapshot };
  scope.postMessage(event);
}

/**
 * Answers every request of the page with `handle(request)`'s result or error message, by the request's id.
 * A Uint8Array result is transferred, not copied.
 */
export function serveRequests<Req>(handle: (req: Req) => Promise<unknown>): void {
  scope.onmessage = (e: MessageEvent) => {
    const { id, ...req } = e.data as Req & { id: number };
    handle(req as Req).then(
      (result) => {
        const msg: Response = { id, ok: true, result };
        scope.postMessage(msg, result instanceof Uint8Array ? [result.buffer as ArrayBuffer] : []);
      },
      (err: unknown) => {
        const msg: Response = { id, ok: false, error: err instanceof Error ? err.message : String(err) };
        scope.postMessage(msg);
      },
    );
  };
}
