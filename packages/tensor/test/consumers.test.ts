// Importing the *built* package from an ESM and a CommonJS consumer, in fresh Node processes
// (run `pnpm build` first; turbo's test task depends on build).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const env = { ...process.env, BASISKIT_BACKEND: '' };

describe('built package consumers', () => {
  it('dist exists (build before testing)', () => {
    expect(existsSync(here('../dist/index.js')) && existsSync(here('../dist/index.cjs'))).toBe(true);
  });
  for (const file of ['consumers/esm.mjs', 'consumers/cjs.cjs']) {
    it(`${file}: initBackend() reports wasm, tf.grad and chained ops work after importing only @basiskit/tensor, and the node entry throws the main entry's FormatError`, () => {
      const out = execFileSync(process.execPath, [here(file)], { encoding: 'utf8', env });
      const r = JSON.parse(out.trim().split('\n').at(-1)!);
      expect(r.backend).toBe('wasm');
      expect(r.simd).toBe(true);
      // d/dx of sum(where(x>0, exp(x@w), gather(x,[1,0]))), checked against finite differences in gradients.test.ts
      expect(r.gx.length).toBe(4);
      expect(r.gx[2]).toBeCloseTo(100.6848, 3);
      expect(r.gw[1]).toBeCloseTo(85.0422, 3);
      // tf.zeros([2, 3]).reshape([6]).add(1).mul(2).sum()
      expect(r.chained).toBe(12);
      // one copy of the error classes: loadStateDict (node entry) on bad bytes is instanceof FormatError (main entry)
      expect(r.sameClass).toBe(true);
      expect(out).not.toMatch(/Hi, looks like/);
    });
  }

  it('consumers/bad_wasm.mjs: a wasm that cannot load falls back to cpu, and the report names the file and why', () => {
    const r = spawnSync(process.execPath, [here('consumers/bad_wasm.mjs')], { encoding: 'utf8', env });
    expect(r.status).toBe(0);
    const info = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
    expect(info.name).toBe('cpu');
    expect(info.fallbacks).toHaveLength(1);
    const [wasm] = info.fallbacks;
    expect(wasm.name).toBe('wasm');
    expect(wasm.url).toBe('/nonexistent/basiskit-wasm/tfjs-backend-wasm-simd.wasm');
    expect(wasm.reason).toMatch(/^could not load \/nonexistent\/basiskit-wasm\/tfjs-backend-wasm-simd\.wasm \(ENOENT: no such file or directory/);
    expect(wasm.reason).toContain('initBackend({ wasmPaths })');
  });

  for (const file of ['consumers/throws.mjs', 'consumers/throws.cjs']) {
    it.each([
      ['sync', 'initBackend', 'user error after wasm'],
      ['async', 'initBackend', 'user rejection after wasm'],
      ['sync', 'setBackend', 'user error after wasm'],
    ])(`${file}: an uncaught error (%s) after the wasm backend started (%s) exits 1 with the program's own message`, (mode, how, message) => {
      const r = spawnSync(process.execPath, [here(file), mode, how], { encoding: 'utf8', env });
      expect(r.stderr).toContain(`Error: ${message}`);
      expect(r.stderr).not.toContain('tf-backend-wasm.node.js');
      expect(r.status).toBe(1);
    });
  }
});
