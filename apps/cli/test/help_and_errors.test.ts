// --help a person can follow, and the error contract: a bad argument, option or file gives ONE
// line on stderr and exit code 2.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from './run_cli';

describe('basiskit --help', () => {
  it('describes the main job, every command and examples', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: basiskit \[options\] \[command\]/);
    for (const cmd of ['train', 'eval', 'generate', 'bench', 'import']) expect(r.stdout).toMatch(new RegExp(`^  ${cmd} `, 'm'));
    expect(r.stdout).toContain('exp(sin(pi x) + y^2)');
    expect(r.stdout).toContain('Examples:');
    expect(r.stdout).toContain('--json');
  });

  it("gives each command's options", async () => {
    const r = await runCli(['train', '--help']);
    expect(r.code).toBe(0);
    for (const opt of ['--function', '--data', '--basis', '--width', '--grid', '--steps', '--optimizer', '--seed', '--fno', '--save'])
      expect(r.stdout).toContain(opt);
    expect(r.stdout).toContain('chebyshev');
  });
});

describe('bad arguments and files: one line, exit code 2', () => {
  const dir = tempDir();
  const notCsv = join(dir, 'data.txt');
  writeFileSync(notCsv, 'hello');
  const badSafetensors = join(dir, 'bad.safetensors');
  writeFileSync(badSafetensors, 'not a safetensors file at all');
  const cases: [string, string[], RegExp][] = [
    ['an unknown option', ['--bogus'], /unknown option '--bogus'/],
    ['an unknown command', ['trian'], /unknown command 'trian' \(did you mean train\?\)/],
    ['a basis that does not exist', ['train', '--basis', 'hermite'], /argument 'hermite' is invalid.*bspline/],
    ['a non-integer step count', ['train', '--steps', 'ten'], /expected an integer >= 1, got 'ten'/],
    ['widths that do not fit the data', ['train', '--width', '3,4,1', '--steps', '1'], /--width 3,4,1 does not fit the data: it has 2 input/],
    ['an unknown function', ['train', '--function', 'pykan nope', '--steps', '1'], /unknown function 'pykan nope'/],
    ['a missing data file', ['train', '--data', join(dir, 'missing.csv')], /no such data file/],
    ['a data file of unknown type', ['train', '--data', notCsv], /unknown data file type '.txt'/],
    ['a missing checkpoint', ['eval', join(dir, 'nothing')], /no checkpoint config at/],
    ['a file that is not safetensors', ['import', 'efficient-kan', badSafetensors, '--input', '[[0]]'], /not a valid safetensors file/],
    ['an import without --input', ['import', 'kat', badSafetensors], /required option '--input/],
    ['a PDE that does not exist', ['generate', 'heat2d'], /value 'heat2d' is invalid for argument 'pde'/],
  ];
  it.each(cases)('%s', async (_name, args, message) => {
    const r = await runCli(args, { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^basiskit: error: /);
    expect(lines[0]).toMatch(message);
  });
});
