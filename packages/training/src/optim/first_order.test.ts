// SGD, Adam, AdamW and RMSprop against independent scalar float64 transcriptions of PyTorch's
// update rules (one file: each test file costs a worker start).
import { ConfigError, initBackend, tf } from '@basiskit/tensor';
import { assertClose } from '@basiskit/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { Adam, AdamW } from './adam';
import { RMSprop } from './rmsprop';
import { SGD } from './sgd';
import { param, quadGrad, quadratic, run, values } from './test_helpers';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

// The test problem of every reference comparison: f(w) = Σ s_i (w_i - c_i)², gradient 2 s (w - c).
const W0 = [0.5, -1.25, 2, 0.75, -0.3, 1.1];
const C = [1, 0.5, -0.5, 0.25, 0, 2];
const S = [1, 0.5, 2, 0.25, 1.5, 0.75];
const TOL = { rtol: 2e-5, atol: 2e-6 };

interface SgdRef {
  lr: number;
  momentum?: number;
  dampening?: number;
  weightDecay?: number;
  nesterov?: boolean;
  maximize?: boolean;
}

/** torch.optim.SGD's update rule, scalar by scalar, float64. */
function sgdReference(w0: number[], c: number[], s: number[], steps: number, o: SgdRef): number[] {
  const { lr, momentum = 0, dampening = 0, weightDecay = 0, nesterov = false, maximize = false } = o;
  const w = [...w0];
  const buf: (number | undefined)[] = w.map(() => undefined);
  for (let k = 0; k < steps; k++) {
    const grad = quadGrad(w, c, s);
    for (let i = 0; i < w.length; i++) {
      let g = maximize ? -grad[i] : grad[i];
      if (weightDecay !== 0) g += weightDecay * w[i];
      if (momentum !== 0) {
        buf[i] = buf[i] === undefined ? g : momentum * buf[i]! + (1 - dampening) * g;
        g = nesterov ? g + momentum * buf[i]! : buf[i]!;
      }
      w[i] -= lr * g;
    }
  }
  return w;
}

