// Not basiskitVitestConfig(): these tests run no tfjs code in-process (the consumers run in
// child processes and the browser), so the leak guard has nothing to guard. The reporters and
// the JSON report are the shared config's: tooling/scripts/check.mjs sums reports/vitest.json.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    pool: 'forks',
    // the files share two CPUs with each other's child processes (tsc, npm, node, chromium)
    fileParallelism: false,
    reporters: process.env.CI ? ['dot', 'json'] : ['default', 'json'],
    outputFile: { json: 'reports/vitest.json' },
  },
});
