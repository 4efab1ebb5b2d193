import { createRng, initBackend, tf } from '@basiskit/tensor';
import { describe, expect, it } from 'vitest';
import { evalExpr, exprKey, relativeError, roundExprSig, simplifyExpr, snapExpr, refitExpr, wrapPhases } from './formula_simplify';
import { KAN } from './kan';
import type { AffineExpr, SymbolicAtom } from './symbolic_formula';

const v = (index: number): SymbolicAtom => ({ kind: 'var', index });
const call = (fn: string, arg: AffineExpr): SymbolicAtom => ({ kind: 'call', fn, arg });
const form = (constant: number, terms: [number, SymbolicAtom][]): AffineExpr => ({ constant, terms: terms.map(([coef, atom]) => ({ coef, atom })) });

/** The raw formula: 0.007*exp(-1.0022*sin(-3.143*x_1 + 0.0008) + 0.01*(-10*x_2)^2 + 4.9562). */
const raw = () =>
  form(0, [
    [
      0.007,
      call(
        'exp',
        form(4.9562, [
          [-1.0022, call('sin', form(0.0008, [[-3.143, v(0)]]))],
          [0.01, call('x^2', form(0, [[-10, v(1)]]))],
        ]),
      ),
    ],
  ]);

const rows = (n: number, seed: number) => {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => [rng.uniform() * 2 - 1, rng.uniform() * 2 - 1]);
};
const target = (r: number[]) => Math.exp(Math.sin(Math.PI * r[0]) + r[1] * r[1]);

