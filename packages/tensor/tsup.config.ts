import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'esbuild';
import { defineConfig } from 'tsup';

// Node builds (ESM + CJS) inline tfjs-core's gradient and chained-op registrations: its
// dist/register_all_gradients.js and dist/public/chained_ops/*.js are extensionless ESM that
// Node cannot load, and tfjs-core's own Node bundle registers neither. The inlined code shares
// tfjs-core's global engine, registries and Tensor class. The browser build keeps those deep
// imports external, for bundlers, which resolve them against the app's single tfjs-core.
const external = [/^@tensorflow\/tfjs-core$/, /^@tensorflow\/tfjs-backend-/, /^@tensorflow\/tfjs-node/];
const inlinedForNode = [/^@tensorflow\/tfjs-core\/dist\/register_all_gradients/, /^@tensorflow\/tfjs-core\/dist\/public\/chained_ops\//];

// The node entry (src/node.ts) imports src/index.ts; in the build that import becomes
// `@basiskit/tensor` itself, so dist/node.{js,cjs} load dist/index.{js,cjs} and share its classes
// (an error from loadStateDict is `instanceof` the FormatError users import) instead of
// carrying a copy.
const src = (p: string) => fileURLToPath(new URL(`./src/${p}`, import.meta.url));
const selfImport: Plugin = {
  name: 'basiskit-self-import',
  setup(build) {
    build.onResolve({ filter: /^\.\.?\/(.*\/)?index$/ }, (args) => {
      if (args.kind === 'entry-point') return undefined;
      return join(args.resolveDir, `${args.path}.ts`) === src('index.ts') ? { path: '@basiskit/tensor', external: true } : undefined;
    });
  },
};

// Our own modules keep their side effects (registering gradients, chained ops, kernels) whatever
// package.json's "sideEffects" says: it lists the shipped dist/ files, and esbuild would
// otherwise drop `import './register_gradients'` as an import of a side-effect-free module.
const ownModules: Plugin = {
  name: 'basiskit-own-modules',
  setup(build) {
    build.onResolve({ filter: /^\.\.?\// }, (args) => {
      if (args.kind === 'entry-point' || !args.importer.startsWith(src(''))) return undefined;
      for (const ext of ['.ts', '/index.ts']) {
        const path = join(args.resolveDir, args.path + ext);
        if (existsSync(path)) return { path, sideEffects: true };
      }
      return undefined;
    });
  },
};

// The browser build points tfjs-backend-wasm at copies of its .wasm binaries in dist/
// (src/wasm_paths.browser.ts, swapped in for src/wasm_paths.ts), copied here with the version
// they belong to.
const wasmDir = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json'));
const wasmVersion = (JSON.parse(readFileSync(join(wasmDir, 'package.json'), 'utf8')) as { version: string }).version;
const WASM_FILES = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'];
const browserWasm: Plugin = {
  name: 'basiskit-browser-wasm',
  setup(build) {
    build.onResolve({ filter: /^\.\/wasm_paths$/ }, () => ({ path: src('wasm_paths.browser.ts') }));
    build.onEnd(() => {
      mkdirSync('dist', { recursive: true });
      for (const f of WASM_FILES) copyFileSync(join(wasmDir, 'dist', f), join('dist', f));
    });
  },
};

export default defineConfig([
  {
    entry: { index: 'src/index.ts', node: 'src/node.ts' },
    format: ['esm', 'cjs'],
    // the chained ops' method types (`x.reshape([6])`) are module augmentations in tfjs-core's
    // chained_ops files: the declarations import them, as src/register_chained_ops.ts does
    dts: { banner: "import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops.js';" },
    sourcemap: true,
    clean: true,
    target: 'es2022',
    platform: 'node',
    keepNames: true,
    splitting: false,
    external,
    noExternal: inlinedForNode,
    esbuildPlugins: [selfImport, ownModules],
  },
  {
    entry: { browser: 'src/index.ts' },
    format: ['esm'],
    dts: false,
    sourcemap: true,
    target: 'es2022',
    platform: 'browser',
    keepNames: true,
    external: [...external, ...inlinedForNode],
    define: { __BASISKIT_WASM_VERSION__: JSON.stringify(wasmVersion) },
    esbuildPlugins: [browserWasm, ownModules],
  },
]);
