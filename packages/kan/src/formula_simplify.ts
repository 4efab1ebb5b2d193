// Simplification of a KAN's closed-form formula (the affine normal form of symbolic_formula.ts:
// constant + sum of coef * atom, atoms being variables or library functions of affine forms), as
// a person writes it. A domain-specific rewriter, not a general CAS: the expressions are closed
// under a small set of rules (mathjs' simplify was measured as an alternative: 21 MB installed,
// ~100 ms per call, and it neither folds c*exp(u + d) nor keeps decimals without custom rules).
//
//   c * exp(u + d)         -> (c e^d) * exp(u)
//   c * f(k u + b)         -> c |k|^p * f(u + b/k)       f homogeneous of degree p (x^n, 1/x^n, sqrt, abs)
//   c * log(k u + b)       -> c log|k| + c * log(u + b/k)  (pykan's log is log|x|, even)
//   c * f(-u)              -> -c * f(u) (f odd), c * f(u) (f even)
//   sin / cos (u + b)      -> the one of +-sin, +-cos with the smallest |phase| (b wrapped to (-pi, pi])
//   f(constant)            -> its value; equal atoms merge; constants sum
//
// Then, with data, a float64 Levenberg-Marquardt refit of every remaining constant (`refit`), and
// snapping (`snap`): each constant is tried at nearby simple values (0, integers, halves and
// quarters, k*pi/q, e), the other constants refitted, and the snap kept only when the error on
// the check data grows by at most 10%. Last, numbers are rounded to significant digits.
import type { AffineExpr, SymbolicAtom } from './symbolic_formula';
import { getSymbolic } from './symbolic_library';

/** A constant known by name (pi, e, ...): printed as `text` / `latex`, never rounded. */
export interface NamedConstant {
  text: string;
  latex: string;
}

const ODD = new Set(['x^3', 'x^5', '1/x', '1/x^3', '1/x^5', 'sqrt', 'x^0.5', 'sin', 'tan', 'tanh', 'sgn', 'arcsin', 'arctan', 'arctanh']);
const EVEN = new Set(['log', 'x^2', 'x^4', '1/x^2', '1/x^4', 'abs', 'cos', 'cosh', 'gaussian', 'x^1.5', '1/sqrt(x)', '1/x^0.5', 'J0']);
const DEGREE: Record<string, number> = {
  'x^2': 2,
  'x^3': 3,
  'x^4': 4,
  'x^5': 5,
  '1/x': -1,
  '1/x^2': -2,
  '1/x^3': -3,
  '1/x^4': -4,
  '1/x^5': -5,
  sqrt: 0.5,
  'x^0.5': 0.5,
  'x^1.5': 1.5,
  '1/sqrt(x)': -0.5,
  '1/x^0.5': -0.5,
  abs: 1,
  sgn: 0,
};

type Term = AffineExpr['terms'][number];

const affine = (constant: number, terms: Term[] = []): AffineExpr => ({ constant, terms });

function atomKey(atom: SymbolicAtom): string {
  return atom.kind === 'var' ? `v${atom.index}` : `${atom.fn}(${exprKey(atom.arg)})`;
}

/** A key identifying an expression up to rounding of its numbers at 12 digits. */
export function exprKey(e: AffineExpr): string {
  return `${e.constant.toPrecision(12)}|${e.terms.map((t) => `${t.coef.toPrecision(12)}*${atomKey(t.atom)}`).join('+')}`;
}

/** Sum of affine forms, merging equal atoms and dropping zero terms. */
export function sumExprs(parts: AffineExpr[]): AffineExpr {
  const merged = new Map<string, Term>();
  let constant = 0;
  let constantName: NamedConstant | undefined;
  for (const p of parts) {
    constant += p.constant;
    if (p.constantName && parts.length === 1) constantName = p.constantName;
    for (const t of p.terms) {
      const k = atomKey(t.atom);
      const prev = merged.get(k);
      if (prev) {
        prev.coef += t.coef;
        delete prev.coefName;
      } else merged.set(k, { ...t });
    }
  }
  const out = affine(
    constant,
    [...merged.values()].filter((t) => t.coef !== 0),
  );
  if (constantName && constant !== 0) out.constantName = constantName;
  return out;
}

