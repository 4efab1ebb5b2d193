// Linear, LayerNorm and ModuleDict: PyTorch's names, state-dict keys, numbers and gradients.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import './index';
import { ConfigError, DTypeError, ShapeError } from './errors';
import { LayerNorm } from './layer_norm';
import { Linear } from './linear_layer';
import { ModuleDict } from './module_dict';
import { createRng } from './rng';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const close = (got: ArrayLike<number>, want: ArrayLike<number>, tol: number) => {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) expect(Math.abs(got[i] - want[i])).toBeLessThan(tol * Math.max(1, Math.abs(want[i])));
};

describe('Linear', () => {
  it('has PyTorch keys and init bounds, is seeded, and computes x W^T + b over leading dims', () => {
    const l = new Linear({ inFeatures: 16, outFeatures: 3, seed: 5 });
    expect(Object.keys(l.stateDict())).toEqual(['weight', 'bias']);
    expect(l.weight.shape).toEqual([3, 16]);
    const w = Array.from(l.weight.value.dataSync());
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(0.25);
    const again = new Linear({ inFeatures: 16, outFeatures: 3, seed: 5 });
    expect(Array.from(again.weight.value.dataSync())).toEqual(w);
    const x = createRng(1).normalTensor([2, 4, 16]);
    const y = l.forward(x);
    expect(y.shape).toEqual([2, 4, 3]);
    const want = tf.tidy(() => tf.add(tf.matMul(tf.reshape(x, [8, 16]), l.weight.value, false, true), l.bias!.value));
    close(y.dataSync(), want.dataSync(), 1e-5);
    tf.dispose([x, y, want]);
    l.dispose();
    again.dispose();
  });

  it('bias: false has no bias key; std draws N(0, std^2) with a zero bias', () => {
    const l = new Linear({ inFeatures: 4, outFeatures: 2, bias: false });
    expect(Object.keys(l.stateDict())).toEqual(['weight']);
    const n = new Linear({ inFeatures: 400, outFeatures: 100, std: 0.02, rng: createRng(1) });
    const w = Array.from(n.weight.value.dataSync());
    const sd = Math.sqrt(w.reduce((s, v) => s + v * v, 0) / w.length);
    expect(sd).toBeGreaterThan(0.019);
    expect(sd).toBeLessThan(0.021);
    expect(Array.from(n.bias!.value.dataSync()).every((v) => v === 0)).toBe(true);
    l.dispose();
    n.dispose();
  });

  it('rejects bad options and inputs with errors that name them', () => {
    expect(() => new Linear({ inFeatures: 0, outFeatures: 2 })).toThrow(/Linear: argument inFeatures: invalid value \(expected an integer >= 1, got 0\)/);
    expect(() => new Linear({ inFeatures: '4' as unknown as number, outFeatures: 2 })).toThrow(ConfigError);
    expect(() => new Linear({ inFeatures: 4, outFeatures: 2, bais: false } as never)).toThrow(/unknown option "bais"/);
    const l = new Linear({ inFeatures: 4, outFeatures: 2 });
    const x = tf.zeros([3, 5]);
    const xi = tf.zeros([3, 4], 'int32');
    expect(() => l.forward(x)).toThrow(ShapeError);
    expect(() => l.forward(x)).toThrow(/Linear\.forward: argument x: wrong size of the last dim/);
    expect(() => l.forward(xi)).toThrow(DTypeError);
    expect(() => l.forward([1, 2] as unknown as tf.Tensor)).toThrow(/not a tensor/);
    tf.dispose([x, xi]);
    l.dispose();
  });
});

