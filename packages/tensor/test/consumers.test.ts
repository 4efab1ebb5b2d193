// Importing the *built* package from an ESM and a CommonJS consumer, in fresh Node processes
// (run `pnpm build` first; turbo's test task depends on build).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

describe('built package consumers', () => {
  it('dist exists (build before testing)', () => {
    expect(existsSync(here('../dist/index.js')) && existsSync(here('../dist/index.cjs'))).toBe(true);
  });
  for (const file of ['consumers/esm.mjs', 'consumers/cjs.cjs']) {
    it(`${file}: initBackend() reports wasm and tf.grad works after importing only @basiskit/tensor`, () => {
      const out = execFileSync(process.execPath, [here(file)], { encoding: 'utf8', env: { ...process.env, BASISKIT_BACKEND: '' } });
      const r = JSON.parse(out.trim().split('\n').at(-1)!);
      expect(r.backend).toBe('wasm');
      expect(r.simd).toBe(true);
      // d/dx of sum(where(x>0, exp(x@w), gather(x,[1,0]))), checked against finite differences in gradients.test.ts
      expect(r.gx.length).toBe(4);
      expect(r.gx[2]).toBeCloseTo(100.6848, 3);
      expect(r.gw[1]).toBeCloseTo(85.0422, 3);
      expect(out).not.toMatch(/Hi, looks like/);
    });
  }
});