describe('formula simplification', () => {
  it('folds constants out of exp and powers, uses odd/even symmetry, and computes the same function', () => {
    const e = raw();
    const s = simplifyExpr(raw());
    // c*exp(u + d) -> (c e^d) exp(u); -1.0022*sin(-3.143 x + 0.0008) -> 1.0022*sin(3.143 x - 0.0008); 0.01*(-10 x)^2 -> x^2
    expect(s.constant).toBe(0);
    expect(s.terms).toHaveLength(1);
    expect(s.terms[0].coef).toBeCloseTo(0.007 * Math.exp(4.9562), 12);
    const inner = (s.terms[0].atom as { arg: AffineExpr }).arg;
    expect(inner.constant).toBe(0);
    expect(inner.terms[0].coef).toBeCloseTo(1.0022, 12);
    expect(inner.terms[1].coef).toBeCloseTo(1, 12);
    expect((inner.terms[1].atom as { arg: AffineExpr }).arg.terms[0].coef).toBeCloseTo(1, 12);
    const sinArg = (inner.terms[0].atom as { arg: AffineExpr }).arg;
    expect(sinArg.terms[0].coef).toBeCloseTo(3.143, 12);
    expect(sinArg.constant).toBeCloseTo(-0.0008, 12);
    for (const r of rows(20, 1)) expect(evalExpr(s, r)).toBeCloseTo(evalExpr(e, r), 10);
  });

  it('turns a sine with a quarter-period phase into a cosine and wraps phases', () => {
    const s = simplifyExpr(form(0, [[2, call('sin', form(1.5708 + 4 * Math.PI, [[-1, v(0)]]))]]));
    // 2 sin(-x + pi/2 + 4 pi) = 2 cos(x - 0.0000037)
    expect(s.terms[0].atom).toMatchObject({ kind: 'call', fn: 'cos' });
    expect(s.terms[0].coef).toBeCloseTo(2, 12);
    for (const r of rows(10, 2)) expect(evalExpr(s, r)).toBeCloseTo(2 * Math.sin(-r[0] + 1.5708), 10);
  });

  it('refits in float64 and snaps constants to pi and integers only when held-out error allows', () => {
    const fit = rows(200, 3);
    const check = rows(200, 4);
    const data = (rs: number[][]) => ({ rows: rs, targets: rs.map(target) });
    const s = simplifyExpr(raw());
    const before = relativeError(s, data(check));
    expect(before).toBeGreaterThan(1e-3);
    refitExpr(s, data(fit));
    expect(relativeError(s, data(check))).toBeLessThan(1e-10);
    snapExpr(s, data(check), data(fit));
    expect(relativeError(s, data(check))).toBeLessThan(1e-10);
    const sinArg = ((s.terms[0].atom as { arg: AffineExpr }).arg.terms[0].atom as { arg: AffineExpr }).arg;
    expect(sinArg.terms[0].coefName?.text).toBe('pi');
    // a true 1.3 is not snapped to 1: the held-out error would grow
    const g = form(0, [[1.3, call('x^2', form(0, [[1, v(0)]]))]]);
    const gData = (rs: number[][]) => ({ rows: rs, targets: rs.map((r) => 1.3 * r[0] * r[0] + 1e-3 * Math.sin(9 * r[1])) });
    snapExpr(g, gData(check), gData(fit));
    expect(g.terms[0].coef).toBeCloseTo(1.3, 12);
  });

  it('folds the scale out of log once: c log(k u + b) -> c log|k| + c log(u + b/k), leading coefficient exactly 1, idempotent', () => {
    // scales whose reciprocal does not round-trip in float64 (1/k * k !== 1): the rule must still stop
    for (const k of [3, -3, 49, 0.1, -7.3, 1 + 2 ** -52]) {
      const e = form(0.5, [
        [
          2,
          call(
            'log',
            form(0.6, [
              [k, v(0)],
              [0.7 * k, v(1)],
            ]),
          ),
        ],
      ]);
      const s = simplifyExpr(e);
      expect(s.terms).toHaveLength(1);
      const arg = (s.terms[0].atom as { arg: AffineExpr }).arg;
      expect(s.terms[0].atom).toMatchObject({ kind: 'call', fn: 'log' });
      expect(arg.terms[0].coef).toBe(1);
      expect(arg.terms[1].coef).toBeCloseTo(0.7, 12);
      expect(arg.constant).toBeCloseTo(0.6 / k, 12); // log is even: for k < 0 the argument flips sign, the shift is still b/k
      expect(s.constant).toBeCloseTo(0.5 + 2 * Math.log(Math.abs(k)), 12);
      expect(exprKey(simplifyExpr(s))).toBe(exprKey(s));
      for (const r of rows(10, 5)) expect(evalExpr(s, r)).toBeCloseTo(evalExpr(e, r), 9);
    }
    // log of a log, and log of a constant (folded to its value)
    const nested = form(0, [[1, call('log', form(1, [[4, call('log', form(0, [[2.5, v(0)]]))]]))]]);
    const ns = simplifyExpr(nested);
    expect(exprKey(simplifyExpr(ns))).toBe(exprKey(ns));
    for (const r of rows(10, 6)) expect(evalExpr(ns, r)).toBeCloseTo(evalExpr(nested, r), 9);
    const folded = simplifyExpr(form(1, [[3, call('log', form(Math.E ** 2, []))]]));
    expect(folded.terms).toHaveLength(0);
    expect(folded.constant).toBeCloseTo(7, 12);
  });

  it('does not snap the constants of a formula that does not fit, and wraps sin/cos phases', () => {
    const fit = rows(200, 7);
    const check = rows(200, 8);
    // a wrong structure for the tutorial target: 1.57 cos(3.02 x_1 + 171) + 1.75 (error ~0.4)
    const wrong = () => form(1.7502, [[-1.5703, call('cos', form(171.02, [[3.0213, v(0)]]))]]);
    const data = (rs: number[][]) => ({ rows: rs, targets: rs.map(target) });
    const e = wrong();
    const err = snapExpr(e, data(check), data(fit));
    expect(err).toBeGreaterThan(0.05);
    expect(exprKey(e)).toBe(exprKey(wrong()));
    // the same formula with a tolerant maxError would have been snapped (the guard is what keeps it)
    const loose = wrong();
    snapExpr(loose, data(check), data(fit), 0.1, Infinity);
    expect(exprKey(loose)).not.toBe(exprKey(wrong()));
    // phases wrapped into (-pi, pi] without changing the function
    const w = wrapPhases(wrong());
    const phase = (w.terms[0].atom as { arg: AffineExpr }).arg.constant;
    expect(Math.abs(phase)).toBeLessThanOrEqual(Math.PI);
    expect(phase).toBeCloseTo(171.02 - 2 * Math.PI * Math.round(171.02 / (2 * Math.PI)), 12);
    for (const r of rows(10, 9)) expect(evalExpr(w, r)).toBeCloseTo(evalExpr(wrong(), r), 9);
  });

  it('rounds to significant digits, leaving named constants alone', () => {
    const e = form(0.000123456, [[12345.678, v(0)]]);
    const r = roundExprSig(e, 3);
    expect(r.constant).toBe(0.000123);
    expect(r.terms[0].coef).toBe(12300);
  });

  it('KAN.symbolicFormula prints text and LaTeX, compiles a function, takes variable names and digits', async () => {
    await initBackend({ backend: 'cpu' });
    const model = new KAN({ layers: [2, 1, 1], seed: 0 });
    model.fixSymbolic(0, 0, 0, 'sin', { fit: false, params: [-3.1416, 0, -1.0022, 0] });
    model.fixSymbolic(0, 1, 0, 'x^2', { fit: false, params: [-10, 0, 0.01, 2] });
    model.fixSymbolic(1, 0, 0, 'exp', { fit: false, params: [1, 0, 0.0063, -0.5] });
    const f = model.symbolicFormula({ variables: ['x', 'y'] });
    // 0.0063*exp(h + 2) - 0.5 with h = 1.0022 sin(3.1416 x) + y^2
    expect(f.formulas[0]).toBe('0.04655*exp(1.002*sin(3.142*x) + y^2) - 0.5');
    expect(f.latex[0]).toBe('0.04655 e^{1.002 \\sin\\left(3.142 x\\right) + y^{2}} - 0.5');
    const want = (x: number, y: number) => 0.04655 * Math.exp(1.002 * Math.sin(3.142 * x) + y * y) - 0.5;
    expect(f.functions[0](0.3, -0.2)).toBeCloseTo(want(0.3, -0.2), 12);
    expect(f.evaluate([[0.3, -0.2]])[0][0]).toBeCloseTo(want(0.3, -0.2), 12);
    expect(model.symbolicFormula({ digits: 2 }).formulas[0]).toBe('0.047*exp(sin(3.1*x_1) + x_2^2) - 0.5');
    const data = tf.tidy(() => tf.tensor2d([[0, 0]]));
    expect(() => model.symbolicFormula({ fit: { x: data, y: [[1], [2]] } })).toThrow(/^KAN\.symbolicFormula: argument fit\.y: x and y differ in length/);
    expect(() => model.symbolicFormula({ digits: 0 })).toThrow(/^KAN\.symbolicFormula: argument digits/);
    data.dispose();
    model.dispose();
    // c * 1/(u) prints as a quotient
    const inv = new KAN({ layers: [1, 1], seed: 0 });
    inv.fixSymbolic(0, 0, 0, '1/x', { fit: false, params: [2, 1, 3, 0] });
    expect(inv.symbolicFormula({ variables: ['x'] }).formulas[0]).toBe('1.5/(x + 0.5)');
    inv.dispose();
  });
});
