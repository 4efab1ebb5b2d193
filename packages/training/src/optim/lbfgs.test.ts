import { ConfigError, Parameter, createRng, initBackend, tf } from '@basiskit/tensor';
import { assertClose } from '@basiskit/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { LBFGS, cubicInterpolate } from './lbfgs';
import { param, quadGrad, quadratic, run, values } from './test_helpers';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

/** A 1-16-16-1 tanh MLP (seeded uniform init, fan-in bound) as parameters and a forward function. */
function mlp(seed: number): { params: Parameter[]; forward: (x: tf.Tensor) => tf.Tensor } {
  const rng = createRng(seed);
  const sizes = [1, 16, 16, 1];
  const params: Parameter[] = [];
  for (let i = 0; i + 1 < sizes.length; i++) {
    const bound = 1 / Math.sqrt(sizes[i]);
    params.push(new Parameter(rng.uniformTensor([sizes[i], sizes[i + 1]], -bound, bound)));
    params.push(new Parameter(rng.uniformTensor([sizes[i + 1]], -bound, bound)));
  }
  const forward = (x: tf.Tensor) => {
    let h = x;
    for (let i = 0; i < params.length; i += 2) {
      h = tf.add(tf.matMul(h, params[i].value), params[i + 1].value);
      if (i + 2 < params.length) h = tf.tanh(h);
    }
    return h;
  };
  return { params, forward };
}

/**
 * torch.optim.LBFGS without line search (fixed step lr), scalar float64, on the quadratic;
 * one call = one `step` with maxIter iterations (state carried in `st`).
 */
function lbfgsReferenceStep(
  w: number[],
  c: number[],
  s: number[],
  lr: number,
  maxIter: number,
  historySize: number,
  st: { nIter: number; d?: number[]; t?: number; dirs: number[][]; stps: number[][]; ro: number[]; h: number; prevG?: number[] },
): void {
  const dotp = (a: number[], b: number[]) => a.reduce((acc, v, i) => acc + v * b[i], 0);
  let g = quadGrad(w, c, s);
  for (let it = 1; it <= maxIter; it++) {
    st.nIter++;
    if (st.nIter === 1) {
      st.d = g.map((v) => -v);
      st.dirs = [];
      st.stps = [];
      st.ro = [];
      st.h = 1;
    } else {
      const y = g.map((v, i) => v - st.prevG![i]);
      const sv = st.d!.map((v) => v * st.t!);
      const ys = dotp(y, sv);
      if (ys > 1e-10) {
        if (st.dirs.length === historySize) {
          st.dirs.shift();
          st.stps.shift();
          st.ro.shift();
        }
        st.dirs.push(y);
        st.stps.push(sv);
        st.ro.push(1 / ys);
        st.h = ys / dotp(y, y);
      }
      const q = g.map((v) => -v);
      const al: number[] = [];
      for (let i = st.dirs.length - 1; i >= 0; i--) {
        al[i] = dotp(st.stps[i], q) * st.ro[i];
        for (let j = 0; j < q.length; j++) q[j] -= al[i] * st.dirs[i][j];
      }
      const r = q.map((v) => v * st.h);
      for (let i = 0; i < st.dirs.length; i++) {
        const be = dotp(st.dirs[i], r) * st.ro[i];
        for (let j = 0; j < r.length; j++) r[j] += (al[i] - be) * st.stps[i][j];
      }
      st.d = r;
    }
    st.prevG = [...g];
    st.t = st.nIter === 1 ? Math.min(1, 1 / g.reduce((a, v) => a + Math.abs(v), 0)) * lr : lr;
    if (dotp(g, st.d!) > -1e-9) break;
    for (let j = 0; j < w.length; j++) w[j] = Math.fround(w[j] + st.t * st.d![j]);
    if (it !== maxIter) g = quadGrad(w, c, s);
  }
}

