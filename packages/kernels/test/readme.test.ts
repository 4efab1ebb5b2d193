// The README's examples run against the built package (turbo's test task builds first).
import { readmeExamples, runExample } from '@basiskit/test-utils';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const readme = fileURLToPath(new URL('../README.md', import.meta.url));

describe('README', () => {
  const examples = readmeExamples(readme);
  it('has a runnable example', () => {
    expect(examples.length).toBeGreaterThan(0);
  });
  examples.forEach((code, i) => {
    it(`example ${i + 1} runs`, () => {
      runExample(readme, code);
    });
  });
});
