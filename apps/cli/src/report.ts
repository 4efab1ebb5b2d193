// The main job's report: one self-contained HTML file (no scripts, fonts or images fetched): the
// plots are inline SVG rendered by Vega (plots.ts), the formula as text and LaTeX source.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { LossPoint } from './lbfgs_train';
import { edgeGridSpec, lossCurveSpec, networkSpec, paritySpec, renderSvg, type EdgePlot, type NetworkDrawing } from './plots';
import { fmt } from './output';

export type { EdgePlot, NetworkDrawing } from './plots';

/** Everything the report shows. */
export interface ReportData {
  title: string;
  target: string;
  formula: string;
  latex: string;
  widths: number[];
  metrics: { formulaRmse: number; networkRmse: number; relativeFormulaRmse: number };
  curve: LossPoint[];
  edges: EdgePlot[];
  network: NetworkDrawing;
  test: { truth: number; formula: number }[];
  facts: { backend: string; seed: number; nTrain: number; nTest: number; stepsPerPhase: number; seconds: number };
}

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Renders the plots and writes the report to `path` (folders made as needed). */
export async function writeReport(path: string, d: ReportData): Promise<void> {
  const [network, loss, edges, parity] = await Promise.all([
    renderSvg(networkSpec(d.network, ['x', 'y'])),
    renderSvg(lossCurveSpec(d.curve)),
    renderSvg(edgeGridSpec(d.edges)),
    renderSvg(paritySpec(d.test)),
  ]);
  const f = d.facts;
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escape(d.title)}</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 2em; }
.formula { font-family: ui-monospace, monospace; font-size: 1.3em; background: #f4f4f4; padding: 0.6em 1em; border-radius: 6px; }
table { border-collapse: collapse; } td, th { padding: 0.2em 1em 0.2em 0; text-align: left; }
figure { margin: 1em 0; } .row { display: flex; flex-wrap: wrap; gap: 2em; align-items: flex-start; }
</style>
</head>
<body>
<h1>${escape(d.title)}</h1>
<p>Target <code>f(x, y) = ${escape(d.target)}</code> (pykan's example, from <code>@basiskit/datasets</code>). A KAN [${d.network.widths.join(', ')}]
was trained with L-BFGS, grid updates and sparsity regularization, pruned to [${d.widths.join(', ')}], every edge fitted with a library function,
and the formula simplified.</p>
<h2>Recovered formula</h2>
<p class="formula">f(x, y) = ${escape(d.formula)}</p>
<p>LaTeX: <code>${escape(d.latex)}</code></p>
<table>
<tr><th>test RMSE of the formula</th><td>${fmt(d.metrics.formulaRmse)} (relative ${fmt(d.metrics.relativeFormulaRmse)})</td></tr>
<tr><th>test RMSE of the symbolic network</th><td>${fmt(d.metrics.networkRmse)}</td></tr>
<tr><th>data</th><td>${f.nTrain} training / ${f.nTest} test points, seed ${f.seed}</td></tr>
<tr><th>run</th><td>${f.stepsPerPhase} L-BFGS steps per phase, backend ${escape(f.backend)}, ${f.seconds.toFixed(1)} s</td></tr>
</table>
<div class="row">
<figure id="network">${network}</figure>
<figure id="parity">${parity}</figure>
</div>
<h2>Loss</h2>
<figure id="loss">${loss}</figure>
<h2>Edges</h2>
<p>Solid: the function the edge learned (B-spline + SiLU base). Dashed: the library function <code>c·f(a·x+b)+d</code> fitted to it and trained.</p>
<figure id="edges">${edges}</figure>
<p><small>Made by <code>basiskit</code> (apps/cli). Plots: Vega-Lite specs rendered to SVG by Vega.</small></p>
</body>
</html>
`;
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, html);
}
