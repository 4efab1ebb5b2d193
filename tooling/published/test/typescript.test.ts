// TypeScript consumers of the installed tarballs, `strict` with `skipLibCheck: false` (the
// packages' declarations are checked too): module node16 in a "type": "commonjs" folder
// (compiled and run), and moduleResolution bundler in an ESM folder (type-checked).
import { cpSync, copyFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { context } from './context';
import { describeRun, fixturesDir, parseConsumer, requireInstall, run, scratchEnv, tscPath } from './helpers';

/** Copies fixtures/typescript/<name> and the shared consumer.ts into the scratch project. */
function prepare(name: string): string {
  const root = requireInstall(context().consumer, `the TypeScript consumer (${name})`);
  const dir = join(root, `ts-${name}`);
  rmSync(dir, { recursive: true, force: true });
  cpSync(join(fixturesDir, 'typescript', name), dir, { recursive: true });
  copyFileSync(join(fixturesDir, 'typescript', 'consumer.ts'), join(dir, 'consumer.ts'));
  return dir;
}

async function tsc(dir: string): Promise<void> {
  const r = await run(process.execPath, [tscPath, '-p', join(dir, 'tsconfig.json')], { cwd: dir, env: scratchEnv(), timeoutMs: 120_000 });
  const errors = `${r.stdout}\n${r.stderr}`
    .split('\n')
    .filter((l) => /error TS\d+/.test(l))
    .map((l) => l.trim());
  expect(errors, `${errors.length} type error(s):\n${errors.join('\n')}\n\n${describeRun('tsc', r)}`).toEqual([]);
  expect(r.code, describeRun('tsc', r)).toBe(0);
}

describe('TypeScript consumers (strict, skipLibCheck: false)', () => {
  test('module node16, "type": "commonjs": the consumer type-checks and compiles', async () => {
    await tsc(prepare('node16-cjs'));
  }, 150_000);

  test('module node16, "type": "commonjs": the compiled consumer runs (wasm, loss falls, errors instanceof)', async () => {
    const dir = join(requireInstall(context().consumer, 'the compiled node16 consumer'), 'ts-node16-cjs');
    const bad = join(dir, 'not.safetensors');
    writeFileSync(bad, 'this is not a safetensors file');
    const r = await run(process.execPath, [join('out', 'main.js'), bad], { cwd: dir, env: scratchEnv(), timeoutMs: 60_000 });
    const main = parseConsumer('node out/main.js (compiled by tsc, module node16)', r).main;
    expect(main.ok, `the compiled consumer threw:\n${main.error}`).toBe(true);
    const report = main.value;
    expect(report.backend).toBe('wasm');
    expect(report.losses.at(-1), `losses: ${report.losses.join(', ')}`).toBeLessThan(report.losses[0]);
    expect(report.spectralShape, "@basiskit/fourier-operators' SpectralConv output").toEqual([1, 3, 8, 8]);
    expect(report.kanError, 'an error from @basiskit/kan is instanceof ConfigError and BasiskitError').toEqual({ configError: true, basiskitError: true });
    expect(report.nodeError, 'an error from @basiskit/tensor/node is instanceof FormatError and BasiskitError').toEqual({
      formatError: true,
      basiskitError: true,
    });
  }, 90_000);

  test('moduleResolution bundler (ESM, no @types/node): the consumer type-checks', async () => {
    await tsc(prepare('bundler'));
  }, 150_000);
});
