// Closed-form formula of a fully symbolic KAN (pykan's symbolic_formula): node j of layer l+1 is
//
//   h_j = sum_i ( c_ji * f_ji(a_ji * h_i + b_ji) + d_ji ),
//
// composed layer by layer from the inputs x_1..x_n. A tiny expression builder keeps every
// value in affine normal form (constant + sum of coefficient * atom, atoms being variables or
// library functions of affine forms), so affine maps fold into one another: 'x' edges and the
// a, b, c, d of every edge collapse, and equal atoms merge. The form is then simplified as a
// person writes it (formula_simplify.ts: constants folded out of exp, log and powers, odd/even
// symmetry, sin/cos phases), optionally refitted in float64 on data (`fit`) and snapped to simple
// constants where held-out data allows (`snap`), and its numbers are rounded to `digits`
// significant digits. The same rounded expression is printed (plain text and LaTeX), compiled
// and evaluated (with the library's singularity-protected functions, exp unclamped), so `evaluate` and
// `functions` compute exactly the printed formula.
import { ConfigError, checkNumber, checkOptions, tf } from '@basiskit/tensor';
import {
  formulaScalar,
  refitExpr,
  relativeError,
  roundExprSig,
  scaleShift,
  simplifyExpr,
  snapExpr,
  sumExprs,
  wrapPhases,
  type FormulaData,
  type NamedConstant,
} from './formula_simplify';
import { getSymbolic } from './symbolic_library';

/** What the formula reads of a layer: its sizes and each edge's function and affine parameters. */
export interface SymbolicLayerView {
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly symbolic: { name(i: number, j: number): string | null; params(i: number, j: number): readonly number[] } | null;
}

/** An atom: an input variable or a library function of an affine form. */
export type SymbolicAtom = { kind: 'var'; index: number } | { kind: 'call'; fn: string; arg: AffineExpr };

/** `constant + sum_t coef_t * atom_t`. */
export interface AffineExpr {
  constant: number;
  /** Set when the constant was snapped to a named value (pi, e, ...). */
  constantName?: NamedConstant;
  terms: { coef: number; atom: SymbolicAtom; coefName?: NamedConstant }[];
}

/** Inputs and targets: rows [N][in] (or a tensor [N, in]) and targets [N][out] (or a tensor [N, out]). */
export interface SymbolicFormulaData {
  x: readonly ArrayLike<number>[] | tf.Tensor;
  y: readonly ArrayLike<number>[] | tf.Tensor;
}

/** Options of `KAN.symbolicFormula`. */
export interface SymbolicFormulaOptions {
  /** Significant digits numbers are rounded to. Default 4. */
  digits?: number;
  /** Names of the inputs (e.g. `['x', 'y']`). Default x_1, x_2, ... */
  variables?: readonly string[];
  /** Simplify as a person writes it (see formula_simplify.ts). Default true. */
  simplify?: boolean;
  /** Refit every constant of the simplified formula to these data in float64 (Levenberg-Marquardt). Default: none. */
  fit?: SymbolicFormulaData;
  /**
   * Held-out data for snapping constants to simple values (0, integers, halves, quarters,
   * k*pi/q, e): a snap is kept when the relative RMSE on these data grows by at most 10% (the
   * other constants refitted on `fit` when given), and not at all when the formula's relative
   * RMSE on them exceeds 5% (a formula that does not fit should not look like a law). Default: no snapping.
   */
  snap?: SymbolicFormulaData;
}

/** A KAN's formula: text per output, the expression trees, and an evaluator of exactly that text. */
export interface SymbolicFormula {
  /** One readable expression per output (plain text). */
  formulas: string[];
  /** The same expressions in LaTeX. */
  latex: string[];
  /** Each output's formula compiled to a JS function of the inputs, in order. */
  functions: ((...inputs: number[]) => number)[];
  /** The rounded expression trees behind `formulas`. */
  expressions: AffineExpr[];
  /** Evaluates the formulas on rows of inputs: rows [N][in] -> [N][out]. */
  evaluate(rows: readonly ArrayLike<number>[]): number[][];
}

const affine = (constant: number, terms: AffineExpr['terms'] = []): AffineExpr => ({ constant, terms });
const sum = sumExprs;

/** The edge value `c * f(a * u + b) + d` of an input form u. */
function edge(u: AffineExpr, name: string, [a, b, c, d]: readonly number[]): AffineExpr {
  const inner = scaleShift(u, a, b);
  if (name === 'x') return scaleShift(inner, c, d);
  if (name === '0') return affine(d);
  return affine(d, [{ coef: c, atom: { kind: 'call', fn: name, arg: inner } }]);
}

type Style = 'text' | 'latex';

function formatNumber(v: number, style: Style): string {
  const t = String(v);
  if (style === 'text' || !t.includes('e')) return t;
  const [m, x] = t.split('e');
  return `${m} \\cdot 10^{${Number(x)}}`;
}

const latexParen = (a: string, atomic: boolean) => (atomic ? a : `\\left(${a}\\right)`);
const latexCall = (op: string) => (a: string) => `${op}\\left(${a}\\right)`;

