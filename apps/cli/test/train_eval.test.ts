// train -> eval round trips: the checkpoint (safetensors + JSON) rebuilds the model, and eval on
// the same test split reports exactly the metrics train reported. KAN bases on a function suite
// and a CSV file; an FNO on generated Darcy data, evaluated at a finer resolution; generate
// writes a dataset folder that train --pde-data reads; Ctrl-C during train saves a checkpoint.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from './run_cli';

const json = (s: string) => JSON.parse(s);

describe('train -> eval', () => {
  it.each(['bspline', 'chebyshev', 'rational'])('a %s KAN on a function suite: eval reproduces the test metrics', async (basis) => {
    const dir = tempDir();
    const t = await runCli(
      [
        'train',
        '--function',
        'pykan xy',
        '--basis',
        basis,
        '--width',
        '2,3,1',
        '--steps',
        '40',
        '--n-train',
        '200',
        '--n-test',
        '100',
        '--save',
        'm',
        '--json',
      ],
      { cwd: dir },
    );
    expect(t.code, t.stderr).toBe(0);
    const trained = json(t.stdout);
    expect(trained.losses).toHaveLength(40);
    expect(trained.losses.at(-1)).toBeLessThan(trained.losses[0]);
    expect(existsSync(join(dir, 'm.safetensors'))).toBe(true);
    const config = json(readFileSync(join(dir, 'm.json'), 'utf8'));
    expect(config.model).toMatchObject({ basis, layers: [2, 3, 1] });
    expect(config.data.suite).toBe('pykan xy');
    const e = await runCli(['eval', join(dir, 'm.json'), '--json']);
    expect(e.code, e.stderr).toBe(0);
    const evaluated = json(e.stdout);
    for (const k of ['rmse', 'relativeRmse', 'r2']) expect(evaluated.metrics[k]).toBeCloseTo(trained.metrics[k], 6);
  });

  it('a KAN on a CSV file (target in the last column), with L-BFGS', async () => {
    const dir = tempDir();
    const rows = ['a,b,c,target'];
    for (let i = 0; i < 60; i++) {
      const [a, b, c] = [Math.sin(i), Math.cos(3 * i), ((i * 7) % 11) / 11 - 0.5];
      rows.push(`${a},${b},${c},${a * b + c}`);
    }
    writeFileSync(join(dir, 'data.csv'), rows.join('\n') + '\n');
    const t = await runCli(['train', '--data', 'data.csv', '--optimizer', 'lbfgs', '--steps', '5', '--save', 'csv', '--json'], { cwd: dir });
    expect(t.code, t.stderr).toBe(0);
    const trained = json(t.stdout);
    expect(trained.losses.at(-1)).toBeLessThan(trained.losses[0]);
    const config = json(readFileSync(join(dir, 'csv.json'), 'utf8'));
    expect(config.model.layers).toEqual([3, 5, 1]);
    const e = await runCli(['eval', 'csv', '--json'], { cwd: dir });
    expect(e.code, e.stderr).toBe(0);
    expect(json(e.stdout).metrics.rmse).toBeCloseTo(trained.metrics.rmse, 6);
  });

  it('an FNO on generated Darcy data, evaluated at the trained and at a finer resolution', async () => {
    const dir = tempDir();
    const t = await runCli(
      ['train', '--fno', 'darcy', '--resolution', '9', '--count', '8', '--modes', '4', '--hidden', '8', '--steps', '6', '--save', 'fno', '--json'],
      { cwd: dir },
    );
    expect(t.code, t.stderr).toBe(0);
    const trained = json(t.stdout);
    expect(trained.losses).toHaveLength(6);
    const same = json((await runCli(['eval', 'fno', '--json'], { cwd: dir })).stdout);
    expect(same.metrics.relativeL2).toBeCloseTo(trained.metrics.relativeL2, 5);
    const fine = await runCli(['eval', 'fno', '--resolution', '17', '--json'], { cwd: dir });
    expect(fine.code, fine.stderr).toBe(0);
    const f = json(fine.stdout);
    expect(f.data).toMatchObject({ resolution: 17, trainedResolution: 9 });
    expect(Number.isFinite(f.metrics.relativeL2)).toBe(true);
    expect(f.metrics.relativeL2).toBeGreaterThan(0);
  });

  it('generate writes a dataset that train --pde-data reads', async () => {
    const dir = tempDir();
    const g = await runCli(['generate', 'darcy', '--count', '6', '--resolution', '9', '--workers', '2', '--dir', 'd9', '--json'], { cwd: dir });
    expect(g.code, g.stderr).toBe(0);
    const manifest = json(g.stdout).manifest;
    expect(manifest).toMatchObject({ generator: 'darcy', count: 6, arrays: { x: { shape: [9, 9] }, y: { shape: [9, 9] } } });
    expect(existsSync(join(dir, 'd9', 'manifest.json'))).toBe(true);
    const t = await runCli(['train', '--pde-data', 'd9', '--modes', '4', '--hidden', '4', '--steps', '2', '--save', 'f', '--json'], { cwd: dir });
    expect(t.code, t.stderr).toBe(0);
    const config = json(readFileSync(join(dir, 'f.json'), 'utf8'));
    expect(config.data).toMatchObject({ dir: 'd9', generator: 'darcy', nTrain: 5, nTest: 1 });
  });

  it('Ctrl-C during train saves the checkpoint, marked interrupted, and exits 130', async () => {
    const dir = tempDir();
    let sent = false;
    const r = await runCli(['train', '--steps', '100000', '--n-train', '100', '--n-test', '20', '--save', 'c'], {
      cwd: dir,
      onOutput: (all, child) => {
        if (!sent && all.includes('training a bspline KAN')) {
          sent = true;
          setTimeout(() => child.kill('SIGINT'), 300);
        }
      },
    });
    expect(r.code, r.stderr).toBe(130);
    expect(r.stdout).toMatch(/interrupted after \d+ steps: checkpoint saved to c\.safetensors/);
    const config = json(readFileSync(join(dir, 'c.json'), 'utf8'));
    expect(config.interrupted).toBe(true);
    expect(config.metrics.stepsDone).toBeGreaterThan(0);
    expect(config.metrics.stepsDone).toBeLessThan(100000);
    const e = await runCli(['eval', 'c', '--json'], { cwd: dir });
    expect(e.code, e.stderr).toBe(0);
  });
});
