// Closed-form formula of a fully symbolic KAN (pykan's symbolic_formula): node j of layer l+1 is
//
//   h_j = sum_i ( c_ji * f_ji(a_ji * h_i + b_ji) + d_ji ),
//
// composed layer by layer from the inputs x_1..x_n. A tiny expression builder keeps every
// value in affine normal form (constant + sum of coefficient * atom, atoms being variables or
// library functions of affine forms), so affine maps fold into one another: 'x' edges and the
// a, b, c, d of every edge collapse, and equal atoms merge. Numbers are then rounded to
// `precision` decimal places (pykan's ex_round), terms rounded to 0 are dropped, and the same
// rounded expression is both printed and evaluated (with the library's singularity-protected
// functions), so `evaluate` computes exactly the printed formula.
import { ConfigError, checkNumber, checkOptions } from '@basiskit/tensor';
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
  terms: { coef: number; atom: SymbolicAtom }[];
}

/** Options of `KAN.symbolicFormula`. */
export interface SymbolicFormulaOptions {
  /** Decimal places numbers are rounded to. Default 4. */
  precision?: number;
  /** Names of the inputs. Default x_1, x_2, ... */
  variables?: readonly string[];
}

/** A KAN's formula: text per output, the expression trees, and an evaluator of exactly that text. */
export interface SymbolicFormula {
  /** One readable expression per output. */
  formulas: string[];
  /** The rounded expression trees behind `formulas`. */
  expressions: AffineExpr[];
  /** Evaluates the formulas on rows of inputs: rows [N][in] -> [N][out]. */
  evaluate(rows: readonly ArrayLike<number>[]): number[][];
}

const affine = (constant: number, terms: AffineExpr['terms'] = []): AffineExpr => ({ constant, terms });

function atomKey(atom: SymbolicAtom): string {
  return atom.kind === 'var' ? `v${atom.index}` : `${atom.fn}(${exprKey(atom.arg)})`;
}

function exprKey(e: AffineExpr): string {
  return `${e.constant.toPrecision(12)}|${e.terms.map((t) => `${t.coef.toPrecision(12)}*${atomKey(t.atom)}`).join('+')}`;
}

/** `s * e + shift`. */
function scaleShift(e: AffineExpr, s: number, shift: number): AffineExpr {
  return affine(e.constant * s + shift, s === 0 ? [] : e.terms.map((t) => ({ coef: t.coef * s, atom: t.atom })));
}

/** Sum of affine forms, merging equal atoms. */
function sum(parts: AffineExpr[]): AffineExpr {
  const merged = new Map<string, { coef: number; atom: SymbolicAtom }>();
  let constant = 0;
  for (const p of parts) {
    constant += p.constant;
    for (const t of p.terms) {
      const k = atomKey(t.atom);
      const prev = merged.get(k);
      if (prev) prev.coef += t.coef;
      else merged.set(k, { coef: t.coef, atom: t.atom });
    }
  }
  return affine(
    constant,
    [...merged.values()].filter((t) => t.coef !== 0),
  );
}

/** The edge value `c * f(a * u + b) + d` of an input form u. */
function edge(u: AffineExpr, name: string, [a, b, c, d]: readonly number[]): AffineExpr {
  const inner = scaleShift(u, a, b);
  if (name === 'x') return scaleShift(inner, c, d);
  if (name === '0') return affine(d);
  return affine(d, [{ coef: c, atom: { kind: 'call', fn: name, arg: inner } }]);
}

function roundTo(v: number, digits: number): number {
  const r = Number(v.toFixed(digits));
  return Object.is(r, -0) ? 0 : r;
}

/** Rounds every number to `digits` decimal places and drops terms that round to 0. */
function roundExpr(e: AffineExpr, digits: number): AffineExpr {
  const terms = e.terms
    .map((t) => ({ coef: roundTo(t.coef, digits), atom: t.atom.kind === 'var' ? t.atom : { ...t.atom, arg: roundExpr(t.atom.arg, digits) } }))
    .filter((t) => t.coef !== 0);
  return sum([affine(roundTo(e.constant, digits), terms)]);
}

function formatNumber(v: number): string {
  return String(v);
}

/** Text of an affine form; `atomic` tells whether it needs no parentheses as an argument. */
function format(e: AffineExpr, names: readonly string[]): { text: string; atomic: boolean } {
  const pieces: string[] = [];
  for (const t of e.terms) {
    const body = formatAtom(t.atom, names);
    const mag = Math.abs(t.coef);
    const piece = mag === 1 ? body : `${formatNumber(mag)}*${body}`;
    pieces.push(pieces.length === 0 ? (t.coef < 0 ? `-${piece}` : piece) : `${t.coef < 0 ? ' - ' : ' + '}${piece}`);
  }
  if (e.constant !== 0 || pieces.length === 0) {
    const c = formatNumber(Math.abs(e.constant));
    pieces.push(pieces.length === 0 ? (e.constant < 0 ? `-${c}` : c) : `${e.constant < 0 ? ' - ' : ' + '}${c}`);
  }
  const atomic = e.terms.length === 0 ? e.constant >= 0 : e.terms.length === 1 && e.constant === 0 && e.terms[0].coef === 1 && e.terms[0].atom.kind === 'var';
  return { text: pieces.join(''), atomic };
}

function formatAtom(atom: SymbolicAtom, names: readonly string[]): string {
  if (atom.kind === 'var') return names[atom.index];
  const { text, atomic } = format(atom.arg, names);
  return getSymbolic(atom.fn).format(text, atomic);
}

/** Compiles an affine form to a function of one input row. */
function compile(e: AffineExpr): (row: ArrayLike<number>) => number {
  const parts = e.terms.map((t) => {
    const coef = t.coef;
    if (t.atom.kind === 'var') {
      const idx = t.atom.index;
      return (row: ArrayLike<number>) => coef * row[idx];
    }
    const fn = getSymbolic(t.atom.fn).scalar;
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
  const o = checkOptions(options, { where, known: ['precision', 'variables'] });
  const precision = checkNumber(o.precision ?? 4, { where, argument: 'precision', integer: true, min: 0, max: 15 });
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
  const expressions = nodes.map((e) => roundExpr(e, precision));
  const compiled = expressions.map(compile);
  return {
    formulas: expressions.map((e) => format(e, names).text),
    expressions,
    evaluate: (rows) => rows.map((row) => compiled.map((f) => f(row))),
  };
}
