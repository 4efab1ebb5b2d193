// `basiskit bench`: runs every package's benchmark script (`bench/run.mjs`, the scripts behind
// `pnpm --filter <package> bench`) one after another and prints one table of the ratios they
// report (lines such as `wasm ... : local 31.42 ms vs reference 337.34 ms: 10.7x`). Slow: minutes.
import { Command, Option } from 'commander';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../errors';
import { createOutput } from '../output';

/** The monorepo's packages folder (the CLI runs from apps/cli/dist). */
function packagesDir(): string {
  return fileURLToPath(new URL('../../../packages/', import.meta.url));
}

/** Packages with a `bench` script, by short name (kan, kernels, ...). */
export function benchPackages(root = packagesDir()): { name: string; dir: string; script: string }[] {
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .map((name) => ({ name, dir: join(root, name) }))
    .filter((p) => existsSync(join(p.dir, 'package.json')))
    .flatMap((p) => {
      const script = JSON.parse(readFileSync(join(p.dir, 'package.json'), 'utf8')).scripts?.bench as string | undefined;
      return script ? [{ ...p, script }] : [];
    });
}

/** One row of the table: a printed line that ends in a ratio. */
export interface BenchRow {
  package: string;
  measurement: string;
  ratio: number;
}

/** The ratio lines of a benchmark's output (`...: 4.7x`, `... 10.7x faster`). */
export function ratioRows(pkg: string, text: string): BenchRow[] {
  const rows: BenchRow[] = [];
  for (const line of text.split('\n')) {
    const m = /^(.*?)[:\s]+(\d+(?:\.\d+)?)x\b(.*)$/.exec(line.trim());
    if (m) rows.push({ package: pkg, measurement: `${m[1]!.trim()}${m[3]!.trim() ? ` ${m[3]!.trim()}` : ''}`, ratio: Number(m[2]) });
  }
  return rows;
}

function runScript(dir: string, script: string, onLine: (s: string) => void): Promise<{ code: number; text: string }> {
  return new Promise((resolve) => {
    const child = spawn(script, { cwd: dir, shell: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.on('data', (b: Buffer) => {
      text += b.toString();
      for (const l of b.toString().split('\n')) if (l.trim()) onLine(l);
    });
    child.stderr.on('data', (b: Buffer) => (text += b.toString()));
    child.on('close', (code) => resolve({ code: code ?? 1, text }));
  });
}

/** The `bench` command. */
export function benchCommand(): Command {
  return new Command('bench')
    .description("run the packages' benchmarks (bench/*.mjs) and print one table of the ratios they report (takes minutes)")
    .option('--only <packages>', 'comma-separated package names (kan, kernels, activations, ...)')
    .option('--list', 'list the benchmarks and exit')
    .addOption(new Option('--packages-dir <dir>', 'folder of the packages (default: the repository this CLI is in)').hideHelp())
    .action(async (opts, cmd: Command) => {
      const g = cmd.optsWithGlobals();
      const out = createOutput(Boolean(g.json));
      const root: string = opts.packagesDir ?? packagesDir();
      let pkgs = benchPackages(root);
      if (pkgs.length === 0) throw new UsageError(`no packages with a bench script under ${root} (run from the basiskit repository)`);
      if (opts.only) {
        const want = String(opts.only)
          .split(',')
          .map((s) => s.trim());
        const unknown = want.filter((w) => !pkgs.some((p) => p.name === w));
        if (unknown.length) throw new UsageError(`--only: no benchmark for ${unknown.join(', ')} (have ${pkgs.map((p) => p.name).join(', ')})`);
        pkgs = pkgs.filter((p) => want.includes(p.name));
      }
      if (opts.list) {
        for (const p of pkgs) out.info(`${p.name.padEnd(18)} ${p.script}`);
        out.result(pkgs.map((p) => ({ package: p.name, script: p.script })));
        return;
      }
      const rows: BenchRow[] = [];
      const failed: string[] = [];
      for (const p of pkgs) {
        out.info(`== ${p.name}: ${p.script}`);
        const { code, text } = await runScript(p.dir, p.script, (l) => out.info(`   ${l}`));
        if (code !== 0) failed.push(p.name);
        rows.push(...ratioRows(p.name, text));
      }
      const w = Math.max(11, ...rows.map((r) => r.measurement.length));
      out.info('');
      out.info(`${'package'.padEnd(18)} ${'measurement'.padEnd(w)}  ratio`);
      for (const r of rows) out.info(`${r.package.padEnd(18)} ${r.measurement.padEnd(w)}  ${r.ratio}x`);
      if (failed.length) out.info(`benchmarks that failed: ${failed.join(', ')}`);
      out.result({ rows, failed });
      if (failed.length) process.exitCode = 1;
    });
}
