// `basiskit bench`: lists the packages' benchmarks, and runs them into one table of the ratios
// they print (here on stand-in packages whose bench scripts print known lines, so the test is
// fast; the real benchmarks take minutes).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from './run_cli';

function fakePackage(root: string, name: string, lines: string[], code = 0): void {
  mkdirSync(join(root, name, 'bench'), { recursive: true });
  writeFileSync(join(root, name, 'package.json'), JSON.stringify({ name: `@x/${name}`, scripts: { bench: 'node bench/run.mjs' } }));
  writeFileSync(join(root, name, 'bench', 'run.mjs'), `${lines.map((l) => `console.log(${JSON.stringify(l)});`).join('\n')}\nprocess.exit(${code});\n`);
}

describe('basiskit bench', () => {
  it("lists this repository's benchmarks", async () => {
    const r = await runCli(['bench', '--list', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const names = JSON.parse(r.stdout).map((p: { package: string }) => p.package);
    expect(names).toEqual(expect.arrayContaining(['kan', 'kernels', 'fourier-operators']));
  });

  it('prints one table of the ratios the scripts report, and names the ones that fail', async () => {
    const root = tempDir();
    fakePackage(root, 'alpha', ['warm-up done', 'wasm step: local 31.42 ms vs reference 337.34 ms: 10.7x', 'cpu step: 0.4x vs PyTorch']);
    fakePackage(root, 'beta', ['fft 1024: 3x'], 1);
    mkdirSync(join(root, 'gamma'));
    writeFileSync(join(root, 'gamma', 'package.json'), JSON.stringify({ name: 'gamma', scripts: {} }));
    const r = await runCli(['bench', '--packages-dir', root, '--json']);
    expect(r.code).toBe(1);
    const { rows, failed } = JSON.parse(r.stdout);
    expect(rows).toEqual([
      { package: 'alpha', measurement: 'wasm step: local 31.42 ms vs reference 337.34 ms', ratio: 10.7 },
      { package: 'alpha', measurement: 'cpu step vs PyTorch', ratio: 0.4 },
      { package: 'beta', measurement: 'fft 1024', ratio: 3 },
    ]);
    expect(failed).toEqual(['beta']);
    const text = await runCli(['bench', '--packages-dir', root, '--only', 'alpha']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^package +measurement +ratio$/m);
    expect(text.stdout).toMatch(/^alpha +wasm step: local 31\.42 ms vs reference 337\.34 ms +10\.7x$/m);
  });

  it('rejects an unknown package in one line (exit 2)', async () => {
    const r = await runCli(['bench', '--only', 'nope']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^basiskit: error: --only: no benchmark for nope \(have .*kan/);
  });
});
