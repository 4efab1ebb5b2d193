// Per-op kernel registration (kernel_dispatch.ts): an op registers only its own fused kernel
// configs, so a bundle that imports only `gelu` carries no FFT or B-spline kernel (nor their wasm
// SIMD modules), and running it registers gelu's kernels and no other.
import { fileURLToPath } from 'node:url';
import { initBackend, tf } from '@basiskit/tensor';
import { assertClose } from '@basiskit/test-utils';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { BSPLINE_BASIS_KERNEL } from './bspline_basis_kernel';
import { FFT_KERNEL, RFFT_KERNEL } from './fft_kernel';
import { gelu } from './gelu';
import { GELU_GRAD_KERNEL, GELU_KERNEL } from './gelu_kernel';
import { geluReference } from './gelu_reference';
import { GROUP_RATIONAL_KERNEL } from './group_rational_kernel';

const data = (t: tf.Tensor) => ({ shape: t.shape, data: t.dataSync() });
const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/** The code of a browser ESM bundle of `source` (resolved in src/), tfjs and @basiskit/tensor external. */
async function bundle(source: string): Promise<string> {
  const r = await build({
    stdin: { contents: source, resolveDir: here('.'), loader: 'ts' },
    bundle: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    treeShaking: true,
    logLevel: 'silent',
    external: ['@tensorflow/*', '@basiskit/tensor'],
  });
  expect(r.errors).toEqual([]);
  return r.outputFiles[0].text;
}

describe('per-op kernel registration', () => {
  it("a bundle importing only gelu from the package entry has gelu's kernel and no FFT, spline or rational kernel", async () => {
    const code = await bundle("import { gelu } from './index'; export const f = gelu;");
    expect(code).toContain(GELU_KERNEL);
    expect(code).toContain(GELU_GRAD_KERNEL);
    for (const absent of [FFT_KERNEL, RFFT_KERNEL, 'rfftLines', 'complexLines', BSPLINE_BASIS_KERNEL, 'deBoor', GROUP_RATIONAL_KERNEL]) {
      expect(code, absent).not.toContain(absent);
    }
  });

  it('the same check fails for a bundle that uses rfft too (the check can fail)', async () => {
    const code = await bundle("import { gelu, rfft } from './index'; export const f = [gelu, rfft];");
    expect(code).toContain(RFFT_KERNEL);
    expect(code).toContain('rfftLines');
    expect(code).not.toContain(BSPLINE_BASIS_KERNEL);
  });

  it('running gelu registers its kernels only', async () => {
    await initBackend({ backend: 'cpu' });
    // (vitest runs each test file in its own module registry and tfjs instance)
    expect(tf.getKernel(GELU_KERNEL, 'cpu')).toBeUndefined();
    const x = tf.tensor1d([-1, 0, 2]);
    const y = gelu(x);
    const ref = geluReference(x);
    assertClose(y, data(ref), { rtol: 1e-6, atol: 1e-6 }, 'gelu');
    for (const backend of ['cpu', 'wasm']) {
      expect(tf.getKernel(GELU_KERNEL, backend)).toBeDefined();
      expect(tf.getKernel(GELU_GRAD_KERNEL, backend)).toBeDefined();
      for (const other of [FFT_KERNEL, RFFT_KERNEL, BSPLINE_BASIS_KERNEL, GROUP_RATIONAL_KERNEL]) expect(tf.getKernel(other, backend)).toBeUndefined();
    }
    tf.dispose([x, y, ref]);
  });
});
