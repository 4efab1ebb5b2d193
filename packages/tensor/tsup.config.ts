import { defineConfig } from 'tsup';

// Node builds (ESM + CJS) inline tfjs-core's gradient registrations: its
// dist/register_all_gradients.js is extensionless ESM that Node cannot load, and tfjs-core's
// own Node bundle registers no gradients. The inlined ops share tfjs-core's global engine,
// kernel and gradient registries. The browser build keeps the deep import external, for
// bundlers, which resolve it against the app's single tfjs-core.
const external = [/^@tensorflow\/tfjs-core$/, /^@tensorflow\/tfjs-backend-/, /^@tensorflow\/tfjs-node/];
const gradients = /^@tensorflow\/tfjs-core\/dist\/register_all_gradients/;

export default defineConfig([
  {
    entry: { index: 'src/index.ts', node: 'src/node.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'es2022',
    platform: 'node',
    external,
    noExternal: [gradients],
  },
  {
    entry: { browser: 'src/index.ts' },
    format: ['esm'],
    dts: false,
    sourcemap: true,
    target: 'es2022',
    platform: 'browser',
    external: [...external, gradients],
  },
]);
