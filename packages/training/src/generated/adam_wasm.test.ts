// The embedded Adam module (src/generated/adam_wasm.ts) is what @basiskit/wasm-build makes of
// assembly/adam.ts today (the package's `build` only recompiles when the recorded hash differs),
// and its typed interface names exactly the module's exports with their parameter counts.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { simdModule } from '@basiskit/tensor';
import { describe, expect, it } from 'vitest';
import { ADAM_WASM } from './adam_wasm';

const packageRoot = fileURLToPath(new URL('../../', import.meta.url));
const cli = createRequire(import.meta.url).resolve('@basiskit/wasm-build/cli.mjs');

describe('adam_wasm.ts', () => {
  it('is fresh (basiskit-wasm-build --check)', () => {
    expect(() => execFileSync(process.execPath, [cli, '--check'], { cwd: packageRoot, stdio: 'pipe' })).not.toThrow();
  }, 60_000);

  it('records the hash of its current sources (what the build runs --if-stale against)', () => {
    expect(execFileSync(process.execPath, [cli, '--list-stale'], { cwd: packageRoot, encoding: 'utf8' })).toBe('');
  });

  it('declares exactly the exports of the module, with their parameter counts', () => {
    const exports = simdModule(ADAM_WASM, new WebAssembly.Memory({ initial: 1 })) as unknown as Record<string, (...args: number[]) => void>;
    expect(exports).not.toBeNull();
    const text = readFileSync(fileURLToPath(new URL('./adam_wasm.ts', import.meta.url)), 'utf8');
    const declared = [...text.matchAll(/^ {2}(\w+)\((.*)\): void;$/gm)].map((m) => [m[1], m[2].split(',').length] as const);
    expect(declared.map(([n]) => n).sort()).toEqual(Object.keys(exports).sort());
    for (const [n, count] of declared) expect(exports[n].length).toBe(count);
  });
});
