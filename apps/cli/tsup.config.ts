import { defineConfig } from 'tsup';

// The CLI: one ESM file for Node with a shebang; every dependency stays external (resolved from
// node_modules at run time, the workspace packages through their built dist).
export default defineConfig({
  entry: { cli: 'src/cli.ts' },
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  clean: true,
  keepNames: true,
  banner: { js: '#!/usr/bin/env node' },
});
