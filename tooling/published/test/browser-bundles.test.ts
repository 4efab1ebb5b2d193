// One browser bundle per package from the scratch install (esbuild, platform browser, ESM,
// tfjs bundled too): it must build, and must not need any Node built-in (fs, path, events, ...).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { context } from './context';
import { bundleForBrowser } from './esbuild';
import type { BundleResult } from './esbuild';
import { PACKAGES, requireInstall } from './helpers';

describe.each(PACKAGES.map((short) => ({ short, name: `@basiskit/${short}` })))('browser bundle of $name', ({ short, name }) => {
  let result: BundleResult | undefined;
  let setupError: string | undefined;

  beforeAll(async () => {
    try {
      const root = requireInstall(context().consumer, `the browser bundle of ${name}`);
      const dir = join(root, 'browser-bundles');
      mkdirSync(dir, { recursive: true });
      // every export kept: `export *` from an ESM entry is not tree-shaken away
      writeFileSync(join(dir, `${short}.entry.js`), `export * from '${name}';\n`);
      result = await bundleForBrowser({ absWorkingDir: root, entryPoints: [join(dir, `${short}.entry.js`)], outdir: join(dir, 'out', short) });
    } catch (e) {
      setupError = (e as Error).message;
    }
  }, 120_000);

  function built(): BundleResult {
    if (!result) throw new Error(setupError ?? 'the bundle was not built');
    return result;
  }

  test(`${name}: esbuild (platform browser, format esm) reports no errors apart from Node built-ins`, () => {
    const r = built();
    expect(r.errors, `esbuild failed to bundle ${name} for the browser:\n${r.errors.join('\n')}`).toEqual([]);
  });

  test(`${name}: the browser bundle imports no Node built-ins`, () => {
    const r = built();
    expect(r.builtins, `bundling ${name} for the browser needs Node built-ins:\n${r.builtins.join('\n')}`).toEqual([]);
  });
});