describe('SGD matches torch.optim.SGD', () => {
  it.each([
    ['plain', { lr: 0.1 }],
    ['momentum + dampening + weight decay', { lr: 0.05, momentum: 0.9, dampening: 0.3, weightDecay: 0.01 }],
    ['nesterov', { lr: 0.05, momentum: 0.8, nesterov: true }],
    ['nesterov + weight decay + maximize', { lr: 0.02, momentum: 0.5, nesterov: true, weightDecay: 0.1, maximize: true }],
  ] as [string, SgdRef][])('%s', (_name, o) => {
    const p = param(W0, [2, 3]);
    const opt = new SGD([p], o);
    run(opt, quadratic([p], [C], [S]), 6);
    assertClose({ shape: [6], data: values(p) }, { shape: [6], data: sgdReference(W0, C, S, 6, o) }, TOL, 'w');
    opt.dispose();
    p.dispose();
  });

  it('creates the momentum buffer from the first gradient (state momentum_buffer)', () => {
    const p = param(W0);
    const opt = new SGD([p], { lr: 0.1, momentum: 0.9, dampening: 0.5 });
    const closure = quadratic([p], [C], [S]);
    expect(Object.keys(opt.stateDict().tensors)).toEqual([]);
    const g0 = quadGrad(W0, C, S);
    run(opt, closure, 1);
    const sd = opt.stateDict();
    expect(Object.keys(sd.tensors)).toEqual(['state.0.momentum_buffer']);
    // no dampening on the first step (torch clones the gradient)
    assertClose(sd.tensors['state.0.momentum_buffer'], { shape: [6], data: g0 }, TOL, 'buf');
    tf.dispose(Object.values(sd.tensors));
    opt.dispose();
    p.dispose();
  });

  it('uses each parameter group’s own lr and weightDecay', () => {
    const a = param(W0.slice(0, 3));
    const b = param(W0.slice(3));
    const opt = new SGD([{ params: [a] }, { params: [b], lr: 0.01, weightDecay: 0.5 }], { lr: 0.1, momentum: 0.9 });
    expect(opt.paramGroups.map((g) => [g.lr, g.weightDecay, g.momentum])).toEqual([
      [0.1, 0, 0.9],
      [0.01, 0.5, 0.9],
    ]);
    run(opt, quadratic([a, b], [C.slice(0, 3), C.slice(3)], [S.slice(0, 3), S.slice(3)]), 5);
    assertClose(
      { shape: [3], data: values(a) },
      { shape: [3], data: sgdReference(W0.slice(0, 3), C.slice(0, 3), S.slice(0, 3), 5, { lr: 0.1, momentum: 0.9 }) },
      TOL,
      'group 0',
    );
    assertClose(
      { shape: [3], data: values(b) },
      { shape: [3], data: sgdReference(W0.slice(3), C.slice(3), S.slice(3), 5, { lr: 0.01, momentum: 0.9, weightDecay: 0.5 }) },
      TOL,
      'group 1',
    );
    opt.dispose();
    a.dispose();
    b.dispose();
  });

  it('rejects torch’s invalid options with clear errors', () => {
    const p = param([1]);
    expect(() => new SGD([p], { lr: -0.1 })).toThrow(ConfigError);
    expect(() => new SGD([p], { lr: -0.1 })).toThrow(/SGD: argument lr: invalid option \(expected a finite number >= 0, got -0.1\)/);
    expect(() => new SGD([p], { lr: 0.1, momentum: -1 })).toThrow(/argument momentum/);
    expect(() => new SGD([p], { lr: 0.1, weightDecay: -1 })).toThrow(/argument weightDecay/);
    expect(() => new SGD([p], { lr: 0.1, nesterov: true })).toThrow(/argument nesterov: .*momentum > 0 and dampening = 0/);
    expect(() => new SGD([p], { lr: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true })).toThrow(/nesterov/);
    expect(() => new SGD([{ params: [p], momentum: 0.5, nesterov: true, dampening: 1 }], { lr: 0.1 })).toThrow(/paramGroups\[0\]\.nesterov/);
    expect(() => new SGD([p], { lr: NaN })).toThrow(/got NaN/);
    p.dispose();
  });
});

interface AdamRef {
  lr?: number;
  betas?: [number, number];
  eps?: number;
  weightDecay?: number;
  amsgrad?: boolean;
  maximize?: boolean;
  decoupled?: boolean;
}

/** torch.optim.Adam / AdamW's update rule, scalar by scalar, float64. */
function adamReference(w0: number[], c: number[], s: number[], steps: number, o: AdamRef): number[] {
  const { lr = 1e-3, betas = [0.9, 0.999], eps = 1e-8, amsgrad = false, maximize = false, decoupled = false } = o;
  const weightDecay = o.weightDecay ?? (decoupled ? 1e-2 : 0);
  const [b1, b2] = betas;
  const w = [...w0];
  const m = w.map(() => 0);
  const v = w.map(() => 0);
  const vmax = w.map(() => 0);
  for (let t = 1; t <= steps; t++) {
    const grad = quadGrad(w, c, s);
    for (let i = 0; i < w.length; i++) {
      let g = maximize ? -grad[i] : grad[i];
      if (weightDecay !== 0) {
        if (decoupled) w[i] *= 1 - lr * weightDecay;
        else g += weightDecay * w[i];
      }
      m[i] = b1 * m[i] + (1 - b1) * g;
      v[i] = b2 * v[i] + (1 - b2) * g * g;
      vmax[i] = Math.max(vmax[i], v[i]);
      const mhat = m[i] / (1 - b1 ** t);
      const vh = (amsgrad ? vmax[i] : v[i]) / (1 - b2 ** t);
      // torch: denom = sqrt(v)/sqrt(bc2) + eps; p -= lr/bc1 * m / denom
      w[i] -= (lr * mhat) / (Math.sqrt(vh) + eps);
    }
  }
  return w;
}