describe('LayerNorm', () => {
  it('matches the float64 formula and finite-difference gradients (weight and bias too)', () => {
    const ln = new LayerNorm({ normalizedShape: 5 });
    const rng = createRng(2);
    const w0 = tf.tidy(() => tf.add(1, tf.mul(0.3, rng.normalTensor([5]))));
    const b0 = tf.tidy(() => tf.mul(0.3, rng.normalTensor([5])));
    ln.weight!.assign(w0);
    ln.bias!.assign(b0);
    tf.dispose([w0, b0]);
    const x = rng.normalTensor([3, 5]);
    const r = rng.normalTensor([3, 5]);
    const [xs, ws, bs, rs] = [x, ln.weight!.value, ln.bias!.value, r].map((t) => Array.from(t.dataSync()));
    const LN = (xv: number[], wv: number[], bv: number[]) => {
      const out: number[] = [];
      for (let i = 0; i < 3; i++) {
        const row = xv.slice(i * 5, i * 5 + 5);
        const mu = row.reduce((a, b) => a + b, 0) / 5;
        const v = row.reduce((a, b) => a + (b - mu) ** 2, 0) / 5;
        row.forEach((e, j) => out.push(((e - mu) / Math.sqrt(v + 1e-5)) * wv[j] + bv[j]));
      }
      return out;
    };
    const F = (xv: number[], wv: number[], bv: number[]) => LN(xv, wv, bv).reduce((s, y, i) => s + y * rs[i], 0);
    const y = ln.forward(x);
    close(y.dataSync(), LN(xs, ws, bs), 1e-5);
    const fd = (f: (v: number[]) => number, v: number[]) =>
      v.map((_, k) => {
        const p = [...v];
        const m = [...v];
        p[k] += 1e-6;
        m[k] -= 1e-6;
        return (f(p) - f(m)) / 2e-6;
      });
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(ln.forward(x), r)) as tf.Scalar, ln.trainableVariables());
    const gx = tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(ln.forward(xx), r)))(x);
    close(
      gx.dataSync(),
      fd((v) => F(v, ws, bs), xs),
      1e-3,
    );
    close(
      grads[ln.weight!.value.name].dataSync(),
      fd((v) => F(xs, v, bs), ws),
      1e-4,
    );
    close(
      grads[ln.bias!.value.name].dataSync(),
      fd((v) => F(xs, ws, v), bs),
      1e-4,
    );
    tf.dispose([x, r, y, gx, value, ...Object.values(grads)]);
    ln.dispose();
  });

  it('normalizes several trailing dims; without affine it has no parameters', () => {
    const ln = new LayerNorm({ normalizedShape: [2, 3], elementwiseAffine: false });
    expect(ln.numParameters()).toBe(0);
    const x = createRng(3).normalTensor([4, 2, 3]);
    const y = ln.forward(x);
    const m = tf.tidy(() => tf.mean(y, [1, 2]));
    close(m.dataSync(), [0, 0, 0, 0], 1e-6);
    const bad = tf.zeros([4, 3, 2]);
    expect(() => ln.forward(bad)).toThrow(/LayerNorm\.forward: argument x: wrong shape/);
    bad.dispose();
    expect(() => new LayerNorm({ normalizedShape: [] })).toThrow(/normalizedShape/);
    expect(() => new LayerNorm({ normalizedShape: 3, eps: -1 })).toThrow(/eps/);
    tf.dispose([x, y, m]);
    ln.dispose();
    tf.disposeVariables();
  });
});

describe('ModuleDict', () => {
  it('prefixes keys with the names, keeps order, and names a missing module', () => {
    const d = new ModuleDict({ b: new Linear({ inFeatures: 2, outFeatures: 2 }), a: new LayerNorm({ normalizedShape: 2 }) });
    expect(d.keys()).toEqual(['b', 'a']);
    expect(Object.keys(d.stateDict())).toEqual(['b.weight', 'b.bias', 'a.weight', 'a.bias']);
    expect(d.get('a').path).toBe('a');
    expect(() => d.get('c')).toThrow(/no such module.*expected one of b, a/);
    expect(() => d.set('a', new LayerNorm({ normalizedShape: 2 }))).toThrow(/name already registered/);
    expect(() => d.forward()).toThrow(ConfigError);
    d.dispose();
    tf.disposeVariables();
  });
});
