// Behaviour shared by every optimizer: frozen parameters, clipping, no leaks, bit-exact
// resume from a state dict, validation of options and of state dicts.
import { ConfigError, DisposedError, ShapeError, StateDictError, initBackend, tf, type Parameter } from '@basiskit/tensor';
import { assertClose } from '@basiskit/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { Adam, AdamW } from './adam';
import { clipGradNorm, clipGradValue } from './clip';
import { LBFGS } from './lbfgs';
import type { Optimizer } from './optimizer';
import { RMSprop } from './rmsprop';
import { SGD } from './sgd';
import { disposeState, param, quadGrad, quadratic, resumeRoundTrip, run, values } from './test_helpers';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

type Make = (params: Parameter[]) => Optimizer<{ lr: number }>;
const KINDS: [string, Make][] = [
  ['SGD (nesterov, weight decay)', (ps) => new SGD(ps, { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 1e-3 })],
  ['Adam (amsgrad)', (ps) => new Adam(ps, { lr: 0.01, amsgrad: true })],
  ['AdamW (clipGradNorm)', (ps) => new AdamW(ps, { lr: 0.01, clipGradNorm: 0.5 })],
  ['RMSprop (centered, momentum)', (ps) => new RMSprop(ps, { lr: 0.01, centered: true, momentum: 0.5 })],
  ['LBFGS (strong Wolfe)', (ps) => new LBFGS(ps, { maxIter: 4, historySize: 3 })],
];

describe.each(['cpu', 'wasm'] as const)('resuming from a state dict on %s', (backend) => {
  it.each(KINDS)('%s: N steps, save, load into a new optimizer, M steps == N + M steps, bit for bit', async (_name, make) => {
    await initBackend({ backend });
    const [whole, resumed] = resumeRoundTrip(make, 11, 4, 3);
    expect(resumed).toEqual(whole);
    // and the run did move the parameters
    expect(whole.flat().some((v) => !Number.isFinite(v))).toBe(false);
    await initBackend({ backend: 'cpu' });
  });
});

describe('every optimizer', () => {
  it.each(KINDS)('%s leaves frozen parameters (trainable = false) untouched and stateless', (_name, make) => {
    const a = param([0.5, -1, 2]);
    const b = param([1, 1, 1]);
    b.trainable = false;
    const opt = make([a, b]);
    run(
      opt,
      quadratic(
        [a, b],
        [
          [1, 0, 0],
          [0, 0, 0],
        ],
        [
          [1, 2, 3],
          [1, 1, 1],
        ],
      ),
      3,
    );
    expect(values(b)).toEqual([1, 1, 1]);
    expect(values(a)).not.toEqual([0.5, -1, 2]);
    const sd = opt.stateDict();
    expect(Object.keys(sd.tensors).some((k) => k.startsWith('state.1.'))).toBe(false);
    expect(Object.keys(sd.meta.state as object)).not.toContain('1');
    disposeState(sd);
    opt.dispose();
    a.dispose();
    b.dispose();
  });

  it.each(KINDS.filter(([n]) => !n.startsWith('LBFGS')))('%s: 1,000 steps leave tf.memory().numTensors unchanged', (_name, make) => {
    const a = param([0.5, -1, 2, 0.25], [2, 2]);
    const b = param([1, 2]);
    const target = tf.tensor([
      [1, 0],
      [0, 1],
    ]);
    const opt = make([a, b]);
    const closure = () => tf.sum(tf.mul(tf.square(tf.sub(a.value, target)), tf.sum(b.value))) as tf.Scalar;
    run(opt, closure, 1); // state is created on the first step
    const n = tf.memory().numTensors;
    run(opt, closure, 1000);
    expect(tf.memory().numTensors).toBe(n);
    opt.dispose();
    tf.dispose([a.value, b.value, target]);
  });

  it('LBFGS: 100 steps leave tf.memory().numTensors unchanged', () => {
    const a = param([0.5, -1, 2, 0.25], [2, 2]);
    const opt = new LBFGS([a], { maxIter: 5, clipGradValue: 10 });
    const closure = () =>
      tf.tidy(
        () =>
          tf.sum(
            tf.cos(
              tf.mul(a.value, [
                [1, 2],
                [3, 4],
              ]),
            ),
          ) as tf.Scalar,
      );
    const n = tf.memory().numTensors;
    run(opt, closure, 100);
    expect(tf.memory().numTensors).toBe(n);
    opt.dispose();
    a.dispose();
  });

  it('stateDict returns copies the caller owns; dispose frees the state', () => {
    const a = param([0.5, -1, 2]);
    const opt = new Adam([a], { lr: 0.1 });
    const closure = quadratic([a], [[0, 0, 0]], [[1, 1, 1]]);
    run(opt, closure, 2);
    const n = tf.memory().numTensors;
    const sd = opt.stateDict();
    expect(tf.memory().numTensors).toBe(n + 2);
    disposeState(sd);
    run(opt, closure, 1); // still usable: its own state is untouched
    opt.dispose();
    expect(tf.memory().numTensors).toBe(n - 2);
    expect(opt.isDisposed).toBe(true);
    expect(() => opt.step(closure)).toThrow(DisposedError);
    expect(() => opt.step(closure)).toThrow(/Adam.step: the optimizer was disposed/);
    a.dispose();
  });

  it('getLr/setLr read and write group learning rates', () => {
    const a = param([1]);
    const b = param([2]);
    const opt = new SGD([{ params: [a] }, { params: [b], lr: 0.5 }], { lr: 0.1 });
    expect([opt.getLr(), opt.getLr(1)]).toEqual([0.1, 0.5]);
    opt.setLr(0.2, 1);
    expect(opt.paramGroups.map((g) => g.lr)).toEqual([0.1, 0.2]);
    opt.setLr(0.3);
    expect(opt.paramGroups.map((g) => g.lr)).toEqual([0.3, 0.3]);
    expect(() => opt.getLr(2)).toThrow(/SGD.getLr: argument group: no such parameter group \(expected an integer in \[0, 2\), got 2\)/);
    expect(() => opt.setLr(-1)).toThrow(/SGD.setLr: argument lr/);
    expect(opt.params).toEqual([a, b]);
    opt.dispose();
    a.dispose();
    b.dispose();
  });
});

