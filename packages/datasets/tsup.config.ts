import { libraryConfig } from '@basiskit/tsup-config';

// Three entries: `.` (src/index.ts, runs anywhere), `./node` (src/node.ts: generateParallel on
// worker_threads) and the worker script it starts (dist/pde_worker.js, not an export).
export default libraryConfig({
  entry: { index: 'src/index.ts', node: 'src/node.ts', pde_worker: 'src/pde_worker.ts' },
  // no shared chunk files: each entry is self-contained
  splitting: false,
});
