import { createRng, initBackend, tf } from '@basiskit/tensor';
import { describe, expect, it } from 'vitest';
import { evalExpr, relativeError, roundExprSig, simplifyExpr, snapExpr, refitExpr } from './formula_simplify';
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
  });
});
