// The main job on a reduced budget (2 L-BFGS steps per phase, 200 points): it finishes, prints
// the formula and test RMSE, writes the checkpoint and a self-contained report with the plots as
// inline SVG; --json output parses. Ctrl-C mid-training saves a checkpoint and exits 130.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from './run_cli';

describe('basiskit (the main job)', () => {
  it('trains, prunes, fits symbols and writes a self-contained HTML report (reduced budget, --json)', async () => {
    const out = join(tempDir(), 'out');
    const r = await runCli(['--steps', '2', '--n-train', '200', '--n-test', '100', '--out', out, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(typeof result.formula).toBe('string');
    expect(result.formula.length).toBeGreaterThan(0);
    expect(Number.isFinite(result.formulaRmse)).toBe(true);
    expect(Number.isFinite(result.networkRmse)).toBe(true);
    expect(result.widths[0]).toBe(2);
    expect(result.losses).toBeGreaterThanOrEqual(6);
    // progress and the human summary went to stderr, so stdout is only the JSON
    expect(r.stderr).toContain('recovered formula: f = ');
    expect(r.stderr).toMatch(/test RMSE \(100 points\): formula/);
    // the report: one file, inline SVGs drawn by Vega, no scripts or remote resources
    const html = readFileSync(result.report, 'utf8');
    expect(result.report).toBe(join(out, 'report.html'));
    const svgs = html.match(/<svg[^>]*class="marks"/g) ?? [];
    expect(svgs.length).toBe(4);
    for (const id of ['network', 'loss', 'edges', 'parity']) expect(html).toMatch(new RegExp(`<figure id="${id}"><svg`));
    expect(html).not.toMatch(/<script|<link|<img|src=|@import/i);
    expect(html).toContain(result.formula.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'));
    // each edge of the pruned network has a panel with the learned curve and its symbolic fit
    const edges = result.widths.slice(1).reduce((n: number, w: number, l: number) => n + w * result.widths[l], 0);
    expect(new Set(html.match(/layer \d: \d → \d/g)).size).toBe(edges);
    expect(html).toContain('learned (spline)');
    expect(html).toContain('symbolic fit');
    // the model next to it
    expect(existsSync(join(out, 'kan.safetensors'))).toBe(true);
    const config = JSON.parse(readFileSync(join(out, 'kan.json'), 'utf8'));
    expect(config.model.layers).toEqual(result.widths);
    expect(config.notes.formula).toBe(result.formula);
  });

  it('saves a checkpoint and exits 130 on Ctrl-C during training', async () => {
    const out = join(tempDir(), 'out');
    let sent = false;
    const r = await runCli(['--steps', '500', '--n-train', '200', '--n-test', '50', '--out', out], {
      onOutput: (all, child) => {
        if (!sent && all.includes('L-BFGS steps per phase')) {
          sent = true;
          setTimeout(() => child.kill('SIGINT'), 500);
        }
      },
    });
    expect(sent).toBe(true);
    expect(r.code, r.stderr).toBe(130);
    expect(r.stdout).toMatch(/interrupted: checkpoint saved to .*interrupted\.safetensors/);
    expect(r.stderr).toBe('');
    expect(existsSync(join(out, 'interrupted.safetensors'))).toBe(true);
    const config = JSON.parse(readFileSync(join(out, 'interrupted.json'), 'utf8'));
    expect(config.interrupted).toBe(true);
    expect(config.training.stepsDone).toBeGreaterThan(0);
    expect(config.training.stepsDone).toBeLessThan(500);
    // and the checkpoint loads
    const e = await runCli(['eval', join(out, 'interrupted'), '--n-test', '50', '--json']);
    expect(e.code, e.stderr).toBe(0);
    expect(Number.isFinite(JSON.parse(e.stdout).metrics.rmse)).toBe(true);
  });
});
