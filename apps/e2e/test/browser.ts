// Shared by the app tests: build an app with Vite when its dist/ is missing, serve the dist on
// 127.0.0.1 with the COOP/COEP headers (cross-origin isolation, as `vite preview` sends them),
// and open it in Debian's Chromium (never a downloaded browser), headless, as root, without
// network (@basiskit/test-utils' launchChromium, as tooling/published's browser smoke test does).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from '@basiskit/test-utils/chromium';
import type { BrowserContext, Page } from 'playwright-core';

/** apps/ */
export const appsDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/** The app's dist/ (built with `vite build` when missing). */
export function appDist(app: string): string {
  const dir = join(appsDir, app);
  const dist = join(dir, 'dist');
  if (!existsSync(join(dist, 'index.html'))) {
    const vite = join(dir, 'node_modules', 'vite', 'bin', 'vite.js');
    const r = spawnSync(process.execPath, [vite, 'build'], { cwd: dir, encoding: 'utf8', timeout: 180_000 });
    if (r.status !== 0) throw new Error(`vite build of apps/${app} failed:\n${r.stdout}\n${r.stderr}`);
  }
  return dist;
}

/** A running static server of one folder. */
export interface StaticServer {
  origin: string;
  log: string[];
  close(): Promise<void>;
}

/** Serves `root` on a free port of 127.0.0.1, with cross-origin isolation headers. */
export async function serveStatic(root: string): Promise<StaticServer> {
  const log: string[] = [];
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
    const rel = normalize(path === '/' ? 'index.html' : path.slice(1));
    const file = rel.startsWith('..') ? undefined : join(root, rel);
    if (!file || !existsSync(file)) {
      log.push(`404 ${req.method} ${path}`);
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'cache-control': 'no-store',
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-embedder-policy': 'require-corp',
    });
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

/** A headless Chromium with one page, its console and errors collected. */
export interface OpenBrowser {
  context: BrowserContext;
  page: Page;
  pageLog: string[];
  close(): Promise<void>;
}

/** Starts Debian's Chromium headless (throws with the apt command when it is missing). */
export async function openBrowser(): Promise<OpenBrowser> {
  const chromium = await launchChromium({ who: 'the app tests', viewport: { width: 1360, height: 900 }, acceptDownloads: true });
  const context = chromium.context;
  context.setDefaultTimeout(60_000);
  const page = context.pages()[0] ?? (await context.newPage());
  const pageLog: string[] = [];
  page.on('console', (m) => pageLog.push(`console.${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => pageLog.push(`page error: ${e.stack ?? e.message}`));
  page.on('requestfailed', (r) => pageLog.push(`request failed: ${r.url()} (${r.failure()?.errorText})`));
  return { context, page, pageLog, close: chromium.close };
}