/** LaTeX of each library function applied to an argument (pykan's sympy names). */
const LATEX: Record<string, (arg: string, atomic: boolean) => string> = {
  'x^2': (a, at) => `${latexParen(a, at)}^{2}`,
  'x^3': (a, at) => `${latexParen(a, at)}^{3}`,
  'x^4': (a, at) => `${latexParen(a, at)}^{4}`,
  'x^5': (a, at) => `${latexParen(a, at)}^{5}`,
  '1/x': (a) => `\\frac{1}{${a}}`,
  '1/x^2': (a, at) => `\\frac{1}{${latexParen(a, at)}^{2}}`,
  '1/x^3': (a, at) => `\\frac{1}{${latexParen(a, at)}^{3}}`,
  '1/x^4': (a, at) => `\\frac{1}{${latexParen(a, at)}^{4}}`,
  '1/x^5': (a, at) => `\\frac{1}{${latexParen(a, at)}^{5}}`,
  sqrt: (a) => `\\sqrt{${a}}`,
  'x^0.5': (a) => `\\sqrt{${a}}`,
  'x^1.5': (a) => `\\left|${a}\\right|^{1.5}`,
  '1/sqrt(x)': (a) => `\\frac{1}{\\sqrt{${a}}}`,
  '1/x^0.5': (a) => `\\frac{1}{\\sqrt{${a}}}`,
  exp: (a) => `e^{${a}}`,
  log: latexCall('\\log'),
  abs: (a) => `\\left|${a}\\right|`,
  sin: latexCall('\\sin'),
  cos: latexCall('\\cos'),
  tan: latexCall('\\tan'),
  tanh: latexCall('\\tanh'),
  sgn: latexCall('\\operatorname{sgn}'),
  arcsin: latexCall('\\arcsin'),
  arccos: latexCall('\\arccos'),
  arctan: latexCall('\\arctan'),
  arctanh: latexCall('\\operatorname{artanh}'),
  '0': () => '0',
  gaussian: (a, at) => `e^{-${latexParen(a, at)}^{2}}`,
  cosh: latexCall('\\cosh'),
  sigmoid: (a) => `\\frac{1}{1 + e^{-\\left(${a}\\right)}}`,
  J0: latexCall('J_0'),
};

/** A variable name in LaTeX: `x_12` -> `x_{12}`. */
const latexName = (n: string) => n.replace(/^([A-Za-z]+)_(\w+)$/, '$1_{$2}');

/** Text of an affine form; `atomic` tells whether it needs no parentheses as an argument. */
function format(e: AffineExpr, names: readonly string[], style: Style): { text: string; atomic: boolean } {
  const pieces: string[] = [];
  const mul = style === 'text' ? '*' : ' ';
  for (const t of e.terms) {
    const body = formatAtom(t.atom, names, style);
    const mag = Math.abs(t.coef);
    let coef = mag === 1 ? '' : formatNumber(mag, style);
    let negative = t.coef < 0;
    if (t.coefName) {
      const named = style === 'text' ? t.coefName.text : t.coefName.latex;
      negative = named.startsWith('-');
      coef = negative ? named.slice(1) : named;
    }
    // c * 1/(u) prints as c/(u) in plain text
    const piece = coef === '' ? body : style === 'text' && body.startsWith('1/') ? `${coef}/${body.slice(2)}` : `${coef}${mul}${body}`;
    pieces.push(pieces.length === 0 ? (negative ? `-${piece}` : piece) : `${negative ? ' - ' : ' + '}${piece}`);
  }
  if (e.constant !== 0 || pieces.length === 0) {
    let c = formatNumber(Math.abs(e.constant), style);
    let negative = e.constant < 0;
    if (e.constantName) {
      const named = style === 'text' ? e.constantName.text : e.constantName.latex;
      negative = named.startsWith('-');
      c = negative ? named.slice(1) : named;
    }
    pieces.push(pieces.length === 0 ? (negative ? `-${c}` : c) : `${negative ? ' - ' : ' + '}${c}`);
  }
  const atomic =
    e.terms.length === 0
      ? e.constant >= 0 && !e.constantName
      : e.terms.length === 1 && e.constant === 0 && e.terms[0].coef === 1 && !e.terms[0].coefName && e.terms[0].atom.kind === 'var';
  return { text: pieces.join(''), atomic };
}

function formatAtom(atom: SymbolicAtom, names: readonly string[], style: Style): string {
  if (atom.kind === 'var') return style === 'text' ? names[atom.index] : latexName(names[atom.index]);
  const { text, atomic } = format(atom.arg, names, style);
  if (style === 'latex') return (LATEX[atom.fn] ?? latexCall(`\\operatorname{${atom.fn}}`))(text, atomic);
  return getSymbolic(atom.fn).format(text, atomic);
}