/** `s * e + shift`. */
export function scaleShift(e: AffineExpr, s: number, shift: number): AffineExpr {
  return affine(e.constant * s + shift, s === 0 ? [] : e.terms.map((t) => ({ coef: t.coef * s, atom: t.atom })));
}

const wrapPhase = (b: number) => {
  const w = b - 2 * Math.PI * Math.round(b / (2 * Math.PI));
  return Math.abs(w) < 1e-12 ? 0 : w;
};

/** `coef * fn(arg)` rewritten by the rules of the file header (arg already simplified). */
function simplifyCall(fn: string, arg: AffineExpr, coef: number): AffineExpr {
  if (arg.terms.length === 0) return affine(coef * getSymbolic(fn).scalar(arg.constant));
  let c = coef;
  let u = arg;
  if (u.terms[0].coef < 0 && (ODD.has(fn) || EVEN.has(fn) || fn in DEGREE)) {
    if (ODD.has(fn) || EVEN.has(fn)) {
      u = scaleShift(u, -1, 0);
      if (ODD.has(fn)) c = -c;
    }
  }
  if (fn === 'exp' && u.constant !== 0) {
    c *= Math.exp(u.constant);
    u = affine(0, u.terms);
  }
  const k = u.terms[0].coef;
  /** u / k with its leading coefficient exactly 1. */
  const unit = () => {
    const w = scaleShift(u, 1 / k, 0);
    w.terms[0].coef = 1;
    return w;
  };
  if (fn in DEGREE && k > 0 && k !== 1) {
    c *= k ** DEGREE[fn];
    u = unit();
  }
  if (fn === 'log' && k > 0 && k !== 1) {
    return affine(c * Math.log(k), [{ coef: c, atom: { kind: 'call', fn, arg: unit() } }]);
  }
  if (fn === 'sin' || fn === 'cos') {
    const b = wrapPhase(u.constant);
    const shifts: [string, number, number][] =
      fn === 'sin'
        ? [
            ['sin', 0, 1],
            ['cos', -Math.PI / 2, 1],
            ['sin', -Math.PI, -1],
            ['cos', Math.PI / 2, -1],
          ]
        : [
            ['cos', 0, 1],
            ['sin', Math.PI / 2, 1],
            ['cos', -Math.PI, -1],
            ['sin', -Math.PI / 2, -1],
          ];
    let best = shifts[0];
    for (const s of shifts) if (Math.abs(wrapPhase(b + s[1])) < Math.abs(wrapPhase(b + best[1])) - 1e-9) best = s;
    return affine(0, [{ coef: c * best[2], atom: { kind: 'call', fn: best[0], arg: affine(wrapPhase(b + best[1]), u.terms) } }]);
  }
  return affine(0, [{ coef: c, atom: { kind: 'call', fn, arg: u } }]);
}

/** The expression rewritten by the rules of the file header, bottom up. */
export function simplifyExpr(e: AffineExpr): AffineExpr {
  const parts = e.terms.map((t) => (t.atom.kind === 'var' ? affine(0, [t]) : simplifyCall(t.atom.fn, simplifyExpr(t.atom.arg), t.coef)));
  return sumExprs([affine(e.constant), ...parts]);
}

/** A mutable number of an expression: a term's coefficient or a form's constant. */
interface Slot {
  get(): number;
  set(v: number): void;
  name(n: NamedConstant): void;
  /** True for a form's constant (a shift), false for a coefficient. */
  shift: boolean;
}

/**
 * Every free number of the tree (coefficients and nonzero constants), outer first. Unit
 * coefficients are left out: simplification normalized them (the scale of a power's argument
 * moved to its coefficient), and refitting both would only trade one for the other.
 */
function slotsOf(e: AffineExpr, out: Slot[] = []): Slot[] {
  for (const t of e.terms) {
    if (Math.abs(t.coef) !== 1) out.push({ get: () => t.coef, set: (v) => (t.coef = v), name: (n) => (t.coefName = n), shift: false });
    if (t.atom.kind === 'call') slotsOf(t.atom.arg, out);
  }
  if (e.constant !== 0) out.push({ get: () => e.constant, set: (v) => (e.constant = v), name: (n) => (e.constantName = n), shift: true });
  return out;
}

/**
 * The scalar function a printed formula means: the library's protected form, but exp unclamped
 * (folding c*exp(u + d) into (c e^d) exp(u) moves pykan's clamp at exp(u + d) = 1000).
 */
