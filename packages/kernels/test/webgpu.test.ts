// The WGSL kernels (@basiskit/kernels/webgpu) in a real browser: test/webgpu/page.ts bundled
// with esbuild, served, and run in Debian's headless Chromium with SwiftShader's WebGPU adapter
// (WEBGPU_ARGS). Each kernel against its plain-ops reference on webgpu (forward and gradients),
// its gradient by finite differences, and no leaks (the page's checks).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, WEBGPU_ARGS, type LaunchedChromium } from '@basiskit/test-utils/chromium';
import { serveFolders, type StaticServer } from '@basiskit/test-utils/static-server';

interface Results {
  info: { adapter: string | null; backend: string; hasFused: boolean; kernels: number; report: { kind: string; kernels?: string[] }; names: string[] };
  checks: { kernel: string; check: string; err: number; tol: number; ok: boolean }[];
  error?: string;
}

describe('WGSL kernels in Chromium (SwiftShader WebGPU)', () => {
  let dir = '';
  let server: StaticServer | undefined;
  let browser: LaunchedChromium | undefined;
  let results: Results | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'basiskit-webgpu-'));
    await build({
      entryPoints: [fileURLToPath(new URL('./webgpu/page.ts', import.meta.url))],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      outfile: join(dir, 'page.js'),
      logLevel: 'error',
    });
    writeFileSync(join(dir, 'index.html'), '<!doctype html><meta charset="utf-8"><title>webgpu kernels</title><script type="module" src="page.js"></script>');
    server = await serveFolders({ '/': dir });
    browser = await launchChromium({ who: 'the WebGPU kernel tests', args: WEBGPU_ARGS });
    const page = await browser.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${server.origin}/`);
    await page.waitForFunction(() => (window as unknown as Record<string, unknown>).__webgpuResults !== undefined, undefined, { timeout: 50_000 });
    results = (await page.evaluate(() => (window as unknown as Record<string, unknown>).__webgpuResults)) as Results;
    if (errors.length) results.error = `${results.error ?? ''}\n${errors.join('\n')}`;
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('gets a SwiftShader WebGPU adapter and runs the ops fused on webgpu', () => {
    expect(results?.error).toBeUndefined();
    expect(results?.info.adapter).toBe('swiftshader');
    expect(results?.info.backend).toBe('webgpu');
    expect(results?.info.hasFused).toBe(true);
    // initBackend's fusedKernels: the WGSL kernels, by name
    expect(results?.info.report).toEqual({ kind: 'webgpu', kernels: results?.info.names });
  });

  it('every WGSL kernel matches its reference, finite differences, and leaks nothing', () => {
    const checks = results?.checks ?? [];
    // every registered kernel has cases (12 cases over 9 configs, 16 FFT cases: fft_cases.ts; 5 spline/matMulTN cases, 5
    // backward-kernel cases, the spline rule and dispatch checks: spline_cases.ts), each with all its checks
    expect(new Set(checks.map((c) => c.kernel)).size).toBe(12 + 16 + 12);
    const failed = checks.filter((c) => !c.ok).map((c) => `${c.kernel}: ${c.check} (error ${c.err}, tolerance ${c.tol})`);
    expect(failed).toEqual([]);
  });
});
