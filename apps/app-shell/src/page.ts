// The page side shared by the apps: a promise-based client of the app's worker, element lookup,
// the status line, the backend badge and the busy/error bookkeeping of a worker action.
import type { BackendSummary, Response, WorkerEvent } from './protocol';

/** The element with this id (the apps' index.html has every one they look up). */
export const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/** Shows `message` on the status line (#status), styled as an error. */
export function showError(message: string): void {
  const s = byId('status');
  s.textContent = message;
  s.classList.add('error');
}

/** A promise-based client of a worker: one request, one response (by id); snapshots as events. */
export class WorkerClient<Req extends object, S> {
  private next = 1;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();

  /** Listens to `worker`; its snapshots go to `onSnapshot`, its uncaught errors to the status line. */
  constructor(
    private readonly worker: Worker,
    onSnapshot: (s: S) => void,
  ) {
    this.worker.onmessage = (e: MessageEvent<Response | WorkerEvent<S>>) => {
      const m = e.data;
      if ('event' in m) return onSnapshot(m.snapshot);
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (m.ok) p?.resolve(m.result);
      else p?.reject(new Error(m.error));
    };
    this.worker.onerror = (e) => showError(`worker: ${e.message}`);
  }

  /** Sends `req` (moving `transfer`'s buffers); resolves with the worker's result, rejects with its error. */
  call<T>(req: Req, transfer: Transferable[] = []): Promise<T> {
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ id, ...req }, transfer);
    });
  }
}

/** Writes the backend badge (#backend): name, SIMD and threads of wasm, cross-origin isolation; fallbacks as its tooltip. */
export function showBackend(info: BackendSummary): void {
  const badge = byId('backend');
  badge.textContent =
    `backend: ${info.name}` +
    (info.name === 'wasm' ? ` (SIMD ${info.simd ? 'on' : 'off'}, ${info.threads ?? 1} thread${info.threads === 1 ? '' : 's'})` : '') +
    (info.crossOriginIsolated ? ', cross-origin isolated' : '');
  badge.title = info.fallbacks.join('\n');
}

/** The part of an app's test hook that worker actions update. */
export interface ActionHook {
  /** Actions finished, successful or not. */
  actions: number;
  lastError: string | null;
}

/**
 * Returns `act(what, fn)`: runs one worker action with the controls disabled (`setBusy(true)`, then
 * `setBusy(false)`), counts it in `hook.actions`, and shows an error on the status line and in `hook.lastError`.
 */
export function actionRunner(hook: ActionHook, setBusy: (busy: boolean) => void): <T>(what: string, fn: () => Promise<T>) => Promise<T | undefined> {
  return async <T>(what: string, fn: () => Promise<T>): Promise<T | undefined> => {
    setBusy(true);
    try {
      const out = await fn();
      hook.lastError = null;
      return out;
    } catch (e) {
      hook.lastError = `${what}: ${(e as Error).message}`;
      showError(hook.lastError);
      return undefined;
    } finally {
      hook.actions += 1;
      setBusy(false);
    }
  };
}
