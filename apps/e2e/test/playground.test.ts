// apps/playground in headless Chromium: the built app starts a backend in its worker, builds a
// B-spline KAN on exp(sin(pi x) + y^2), trains through the Train button, and the tests check that
// the loss fell, that the charts drew, that Export -> Import (a real download and a file input)
// gives the same predictions, that another basis trains too, and save screenshot.png.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { appDist, appsDir, openBrowser, serveStatic, type OpenBrowser, type StaticServer } from './browser';

interface Snapshot {
  step: number;
  config: { basis: string; widths: number[]; gridSize: number };
  losses: { step: number; split: string; loss: number }[];
  metric: { name: string; value: number };
  edges: unknown[];
  msPerStep: number;
}
interface Hook {
  ready: boolean;
  busy: boolean;
  actions: number;
  backend: { name: string; simd?: boolean; threads?: number; crossOriginIsolated: boolean; fallbacks: string[] } | null;
  snapshot: Snapshot | null;
  symbolic: { formulas: string[]; metric: { value: number } } | null;
  lastError: string | null;
  predict(): Promise<number[]>;
}
declare const window: { playground: Hook };

const hook = <T>(page: Page, fn: (h: Hook) => T) => page.evaluate(`(${fn.toString()})(window.playground)`) as Promise<T>;

async function idle(page: Page, timeout = 90_000): Promise<void> {
  await page.waitForFunction(() => window.playground?.ready === true && !window.playground.busy, null, { timeout, polling: 100 });
  const err = await hook(page, (h) => h.lastError);
  if (err) throw new Error(`the page reported: ${err}`);
}

/** Does what a person does (a click, a file chosen), then waits for the page's action it starts to finish. */
async function act(page: Page, what: () => Promise<unknown>, timeout = 90_000): Promise<void> {
  const before = await hook(page, (h) => h.actions);
  await what();
  await page.waitForFunction((n) => window.playground.actions > n && !window.playground.busy, before, { timeout, polling: 100 });
  const err = await hook(page, (h) => h.lastError);
  if (err) throw new Error(`the page reported: ${err}`);
}

function trainLosses(s: Snapshot): number[] {
  return s.losses.filter((p) => p.split === 'train').map((p) => p.loss);
}

/** The same safetensors file without its `__metadata__` (as efficient-kan's `save_file(model.state_dict())` writes it). */
function withoutMetadata(bytes: Buffer): Buffer {
  const n = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + n).toString('utf8')) as Record<string, unknown>;
  delete header.__metadata__;
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8);
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(json.length));
  return Buffer.concat([len, Buffer.from(json, 'utf8'), bytes.subarray(8 + n)]);
}

