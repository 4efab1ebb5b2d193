import { createRng, initBackend, tf } from '@basiskit/tensor';
import { gradCheck } from '@basiskit/training';
import { describe, expect, it } from 'vitest';
import { KAN } from './kan';

/** pykan's get_reg written out in float64 from edge scales s[l] ([out][in]) and coefficients. */
function referenceReg(scales: number[][][], lambL1: number, lambEntropy: number): number {
  let reg = 0;
  for (const s of scales) {
    const out = s.length;
    const inF = s[0].length;
    const rowSum = s.map((r) => r.reduce((a, b) => a + b, 0));
    const colSum = s[0].map((_, i) => s.reduce((a, r) => a + r[i], 0));
    let l1 = 0;
    let hRow = 0;
    let hCol = 0;
    for (let j = 0; j < out; j++) {
      for (let i = 0; i < inF; i++) {
        l1 += s[j][i];
        const pr = s[j][i] / (rowSum[j] + 1);
        const pc = s[j][i] / (colSum[i] + 1);
        hRow -= (pr * Math.log2(pr + 1e-4)) / out;
        hCol -= (pc * Math.log2(pc + 1e-4)) / inF;
      }
    }
    reg += lambL1 * l1 + lambEntropy * (hRow + hCol);
  }
  return reg;
}

describe.each(['cpu', 'wasm'] as const)('regularization on %s', (backend) => {
  it("edge scales are std(phi(x)) / (std(x) + 0.1) and the loss is pykan's L1 + row/column entropy", async () => {
    await initBackend({ backend });
    const model = new KAN({ layers: [3, 4, 2], seed: 1 });
    const x = createRng(2).uniformTensor([64, 3], -1, 1);
    tf.dispose(model.forward(x, { cache: true }));
    const layer = model.layers.at(0);
    // scales by hand from the cached per-edge activations, in float64
    const post = layer.activations!.postactsNumeric.arraySync() as number[][][];
    const xs = x.arraySync() as number[][];
    const std = (v: number[]) => {
      const m = v.reduce((a, b) => a + b, 0) / v.length;
      return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1));
    };
    const s0 = layer.edgeScales();
    const got = s0.arraySync();
    for (let j = 0; j < 4; j++) {
      for (let i = 0; i < 3; i++) {
        const want = std(post.map((r) => r[j][i])) / (std(xs.map((r) => r[i])) + 0.1);
        expect(got[j][i]).toBeCloseTo(want, 5);
      }
    }
    const scales = model.layerArray().map((l) => {
      const t = l.edgeScales();
      const a = t.arraySync();
      t.dispose();
      return a;
    });
    const reg = model.regularizationLoss({ lambL1: 1, lambEntropy: 2 });
    expect(reg.dataSync()[0]).toBeCloseTo(referenceReg(scales, 1, 2), 4);
    // coefficient terms: lamb_coef * sum_i mean_j |c| + lamb_coefdiff * sum_i mean_j |diff c|
    const withCoef = model.regularizationLoss({ lambL1: 0, lambEntropy: 0, lambCoef: 1, lambCoefdiff: 0.5 });
    let want = 0;
    for (const l of model.layers) {
      const c = l.spline_weight.value.arraySync() as number[][][];
      const [out, inF, nb] = l.spline_weight.shape;
      for (let i = 0; i < inF; i++) {
        for (let b = 0; b < nb; b++) want += c.reduce((a, row) => a + Math.abs(row[i][b]), 0) / out;
        for (let b = 0; b + 1 < nb; b++) want += (0.5 * c.reduce((a, row) => a + Math.abs(row[i][b + 1] - row[i][b]), 0)) / out;
      }
    }
    expect(withCoef.dataSync()[0]).toBeCloseTo(want, 4);
    tf.dispose([x, s0, reg, withCoef]);
    model.dispose();
  });

  it('is differentiable (finite differences through the edge scales) and finite for masked edges', async () => {
    await initBackend({ backend });
    const model = new KAN({ layers: [2, 2], seed: 3 });
    const layer = model.layers.at(0);
    const x = createRng(4).uniformTensor([16, 2], -1, 1);
    const f = (b: tf.Tensor) => {
      layer.base_weight.assign(b);
      tf.dispose(model.forward(x, { cache: true }));
      return layer.regularizationLoss();
    };
    const b0 = layer.base_weight.value.clone();
    // analytic gradient via variableGrads against finite differences of f
    const { grads, value } = tf.variableGrads(
      () =>
        tf.tidy(() => {
          tf.dispose(model.forward(x, { cache: true }));
          return layer.regularizationLoss();
        }),
      [layer.base_weight.value],
    );
    const g = grads[layer.base_weight.value.name].dataSync();
    const base = b0.dataSync();
    for (let e = 0; e < base.length; e++) {
      const p = base.slice();
      const m = base.slice();
      p[e] += 1e-2;
      m[e] -= 1e-2;
      const tp = tf.tensor2d(p, b0.shape as [number, number]);
      const tm = tf.tensor2d(m, b0.shape as [number, number]);
      const lp = f(tp);
      const lm = f(tm);
      const numeric = (lp.dataSync()[0] - lm.dataSync()[0]) / 2e-2;
      expect(Math.abs(numeric - g[e])).toBeLessThan(2e-2 * Math.max(1, Math.abs(g[e])));
      tf.dispose([tp, tm, lp, lm]);
    }
    layer.base_weight.assign(b0);
    // an edge fixed symbolic has zero numeric output: std 0, gradient finite
    model.fixSymbolic(0, 0, 0, 'x', { fit: false });
    const r = tf.variableGrads(
      () =>
        tf.tidy(() => {
          tf.dispose(model.forward(x, { cache: true }));
          return layer.regularizationLoss();
        }),
      [layer.base_weight.value],
    );
    expect(Array.from(r.grads[layer.base_weight.value.name].dataSync()).every(Number.isFinite)).toBe(true);
    gradCheck(
      (xx) => {
        const y = model.forward(xx, { cache: true });
        y.dispose();
        return layer.regularizationLoss();
      },
      [x],
      { eps: 1e-2, rtol: 5e-2, atol: 5e-3 },
    );
    tf.dispose([x, b0, value, r.value, ...Object.values(grads), ...Object.values(r.grads)]);
    model.dispose();
  });

  it('needs a cached forward pass', async () => {
    await initBackend({ backend });
    const model = new KAN({ layers: [2, 2], seed: 3 });
    expect(() => model.regularizationLoss()).toThrow(/no cached activations/);
    expect(() => model.regularizationLoss({ regMetric: 'nope' as never })).toThrow(
      /^KAN\.regularizationLoss: argument regMetric: unknown regularization metric/,
    );
    model.dispose();
  });
});
