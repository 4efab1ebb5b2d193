import { fileURLToPath } from 'node:url';
import { libraryConfig } from '@basiskit/tsup-config';
import type { Plugin } from 'esbuild';

// Two entries: `.` (src/index.ts, runs anywhere) and `./node` (src/node.ts: checkpoint files,
// the terminal bar). The node entry's imports of src/index.ts become imports of
// `@basiskit/training` itself, so dist/node.{js,cjs} load dist/index.{js,cjs} instead of
// carrying a second copy of its classes (NonFiniteLossError, History, the optimizers).
const mainEntry = fileURLToPath(new URL('./src/index.ts', import.meta.url));
const selfImport: Plugin = {
  name: 'basiskit-self-import',
  setup(build) {
    build.onResolve({ filter: /^\.\.?\/(.*\/)?index$/ }, (args) => {
      if (args.kind === 'entry-point') return undefined;
      const target = fileURLToPath(new URL(`${args.path}.ts`, `file://${args.resolveDir}/`));
      return target === mainEntry ? { path: '@basiskit/training', external: true } : undefined;
    });
  },
};

export default libraryConfig({
  entry: { index: 'src/index.ts', node: 'src/node.ts' },
  esbuildPlugins: [selfImport],
  // no shared chunk files: the node entry's few pure helpers (line formatting, option checks) are copied
  splitting: false,
});