/** Rows [N][k] of data given as arrays or a 2-D tensor. */
function rowsOf(v: readonly ArrayLike<number>[] | tf.Tensor, where: string, argument: string, width: number): number[][] {
  const rows = v instanceof tf.Tensor ? (v.arraySync() as number[][]) : v.map((r) => Array.from(r));
  if (!Array.isArray(rows) || rows.length === 0 || rows.some((r) => !Array.isArray(r) || r.length !== width)) {
    throw new ConfigError('wrong data shape', {
      where,
      argument,
      expected: `[N, ${width}] with N >= 1`,
      got: Array.isArray(rows) ? `${rows.length} rows` : typeof rows,
    });
  }
  return rows;
}

/** Data of one output for refitting or snapping. */
function dataOf(d: SymbolicFormulaData | undefined, where: string, argument: string, nIn: number, nOut: number): FormulaData[] | undefined {
  if (d === undefined) return undefined;
  const rows = rowsOf(d.x, where, `${argument}.x`, nIn);
  const ys = rowsOf(d.y, where, `${argument}.y`, nOut);
  if (ys.length !== rows.length) {
    throw new ConfigError('x and y differ in length', { where, argument: `${argument}.y`, expected: `${rows.length} rows`, got: `${ys.length} rows` });
  }
  return Array.from({ length: nOut }, (_, j) => ({ rows, targets: ys.map((r) => r[j]) }));
}

/** Compiles an affine form to a function of one input row. */
function compile(e: AffineExpr): (row: ArrayLike<number>) => number {
  const parts = e.terms.map((t) => {
    const coef = t.coef;
    if (t.atom.kind === 'var') {
      const idx = t.atom.index;
      return (row: ArrayLike<number>) => coef * row[idx];
    }
    const fn = formulaScalar(t.atom.fn);
    const arg = compile(t.atom.arg);
    return (row: ArrayLike<number>) => coef * fn(arg(row));
  });
  const c = e.constant;
  return (row) => {
    let s = c;
    for (const p of parts) s += p(row);
    return s;
  };
}

/**
 * The closed-form formula of layers whose every edge is symbolic (after autoSymbolic or
 * fixSymbolic on each edge), for `KAN.symbolicFormula`; see the file header. Throws a
 * ConfigError naming `where` and the first numeric edge otherwise.
 */
export function buildFormula(layers: readonly SymbolicLayerView[], options: SymbolicFormulaOptions | undefined, where: string): SymbolicFormula {
  const o = checkOptions(options, { where, known: ['digits', 'variables', 'simplify', 'fit', 'snap'] });
  const digits = checkNumber(o.digits ?? 4, { where, argument: 'digits', integer: true, min: 1, max: 17 });
  const nIn = layers[0].inFeatures;
  const names = o.variables ?? Array.from({ length: nIn }, (_, i) => `x_${i + 1}`);
  if (!Array.isArray(names) || names.length !== nIn || names.some((n) => typeof n !== 'string')) {
    throw new ConfigError('wrong variable names', {
      where,
      argument: 'variables',
      expected: `${nIn} strings`,
      got: Array.isArray(names) ? `${names.length} names` : typeof names,
    });
  }
  let nodes: AffineExpr[] = Array.from({ length: nIn }, (_, i) => affine(0, [{ coef: 1, atom: { kind: 'var', index: i } }]));
  layers.forEach((layer, l) => {
    const next: AffineExpr[] = [];
    for (let j = 0; j < layer.outFeatures; j++) {
      const parts: AffineExpr[] = [];
      for (let i = 0; i < layer.inFeatures; i++) {
        const name = layer.symbolic?.name(i, j) ?? null;
        if (name === null) {
          throw new ConfigError('edge is not symbolic', {
            where,
            argument: `layers.${l} edge ${i} -> ${j}`,
            expected: 'every edge fixed symbolic (autoSymbolic or fixSymbolic)',
            got: 'a numeric edge',
          });
        }
        parts.push(edge(nodes[i], name, layer.symbolic!.params(i, j)));
      }
      next.push(sum(parts));
    }
    nodes = next;
  });
  const nOut = nodes.length;
  const fit = dataOf(o.fit, where, 'fit', nIn, nOut);
  const snap = dataOf(o.snap, where, 'snap', nIn, nOut);
  const expressions = nodes.map((node, j) => {
    let e = o.simplify === false ? node : simplifyExpr(node);
    if (fit) {
      const before = structuredClone(e);
      refitExpr(e, fit[j]);
      // keep the refit only when it does not hurt on the held-out data
      if (snap && relativeError(e, snap[j]) > relativeError(before, snap[j])) e = before;
      // the refit moves constants freely: fold and normalize them again (phases, signs, exp shifts)
      if (o.simplify !== false) e = simplifyExpr(e);
    }
    if (snap) snapExpr(e, snap[j], fit?.[j]);
    return roundExprSig(o.simplify === false ? e : wrapPhases(e), digits);
  });
  const compiled = expressions.map(compile);
  return {
    formulas: expressions.map((e) => format(e, names, 'text').text),
    latex: expressions.map((e) => format(e, names, 'latex').text),
    functions: compiled.map(
      (f) =>
        (...inputs: number[]) =>
          f(inputs),
    ),
    expressions,
    evaluate: (rows) => rows.map((row) => compiled.map((f) => f(row))),
  };
}
