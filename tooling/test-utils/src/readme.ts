// README examples as tests: every ```js block of a package README is run by Node in the
// package's folder (so `@basiskit/<pkg>` resolves to its built dist), and must exit 0.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** The ```js code blocks of a markdown file, in order. */
export function readmeExamples(readmePath: string): string[] {
  const text = readFileSync(readmePath, 'utf8');
  return [...text.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]);
}

/** Runs one example as an ES module in the README's folder; returns stdout, throws with stderr. */
export function runExample(readmePath: string, code: string): string {
  try {
    return execFileSync(process.execPath, ['--input-type=module', '-e', code], {
      cwd: dirname(readmePath),
      encoding: 'utf8',
      stdio: 'pipe',
      env: { ...process.env, BASISKIT_BACKEND: '' },
    });
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`README example failed:\n${err.stderr ?? err.message}`);
  }
}

/**
 * Registers the README tests of the package whose test file calls it: one test that the
 * README has an example, and one per ```js block that runs it. `testFileUrl` is the caller's
 * `import.meta.url` (the README is one folder up).
 */
export async function describeReadme(testFileUrl: string): Promise<void> {
  const { describe, expect, it } = await import('vitest');
  const { fileURLToPath } = await import('node:url');
  const readme = fileURLToPath(new URL('../README.md', testFileUrl));
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
}
