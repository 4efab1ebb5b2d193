// The build of a basiskit library package: ESM + CJS + .d.ts from src/index.ts, ES2022,
// dependencies external (tsup's default), source maps. keepNames: classes keep their names in
// the bundle (esbuild renames a class that refers to itself to `_Name`), and error messages name
// modules by `constructor.name`.
import { defineConfig } from 'tsup';

/** @param {import('tsup').Options} [overrides] */
export function libraryConfig(overrides = {}) {
  return defineConfig({
    entry: { index: 'src/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'es2022',
    keepNames: true,
    ...overrides,
  });
}