describe('gradient clipping', () => {
  it('clipGradNorm follows torch.nn.utils.clip_grad_norm_ (total L2 norm, 1e-6 eps)', () => {
    const g1 = tf.tensor([3, 4]);
    const g2 = tf.tensor([[12]]);
    const { grads, totalNorm } = clipGradNorm([g1, g2], 6.5);
    const total = 13;
    const coef = 6.5 / (total + 1e-6);
    expect(totalNorm.dataSync()[0]).toBeCloseTo(total, 5);
    assertClose(grads[0], { shape: [2], data: [3 * coef, 4 * coef] }, { rtol: 1e-6, atol: 0 }, 'g1');
    assertClose(grads[1], { shape: [1, 1], data: [12 * coef] }, { rtol: 1e-6, atol: 0 }, 'g2');
    // within the norm: multiplied by exactly 1
    const small = clipGradNorm([g1], 100);
    expect(Array.from(small.grads[0].dataSync())).toEqual([3, 4]);
    const empty = clipGradNorm([], 1);
    expect(empty.totalNorm.dataSync()[0]).toBe(0);
    tf.dispose([g1, g2, ...grads, totalNorm, ...small.grads, small.totalNorm, empty.totalNorm]);
    expect(() => clipGradNorm([], 0)).toThrow(/clipGradNorm: argument maxNorm/);
  });

  it('clipGradValue clamps elements to [-v, v]', () => {
    const g = tf.tensor([-3, 0.5, 2]);
    const [c] = clipGradValue([g], 1);
    expect(Array.from(c.dataSync())).toEqual([-1, 0.5, 1]);
    tf.dispose([g, c]);
    expect(() => clipGradValue([], -1)).toThrow(ConfigError);
  });

  it('optimizers clip the gradients of all groups before the update (value, then norm)', () => {
    const W = [
      [0.5, -1],
      [2, 0.25, 3],
    ];
    const C = [
      [1, 0],
      [0, 1, -1],
    ];
    const S = [
      [1, 2],
      [3, 1, 0.5],
    ];
    const grads = W.map((w, k) => quadGrad(w, C[k], S[k]));
    const check = (clip: { clipGradNorm?: number; clipGradValue?: number }, expected: number[][]) => {
      const ps = W.map((w) => param(w));
      const opt = new SGD([{ params: [ps[0]] }, { params: [ps[1]] }], { lr: 1, ...clip });
      run(opt, quadratic(ps, C, S), 1);
      ps.forEach((p, k) =>
        assertClose(
          { shape: [W[k].length], data: values(p) },
          { shape: [W[k].length], data: W[k].map((w, i) => w - expected[k][i]) },
          { rtol: 1e-5, atol: 1e-6 },
          `group ${k}`,
        ),
      );
      opt.dispose();
      ps.forEach((p) => p.dispose());
    };
    const norm = Math.sqrt(grads.flat().reduce((s, g) => s + g * g, 0));
    check(
      { clipGradNorm: 1 },
      grads.map((g) => g.map((v) => (v * 1) / (norm + 1e-6))),
    );
    check(
      { clipGradValue: 1.5 },
      grads.map((g) => g.map((v) => Math.max(-1.5, Math.min(1.5, v)))),
    );
    const clamped = grads.map((g) => g.map((v) => Math.max(-1.5, Math.min(1.5, v))));
    const n2 = Math.sqrt(clamped.flat().reduce((s, g) => s + g * g, 0));
    check(
      { clipGradValue: 1.5, clipGradNorm: 2 },
      clamped.map((g) => g.map((v) => (v * 2) / (n2 + 1e-6))),
    );
  });
});

