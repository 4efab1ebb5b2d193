// Symbolic fitting of KAN edges (pykan's fit_params, suggest_symbolic, fix_symbolic,
// auto_symbolic; kan/utils.py and kan/MultKAN.py).
//
// fit_params fits y ~ c * f(a x + b) + d to an edge's samples: a grid search over (a, b)
// (gridNumber^2 points in aRange x bRange, scored by R^2 = corr(f(a x + b), y)^2, zoomed
// `iteration` times around the best point), then linear least squares for (c, d), in float64.
// suggest_symbolic ranks library functions by
//   loss = weight_simple * complexity + (1 - weight_simple) * log2(1 + 1e-5 - R^2).
// The samples of edge i -> j are pykan's: the layer's inputs x[:, i] and numeric edge outputs
// postacts[:, j, i] of the last forward with `cache: true` (at most `maxSamples` of them, at
// evenly spaced ranks), or, without cached activations, `samples` evenly spaced points across
// the feature's grid range.
import { ConfigError, tf } from '@basiskit/tensor';
import type { KANLinear } from './kan_linear';
import { gridRangeSamples } from './refine';
import { getSymbolic, symbolicNames, type SymbolicFunction } from './symbolic_library';

/** Options of {@link fitParams}. */
export interface FitParamsOptions {
  /** Search range of a. Default [-10, 10]. */
  aRange?: readonly [number, number];
  /** Search range of b. Default [-10, 10]. */
  bRange?: readonly [number, number];
  /** Grid points per axis. Default 101. */
  gridNumber?: number;
  /** Zoom iterations. Default 3. */
  iteration?: number;
}

/** Result of {@link fitParams}: `[a, b, c, d]` and the R^2 of the best (a, b). */
export interface FitParamsResult {
  params: [number, number, number, number];
  r2: number;
}

/** Options choosing the samples of an edge (see the file header). */
export interface EdgeSampleOptions {
  /** Most cached samples used. Default 256. */
  maxSamples?: number;
  /** Evenly spaced points across the grid range when nothing is cached. Default 101. */
  samples?: number;
}

/** Options of {@link suggestSymbolic}. */
export interface SuggestSymbolicOptions extends FitParamsOptions, EdgeSampleOptions {
  /** Library function names to try. Default: all of SYMBOLIC_LIB. */
  lib?: readonly string[];
  /** How many candidates to return. Default 5. */
  topk?: number;
  /** Weight of simplicity against fit quality. Default 0.8. */
  weightSimple?: number;
}

/** One ranked candidate of {@link suggestSymbolic}. */
export interface SymbolicCandidate {
  name: string;
  params: [number, number, number, number];
  r2: number;
  complexity: number;
  /** The ranking loss (lower is better). */
  score: number;
}

const linspace = (lo: number, hi: number, n: number) => Array.from({ length: n }, (_, i) => Math.fround(n === 1 ? lo : lo + ((hi - lo) * i) / (n - 1)));

/**
 * R^2 = corr(f(a x + b), y)^2 (pykan's numerator / (denominator + 1e-4)) for every (a, b) of a
 * grid, in one float64 pass per grid point: a fused search loop (sums of p, p^2 and p * (y - ybar)
 * accumulate as p is computed, nothing is allocated per point). Measured ~20x faster than the same
 * search as tensor ops, which allocate several [gridNumber^2, M] intermediates per iteration.
 * Non-finite R^2 counts as 0.
 */
function r2Grid(x: Float64Array, yc: Float64Array, syy: number, f: (v: number) => number, aGrid: number[], bGrid: number[]): Float64Array {
  const m = x.length;
  const out = new Float64Array(aGrid.length * bGrid.length);
  for (let ia = 0; ia < aGrid.length; ia++) {
    const a = aGrid[ia];
    for (let ib = 0; ib < bGrid.length; ib++) {
      const b = bGrid[ib];
      let sp = 0;
      let spp = 0;
      let spy = 0;
      for (let n = 0; n < m; n++) {
        const p = f(a * x[n] + b);
        sp += p;
        spp += p * p;
        spy += p * yc[n];
      }
      const r = (spy * spy) / ((spp - (sp * sp) / m) * syy + 1e-4);
      out[ia * bGrid.length + ib] = Number.isFinite(r) ? r : 0;
    }
  }
  return out;
}

const toArray = (v: ArrayLike<number> | tf.Tensor): Float64Array => Float64Array.from(v instanceof tf.Tensor ? v.dataSync() : v);

