import { basiskitVitestConfig } from '@basiskit/vitest-config';

// The tests run the built CLI (dist/cli.js) as a child process; each finishes in well under 30 s.
export default basiskitVitestConfig({ testTimeout: 60_000 });