export function formulaScalar(fn: string): (v: number) => number {
  return fn === 'exp' ? Math.exp : getSymbolic(fn).scalar;
}

/** Value of an expression on one input row (see {@link formulaScalar}). */
export function evalExpr(e: AffineExpr, row: ArrayLike<number>): number {
  let s = e.constant;
  for (const t of e.terms) s += t.coef * (t.atom.kind === 'var' ? row[t.atom.index] : formulaScalar(t.atom.fn)(evalExpr(t.atom.arg, row)));
  return s;
}

/** Rows and targets (one output) the formula is refitted or checked on. */
export interface FormulaData {
  rows: readonly ArrayLike<number>[];
  targets: readonly number[];
}

/** Relative RMSE of `e` on the data (Infinity when not finite). */
export function relativeError(e: AffineExpr, d: FormulaData): number {
  let se = 0;
  let sy = 0;
  d.rows.forEach((r, n) => {
    se += (evalExpr(e, r) - d.targets[n]) ** 2;
    sy += d.targets[n] ** 2;
  });
  const v = Math.sqrt(se / Math.max(sy, 1e-300));
  return Number.isFinite(v) ? v : Infinity;
}

/** Solves the small dense system A x = b (Gaussian elimination with partial pivoting); null when singular. */
function solve(a: number[][], b: number[]): number[] | null {
  const n = b.length;
  const m = a.map((r, i) => [...r, b[i]]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r][c]) > Math.abs(m[p][c])) p = r;
    if (!(Math.abs(m[p][c]) > 1e-300)) return null;
    [m[c], m[p]] = [m[p], m[c]];
    for (let r = c + 1; r < n; r++) {
      const f = m[r][c] / m[c][c];
      for (let k = c; k <= n; k++) m[r][k] -= f * m[c][k];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let v = m[r][n];
    for (let k = r + 1; k < n; k++) v -= m[r][k] * x[k];
    x[r] = v / m[r][r];
  }
  return x;
}

/**
 * Float64 Levenberg-Marquardt on the free slots of `e` (in place) against the data: least squares
 * of the residuals, forward-difference Jacobian. Keeps the start when nothing improves.
 */
function levenbergMarquardt(e: AffineExpr, free: Slot[], d: FormulaData, iterations = 60): void {
  const p = free.length;
  if (p === 0) return;
  const residuals = (): number[] => d.rows.map((r, n) => evalExpr(e, r) - d.targets[n]);
  const costOf = (r: number[]) => {
    const c = r.reduce((s, v) => s + v * v, 0);
    return Number.isFinite(c) ? c : Infinity;
  };
  let theta = free.map((s) => s.get());
  const put = (t: number[]) => free.forEach((s, k) => s.set(t[k]));
  let r = residuals();
  let cost = costOf(r);
  let lambda = 1e-3;
  for (let it = 0; it < iterations && cost > 0; it++) {
    const jac: number[][] = [];
    for (let k = 0; k < p; k++) {
      const h = 1e-7 * Math.max(1, Math.abs(theta[k]));
      const t = theta.slice();
      t[k] += h;
      put(t);
      const rk = residuals();
      jac.push(rk.map((v, n) => (v - r[n]) / h));
    }
    put(theta);
    const jtj = jac.map((a) => jac.map((b) => a.reduce((s, v, n) => s + v * b[n], 0)));
    const jtr = jac.map((a) => a.reduce((s, v, n) => s + v * r[n], 0));
    let improved = false;
    while (lambda < 1e10) {
      const a = jtj.map((row, i) => row.map((v, k) => (i === k ? v * (1 + lambda) + 1e-12 : v)));
      const step = solve(
        a,
        jtr.map((v) => -v),
      );
      if (step) {
        const t = theta.map((v, k) => v + step[k]);
        put(t);
        const rt = residuals();
        const ct = costOf(rt);
        if (ct < cost) {
          const rel = (cost - ct) / cost;
          theta = t;
          r = rt;
          cost = ct;
          lambda = Math.max(lambda / 3, 1e-12);
          improved = rel > 1e-12;
          break;
        }
      }
      lambda *= 4;
    }
    put(theta);
    if (!improved) break;
  }
}

/** Refits every constant of `e` (in place) to the data in float64 (see the file header). */
export function refitExpr(e: AffineExpr, fit: FormulaData): void {
  levenbergMarquardt(e, slotsOf(e), fit);
}