/** pykan's fit_params: `y ~ c * f(a x + b) + d` for 1-D samples x, y (see the file header). */
export function fitParams(x: ArrayLike<number> | tf.Tensor, y: ArrayLike<number> | tf.Tensor, fn: string | SymbolicFunction, options: FitParamsOptions = {}): FitParamsResult {
  const f = typeof fn === 'string' ? getSymbolic(fn, 'fitParams') : fn;
  const gridNumber = options.gridNumber ?? 101;
  const iteration = options.iteration ?? 3;
  if (!Number.isInteger(gridNumber) || gridNumber < 3) {
    throw new ConfigError('invalid value', { where: 'fitParams', argument: 'gridNumber', expected: 'an integer >= 3', got: String(gridNumber) });
  }
  let aRange: [number, number] = [...(options.aRange ?? [-10, 10])];
  let bRange: [number, number] = [...(options.bRange ?? [-10, 10])];
  const xs = toArray(x);
  const ys = toArray(y);
  const m = xs.length;
  if (ys.length !== m || m < 2) {
    throw new ConfigError('x and y must have the same length >= 2', { where: 'fitParams', argument: 'y', expected: String(m), got: String(ys.length) });
  }
  const ym = ys.reduce((s, v) => s + v, 0) / m;
  const yc = ys.map((v) => v - ym);
  const syy = yc.reduce((s, v) => s + v * v, 0);
  let a = 0;
  let b = 0;
  let r2 = 0;
  for (let it = 0; it < iteration; it++) {
    const aGrid = linspace(aRange[0], aRange[1], gridNumber);
    const bGrid = linspace(bRange[0], bRange[1], gridNumber);
    const r = r2Grid(xs, yc, syy, f.scalar, aGrid, bGrid);
    let best = 0;
    for (let e = 1; e < r.length; e++) if (r[e] > r[best]) best = e;
    const aId = Math.floor(best / gridNumber);
    const bId = best % gridNumber;
    a = aGrid[aId];
    b = bGrid[bId];
    r2 = r[best];
    const last = gridNumber - 1;
    if (aId === 0 || aId === last || bId === 0 || bId === last) {
      if (aId === 0) aRange = [aGrid[0], aGrid[1]];
      if (aId === last) aRange = [aGrid[last - 1], aGrid[last]];
      if (bId === 0) bRange = [bGrid[0], bGrid[1]];
      if (bId === last) bRange = [bGrid[last - 1], bGrid[last]];
    } else {
      aRange = [aGrid[aId - 1], aGrid[aId + 1]];
      bRange = [bGrid[bId - 1], bGrid[bId + 1]];
    }
  }
  // linear least squares for (c, d) on p = f(a x + b)
  const p = xs.map((v) => {
    const q = f.scalar(a * v + b);
    return Number.isFinite(q) ? q : 0;
  });
  const pm = p.reduce((s, v) => s + v, 0) / m;
  let spp = 0;
  let spy = 0;
  for (let n = 0; n < m; n++) {
    spp += (p[n] - pm) ** 2;
    spy += (p[n] - pm) * yc[n];
  }
  const c = spp > 0 ? spy / spp : 0;
  return { params: [a, b, c, ym - c * pm], r2 };
}

/** The samples (x [M], y [M]) of edge i -> j of `layer` (see the file header); the caller owns them. */
export function edgeSamples(layer: KANLinear, i: number, j: number, options: EdgeSampleOptions = {}): { x: tf.Tensor1D; y: tf.Tensor1D } {
  if (!Number.isInteger(i) || i < 0 || i >= layer.inFeatures) {
    throw new ConfigError('edge input out of range', { where: 'edgeSamples', argument: 'i', expected: `0 <= i < ${layer.inFeatures}`, got: String(i) });
  }
  if (!Number.isInteger(j) || j < 0 || j >= layer.outFeatures) {
    throw new ConfigError('edge output out of range', { where: 'edgeSamples', argument: 'j', expected: `0 <= j < ${layer.outFeatures}`, got: String(j) });
  }
  const acts = layer.activations;
  return tf.tidy(() => {
    let x: tf.Tensor1D;
    let y: tf.Tensor1D;
    if (acts) {
      const n = acts.preacts.shape[0];
      x = tf.reshape(tf.slice(acts.preacts, [0, i], [-1, 1]), [n]) as tf.Tensor1D;
      y = tf.reshape(tf.slice(acts.postactsNumeric, [0, j, i], [-1, 1, 1]), [n]) as tf.Tensor1D;
      const maxSamples = options.maxSamples ?? 256;
      if (n > maxSamples) {
        const order = tf.topk(x, n).indices; // descending ranks
        const ranks = Int32Array.from({ length: maxSamples }, (_, r) => Math.round((r * (n - 1)) / (maxSamples - 1)));
        const idx = tf.gather(order, tf.tensor1d(ranks, 'int32'));
        x = tf.gather(x, idx);
        y = tf.gather(y, idx);
      }
    } else {
      const xs = gridRangeSamples(layer, options.samples ?? 101);
      const post = layer.edgeActivations(xs).postactsNumeric;
      const s = xs.shape[0];
      x = tf.reshape(tf.slice(xs, [0, i], [-1, 1]), [s]) as tf.Tensor1D;
      y = tf.reshape(tf.slice(post, [0, j, i], [-1, 1, 1]), [s]) as tf.Tensor1D;
    }
    return { x, y };
  });
}

