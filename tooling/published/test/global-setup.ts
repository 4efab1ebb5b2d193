// Runs once before the test files: packs the published packages (pnpm pack rewrites `workspace:`
// ranges as publishing would), extracts the tarballs, and installs them with npm into scratch
// projects under the OS temp folder, outside the workspace. Nothing here throws: every failure
// is recorded and reported by the test that needs the step, so each problem is its own failing
// test. The scratch folder is removed afterwards (kept with BASISKIT_PUBLISHED_KEEP=1).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { PACKAGES, describeRun, packageRoot, pnpmCommand, repoRoot, run, scratchEnv } from './helpers';
import type { PackageName, PackedPackage, PublishedContext, ScratchInstall } from './helpers';

const PACK_TIMEOUT_MS = 120_000;
const INSTALL_TIMEOUT_MS = 300_000;

async function pack(short: PackageName, tarballs: string, extractRoot: string): Promise<PackedPackage> {
  const dir = join(repoRoot, 'packages', short);
  const out: PackedPackage = { short, name: `@basiskit/${short}`, dir };
  try {
    out.name = (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name: string }).name;
    const pnpm = pnpmCommand();
    const r = await run(pnpm.command, [...pnpm.args, 'pack', '--pack-destination', tarballs, '--json'], { cwd: dir, timeoutMs: PACK_TIMEOUT_MS });
    if (r.code !== 0 || r.timedOut) {
      out.error = describeRun(`pnpm pack in packages/${short}`, r);
      return out;
    }
    const json = r.stdout.slice(r.stdout.indexOf('{'));
    out.tgz = (JSON.parse(json) as { filename: string }).filename;
    const extracted = join(extractRoot, short);
    mkdirSync(extracted, { recursive: true });
    const x = await run('tar', ['-xzf', out.tgz, '-C', extracted], { cwd: extracted, timeoutMs: 60_000 });
    if (x.code !== 0) {
      out.error = describeRun(`tar -xzf ${out.tgz}`, x);
      return out;
    }
    out.extracted = join(extracted, 'package');
    out.manifest = JSON.parse(readFileSync(join(out.extracted, 'package.json'), 'utf8')) as Record<string, any>;
  } catch (e) {
    out.error = `packing packages/${short} failed: ${(e as Error).stack ?? String(e)}`;
  }
  return out;
}

async function install(dir: string, specs: string[]): Promise<ScratchInstall> {
  const result: ScratchInstall = { dir, specs };
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: 'basiskit-published-scratch', version: '0.0.0', private: true }, null, 2)}\n`);
    const r = await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', ...specs], {
      cwd: dir,
      env: scratchEnv(),
      timeoutMs: INSTALL_TIMEOUT_MS,
    });
    result.ms = r.ms;
    if (r.code !== 0 || r.timedOut) result.error = describeRun(`npm install ${specs.join(' ')} (in ${dir})`, r);
  } catch (e) {
    result.error = `npm install in ${dir} failed: ${(e as Error).stack ?? String(e)}`;
  }
  return result;
}

/** The names among the published packages that `name`'s packed manifest needs (dependencies and required peers), itself included. */
export function basiskitClosure(name: string, packages: PackedPackage[]): string[] {
  const byName = new Map(packages.map((p) => [p.name, p]));
  const seen = new Set<string>();
  const visit = (n: string) => {
    if (seen.has(n) || !byName.has(n)) return;
    seen.add(n);
    const m = byName.get(n)!.manifest ?? {};
    const optionalPeers = new Set(
      Object.entries((m.peerDependenciesMeta ?? {}) as Record<string, { optional?: boolean }>)
        .filter(([, v]) => v.optional)
        .map(([k]) => k),
    );
    for (const dep of Object.keys(m.dependencies ?? {})) visit(dep);
    for (const dep of Object.keys(m.peerDependencies ?? {})) if (!optionalPeers.has(dep)) visit(dep);
  };
  visit(name);
  return [...seen];
}

export default async function setup(project: TestProject): Promise<() => void> {
  const start = performance.now();
  const workDir = mkdtempSync(join(tmpdir(), 'basiskit-published-'));
  const tarballs = join(workDir, 'tarballs');
  mkdirSync(tarballs);
  const packages = await Promise.all(PACKAGES.map((p) => pack(p, tarballs, join(workDir, 'extracted'))));

  const tensor = packages.find((p) => p.short === 'tensor');
  const tfjsCore = `@tensorflow/tfjs-core@${tensor?.manifest?.peerDependencies?.['@tensorflow/tfjs-core'] ?? '^4.22.0'}`;
  const failed = packages.filter((p) => p.error || !p.tgz);
  const packError = failed.length > 0 ? `packing failed for ${failed.map((p) => p.name).join(', ')}:\n${failed.map((p) => p.error).join('\n')}` : undefined;

  // @types/node for the node16 TypeScript consumer (a Node app), at this package's range
  const own = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
  const typesNode = `@types/node@${own.devDependencies['@types/node']}`;
  const consumerSpecs = [...packages.filter((p) => p.tgz).map((p) => p.tgz!), tfjsCore, typesNode];
  const closure = basiskitClosure('@basiskit/activations', packages);
  const activationsSpecs = [...packages.filter((p) => closure.includes(p.name) && p.tgz).map((p) => p.tgz!), tfjsCore];
  const consumerDir = join(workDir, 'consumer');
  const activationsDir = join(workDir, 'activations-only');
  const [consumer, activationsOnly] = packError
    ? [
        { dir: consumerDir, specs: consumerSpecs, error: packError },
        { dir: activationsDir, specs: activationsSpecs, error: packError },
      ]
    : await Promise.all([install(consumerDir, consumerSpecs), install(activationsDir, activationsSpecs)]);

  const published: PublishedContext = {
    workDir,
    packages,
    consumer,
    activationsOnly: { ...activationsOnly, closure },
    setupMs: performance.now() - start,
  };
  project.provide('published', published);
  console.log(
    `published-check: packed ${packages.filter((p) => p.tgz).length}/${PACKAGES.length} and installed in ${Math.round(published.setupMs / 1000)} s (scratch folder ${workDir})`,
  );

  return () => {
    if (process.env.BASISKIT_PUBLISHED_KEEP) console.log(`published-check: kept ${workDir}`);
    else rmSync(workDir, { recursive: true, force: true });
  };
}
