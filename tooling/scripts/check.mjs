// The README's test command ends here: check the formatting (Prettier), build, typecheck, lint
// and test every package with turbo, check the API reference (TypeDoc, warnings are problems), then
// print the totals across all packages as one plain line `N passed, N failed` (`, N skipped` when
// any were skipped). Exits non-zero when anything failed.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const groups = ['packages', 'apps', 'tooling'];

function workspaces() {
  const out = [];
  for (const g of groups) {
    const dir = join(root, g);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir)) {
      const pkgPath = join(dir, name, 'package.json');
      if (!existsSync(pkgPath)) continue;
      const pkg = JSON.parse(readFileSync(pkgPath, 'utf8'));
      out.push({ dir: join(dir, name), name: pkg.name, hasTests: Boolean(pkg.scripts?.test) });
    }
  }
  return out;
}

const pkgs = workspaces();
for (const p of pkgs) rmSync(join(p.dir, 'reports'), { recursive: true, force: true });

// formatting first: one line per unformatted file, counted as a problem (not as a test)
const format = spawnSync('pnpm', ['exec', 'prettier', '--check', '--log-level', 'warn', '.'], { cwd: root, stdio: 'inherit', env: process.env });

const turbo = spawnSync(
  'pnpm',
  ['exec', 'turbo', 'run', 'build', 'typecheck', 'lint', 'test', '--continue', '--output-logs=new-only', ...process.argv.slice(2)],
  { cwd: root, stdio: 'inherit', env: process.env },
);

// API reference: TypeDoc over the published packages' sources (typedoc.json, treatWarningsAsErrors),
// nothing written; `npm run docs:api` builds the HTML into docs/api
const docs = spawnSync('pnpm', ['exec', 'typedoc', '--emit', 'none', '--logLevel', 'Warn'], { cwd: root, stdio: 'inherit', env: process.env });

let passed = 0;
let failed = 0;
let skipped = 0;
const problems = [];
for (const p of pkgs.filter((q) => q.hasTests)) {
  const report = join(p.dir, 'reports', 'vitest.json');
  if (!existsSync(report)) {
    problems.push(`${p.name}: no test report (its tests did not run to the end)`);
    failed += 1;
    continue;
  }
  const r = JSON.parse(readFileSync(report, 'utf8'));
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  if (r.numFailedTestSuites > 0) problems.push(`${p.name}: ${r.numFailedTestSuites} failed test suite(s)`);
  if (r.numFailedTestSuites > 0 && r.numFailedTests === 0) failed += r.numFailedTestSuites;
}

if (format.status !== 0) problems.push("formatting: the files above differ from Prettier's output (run `npm run format`)");
if (docs.status !== 0) problems.push('API reference: TypeDoc reported the warnings above (`npm run docs:api`; typedoc.json)');
for (const msg of problems) console.error(msg);
if (turbo.status !== 0) console.error(`turbo exited with ${turbo.status ?? turbo.signal}: a build, typecheck, lint or test task failed`);
console.log(`${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`);
process.exit(turbo.status === 0 && failed === 0 && format.status === 0 && docs.status === 0 ? 0 : 1);
