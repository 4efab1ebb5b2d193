// A real browser: Debian's Chromium (never a downloaded one), headless, driven by
// playwright-core. A local server on 127.0.0.1 serves a page, its esbuild bundle and
// tfjs-backend-wasm's .wasm files (at the URL the page passes as initBackend({ wasmPaths })).
// The page starts the backend (it must be wasm, not cpu), checks tensor methods and trains a
// small KAN; then @basiskit/training's Adam trains one too. Every wait is bounded.
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CHROMIUM, chromiumMissing, launchChromium, type LaunchedChromium } from '@basiskit/test-utils/chromium';
import { serveFolders, type StaticServer } from '@basiskit/test-utils/static-server';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { context } from './context';
import { bundleForBrowser } from './esbuild';
import type { BundleResult } from './esbuild';
import { fixturesDir, requireInstall } from './helpers';
import type { StepResult } from './helpers';

const STEPS = 10;
const LAUNCH_TIMEOUT_MS = 60_000;
const PAGE_TIMEOUT_MS = 30_000;
const EVALUATE_TIMEOUT_MS = 90_000;

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

describe('browser smoke test (headless Chromium, wasm backend)', () => {
  let chromiumError: string | undefined;
  let bundle: BundleResult | undefined;
  let trainingBundle: BundleResult | undefined;
  let bundleError: string | undefined;
  let loadError: string | undefined;
  let results: Record<string, StepResult> | undefined;
  let trainingResult: StepResult | undefined;
  let server: StaticServer | undefined;
  let browser: BrowserContext | undefined;
  let chromium: LaunchedChromium | undefined;
  const pageLog: string[] = [];
  const serverLog: string[] = [];

  const diagnostics = () =>
    [pageLog.length ? `page console and errors:\n${pageLog.slice(-40).join('\n')}` : '', serverLog.length ? `server:\n${serverLog.slice(-20).join('\n')}` : '']
      .filter(Boolean)
      .join('\n');

  beforeAll(async () => {
    chromiumError = chromiumMissing('the browser smoke test');
    let root: string;
    try {
      root = requireInstall(context().consumer, 'the browser smoke test');
    } catch (e) {
      bundleError = (e as Error).message;
      return;
    }

    // the page's bundle: smoke.js (tensor, kernels, activations, kan) and, when it bundles,
    // smoke-training.js (@basiskit/training), split so that both share one tfjs
    const dir = join(root, 'browser-smoke');
    const out = join(dir, 'out');
    mkdirSync(dir, { recursive: true });
    for (const f of ['index.html', 'smoke.js', 'smoke-training.js']) copyFileSync(join(fixturesDir, 'browser', f), join(dir, f));
    const both = await bundleForBrowser({
      absWorkingDir: root,
      entryPoints: [join(dir, 'smoke.js'), join(dir, 'smoke-training.js')],
      outdir: out,
      splitting: true,
    });
    if (both.ok) {
      bundle = both;
      trainingBundle = both;
    } else {
      trainingBundle = both;
      rmSync(out, { recursive: true, force: true });
      bundle = await bundleForBrowser({ absWorkingDir: root, entryPoints: [join(dir, 'smoke.js')], outdir: out, splitting: true });
      if (!bundle.ok) {
        bundleError = `esbuild could not bundle the page (smoke.js):\n${[...bundle.errors, ...bundle.builtins].join('\n')}`;
        return;
      }
    }
    copyFileSync(join(dir, 'index.html'), join(out, 'index.html'));

    if (chromiumError) return;
    const wasmDir = join(root, 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist');
    serverLog.push(
      `wasm files served from ${wasmDir}: ${
        existsSync(wasmDir)
          ? readdirSync(wasmDir)
              .filter((f) => f.endsWith('.wasm'))
              .join(', ')
          : 'none'
      }`,
    );
    server = await serveFolders({ '/wasm/': wasmDir, '/': out }, { log: serverLog });
    const origin = server.origin;

    let page: Page;
    try {
      chromium = await launchChromium({ timeout: LAUNCH_TIMEOUT_MS });
      browser = chromium.context;
      browser.setDefaultTimeout(PAGE_TIMEOUT_MS);
      page = browser.pages()[0] ?? (await browser.newPage());
    } catch (e) {
      chromiumError = `Chromium (${CHROMIUM}) did not start: ${(e as Error).message}`;
      return;
    }
    page.on('console', (m) => pageLog.push(`console.${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => pageLog.push(`page error: ${e.stack ?? e.message}`));
    page.on('requestfailed', (r) => pageLog.push(`request failed: ${r.url()} (${r.failure()?.errorText})`));

    try {
      await page.goto(`${origin}/index.html`, { waitUntil: 'load', timeout: PAGE_TIMEOUT_MS });
      await page.waitForFunction(() => (window as unknown as { basiskitSmokeReady?: boolean }).basiskitSmokeReady === true, null, { timeout: PAGE_TIMEOUT_MS });
    } catch (e) {
      loadError = `the page's module did not run: ${(e as Error).message.split('\n')[0]}\n${diagnostics()}`;
      return;
    }
    try {
      results = await withTimeout(
        page.evaluate((opts) => (window as unknown as { basiskitSmoke(o: typeof opts): Promise<Record<string, StepResult>> }).basiskitSmoke(opts), {
          wasmPaths: `${origin}/wasm/`,
          steps: STEPS,
        }),
        EVALUATE_TIMEOUT_MS,
        'window.basiskitSmoke()',
      );
    } catch (e) {
      loadError = `window.basiskitSmoke() failed: ${(e as Error).message}\n${diagnostics()}`;
      return;
    }
    if (trainingBundle.ok) {
      try {
        const value = await withTimeout(
          // a string, not a function: vitest rewrites import() in this file's functions
          page.evaluate(`import('/smoke-training.js').then((m) => m.trainWithAdam(${STEPS}))`),
          EVALUATE_TIMEOUT_MS,
          "smoke-training.js's trainWithAdam()",
        );
        trainingResult = { ok: true, value };
      } catch (e) {
        trainingResult = { ok: false, error: (e as Error).message };
      }
    }
  }, 300_000);

  afterAll(async () => {
    await chromium?.close();
    await server?.close();
  }, 30_000);

  function ran(): Record<string, StepResult> {
    if (bundleError) throw new Error(bundleError);
    if (chromiumError) throw new Error(chromiumError);
    if (loadError) throw new Error(loadError);
    if (!results) throw new Error('the page did not report');
    return results;
  }

  function stepValue(name: string): any {
    const s = ran()[name];
    if (!s?.ok) throw new Error(`in Chromium, step "${name}" threw:\n${s?.error}\n${diagnostics()}`);
    return s.value;
  }

  test(`Debian's Chromium is installed at ${CHROMIUM} and starts`, () => {
    expect(chromiumError, chromiumError).toBeUndefined();
  });

  test('esbuild bundles the page (tensor, kernels, activations, kan) for the browser', () => {
    expect(bundleError, bundleError).toBeUndefined();
  });

  test('the page loads and its module runs, with no uncaught page errors', () => {
    ran();
    const errors = pageLog.filter((l) => l.startsWith('page error'));
    expect(errors, errors.join('\n')).toEqual([]);
  });

  test('initBackend({ wasmPaths }) starts wasm, not cpu', () => {
    const info = stepValue('initBackend');
    expect(info.name, `initBackend() started ${info.name}; fallbacks: ${JSON.stringify(info.fallbacks)}\n${diagnostics()}`).toBe('wasm');
    expect(info.getBackend).toBe('wasm');
  });

  test('tensor methods (chained ops: x.square().add(1).sum()) work', () => {
    expect(stepValue('chained ops')).toBe(17);
  });

  test('kernels and activations run on the page (uniformGrid, gelu)', () => {
    const v = stepValue('ops');
    expect(v.gridShape).toEqual([2, 12]);
    expect(v.gelu[2]).toBeCloseTo(0.841345, 4);
  });

  test("@basiskit/fourier-operators' SpectralConv runs forward and backward on the page (FFT kernels on wasm)", () => {
    const v = stepValue('spectral conv') as { loss: number; gradNorms: number[]; backend: string };
    expect(v.backend).toBe('wasm');
    expect(Number.isFinite(v.loss) && v.loss > 0, `loss ${v.loss}`).toBe(true);
    expect(v.gradNorms, `gradient norms of weight.real, weight.imag, bias: ${v.gradNorms.join(', ')}`).toHaveLength(3);
    expect(
      v.gradNorms.every((g) => Number.isFinite(g) && g > 0),
      `gradient norms: ${v.gradNorms.join(', ')}`,
    ).toBe(true);
  });

  test('@basiskit/datasets bundles for the page (its Node-only parts stay out) and its generators and .npy writer run', () => {
    expect(stepValue('datasets')).toEqual({ shape: [20, 2], same: true });
  });

  test(`a KAN trains ${STEPS} steps on the page (tfjs-core's Adam) and the loss falls`, () => {
    const { losses, backend } = stepValue('train') as { losses: number[]; backend: string };
    expect(losses.every(Number.isFinite), `non-finite loss on ${backend}: ${losses.join(', ')}`).toBe(true);
    expect(losses.at(-1)!, `the loss did not fall on ${backend}: ${losses.map((l) => l.toPrecision(4)).join(', ')}`).toBeLessThan(0.95 * losses[0]);
  });

  test(`@basiskit/training bundles for the page and its Adam trains a KAN ${STEPS} steps, the loss falls`, () => {
    ran();
    if (!trainingBundle?.ok) {
      throw new Error(
        `esbuild could not bundle @basiskit/training for the page:\n${[...(trainingBundle?.builtins ?? []).map((b) => `Node built-in: ${b}`), ...(trainingBundle?.errors ?? [])].join('\n')}`,
      );
    }
    if (!trainingResult?.ok) throw new Error(`trainWithAdam() in Chromium failed:\n${trainingResult?.error}\n${diagnostics()}`);
    const { losses, backend } = trainingResult.value as { losses: number[]; backend: string };
    expect(losses.every(Number.isFinite), `non-finite loss on ${backend}: ${losses.join(', ')}`).toBe(true);
    expect(losses.at(-1)!, `the loss did not fall on ${backend}: ${losses.map((l) => l.toPrecision(4)).join(', ')}`).toBeLessThan(0.95 * losses[0]);
  });
});
