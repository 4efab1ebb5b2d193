// The built package tree-shakes per op: an app bundle (esbuild, minified) that imports only
// `gelu` from dist carries gelu's kernel and no FFT, B-spline or group-rational kernel (each op
// registers its own kernels, kernel_dispatch.ts; the build has no keepNames `__name` calls,
// which would keep every function). Run `pnpm build` first; turbo's test task builds before testing.
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

async function bundle(source: string): Promise<string> {
  const r = await build({
    stdin: { contents: source, resolveDir: here('..') },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    minify: true,
    write: false,
    logLevel: 'silent',
    external: ['@tensorflow/*', '@basiskit/tensor'],
  });
  expect(r.errors).toEqual([]);
  return r.outputFiles[0].text;
}

describe('built package, bundled', () => {
  it('an app that imports only gelu carries no FFT, spline or rational kernel', async () => {
    const geluOnly = await bundle("import { gelu } from './dist/index.js'; export const f = gelu;");
    expect(geluOnly).toContain('BasiskitGelu');
    for (const absent of ['BasiskitRFFT', 'BasiskitFFT', 'BasiskitBSplineBasis', 'BasiskitGroupRational']) expect(geluOnly, absent).not.toContain(absent);
    // the same check sees the FFT kernel when the app uses rfft, and the gelu-only bundle is far smaller
    const withFft = await bundle("import { gelu, rfft } from './dist/index.js'; export const f = [gelu, rfft];");
    expect(withFft).toContain('BasiskitRFFT');
    expect(geluOnly.length).toBeLessThan(withFft.length / 1.5);
  });
});
