// A static file server on 127.0.0.1 for the browser tests (apps/e2e, tooling/published's smoke
// test): URL prefixes map to folders, every response is no-store, optionally cross-origin isolated
// (the COOP/COEP headers `vite preview` sends). Imported as '@basiskit/test-utils/static-server'.
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/** Options of {@link serveFolders}. */
export interface ServeFoldersOptions {
  /** Send COOP/COEP (cross-origin isolation: SharedArrayBuffer, wasm threads). Default false. */
  crossOriginIsolated?: boolean;
  /** Where the 404s are recorded. Default a new array (the server's `log`). */
  log?: string[];
}

/** A running static server. */
export interface StaticServer {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** One line per request that found no file. */
  log: string[];
  close(): Promise<void>;
}

/**
 * Serves `routes` (URL prefix -> folder; the longest matching prefix wins, `/` gives index.html) on a
 * free port of 127.0.0.1.
 */
export async function serveFolders(routes: Record<string, string>, options: ServeFoldersOptions = {}): Promise<StaticServer> {
  const log = options.log ?? [];
  const isolation = options.crossOriginIsolated ? { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' } : {};
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
    const prefix = Object.keys(routes)
      .filter((p) => path.startsWith(p))
      .sort((a, b) => b.length - a.length)[0];
    const rel = prefix === undefined ? undefined : normalize(path.slice(prefix.length) || 'index.html');
    const file = rel === undefined || rel.startsWith('..') ? undefined : join(routes[prefix!], rel);
    if (!file || !existsSync(file)) {
      log.push(`404 ${req.method} ${path}`);
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store', ...isolation });
    res.end(readFileSync(file));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the server has no port');
  return { origin: `http://127.0.0.1:${address.port}`, log, close: () => new Promise<void>((r) => server.close(() => r())) };
}
