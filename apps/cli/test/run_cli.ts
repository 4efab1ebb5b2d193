// Runs the built CLI (dist/cli.js, made by `tsup`; turbo builds it before the tests) as a child
// process and collects its output. `onStdout` sees output as it arrives (to send Ctrl-C mid-run).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';

export const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `node dist/cli.js ...args` in `cwd`. */
export function runCli(args: string[], o: { cwd?: string; onOutput?: (all: string, child: ChildProcess) => void } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: o.cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: '0' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => {
      stdout += b.toString();
      o.onOutput?.(stdout + stderr, child);
    });
    child.stderr.on('data', (b: Buffer) => {
      stderr += b.toString();
      o.onOutput?.(stdout + stderr, child);
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

const made: string[] = [];
// registered on the importing test file: its folders go when its tests are done
afterAll(() => made.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A fresh temporary folder (removed after the test file's tests). */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'basiskit-cli-test-'));
  made.push(dir);
  return dir;
}
