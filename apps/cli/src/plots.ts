// Plots as Vega-Lite specs rendered to SVG in Node by Vega's headless View (`renderer: 'none'`,
// `view.toSVG()`): the same specs render in a browser with vega-embed. No canvas is needed for
// SVG output; text is measured by Vega's estimate.
import { View, parse } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { LossPoint } from './lbfgs_train';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** Renders a Vega-Lite spec to an SVG string. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Loss per L-BFGS step, one colour per training phase, log scale. */
export function lossCurveSpec(curve: readonly LossPoint[]): TopLevelSpec {
  return {
    $schema: SCHEMA,
    title: 'Training loss (MSE, + regularization while sparsifying)',
    width: 560,
    height: 260,
    data: { values: curve.map((p) => ({ ...p, loss: Math.max(p.loss, 1e-12) })) },
    mark: { type: 'line', point: { size: 12 } },
    encoding: {
      x: { field: 'step', type: 'quantitative', title: 'L-BFGS step' },
      y: { field: 'loss', type: 'quantitative', scale: { type: 'log' }, title: 'loss' },
      color: { field: 'phase', type: 'nominal', sort: null, title: 'phase' },
    },
  };
}

/** One edge's learned curve and its symbolic fit, for {@link edgeGridSpec}. */
export interface EdgePlot {
  layer: number;
  i: number;
  j: number;
  x: number[];
  learned: number[];
  symbolic: number[];
  /** Library function fixed on the edge. */
  name: string;
  /** R^2 of the symbolic fit to the learned curve. */
  r2: number;
}

/** Every edge's learned function (solid) beside its symbolic fit (dashed), one panel per edge. */
export function edgeGridSpec(edges: readonly EdgePlot[]): TopLevelSpec {
  const values = edges.flatMap((e) => {
    const edge = `layer ${e.layer}: ${e.i} → ${e.j}  ·  ${e.name} (R² ${e.r2.toFixed(4)})`;
    return e.x.flatMap((x, k) => [
      { edge, x, y: e.learned[k], curve: 'learned (spline)' },
      { edge, x, y: e.symbolic[k], curve: 'symbolic fit' },
    ]);
  });
  return {
    $schema: SCHEMA,
    title: "Each edge's learned function and its symbolic fit",
    data: { values },
    facet: { field: 'edge', type: 'nominal', title: null, header: { labelFontSize: 12 } },
    columns: Math.min(3, edges.length),
    spec: {
      width: 240,
      height: 170,
      mark: { type: 'line', strokeWidth: 2 },
      encoding: {
        x: { field: 'x', type: 'quantitative', title: 'edge input' },
        y: { field: 'y', type: 'quantitative', title: 'edge output' },
        color: { field: 'curve', type: 'nominal', title: null, scale: { range: ['#1f77b4', '#d62728'] } },
        strokeDash: {
          field: 'curve',
          type: 'nominal',
          title: null,
          scale: {
            range: [
              [1, 0],
              [6, 4],
            ],
          },
        },
      },
    },
    resolve: { scale: { x: 'independent', y: 'independent' } },
  };
}

/** The network before and after pruning, for {@link networkSpec}. */
export interface NetworkDrawing {
  /** Widths of the network before pruning. */
  widths: number[];
  /** Original indices of the nodes kept in each layer. */
  kept: number[][];
  /** Edge scales [layer][out][in] after the first sparsification round (original network). */
  initialScales: number[][][];
  /** Edge scales [layer][out][in] of the pruned network (its own indices). */
  finalScales: number[][][];
  /** The library function of each pruned-network edge. */
  names: { layer: number; i: number; j: number; name: string }[];
}

/**
 * The network drawn as pykan's `plot` does: nodes in rows (inputs at the bottom), every edge of
 * the original network faint with opacity by its scale, the edges kept by pruning in colour and
 * labelled with their symbolic function.
 */
