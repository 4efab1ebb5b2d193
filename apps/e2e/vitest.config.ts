// Not basiskitVitestConfig(): no tfjs runs in this process (the apps run in Chromium), so the leak
// guard has nothing to guard. The JSON report is what tooling/scripts/check.mjs sums.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
    // one browser at a time on two cores
    fileParallelism: false,
    reporters: process.env.CI ? ['dot', 'json'] : ['default', 'json'],
    outputFile: { json: 'reports/vitest.json' },
  },
});
