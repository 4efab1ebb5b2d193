// The playground's charts, drawn by Observable Plot (SVG): loss curves, every edge's learned
// function (small multiples per layer), and the fit or decision surface.
import * as Plot from '@observablehq/plot';
import type { EdgePlot } from './models';
import type { LossPoint, Surface } from './protocol';

/** Train and test loss against the step (log scale). */
export function lossChart(losses: LossPoint[]): Element {
  const finite = losses.filter((p) => Number.isFinite(p.loss) && p.loss > 0);
  return Plot.plot({
    width: 420,
    height: 240,
    y: { type: 'log', label: 'loss', grid: true },
    x: { label: 'step' },
    color: { legend: true, domain: ['train', 'test'], range: ['#4269d0', '#ff725c'] },
    marks: [Plot.line(finite, { x: 'step', y: 'loss', stroke: 'split' }), Plot.frame({ stroke: '#ddd' })],
  });
}

/** Small multiples per layer: edge i -> j's function (green once it is fixed to a symbolic function). */
export function edgeCharts(edges: EdgePlot[]): Element[] {
  const layers = [...new Set(edges.map((e) => e.layer))].sort((a, b) => a - b);
  return layers.map((l) => {
    const rows = edges
      .filter((e) => e.layer === l)
      .flatMap((e) => e.x.map((x, s) => ({ edge: `${e.i}→${e.j}${e.symbolic ? ` ${e.symbolic}` : ''}`, x, y: e.y[s], symbolic: e.symbolic !== null })));
    const names = [...new Set(rows.map((r) => r.edge))];
    const cols = Math.min(names.length, 8);
    const fx = (d: { edge: string }) => names.indexOf(d.edge) % cols;
    const fy = (d: { edge: string }) => Math.floor(names.indexOf(d.edge) / cols);
    return Plot.plot({
      title: `layer ${l}: ${names.length} edges`,
      width: Math.max(240, cols * 100),
      height: 80 * Math.ceil(names.length / cols) + 20,
      margin: 6,
      fx: { axis: null },
      fy: { axis: null },
      x: { axis: null },
      y: { axis: null },
      marks: [
        Plot.frame({ stroke: '#ddd' }),
        Plot.line(rows, { fx, fy, x: 'x', y: 'y', z: 'edge', stroke: (d: { symbolic: boolean }) => (d.symbolic ? '#3ca951' : '#4269d0'), strokeWidth: 1.5 }),
        Plot.text(rows, Plot.selectFirst({ fx, fy, z: 'edge', frameAnchor: 'top-left', dx: 3, dy: 3, text: 'edge', fontSize: 9, fill: '#555' })),
      ],
    });
  });
}

/** The fit (1-D curve, 2-D prediction vs target, or predicted vs true) or the decision surface. */
export function surfaceChart(s: Surface): Element {
  switch (s.kind) {
    case 'curve':
      return Plot.plot({
        width: 420,
        height: 260,
        color: { legend: true, domain: ['target', 'KAN'], range: ['#999', '#4269d0'] },
        marks: [
          Plot.dot(s.points, { x: 'x', y: 'y', r: 1.5, fill: '#bbb' }),
          s.truth.length ? Plot.line(s.x, { x: (d: number) => d, y: (_: number, i: number) => s.truth[i], stroke: () => 'target' }) : null,
          Plot.line(s.x, { x: (d: number) => d, y: (_: number, i: number) => s.pred[i], stroke: () => 'KAN', strokeWidth: 2 }),
        ],
      });
    case 'grid': {
      const cells = [...s.pred.map((v, k) => ({ k, v, panel: 'KAN' })), ...s.truth.map((v, k) => ({ k, v, panel: 'target' }))];
      return Plot.plot({
        width: 460,
        height: 250,
        fx: { label: null, domain: ['KAN', 'target'] },
        x: { domain: [-1, 1], label: 'x_1' },
        y: { domain: [-1, 1], label: 'x_2' },
        color: { scheme: 'viridis', legend: true },
        marks: [
          Plot.raster(cells, {
            fx: 'panel',
            x: (d: { k: number }) => -1 + (2 * (d.k % s.n)) / (s.n - 1),
            y: (d: { k: number }) => 1 - (2 * Math.floor(d.k / s.n)) / (s.n - 1),
            fill: 'v',
            interpolate: 'nearest',
            width: s.n,
            height: s.n,
            x1: -1,
            x2: 1,
            y1: -1,
            y2: 1,
          }),
        ],
      });
    }
    case 'scatter':
      return Plot.plot({
        width: 420,
        height: 300,
        x: { label: 'true' },
        y: { label: 'predicted' },
        marks: [
          Plot.dot(s.truth, { x: (d: number) => d, y: (_: number, i: number) => s.pred[i], r: 2, fill: '#4269d0' }),
          Plot.link([0], { x1: Math.min(...s.truth), y1: Math.min(...s.truth), x2: Math.max(...s.truth), y2: Math.max(...s.truth), stroke: '#999' }),
        ],
      });
    case 'decision':
      return Plot.plot({
        width: 420,
        height: 380,
        x: { domain: [-1, 1], label: 'x_1' },
        y: { domain: [-1, 1], label: 'x_2' },
        color: { type: 'categorical', legend: true, label: 'class' },
        opacity: { domain: [0, 1] },
        marks: [
          Plot.raster(s.cls, {
            x: (_: number, k: number) => -1 + (2 * (k % s.n)) / (s.n - 1),
            y: (_: number, k: number) => 1 - (2 * Math.floor(k / s.n)) / (s.n - 1),
            fill: (d: number) => String(d),
            fillOpacity: (_: number, k: number) => 0.15 + 0.35 * s.confidence[k],
            interpolate: 'nearest',
            width: s.n,
            height: s.n,
            x1: -1,
            x2: 1,
            y1: -1,
            y2: 1,
          }),
          Plot.dot(s.points, { x: 'x1', y: 'x2', fill: (d: { label: number }) => String(d.label), stroke: 'white', strokeWidth: 0.5, r: 3 }),
        ],
      });
  }
}