describe('options and parameters are validated', () => {
  it('rejects empty, duplicated, mixed and unknown inputs with the class, argument, expected and got', () => {
    const a = param([1]);
    const b = param([2]);
    expect(() => new SGD([], { lr: 0.1 })).toThrow(/SGD: argument params: optimizer got an empty parameter list/);
    expect(() => new Adam([{ params: [a] }, { params: [b, a] }])).toThrow(
      /Adam: argument paramGroups\[1\]\.params\[1\]: some parameters appear in more than one parameter group .*got the same Parameter as paramGroups\[0\]\.params\[0\]/,
    );
    expect(() => new SGD([a, a], { lr: 0.1 })).toThrow(/params\[1\]/);
    expect(() => new SGD([{ params: [] }], { lr: 0.1 })).toThrow(/paramGroups\[0\]\.params: parameter group has no parameters/);
    expect(() => new SGD([a, { params: [b] }] as never, { lr: 0.1 })).toThrow(/not mixed/);
    expect(() => new SGD([a], { lr: 0.1, weight_decay: 0.1 } as never)).toThrow(/SGD: argument weight_decay: unknown option/);
    expect(() => new Adam([{ params: [a], wd: 1 } as never])).toThrow(/paramGroups\[0\]\.wd: unknown option/);
    expect(() => new Adam([{ params: [a], clipGradNorm: 1 } as never])).toThrow(/clipping is global/);
    expect(() => new Adam([a], { clipGradNorm: -1 })).toThrow(/Adam: argument clipGradNorm/);
    expect(() => new SGD([{ params: [a], lr: -1 }], { lr: 0.1 })).toThrow(/argument paramGroups\[0\]\.lr/);
    const t = tf.scalar(1);
    expect(() => new SGD([t] as never, { lr: 0.1 })).toThrow(ConfigError);
    t.dispose();
    a.dispose();
    b.dispose();
  });

  it('a closure that does not return a scalar is a ShapeError', () => {
    const a = param([1, 2]);
    const opt = new SGD([a], { lr: 0.1 });
    expect(() => opt.step(() => tf.mul(a.value, 2) as unknown as tf.Scalar)).toThrow(ShapeError);
    expect(() => opt.step(() => tf.mul(a.value, 2) as unknown as tf.Scalar)).toThrow(
      /SGD.step: argument closure: the closure must return a scalar loss \(expected a rank-0 tf.Tensor, got shape \[2\]\)/,
    );
    expect(() => opt.step(() => 1 as unknown as tf.Scalar)).toThrow(/got 1\)/);
    expect(() => opt.step(undefined as never)).toThrow(/argument closure: invalid closure/);
    expect(values(a)).toEqual([1, 2]);
    opt.dispose();
    a.dispose();
  });

  it('loadStateDict reports every problem and loads nothing when it rejects', () => {
    const a = param([0.5, -1, 2]);
    const b = param([1, 2]);
    const opt = new Adam([{ params: [a] }, { params: [b], lr: 0.5 }], { lr: 0.1 });
    run(
      opt,
      quadratic(
        [a, b],
        [
          [0, 0, 0],
          [0, 0],
        ],
        [
          [1, 1, 1],
          [1, 1],
        ],
      ),
      2,
    );
    const good = opt.stateDict();
    const before = opt.stateDict();
    const bad = {
      tensors: {
        ...good.tensors,
        'state.0.exp_avg': tf.zeros([4]),
        'state.1.momentum_buffer': tf.zeros([2]),
        'state.7.exp_avg': tf.zeros([2]),
      },
      meta: { ...good.meta, paramGroups: [{ ...(good.meta.paramGroups as object[])[0], lr: -1 }, (good.meta.paramGroups as object[])[1]] },
    };
    let err: StateDictError | undefined;
    try {
      opt.loadStateDict(bad);
    } catch (e) {
      err = e as StateDictError;
    }
    expect(err).toBeInstanceOf(StateDictError);
    expect(err!.message).toMatch(/Adam.loadStateDict: optimizer state rejected, nothing loaded/);
    expect(err!.message).toMatch(/unexpected keys: state\.1\.momentum_buffer, state\.7\.exp_avg/);
    expect(err!.message).toMatch(/shape mismatch for state\.0\.exp_avg: expected \[3\], got \[4\]/);
    expect(err!.message).toMatch(/meta\.paramGroups\[0\]\.lr: expected a finite number >= 0, got -1/);
    expect(err!.mismatched).toEqual([{ key: 'state.0.exp_avg', expected: [3], got: [4] }]);
    // nothing changed
    const after = opt.stateDict();
    expect(after.meta).toEqual(before.meta);
    for (const k of Object.keys(before.tensors)) expect(Array.from(after.tensors[k].dataSync())).toEqual(Array.from(before.tensors[k].dataSync()));
    // wrong kind, wrong group count, partial state
    const sgd = new SGD([a], { lr: 0.1 });
    expect(() => sgd.loadStateDict(good)).toThrow(/meta\.optimizer: expected "SGD", got "Adam"[\s\S]*meta\.paramGroups: expected 1 group\(s\), got 2/);
    sgd.dispose();
    const partial = { tensors: { 'state.0.exp_avg': good.tensors['state.0.exp_avg'] }, meta: { ...good.meta, state: {} } };
    expect(() => opt.loadStateDict(partial)).toThrow(/missing keys \(parameters with partial state\): meta\.state\.0\.step, state\.0\.exp_avg_sq/);
    expect(() => opt.loadStateDict({} as never)).toThrow(ConfigError);
    // a good one loads, including the group options
    opt.setLr(0.01);
    opt.loadStateDict(good);
    expect(opt.paramGroups.map((g) => g.lr)).toEqual([0.1, 0.5]);
    tf.dispose([bad.tensors['state.0.exp_avg'], bad.tensors['state.1.momentum_buffer'], bad.tensors['state.7.exp_avg']]);
    [good, before, after].forEach(disposeState);
    opt.dispose();
    a.dispose();
    b.dispose();
  });

  it('LBFGS checks its history on load', () => {
    const a = param([0.5, -1]);
    const opt = new LBFGS([a], { maxIter: 3 });
    run(opt, quadratic([a], [[0, 0]], [[1, 2]]), 1);
    const sd = opt.stateDict();
    const lb = sd.meta.lbfgs as Record<string, unknown>;
    const bad = { tensors: {}, meta: { ...sd.meta, lbfgs: { ...lb, d: [1, 2, 3], old_dirs: [[1, 2]], ro: [] } } };
    expect(() => opt.loadStateDict(bad)).toThrow(/meta\.lbfgs\.d: expected null or 2 numbers[\s\S]*old_dirs, old_stps and ro differ in length/);
    opt.dispose();
    a.dispose();
  });
});