export function networkSpec(net: NetworkDrawing, variables: readonly string[]): TopLevelSpec {
  const pos = (l: number, k: number) => ({ x: (k + 0.5) / net.widths[l]! - 0.5, y: l });
  const nodes = net.widths.flatMap((w, l) =>
    Array.from({ length: w }, (_, k) => ({
      ...pos(l, k),
      kept: net.kept[l]!.includes(k) ? 'kept' : 'pruned',
      label: l === 0 ? (variables[k] ?? `x${k + 1}`) : l === net.widths.length - 1 ? 'f' : '',
    })),
  );
  const maxScale = Math.max(1e-9, ...net.initialScales.flat(2));
  const edges: Record<string, unknown>[] = [];
  net.initialScales.forEach((rows, l) =>
    rows.forEach((row, j) =>
      row.forEach((s, i) => {
        const a = pos(l, i);
        const b = pos(l + 1, j);
        edges.push({ x: a.x, y: a.y, x2: b.x, y2: b.y, opacity: 0.08 + 0.5 * Math.min(1, s / maxScale), kind: 'before pruning' });
      }),
    ),
  );
  const maxFinal = Math.max(1e-9, ...net.finalScales.flat(2));
  for (const e of net.names) {
    const a = pos(e.layer, net.kept[e.layer]![e.i]!);
    const b = pos(e.layer + 1, net.kept[e.layer + 1]![e.j]!);
    const s = net.finalScales[e.layer]?.[e.j]?.[e.i] ?? maxFinal;
    edges.push({
      x: a.x,
      y: a.y,
      x2: b.x,
      y2: b.y,
      opacity: 1,
      width: 1.5 + 3 * Math.min(1, s / maxFinal),
      kind: 'kept',
      name: e.name,
      mx: 0.6 * a.x + 0.4 * b.x,
      my: 0.6 * a.y + 0.4 * b.y,
    });
  }
  const x = { field: 'x', type: 'quantitative' as const, axis: null, scale: { domain: [-0.6, 0.6] } };
  const y = { field: 'y', type: 'quantitative' as const, axis: null, scale: { domain: [-0.25, net.widths.length - 0.75] } };
  return {
    $schema: SCHEMA,
    title: `The network: [${net.widths.join(', ')}] pruned to [${net.kept.map((k) => k.length).join(', ')}]`,
    width: 420,
    height: 300,
    layer: [
      {
        data: { values: edges.filter((e) => e.kind === 'before pruning') },
        mark: { type: 'rule', color: '#888' },
        encoding: { x, y, x2: { field: 'x2' }, y2: { field: 'y2' }, opacity: { field: 'opacity', type: 'quantitative', legend: null, scale: null } },
      },
      {
        data: { values: edges.filter((e) => e.kind === 'kept') },
        mark: { type: 'rule', color: '#d62728' },
        encoding: { x, y, x2: { field: 'x2' }, y2: { field: 'y2' }, strokeWidth: { field: 'width', type: 'quantitative', legend: null, scale: null } },
      },
      {
        data: { values: edges.filter((e) => e.kind === 'kept') },
        mark: { type: 'text', dx: 8, align: 'left', fontSize: 13, fontWeight: 'bold', color: '#d62728' },
        encoding: { x: { ...x, field: 'mx' }, y: { ...y, field: 'my' }, text: { field: 'name' } },
      },
      {
        data: { values: nodes },
        mark: { type: 'point', filled: true, size: 220, stroke: 'black' },
        encoding: { x, y, color: { field: 'kept', type: 'nominal', title: 'node', scale: { domain: ['kept', 'pruned'], range: ['#222', '#ddd'] } } },
      },
      {
        data: { values: nodes.filter((n) => n.label) },
        mark: { type: 'text', dy: 0, dx: -16, fontSize: 14, fontStyle: 'italic' },
        encoding: { x, y, text: { field: 'label' } },
      },
    ],
    config: { view: { stroke: null } },
  };
}

/** Formula prediction against the truth on the test set. */
export function paritySpec(points: readonly { truth: number; formula: number }[]): TopLevelSpec {
  const lo = Math.min(...points.map((p) => Math.min(p.truth, p.formula)));
  const hi = Math.max(...points.map((p) => Math.max(p.truth, p.formula)));
  return {
    $schema: SCHEMA,
    title: 'Recovered formula vs truth (test set)',
    width: 300,
    height: 300,
    layer: [
      {
        data: { values: [{ a: lo, b: hi }] },
        mark: { type: 'rule', color: '#aaa', strokeDash: [4, 4] },
        encoding: { x: { field: 'a', type: 'quantitative' }, y: { field: 'a', type: 'quantitative' }, x2: { field: 'b' }, y2: { field: 'b' } },
      },
      {
        data: { values: points },
        mark: { type: 'point', size: 10, opacity: 0.6 },
        encoding: { x: { field: 'truth', type: 'quantitative', title: 'f(x, y)' }, y: { field: 'formula', type: 'quantitative', title: 'formula' } },
      },
    ],
  };
}
