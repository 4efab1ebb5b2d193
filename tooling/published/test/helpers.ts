// Shared by the global setup and the test files: running commands with a bound, the
// environment scratch projects run under, and the setup's results (vitest's provide/inject).
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const here = dirname(fileURLToPath(import.meta.url));
/** tooling/published */
export const packageRoot = join(here, '..');
/** the repository root */
export const repoRoot = join(packageRoot, '..', '..');
export const fixturesDir = join(packageRoot, 'fixtures');

/** The published packages, in dependency order. */
export const PACKAGES = ['tensor', 'kernels', 'activations', 'kan', 'training', 'fourier-operators', 'datasets'] as const;
export type PackageName = (typeof PACKAGES)[number];

/** One packed package, as the global setup left it. */
export interface PackedPackage {
  short: PackageName;
  name: string;
  /** the workspace folder (packages/<short>) */
  dir: string;
  /** the tarball pnpm pack wrote, when it did */
  tgz?: string;
  /** the tarball's `package/` folder, extracted */
  extracted?: string;
  /** the packed package.json (pnpm rewrote `workspace:` ranges) */
  manifest?: Record<string, any>;
  /** why packing or extracting failed */
  error?: string;
}

/** One `npm install` into a scratch project. */
export interface ScratchInstall {
  dir: string;
  /** what was passed to `npm install` */
  specs: string[];
  ms?: number;
  error?: string;
}

export interface PublishedContext {
  workDir: string;
  packages: PackedPackage[];
  /** all the tarballs (and tfjs-core) in one project */
  consumer: ScratchInstall;
  /** @basiskit/activations with only the tarballs its packed manifest needs */
  activationsOnly: ScratchInstall & { closure: string[] };
  setupMs: number;
}

declare module 'vitest' {
  export interface ProvidedContext {
    published: PublishedContext;
  }
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  ms: number;
}

/**
 * Runs a command (no shell) and collects its output. After `timeoutMs` the command's whole
 * process group is killed and `timedOut` is set; never rejects.
 */
export function run(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs: number }): Promise<RunResult> {
  const start = performance.now();
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, options.timeoutMs);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve({ code: null, signal: null, stdout, stderr: stderr + String(err), timedOut, ms: performance.now() - start });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, timedOut, ms: performance.now() - start });
    });
  });
}

/** The last `n` characters of a command's output, for failure messages. */
export function tail(text: string, n = 4000): string {
  const t = text.trim();
  return t.length > n ? `...${t.slice(-n)}` : t;
}

export function describeRun(label: string, r: RunResult): string {
  const status = r.timedOut ? `timed out after ${Math.round(r.ms / 1000)} s` : `exited with ${r.code ?? r.signal}`;
  return [`${label} ${status}`, r.stdout.trim() && `stdout:\n${tail(r.stdout)}`, r.stderr.trim() && `stderr:\n${tail(r.stderr)}`].filter(Boolean).join('\n');
}

/**
 * The environment of everything run in a scratch project: this process's, without the
 * npm/pnpm script variables (npm_config_* from the workspace's .npmrc and the running package
 * manager, npm_package_*, npm_lifecycle_*), vitest's and NODE_ENV, and BASISKIT_BACKEND (the
 * consumers check the default backend). npm's cache, registry, proxy and TLS settings are kept.
 */
export function scratchEnv(): NodeJS.ProcessEnv {
  const keep = new Set(['cache', 'registry', 'userconfig', 'globalconfig', 'proxy', 'https_proxy', 'noproxy', 'cafile', 'ca', 'strict_ssl']);
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    const lower = k.toLowerCase();
    if (lower.startsWith('npm_config_') && !keep.has(lower.slice('npm_config_'.length))) continue;
    if (lower.startsWith('npm_') && !lower.startsWith('npm_config_')) continue;
    if (k.startsWith('VITEST') || k === 'NODE_ENV' || k === 'TEST' || k === 'NODE_OPTIONS' || k === 'BASISKIT_BACKEND') continue;
    if (lower.startsWith('pnpm_')) continue;
    env[k] = v;
  }
  return env;
}

/**
 * How to run pnpm: the pnpm running this test (npm_execpath, set by `pnpm run test`), else the
 * root package.json's `packageManager` version through npx.
 */
export function pnpmCommand(): { command: string; args: string[] } {
  const execpath = process.env.npm_execpath;
  if (execpath && basename(execpath).startsWith('pnpm') && existsSync(execpath)) {
    return /\.[cm]?js$/.test(execpath) ? { command: process.execPath, args: [execpath] } : { command: execpath, args: [] };
  }
  const root = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { packageManager?: string };
  return { command: 'npx', args: ['--yes', root.packageManager ?? 'pnpm'] };
}

/** tsc of this package's TypeScript. */
export const tscPath = join(packageRoot, 'node_modules', 'typescript', 'bin', 'tsc');

/** Precondition for checks that need the scratch install: throws a message naming why not. */
export function requireInstall(install: ScratchInstall, what: string): string {
  if (install.error) throw new Error(`${what} could not run: the scratch install failed.\n${install.error}`);
  return install.dir;
}

/** The line a consumer script prints its results on. */
export const RESULT_MARK = 'BASISKIT_CONSUMER_RESULT ';

export interface StepResult {
  ok: boolean;
  value?: any;
  error?: string;
}

/** Parses a consumer script's result line; throws with its output when there is none. */
export function parseConsumer(label: string, r: RunResult): Record<string, StepResult> {
  const line = r.stdout.split('\n').find((l) => l.startsWith(RESULT_MARK));
  if (!line) throw new Error(describeRun(`${label} printed no result line;`, r));
  return JSON.parse(line.slice(RESULT_MARK.length)) as Record<string, StepResult>;
}