/** Simple values near v, simplest first: [value, name or undefined]. */
function snapCandidates(v: number, shift: boolean): [number, NamedConstant | undefined][] {
  const out: [number, NamedConstant | undefined][] = [[0, undefined]];
  const near = (s: number) => Math.abs(s - v) <= 0.05 * Math.abs(v) + (shift ? 0.02 : 0);
  for (const q of [1, 2, 4]) {
    const s = Math.round(v * q) / q;
    if (s !== 0 && near(s)) out.push([s, undefined]);
  }
  for (const q of [1, 2, 3, 4]) {
    const k = Math.round((v * q) / Math.PI);
    if (k === 0 || Math.abs(k) > 4) continue;
    const s = (k * Math.PI) / q;
    if (!near(s)) continue;
    const num = Math.abs(k) === 1 ? 'pi' : `${Math.abs(k)}*pi`;
    const numTex = Math.abs(k) === 1 ? '\\pi' : `${Math.abs(k)}\\pi`;
    const sign = k < 0 ? '-' : '';
    out.push([s, { text: q === 1 ? `${sign}${num}` : `${sign}${num}/${q}`, latex: q === 1 ? `${sign}${numTex}` : `${sign}\\frac{${numTex}}{${q}}` }]);
  }
  for (const s of [Math.E, -Math.E]) if (near(s)) out.push([s, { text: s > 0 ? 'e' : '-e', latex: s > 0 ? 'e' : '-e' }]);
  return out;
}

/**
 * Snaps the constants of `e` (in place) to simple values, one at a time, refitting the others on
 * `fit` when given, and keeps a snap only when the relative error on `check` grows by at most
 * `tolerance` (0.1: 10%) over the unsnapped formula's. A formula whose relative error on `check`
 * exceeds `maxError` (default 0.05) is left as it is: it is not the law of the data, and simple
 * constants (a 10% growth of a large error allows many) would make it look like one. Returns the
 * final error on `check`.
 */
export function snapExpr(e: AffineExpr, check: FormulaData, fit: FormulaData | undefined, tolerance = 0.1, maxError = 0.05): number {
  const base = relativeError(e, check);
  if (!(base <= maxError)) return base;
  const limit = base * (1 + tolerance);
  const frozen = new Set<number>();
  const slots = slotsOf(e);
  let err = base;
  slots.forEach((slot, idx) => {
    const start = slot.get();
    const saved = slots.map((s) => s.get());
    for (const [value, name] of snapCandidates(start, slot.shift)) {
      slot.set(value);
      if (fit)
        levenbergMarquardt(
          e,
          slots.filter((_, k) => k !== idx && !frozen.has(k)),
          fit,
          30,
        );
      const ek = relativeError(e, check);
      if (ek <= limit) {
        frozen.add(idx);
        if (name) slot.name(name);
        err = ek;
        return;
      }
      slots.forEach((s, k) => s.set(saved[k]));
    }
  });
  return err;
}

/**
 * Wraps the phase of every sin / cos argument (in place) into (-pi, pi] (refitting and snapping
 * move phases freely, e.g. to `cos(3 x + 171)`); named phases are kept. Exact: the period is 2 pi.
 */
export function wrapPhases(e: AffineExpr): AffineExpr {
  for (const t of e.terms) {
    if (t.atom.kind !== 'call') continue;
    wrapPhases(t.atom.arg);
    const arg = t.atom.arg;
    if ((t.atom.fn === 'sin' || t.atom.fn === 'cos') && !arg.constantName && arg.terms.length > 0) arg.constant = wrapPhase(arg.constant);
  }
  return e;
}

/** Rounds every unnamed number to `digits` significant digits and drops terms that become 0. */
export function roundExprSig(e: AffineExpr, digits: number): AffineExpr {
  const r = (v: number) => {
    const x = Number(v.toPrecision(digits));
    return Object.is(x, -0) ? 0 : x;
  };
  const terms = e.terms
    .map((t) => ({
      ...t,
      coef: t.coefName ? t.coef : r(t.coef),
      atom: t.atom.kind === 'var' ? t.atom : { ...t.atom, arg: roundExprSig(t.atom.arg, digits) },
    }))
    .filter((t) => t.coef !== 0);
  const out = affine(e.constantName ? e.constant : r(e.constant), terms);
  if (e.constantName) out.constantName = e.constantName;
  return out;
}
