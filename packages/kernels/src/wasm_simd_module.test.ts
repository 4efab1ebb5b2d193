import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { initBackend, setWasmSimd, simdModule, tf, tfjsWasmMemory, type SimdModuleSource } from '@basiskit/tensor';
import { describe, expect, it } from 'vitest';
import { BSPLINE_WASM } from './generated/bspline_wasm';
import { FFT_WASM } from './generated/fft_wasm';
import { GROUP_RATIONAL_WASM } from './generated/group_rational_wasm';

const SOURCES: SimdModuleSource<unknown>[] = [BSPLINE_WASM, GROUP_RATIONAL_WASM, FFT_WASM];
const memoryOfBackend = () => tfjsWasmMemory((tf.backend() as unknown as { wasm: unknown }).wasm);

describe('wasm SIMD modules', () => {
  it('setWasmSimd(false) turns every module off, setWasmSimd(true) back on', async () => {
    await initBackend({ backend: 'wasm' });
    const memory = memoryOfBackend();
    try {
      setWasmSimd(false);
      for (const source of SOURCES) expect(simdModule(source, memory)).toBeNull();
    } finally {
      setWasmSimd(true);
    }
    for (const source of SOURCES) expect(simdModule(source, memory)).not.toBeNull();
  });

  it.each(SOURCES.map((s) => ({ name: s.name, source: s })))(
    '$name: the generated interface names exactly the module exports, with their parameter counts',
    async ({ name, source }) => {
      await initBackend({ backend: 'wasm' });
      const exports = simdModule(source, memoryOfBackend()) as unknown as Record<string, (...args: number[]) => void>;
      const text = readFileSync(fileURLToPath(new URL(`./generated/${name}_wasm.ts`, import.meta.url)), 'utf8');
      const declared = [...text.matchAll(/^ {2}(\w+)\((.*)\): void;$/gm)].map((m) => [m[1], m[2].split(',').length] as const);
      expect(declared.map(([n]) => n).sort()).toEqual(Object.keys(exports).sort());
      for (const [n, count] of declared) expect(exports[n].length).toBe(count);
    },
  );

  it("every generated file records the hash of its current sources (what the build's --if-stale compares)", () => {
    const cli = createRequire(import.meta.url).resolve('@basiskit/wasm-build/cli.mjs');
    expect(execFileSync(process.execPath, [cli, '--list-stale'], { cwd: fileURLToPath(new URL('..', import.meta.url)), encoding: 'utf8' })).toBe('');
  });
});
