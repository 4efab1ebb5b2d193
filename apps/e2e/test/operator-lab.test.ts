// apps/operator-lab in headless Chromium: the built app generates Burgers data in its worker,
// trains an FNO through the Train button, and the tests check that the loss fell, that the loss
// curve and the input / truth / prediction / error heatmaps drew at both resolutions, that the
// zero-shot super-resolution error was measured; then Darcy (2-D) the same way, and screenshot.png.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { appDist, appsDir, openBrowser, serveStatic, type OpenBrowser, type StaticServer } from './browser';

interface Snapshot {
  step: number;
  problem: string;
  losses: { step: number; split: string; loss: number }[];
  testError: number;
  superResolutionError: number;
  trainResolution: number;
  superResolution: number;
  msPerStep: number;
}
interface Hook {
  ready: boolean;
  busy: boolean;
  actions: number;
  backend: { name: string; simd?: boolean; crossOriginIsolated: boolean; fallbacks: string[] } | null;
  generated: { problem: string; trainResolution: number; superResolution: number; ms: number } | null;
  snapshot: Snapshot | null;
  lastError: string | null;
}
declare const window: { operatorLab: Hook };

const hook = <T>(page: Page, fn: (h: Hook) => T) => page.evaluate(`(${fn.toString()})(window.operatorLab)`) as Promise<T>;

/** Does what a person does (a click), then waits for the page's action it starts to finish. */
async function act(page: Page, what: () => Promise<unknown>, timeout = 90_000): Promise<void> {
  const before = await hook(page, (h) => h.actions);
  await what();
  await page.waitForFunction((n) => window.operatorLab.actions > n && !window.operatorLab.busy, before, { timeout, polling: 100 });
  const err = await hook(page, (h) => h.lastError);
  if (err) throw new Error(`the page reported: ${err}`);
}

const trainLosses = (s: Snapshot) => s.losses.filter((p) => p.split === 'train').map((p) => p.loss);
/** Mean of the first and of the last k training losses (mini-batches: single steps are noisy). */
const ends = (l: number[], k = 5) => [l.slice(0, k), l.slice(-k)].map((a) => a.reduce((s, v) => s + v, 0) / a.length);

describe('apps/operator-lab in headless Chromium', () => {
  let server: StaticServer;
  let browser: OpenBrowser;
  let page: Page;
  const diagnostics = () => [...(browser?.pageLog ?? []).slice(-30), ...(server?.log ?? []).slice(-10)].join('\n');

  beforeAll(async () => {
    server = await serveStatic(appDist('operator-lab'));
    browser = await openBrowser();
    page = browser.page;
    await page.goto(`${server.origin}/`, { waitUntil: 'load' });
    try {
      await page.waitForFunction(() => window.operatorLab?.ready === true, null, { timeout: 60_000 });
    } catch (e) {
      throw new Error(`${(e as Error).message}\n${diagnostics()}`);
    }
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  test('the worker starts the wasm backend (SIMD) in a cross-origin isolated page', async () => {
    const b = await hook(page, (h) => h.backend);
    expect(b?.crossOriginIsolated, diagnostics()).toBe(true);
    expect(b?.name, `fallbacks: ${b?.fallbacks.join('; ')}`).toBe('wasm');
    expect(b?.simd).toBe(true);
  });

  test('Burgers: the worker generates data at 128 points, the FNO trains on 64 and the loss falls', async () => {
    await act(page, () => page.click('#generate'));
    const g = (await hook(page, (h) => h.generated))!;
    expect(g).toMatchObject({ problem: 'burgers', trainResolution: 64, superResolution: 128 });
    await page.fill('#steps', '60');
    await act(page, () => page.click('#train'));
    const s = (await hook(page, (h) => h.snapshot))!;
    const [first, last] = ends(trainLosses(s));
    console.log(
      `operator-lab Burgers: generated in ${g.ms.toFixed(0)} ms, ${s.msPerStep.toFixed(1)} ms/step, test ${s.testError.toPrecision(3)}, 2x ${s.superResolutionError.toPrecision(3)}`,
    );
    expect(s.step).toBe(60);
    expect(
      last,
      trainLosses(s)
        .map((l) => l.toPrecision(3))
        .join(', '),
    ).toBeLessThan(0.7 * first);
    // the test error at both resolutions was measured and is far below predicting zero (1.0)
    expect(s.testError).toBeLessThan(0.6);
    expect(s.superResolutionError).toBeLessThan(0.6);
    await expect(page.locator('#super-error').textContent()).resolves.toBe(s.superResolutionError.toPrecision(4));
  });

  test('the loss curve and the four heatmaps at both resolutions drew (non-empty SVG)', async () => {
    expect(await page.locator('#loss-chart svg path').count()).toBeGreaterThan(0);
    for (const id of ['#fields-chart', '#super-chart']) expect(await page.locator(`${id} g[aria-label="raster"] image`).count(), id).toBe(4);
    const href = await page.locator('#super-chart g[aria-label="raster"] image').first().getAttribute('href');
    expect(href?.startsWith('data:image/png') && href.length > 500, 'the heatmap raster is an empty image').toBe(true);
  });

  test('Darcy (2-D): generated at 65 x 65, trained on 33 x 33, loss falls, super-resolution error measured; screenshot.png', async () => {
    await page.selectOption('#problem', 'darcy');
    await page.fill('#n-train', '48');
    await page.fill('#n-test', '8');
    await act(page, () => page.click('#generate'));
    expect(await hook(page, (h) => h.generated)).toMatchObject({ problem: 'darcy', trainResolution: 33, superResolution: 65 });
    await page.fill('#steps', '40');
    await act(page, () => page.click('#train'));
    const s = (await hook(page, (h) => h.snapshot))!;
    console.log(`operator-lab Darcy: ${s.msPerStep.toFixed(1)} ms/step, test ${s.testError.toPrecision(3)}, 2x ${s.superResolutionError.toPrecision(3)}`);
    const [first, last] = ends(trainLosses(s));
    expect(
      last,
      trainLosses(s)
        .map((l) => l.toPrecision(3))
        .join(', '),
    ).toBeLessThan(0.8 * first);
    expect(Number.isFinite(s.superResolutionError) && s.superResolutionError < 1).toBe(true);
    expect(await page.locator('#super-chart g[aria-label="raster"] image').count()).toBe(4);
    writeFileSync(join(appsDir, 'operator-lab', 'screenshot.png'), await page.screenshot({ fullPage: true }));
  });
});
