// The operator lab's charts, drawn by Observable Plot (SVG): relative L2 loss curves and the
// input / truth / prediction / error heatmaps (rasters) at a resolution.
import * as Plot from '@observablehq/plot';
import type { FieldSet, LossPoint } from './protocol';

/** Train, test and super-resolution test relative L2 against the step (log scale). */
export function lossChart(losses: LossPoint[]): Element {
  return Plot.plot({
    width: 460,
    height: 260,
    y: { type: 'log', label: 'relative L2', grid: true },
    x: { label: 'step' },
    color: { legend: true, domain: ['train', 'test', 'test at 2x resolution'], range: ['#4269d0', '#ff725c', '#3ca951'] },
    marks: [
      Plot.line(
        losses.filter((p) => Number.isFinite(p.loss) && p.loss > 0),
        { x: 'step', y: 'loss', stroke: 'split' },
      ),
      Plot.dot(
        losses.filter((p) => p.split !== 'train' && Number.isFinite(p.loss) && p.loss > 0),
        { x: 'step', y: 'loss', fill: 'split', r: 2.5 },
      ),
      Plot.frame({ stroke: '#ddd' }),
    ],
  });
}

const PANELS = ['input', 'truth', 'prediction', 'error'] as const;

/** Four heatmaps side by side; `rowsLabel` names the vertical axis (samples in 1-D, y in 2-D). */
export function fieldCharts(f: FieldSet, title: string, rowsLabel: string): Element {
  const cells = PANELS.flatMap((panel) => f[panel].map((v, k) => ({ panel, v, c: k % f.cols, r: Math.floor(k / f.cols) })));
  const maxErr = Math.max(1e-12, ...f.error.map(Math.abs));
  const panel = (name: (typeof PANELS)[number], scheme: Plot.ColorScheme, domain?: [number, number]) =>
    Plot.plot({
      title: name,
      width: 190,
      height: f.rows > 20 ? 210 : 150,
      margin: 24,
      x: { axis: null, domain: [0, f.cols] },
      y: { axis: null, domain: [f.rows, 0] },
      color: { scheme, domain, legend: true, label: null, width: 170 } as Plot.ScaleOptions,
      marks: [
        Plot.raster(
          cells.filter((d) => d.panel === name),
          {
            x: (d: { c: number }) => d.c + 0.5,
            y: (d: { r: number }) => d.r + 0.5,
            fill: 'v',
            width: f.cols,
            height: f.rows,
            x1: 0,
            x2: f.cols,
            y1: 0,
            y2: f.rows,
            interpolate: 'nearest',
          },
        ),
        Plot.frame({ stroke: '#ccc' }),
      ],
    });
  const truthDomain: [number, number] = [Math.min(...f.truth, ...f.prediction), Math.max(...f.truth, ...f.prediction)];
  const wrap = document.createElement('div');
  wrap.className = 'fields';
  const caption = document.createElement('div');
  caption.className = 'fields-title';
  caption.textContent = `${title} (${rowsLabel})`;
  const row = document.createElement('div');
  row.className = 'row';
  row.append(
    panel('input', 'viridis'),
    panel('truth', 'turbo', truthDomain),
    panel('prediction', 'turbo', truthDomain),
    panel('error', 'rdbu', [-maxErr, maxErr]),
  );
  wrap.append(caption, row);
  return wrap;
}