/** pykan's suggest_symbolic: library functions ranked for edge i -> j of `layer` (best first). */
export function suggestSymbolic(layer: KANLinear, i: number, j: number, options: SuggestSymbolicOptions = {}): SymbolicCandidate[] {
  const lib = (options.lib ?? symbolicNames).map((n) => getSymbolic(n, 'suggestSymbolic'));
  const weightSimple = options.weightSimple ?? 0.8;
  const topk = options.topk ?? 5;
  const { x, y } = edgeSamples(layer, i, j, options);
  try {
    const out = lib.map((fn): SymbolicCandidate => {
      const { params, r2 } = fitParams(x, y, fn, options);
      const score = weightSimple * fn.complexity + (1 - weightSimple) * Math.log2(1 + 1e-5 - r2);
      return { name: fn.name, params, r2, complexity: fn.complexity, score };
    });
    return out.sort((p, q) => p.score - q.score).slice(0, topk);
  } finally {
    tf.dispose([x, y]);
  }
}

/** Options of {@link fixSymbolic}. */
export interface FixSymbolicOptions extends FitParamsOptions, EdgeSampleOptions {
  /** Fit (a, b, c, d) to the edge's samples (default true); else use `params`. */
  fit?: boolean;
  /** `[a, b, c, d]` when not fitting. Default [1, 0, 1, 0]. */
  params?: readonly [number, number, number, number];
}

/**
 * pykan's fix_symbolic: edge i -> j of `layer` becomes `c * f(a x + b) + d` (its numeric part
 * masked off). Returns the fit's R^2 (null when not fitting).
 */
export function fixSymbolic(layer: KANLinear, i: number, j: number, name: string, options: FixSymbolicOptions = {}): number | null {
  const fn = getSymbolic(name, 'fixSymbolic');
  let params: [number, number, number, number] = [...(options.params ?? [1, 0, 1, 0])] as [number, number, number, number];
  let r2: number | null = null;
  if (options.fit ?? true) {
    const { x, y } = edgeSamples(layer, i, j, options);
    try {
      ({ params, r2 } = fitParams(x, y, fn, options));
    } finally {
      tf.dispose([x, y]);
    }
  }
  layer.ensureSymbolic().fix(i, j, fn.name, params);
  return r2;
}

/** Makes edge i -> j of `layer` numeric again (pykan's unfix_symbolic). */
export function unfixSymbolic(layer: KANLinear, i: number, j: number): void {
  layer.symbolic?.unfix(i, j);
}

/** Options of {@link autoSymbolic}. */
export interface AutoSymbolicOptions extends Omit<SuggestSymbolicOptions, 'topk'> {
  /** Fix an edge only when its best candidate's R^2 reaches this (pykan's r2_threshold). Default 0. */
  rThreshold?: number;
}

/** What {@link autoSymbolic} did to one edge. */
export interface AutoSymbolicEdge {
  layer: number;
  i: number;
  j: number;
  name: string;
  r2: number;
  params: [number, number, number, number];
  /** False when R^2 was below `rThreshold` and the edge stayed numeric. */
  fixed: boolean;
}

/**
 * pykan's auto_symbolic: every numeric edge of every layer is fixed to its best library
 * function (when its R^2 reaches `rThreshold`); edges already symbolic are skipped.
 */
export function autoSymbolic(layers: readonly KANLinear[], options: AutoSymbolicOptions = {}): AutoSymbolicEdge[] {
  const rThreshold = options.rThreshold ?? 0;
  const report: AutoSymbolicEdge[] = [];
  layers.forEach((layer, l) => {
    for (let i = 0; i < layer.inFeatures; i++) {
      for (let j = 0; j < layer.outFeatures; j++) {
        if (layer.symbolic?.name(i, j)) continue;
        const [best] = suggestSymbolic(layer, i, j, { ...options, topk: 1 });
        const fixed = best.r2 >= rThreshold;
        if (fixed) layer.ensureSymbolic().fix(i, j, best.name, best.params);
        report.push({ layer: l, i, j, name: best.name, r2: best.r2, params: best.params, fixed });
      }
    }
  });
  return report;
}
