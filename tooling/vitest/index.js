// Shared vitest config. Every package's vitest.config.ts calls `basiskitVitestConfig()`.
// - JSON report in reports/vitest.json: tooling/scripts/check.mjs sums them into the CI totals.
// - leak-guard-setup: after every test, tf.memory().numTensors must equal its value before it.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const leakGuard = fileURLToPath(new URL('./leak-guard-setup.js', import.meta.url));

/** @param {{ testTimeout?: number, setupFiles?: string[] }} [options] */
export function basiskitVitestConfig(options = {}) {
  return defineConfig({
    test: {
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      setupFiles: [leakGuard, ...(options.setupFiles ?? [])],
      testTimeout: options.testTimeout ?? 30_000,
      pool: 'forks',
      // vitest already runs test files on every core: the kernels' thread pool runs on one
      // thread in tests (the tests of the pool itself ask for more with initBackend({ threads }))
      env: { BASISKIT_THREADS: '1' },
      // tfjs-core's gradient files are extensionless ESM that Node cannot load: let vite
      // transform them (the package's own entry, dist/tf-core.node.js, stays external).
      server: { deps: { inline: [/@tensorflow\/tfjs-core\/dist\/(?!tf-core)/] } },
      reporters: process.env.CI ? ['dot', 'json'] : ['default', 'json'],
      outputFile: { json: 'reports/vitest.json' },
    },
  });
}
