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