describe('LBFGS (torch.optim.LBFGS port)', () => {
  it('fits sin(3x) on [-1, 1] with a 1-16-16-1 tanh MLP to MSE < 1e-4', () => {
    const { params, forward } = mlp(0);
    const x = tf.tidy(() => tf.reshape(tf.linspace(-1, 1, 64), [64, 1]));
    const y = tf.tidy(() => tf.sin(tf.mul(x, 3)));
    const closure = () => tf.tidy(() => tf.mean(tf.square(tf.sub(forward(x), y))) as tf.Scalar);
    const opt = new LBFGS(params, { lr: 1, maxIter: 20, historySize: 50 });
    let loss = Infinity;
    let steps = 0;
    for (; steps < 60 && loss >= 1e-4; steps++) loss = run(opt, closure, 1);
    const final = tf.tidy(() => closure().dataSync()[0]);
    expect(final).toBeLessThan(1e-4);
    expect(steps).toBeLessThan(60);
    tf.dispose([x, y]);
    opt.dispose();
    params.forEach((p) => p.dispose());
  });

  it('without line search follows torch’s fixed-step L-BFGS (two-loop recursion, history, step length)', () => {
    const W0 = [0.5, -1.25, 2, 0.75];
    const C = [1, 0.5, -0.5, 0.25];
    const S = [1, 0.5, 2, 0.25];
    const p = param(W0);
    const opt = new LBFGS([p], { lr: 0.2, maxIter: 4, historySize: 3, lineSearchFn: null });
    const closure = quadratic([p], [C], [S]);
    const w = [...W0];
    const st = { nIter: 0, dirs: [], stps: [], ro: [], h: 1 };
    for (let k = 0; k < 3; k++) {
      run(opt, closure, 1);
      lbfgsReferenceStep(w, C, S, 0.2, 4, 3, st);
      assertClose({ shape: [4], data: values(p) }, { shape: [4], data: w }, { rtol: 1e-4, atol: 1e-5 }, `after step ${k + 1}`);
    }
    const meta = opt.stateDict().meta.lbfgs as Record<string, unknown>;
    expect(meta.n_iter).toBe(12);
    expect((meta.old_dirs as number[][]).length).toBe(3);
    opt.dispose();
    p.dispose();
  });

  it('with the strong-Wolfe line search minimizes Rosenbrock from (-1.5, 2)', () => {
    const p = param([-1.5, 2]);
    const closure = () =>
      tf.tidy(() => {
        const [a, b] = tf.split(p.value, 2);
        return tf.sum(tf.add(tf.square(tf.sub(1, a)), tf.mul(100, tf.square(tf.sub(b, tf.square(a)))))) as tf.Scalar;
      });
    const opt = new LBFGS([p], { maxIter: 100 });
    const first = opt.step(closure);
    expect(first.dataSync()[0]).toBeCloseTo(6.25 + 100 * 0.0625, 4);
    first.dispose();
    run(opt, closure, 2);
    const [a, b] = values(p);
    expect(Math.abs(a - 1)).toBeLessThan(1e-3);
    expect(Math.abs(b - 1)).toBeLessThan(2e-3);
    const meta = opt.stateDict().meta.lbfgs as Record<string, number>;
    expect(meta.func_evals).toBeGreaterThan(meta.n_iter); // line search evaluations counted
    opt.dispose();
    p.dispose();
  });

  it('cubicInterpolate finds the minimizer of a cubic and respects bounds', () => {
    // f(x) = (x - 1)^2 through x=0 (f=1, f'=-2) and x=3 (f=4, f'=4)
    expect(cubicInterpolate(0, 1, -2, 3, 4, 4)).toBeCloseTo(1, 12);
    // f(x) = x^3 - 3x: minimizer 1; from (-0.5, 1.375, -2.25) and (2, 2, 9)
    expect(cubicInterpolate(-0.5, 1.375, -2.25, 2, 2, 9)).toBeCloseTo(1, 12);
    expect(cubicInterpolate(3, 4, 4, 0, 1, -2)).toBeCloseTo(1, 12);
    expect(cubicInterpolate(0, 1, -2, 3, 4, 4, [1.5, 2])).toBe(1.5);
    // no real minimizer: the midpoint of the bounds
    expect(cubicInterpolate(0, 0, 1, 1, 2 / 3, 1)).toBe(0.5);
  });

  it('stops at once when the gradient is below toleranceGrad and returns the first loss', () => {
    const p = param([1, 2]);
    const opt = new LBFGS([p], { toleranceGrad: 1e-3 });
    const closure = quadratic([p], [[1, 2]], [[1, 1]]);
    const loss = opt.step(closure);
    expect(loss.dataSync()[0]).toBe(0);
    loss.dispose();
    expect(values(p)).toEqual([1, 2]);
    expect((opt.stateDict().meta.lbfgs as Record<string, number>).func_evals).toBe(1);
    opt.dispose();
    p.dispose();
  });

  it('rejects parameter groups and invalid options', () => {
    const a = param([1]);
    const b = param([2]);
    expect(() => new LBFGS([{ params: [a] }, { params: [b] }])).toThrow(/LBFGS: argument params: LBFGS doesn't support per-parameter options/);
    expect(() => new LBFGS([a], { maxIter: 0 })).toThrow(/argument maxIter: invalid option \(expected an integer >= 1, got 0\)/);
    expect(() => new LBFGS([a], { historySize: 2.5 })).toThrow(/argument historySize/);
    expect(() => new LBFGS([a], { lineSearchFn: 'armijo' as 'strong_wolfe' })).toThrow(/argument lineSearchFn: .*one of "strong_wolfe", null/);
    expect(() => new LBFGS([a], { toleranceGrad: -1 })).toThrow(ConfigError);
    expect(new LBFGS([a], { maxIter: 8 }).paramGroups[0].maxEval).toBe(10);
    a.dispose();
    b.dispose();
  });
});