describe('Adam / AdamW match torch.optim', () => {
  it.each([
    ['Adam defaults', {}],
    ['Adam lr, betas, eps, L2 weight decay', { lr: 0.05, betas: [0.8, 0.99], eps: 1e-3, weightDecay: 0.1 }],
    ['Adam amsgrad + maximize', { lr: 0.03, amsgrad: true, maximize: true }],
    ['AdamW defaults (weightDecay 1e-2, decoupled)', { decoupled: true }],
    ['AdamW lr 0.1, weightDecay 0.3, amsgrad', { decoupled: true, lr: 0.1, weightDecay: 0.3, amsgrad: true }],
  ] as [string, AdamRef][])('%s', (_name, o) => {
    const p = param(W0, [3, 2]);
    const { decoupled, ...options } = o;
    const opt = decoupled ? new AdamW([p], options) : new Adam([p], options);
    run(opt, quadratic([p], [C], [S]), 7);
    assertClose({ shape: [6], data: values(p) }, { shape: [6], data: adamReference(W0, C, S, 7, o) }, TOL, 'w');
    opt.dispose();
    p.dispose();
  });

  it('keeps torch’s state names and a step count per parameter', () => {
    const a = param(W0.slice(0, 3));
    const b = param(W0.slice(3));
    const opt = new Adam([a, b], { amsgrad: true });
    // b is not connected to this loss: no gradient, no state, no step (torch's grad None)
    run(opt, quadratic([a], [C.slice(0, 3)], [S.slice(0, 3)]), 2);
    run(opt, quadratic([a, b], [C.slice(0, 3), C.slice(3)], [S.slice(0, 3), S.slice(3)]), 1);
    const sd = opt.stateDict();
    expect(Object.keys(sd.tensors).sort()).toEqual(
      ['state.0.exp_avg', 'state.0.exp_avg_sq', 'state.0.max_exp_avg_sq', 'state.1.exp_avg', 'state.1.exp_avg_sq', 'state.1.max_exp_avg_sq'].sort(),
    );
    expect(sd.meta.state).toEqual({ 0: { step: 3 }, 1: { step: 1 } });
    expect(sd.meta.optimizer).toBe('Adam');
    expect(sd.meta.paramGroups).toEqual([{ lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: true, maximize: false }]);
    tf.dispose(Object.values(sd.tensors));
    opt.dispose();
    a.dispose();
    b.dispose();
  });

  it('AdamW decays each group with its own lr and weightDecay', () => {
    const a = param(W0.slice(0, 3));
    const b = param(W0.slice(3));
    const opt = new AdamW(
      [
        { params: [a], weightDecay: 0 },
        { params: [b], lr: 0.2 },
      ],
      { lr: 0.05 },
    );
    run(opt, quadratic([a, b], [C.slice(0, 3), C.slice(3)], [S.slice(0, 3), S.slice(3)]), 4);
    const ra = adamReference(W0.slice(0, 3), C.slice(0, 3), S.slice(0, 3), 4, { decoupled: true, lr: 0.05, weightDecay: 0 });
    const rb = adamReference(W0.slice(3), C.slice(3), S.slice(3), 4, { decoupled: true, lr: 0.2, weightDecay: 1e-2 });
    assertClose({ shape: [3], data: values(a) }, { shape: [3], data: ra }, TOL, 'group 0');
    assertClose({ shape: [3], data: values(b) }, { shape: [3], data: rb }, TOL, 'group 1');
    expect(opt).toBeInstanceOf(Adam);
    expect(opt.kind).toBe('AdamW');
    opt.dispose();
    a.dispose();
    b.dispose();
  });

  it('rejects invalid options', () => {
    const p = param([1, 2]);
    expect(() => new Adam([p], { betas: [1, 0.999] })).toThrow(
      /Adam: argument betas: invalid option \(expected \[beta1, beta2\] with 0 <= beta < 1, got \[1, 0.999\]\)/,
    );
    expect(() => new Adam([p], { betas: [0.9] as unknown as [number, number] })).toThrow(ConfigError);
    expect(() => new AdamW([p], { eps: -1 })).toThrow(/AdamW: argument eps/);
    expect(() => new Adam([p], { lr: -1 })).toThrow(/argument lr/);
    expect(() => new Adam([p], { weightDecay: -0.1 })).toThrow(/argument weightDecay/);
    expect(() => new Adam([p], { amsgrad: 1 as unknown as boolean })).toThrow(/argument amsgrad: .*expected a boolean/);
    p.dispose();
  });
});

