// Shared by the app tests: build an app with Vite when its dist/ is missing, serve the dist on
// 127.0.0.1 with the COOP/COEP headers (cross-origin isolation, as `vite preview` sends them),
// and open it in Debian's Chromium (never a downloaded browser), headless, as root, without
// network (@basiskit/test-utils' launchChromium, as tooling/published's browser smoke test does).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from '@basiskit/test-utils/chromium';
import { serveFolders, type StaticServer } from '@basiskit/test-utils/static-server';
import type { BrowserContext, Page } from 'playwright-core';

export type { StaticServer };

/** apps/ */
export const appsDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

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

/** Serves `root` on a free port of 127.0.0.1, with cross-origin isolation headers. */
export function serveStatic(root: string): Promise<StaticServer> {
  return serveFolders({ '/': root }, { crossOriginIsolated: true });
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