describe('apps/playground in headless Chromium', () => {
  let server: StaticServer;
  let browser: OpenBrowser;
  let page: Page;
  const diagnostics = () => [...(browser?.pageLog ?? []).slice(-30), ...(server?.log ?? []).slice(-10)].join('\n');

  beforeAll(async () => {
    server = await serveStatic(appDist('playground'));
    browser = await openBrowser();
    page = browser.page;
    await page.goto(`${server.origin}/`, { waitUntil: 'load' });
    try {
      await idle(page);
    } catch (e) {
      throw new Error(`${(e as Error).message}\n${diagnostics()}`);
    }
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  test('the worker starts the wasm backend (SIMD) in a cross-origin isolated page', async () => {
    const b = await hook(page, (h) => h.backend);
    expect(b?.crossOriginIsolated, diagnostics()).toBe(true);
    expect(b?.name, `fallbacks: ${b?.fallbacks.join('; ')}`).toBe('wasm');
    expect(b?.simd).toBe(true);
    await expect(page.locator('#backend').textContent()).resolves.toContain('backend: wasm');
  });

  test('a B-spline KAN trains on exp(sin(pi x) + y^2) through the Train button and the loss falls', async () => {
    await page.fill('#steps', '60');
    await act(page, () => page.click('#train'));
    const s = (await hook(page, (h) => h.snapshot))!;
    const losses = trainLosses(s);
    console.log(`playground B-spline [2, 5, 1]: ${s.msPerStep.toFixed(1)} ms/step, ${s.metric.name} ${s.metric.value.toPrecision(3)}`);
    expect(s.step).toBe(60);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses.at(-1)!, losses.map((l) => l.toPrecision(3)).join(', ')).toBeLessThan(0.5 * losses[0]);
    expect(s.edges).toHaveLength(2 * 5 + 5);
  });

  test('the charts drew: loss curves, the fit surface and every edge (non-empty SVG)', async () => {
    for (const id of ['#loss-chart', '#fit-chart', '#edges-chart']) {
      const paths = await page.locator(`${id} svg path, ${id} svg image`).count();
      expect(paths, `${id} has no drawn marks`).toBeGreaterThan(0);
    }
    expect(await page.locator('#edges-chart svg').count()).toBe(2);
    expect(await page.locator('#edges-chart svg path').count()).toBeGreaterThanOrEqual(15);
  });

  test('Export -> Import (safetensors download, file input) gives the same predictions', async () => {
    const before = await hook(page, (h) => h.predict());
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export')]);
    const file = join(appsDir, 'e2e', 'reports', 'playground-model.safetensors');
    await download.saveAs(file);
    expect(readFileSync(file).length).toBeGreaterThan(100);
    // a fresh model (another seed) predicts differently ...
    await page.fill('#seed', '7');
    await act(page, () => page.click('#build'));
    const fresh = await hook(page, (h) => h.predict());
    expect(Math.max(...fresh.map((v, i) => Math.abs(v - before[i])))).toBeGreaterThan(1e-3);
    // ... until the exported file is imported
    await act(page, () => page.setInputFiles('#import-file', file));
    const after = await hook(page, (h) => h.predict());
    expect(after).toHaveLength(before.length);
    expect(Math.max(...after.map((v, i) => Math.abs(v - before[i])))).toBeLessThan(1e-6);
    // an efficient-kan checkpoint (no playground metadata: widths and grid read from the shapes) loads too
    await act(page, () => page.click('#build'));
    const plain = join(appsDir, 'e2e', 'reports', 'efficient-kan.safetensors');
    writeFileSync(plain, withoutMetadata(readFileSync(file)));
    await act(page, () => page.setInputFiles('#import-file', plain));
    const again = await hook(page, (h) => h.predict());
    expect(Math.max(...again.map((v, i) => Math.abs(v - before[i])))).toBeLessThan(1e-6);
  });

  test('grid refinement, pruning and symbolic fitting run from their buttons and show a formula', async () => {
    await page.fill('#refine-grid', '8');
    await act(page, () => page.click('#refine'));
    expect((await hook(page, (h) => h.snapshot))!.config.gridSize).toBe(8);
    await act(page, () => page.click('#prune'));
    await act(page, () => page.click('#symbolic'), 60_000);
    const sym = await hook(page, (h) => h.symbolic);
    console.log(`playground symbolic: y = ${sym?.formulas[0]} (test RMSE ${sym?.metric.value.toPrecision(3)})`);
    expect(sym?.formulas[0]).toMatch(/x|y/);
    expect(Number.isFinite(sym!.metric.value)).toBe(true);
    await expect(page.locator('#formula').textContent()).resolves.toContain('y =');
  });

  test('every other basis (RBF, Fourier, ReLU-KAN, GR-KAN, S-KAN) trains on a 3-column CSV upload and its loss falls', async () => {
    // y = sin(2 x1) + x2 x3 on a seeded grid of points, written as a person's CSV file
    const lines = ['x1,x2,x3,y'];
    for (let n = 0; n < 300; n++) {
      const [a, b, c] = [Math.sin(n * 1.7), Math.cos(n * 2.3), Math.sin(n * 0.37 + 1)];
      lines.push(`${a.toFixed(5)},${b.toFixed(5)},${c.toFixed(5)},${(Math.sin(2 * a) + b * c).toFixed(5)}`);
    }
    const csv = join(appsDir, 'e2e', 'reports', 'upload.csv');
    writeFileSync(csv, lines.join('\n'));
    await page.selectOption('#task-kind', 'csv');
    await page.fill('#seed', '0');
    await page.fill('#steps', '40');
    for (const basis of ['rbf', 'fourier', 'relu', 'rational', 'skan']) {
      await page.selectOption('#basis', basis);
      if (basis === 'rbf') await act(page, () => page.setInputFiles('#csv-file', csv));
      else await act(page, () => page.click('#build'));
      await act(page, () => page.click('#train'));
      const s = (await hook(page, (h) => h.snapshot))!;
      const losses = trainLosses(s);
      expect(s.config).toMatchObject({ basis, widths: [3, 5, 1] });
      expect(losses.at(-1)!, `${basis}: ${losses.map((l) => l.toPrecision(3)).join(', ')}`).toBeLessThan(0.8 * losses[0]);
      expect(await page.locator('#fit-chart svg circle').count(), `${basis}: predicted-vs-true scatter`).toBeGreaterThan(30);
      expect(await page.locator('#edges-chart svg path').count(), `${basis}: edges`).toBeGreaterThanOrEqual(20);
    }
  });

  test('a Chebyshev KAN on the moons set trains, the loss falls and the decision surface draws; screenshot.png', async () => {
    await page.selectOption('#task-kind', 'classification');
    await page.selectOption('#classification', 'moons');
    await page.selectOption('#basis', 'chebyshev');
    await page.fill('#seed', '0');
    await page.fill('#grid', '4');
    await act(page, () => page.click('#build'));
    await page.fill('#steps', '60');
    await act(page, () => page.click('#train'));
    const s = (await hook(page, (h) => h.snapshot))!;
    const losses = trainLosses(s);
    expect(s.config.basis).toBe('chebyshev');
    expect(losses.at(-1)!, losses.map((l) => l.toPrecision(3)).join(', ')).toBeLessThan(0.8 * losses[0]);
    expect(await page.locator('#fit-chart svg image').count()).toBeGreaterThan(0);
    expect(await page.locator('#fit-chart svg circle').count()).toBeGreaterThan(100);
    writeFileSync(join(appsDir, 'playground', 'screenshot.png'), await page.screenshot({ fullPage: true }));
  });
});
