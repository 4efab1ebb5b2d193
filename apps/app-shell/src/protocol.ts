// The message shapes every app's page and worker exchange (plain data: structured clone): a
// request carries an id, the worker answers it once (Response), and may push events in between.

/** The backend the worker started, as the page shows it (an app may add fields). */
export interface BackendSummary {
  name: string;
  simd?: boolean;
  threads?: number;
  crossOriginIsolated: boolean;
  fallbacks: string[];
}

/** The worker's answer to the request with the same id. */
export type Response = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

/** What the worker pushes while it works (a snapshot of the app's state). */
export type WorkerEvent<S> = { event: 'snapshot'; snapshot: S };