interface RmsRef {
  lr?: number;
  alpha?: number;
  eps?: number;
  weightDecay?: number;
  momentum?: number;
  centered?: boolean;
  maximize?: boolean;
}

/** torch.optim.RMSprop's update rule, scalar by scalar, float64. */
function rmspropReference(w0: number[], c: number[], s: number[], steps: number, o: RmsRef): number[] {
  const { lr = 1e-2, alpha = 0.99, eps = 1e-8, weightDecay = 0, momentum = 0, centered = false, maximize = false } = o;
  const w = [...w0];
  const sq = w.map(() => 0);
  const gavg = w.map(() => 0);
  const buf = w.map(() => 0);
  for (let k = 0; k < steps; k++) {
    const grad = quadGrad(w, c, s);
    for (let i = 0; i < w.length; i++) {
      let g = maximize ? -grad[i] : grad[i];
      if (weightDecay !== 0) g += weightDecay * w[i];
      sq[i] = alpha * sq[i] + (1 - alpha) * g * g;
      let avg: number;
      if (centered) {
        gavg[i] = alpha * gavg[i] + (1 - alpha) * g;
        avg = Math.sqrt(sq[i] - gavg[i] * gavg[i]) + eps;
      } else {
        avg = Math.sqrt(sq[i]) + eps;
      }
      if (momentum > 0) {
        buf[i] = momentum * buf[i] + g / avg;
        w[i] -= lr * buf[i];
      } else {
        w[i] -= (lr * g) / avg;
      }
    }
  }
  return w;
}

const TOL_RMSPROP = { rtol: 3e-5, atol: 3e-6 };

describe('RMSprop matches torch.optim.RMSprop', () => {
  it.each([
    ['defaults', {}],
    ['alpha, eps, weight decay', { lr: 0.05, alpha: 0.9, eps: 1e-4, weightDecay: 0.05 }],
    ['momentum', { lr: 0.01, momentum: 0.9 }],
    ['centered + momentum + maximize', { lr: 0.005, centered: true, momentum: 0.5, maximize: true }],
  ] as [string, RmsRef][])('%s', (_name, o) => {
    const p = param(W0, [2, 3]);
    const opt = new RMSprop([p], o);
    run(opt, quadratic([p], [C], [S]), 6);
    assertClose({ shape: [6], data: values(p) }, { shape: [6], data: rmspropReference(W0, C, S, 6, o) }, TOL_RMSPROP, 'w');
    const sd = opt.stateDict();
    const names = Object.keys(sd.tensors).sort();
    const want = ['state.0.square_avg'];
    if (o.momentum) want.push('state.0.momentum_buffer');
    if (o.centered) want.push('state.0.grad_avg');
    expect(names).toEqual(want.sort());
    expect(sd.meta.state).toEqual({ 0: { step: 6 } });
    Object.values(sd.tensors).forEach((t) => t.dispose());
    opt.dispose();
    p.dispose();
  });

  it('rejects invalid options', () => {
    const p = param([1]);
    expect(() => new RMSprop([p], { alpha: -0.1 })).toThrow(/RMSprop: argument alpha/);
    expect(() => new RMSprop([p], { momentum: -0.1 })).toThrow(/argument momentum/);
    expect(() => new RMSprop([p], { eps: -1 })).toThrow(/argument eps/);
    expect(() => new RMSprop([{ params: [p], centered: 'yes' as unknown as boolean }])).toThrow(/paramGroups\[0\]\.centered/);
    p.dispose();
  });
});
