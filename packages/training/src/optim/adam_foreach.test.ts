// Adam/AdamW's fused (foreach) path against the per-parameter path: parameters and state
// bit-identical over several steps (weight decay, amsgrad, maximize, parameters without a
// gradient in some steps, groups with different lr, a scheduler, save/load across paths), no
// leaks, fewer kernels per step; on cpu and wasm.
import { ConfigError, Parameter, StateDictError, createRng, initBackend, tf } from '@basiskit/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { StepLR } from '../schedulers';
import { Adam, AdamW, type AdamForeachOptions, type AdamOptions } from './adam';
import type { AdamGroupOptions } from './adam';
import type { OptimizerState, ParamGroup } from './optimizer';
import { disposeState } from './test_helpers';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

/** The bits of a float32 tensor (so -0, NaN payloads and every ulp count). */
function bits(t: tf.Tensor): number[] {
  return Array.from(new Uint32Array(new Float32Array(t.dataSync()).buffer));
}

const SHAPES = [[3, 4], [4], [2, 2, 3], [1], [5, 2]];

/** Five seeded parameters of several ranks and a loss; `skip` leaves the listed parameters out (no gradient). */
function net(seed: number): { params: Parameter[]; closure: (skip: number[]) => () => tf.Scalar; dispose: () => void } {
  const rng = createRng(seed);
  const params = SHAPES.map((s) => new Parameter(rng.uniformTensor(s, -1, 1)));
  const targets = SHAPES.map((s) => rng.uniformTensor(s, -0.5, 0.5));
  const closure = (skip: number[]) => () =>
    tf.tidy(
      () => tf.addN(params.flatMap((p, i) => (skip.includes(i) ? [] : [tf.sum(tf.mul(tf.square(tf.sub(tf.sin(p.value), targets[i])), i + 1))]))) as tf.Scalar,
    );
  return { params, closure, dispose: () => (tf.dispose(targets), params.forEach((p) => p.dispose())) };
}

type Kind = 'Adam' | 'AdamW';
interface Scenario {
  kind: Kind;
  groups: (ps: Parameter[]) => Parameter[] | ParamGroup<AdamGroupOptions>[];
  options: AdamOptions;
  /** Parameters without a gradient at each step (by step index). */
  skip: (step: number) => number[];
  scheduler?: boolean;
}

const SCENARIOS: [string, Scenario][] = [
  ['Adam, L2 weight decay, amsgrad, one group', { kind: 'Adam', groups: (ps) => ps, options: { lr: 0.05, weightDecay: 0.1, amsgrad: true }, skip: () => [] }],
  [
    'Adam, two groups (lr, maximize), a parameter without gradient in steps 1-2, StepLR',
    {
      kind: 'Adam',
      groups: (ps) => [{ params: ps.slice(0, 3) }, { params: ps.slice(3), lr: 0.2, maximize: true, betas: [0.8, 0.99] }],
      options: { lr: 0.03, eps: 1e-6 },
      skip: (s) => (s === 1 || s === 2 ? [1] : []),
      scheduler: true,
    },
  ],
  [
    'AdamW, groups with different lr and weightDecay, amsgrad in one, parameters skipped now and then',
    {
      kind: 'AdamW',
      groups: (ps) => [
        { params: [ps[0], ps[2]], weightDecay: 0.3 },
        { params: [ps[1], ps[3], ps[4]], lr: 0.1, amsgrad: true },
      ],
      options: { lr: 0.02 },
      skip: (s) => (s % 3 === 1 ? [0, 4] : s === 4 ? [3] : []),
      scheduler: true,
    },
  ],
];

function make(kind: Kind, ps: Parameter[], sc: Scenario, foreach: boolean): Adam {
  const o: AdamOptions & AdamForeachOptions = { ...sc.options, foreach };
  return kind === 'Adam' ? new Adam(sc.groups(ps) as Parameter[], o) : new AdamW(sc.groups(ps) as Parameter[], o);
}

interface Snapshot {
  params: number[][];
  tensors: Record<string, number[]>;
  keys: string[];
  meta: unknown;
}

function snapshot(ps: Parameter[], opt: Adam): Snapshot {
  const sd = opt.stateDict();
  const tensors: Record<string, number[]> = {};
  for (const [k, t] of Object.entries(sd.tensors)) tensors[k] = [...t.shape, ...bits(t)];
  const s = { params: ps.map((p) => bits(p.value)), tensors, keys: Object.keys(sd.tensors), meta: sd.meta };
  disposeState(sd);
  return s;
}

/** Runs a scenario for `steps` steps; a snapshot after each step. */
function trajectory(sc: Scenario, foreach: boolean, steps: number): Snapshot[] {
  const n = net(5);
  const opt = make(sc.kind, n.params, sc, foreach);
  const sched = sc.scheduler ? new StepLR(opt, { stepSize: 2, gamma: 0.5 }) : undefined;
  const out: Snapshot[] = [];
  for (let s = 0; s < steps; s++) {
    opt.step(n.closure(sc.skip(s))).dispose();
    sched?.step();
    out.push(snapshot(n.params, opt));
  }
  opt.dispose();
  n.dispose();
  return out;
}

describe.each(['cpu', 'wasm'] as const)('Adam foreach on %s', (backend) => {
  it.each(SCENARIOS)('%s: parameters and state bit-identical to foreach: false at every step', async (_name, sc) => {
    await initBackend({ backend });
    const before = tf.memory().numTensors;
    const fused = trajectory(sc, true, 7);
    const single = trajectory(sc, false, 7);
    expect(tf.memory().numTensors).toBe(before);
    fused.forEach((f, s) => expect(f, `step ${s + 1}`).toEqual(single[s]));
    // the steps moved the parameters; a parameter skipped in a step keeps its own step count
    expect(fused[6].params).not.toEqual(fused[0].params);
    const steps = Object.values((fused[6].meta as { state: Record<string, { step: number }> }).state).map((v) => v.step);
    expect(new Set(steps).size).toBe(sc.skip(1).length ? 2 : 1);
    await initBackend({ backend: 'cpu' });
  });

  it('saving from one path and loading into the other continues bit-exactly', async () => {
    await initBackend({ backend });
    const sc = SCENARIOS[2][1];
    const runFor = (opt: Adam, n: ReturnType<typeof net>, from: number, to: number) => {
      for (let s = from; s < to; s++) opt.step(n.closure(sc.skip(s))).dispose();
    };
    const a = net(5);
    const whole = make('AdamW', a.params, sc, false);
    runFor(whole, a, 0, 6);
    const want = snapshot(a.params, whole);
    whole.dispose();
    a.dispose();
    for (const [first, second] of [
      [true, false],
      [false, true],
      [true, true],
    ]) {
      const b = net(5);
      const o1 = make('AdamW', b.params, sc, first);
      runFor(o1, b, 0, 3);
      const sd = o1.stateDict();
      const state: OptimizerState = { tensors: sd.tensors, meta: JSON.parse(JSON.stringify(sd.meta)) };
      o1.dispose();
      const o2 = make('AdamW', b.params, sc, second);
      o2.loadStateDict(state);
      disposeState(sd);
      runFor(o2, b, 3, 6);
      expect(snapshot(b.params, o2), `foreach ${first} -> ${second}`).toEqual(want);
      o2.dispose();
      b.dispose();
    }
    await initBackend({ backend: 'cpu' });
  });
});

describe('Adam foreach', () => {
  it('a rejected state dict loads nothing into a fused optimizer; it steps on exactly like the per-parameter one', () => {
    const sc = SCENARIOS[0][1];
    const a = net(5);
    const b = net(5);
    const fused = make('Adam', a.params, sc, true);
    const single = make('Adam', b.params, sc, false);
    for (let s = 0; s < 2; s++) {
      fused.step(a.closure([])).dispose();
      single.step(b.closure([])).dispose();
    }
    const sd = fused.stateDict();
    const bad: OptimizerState = { tensors: { ...sd.tensors, 'state.9.exp_avg': sd.tensors['state.0.exp_avg'] }, meta: sd.meta };
    const n = tf.memory().numTensors;
    expect(() => fused.loadStateDict(bad)).toThrow(StateDictError);
    expect(tf.memory().numTensors).toBe(n);
    disposeState(sd);
    fused.step(a.closure([])).dispose();
    single.step(b.closure([])).dispose();
    expect(snapshot(a.params, fused)).toEqual(snapshot(b.params, single));
    fused.dispose();
    single.dispose();
    a.dispose();
    b.dispose();
  });

  it('keeps two state tensors per group (three with amsgrad), not per parameter, and leaks none while the layout changes', () => {
    const n = net(3);
    const m0 = tf.memory().numTensors;
    const opt = new Adam([{ params: n.params.slice(0, 2) }, { params: n.params.slice(2), amsgrad: true }], { lr: 0.01 });
    opt.step(n.closure([])).dispose();
    expect(tf.memory().numTensors - m0).toBe(2 + 3);
    // skipped parameters get their own step counts, hence their own flat states
    for (let s = 0; s < 30; s++) opt.step(n.closure(s % 4 === 1 ? [1, 3] : s % 7 === 2 ? [4] : [])).dispose();
    opt.step(n.closure([])).dispose();
    const held = tf.memory().numTensors;
    expect(held - m0).toBeGreaterThan(5);
    for (let s = 0; s < 5; s++) opt.step(n.closure([])).dispose();
    expect(tf.memory().numTensors).toBe(held);
    opt.dispose();
    expect(tf.memory().numTensors).toBe(m0);
    n.dispose();
  });

  it('rejects a foreach that is not a boolean', () => {
    const p = new Parameter(tf.ones([2]));
    expect(() => new Adam([p], { foreach: 'yes' as unknown as boolean })).toThrow(ConfigError);
    expect(() => new AdamW([p], { foreach: 1 as unknown as boolean })).toThrow(
      /AdamW: argument foreach: invalid option \(expected a boolean or undefined, got 1\)/,
    );
    expect(new Adam([p]).foreach).toBe(true);
    expect(new AdamW([p], { foreach: false }).foreach).toBe(false);
    p.dispose();
  });

  it.each(['cpu', 'wasm'] as const)('runs fewer kernels per step than the per-parameter path (%s)', async (backend) => {
    await initBackend({ backend });
    const count = async (foreach: boolean) => {
      const n = net(7);
      const opt = new AdamW(n.params, { lr: 0.01, foreach });
      opt.step(n.closure([])).dispose(); // state created
      // (tf.profile returns the engine's one profile object: read it before profiling again)
      const info = await tf.profile(() => opt.step(n.closure([])));
      (info.result as tf.Tensor).dispose();
      const step = info.kernels.length;
      const grads = await tf.profile(() =>
        tf.engine().gradients(
          n.closure([]),
          n.params.map((p) => p.value),
        ),
      );
      const r = grads.result as { value: tf.Tensor; grads: tf.Tensor[] };
      tf.dispose([r.value, ...r.grads]);
      const update = step - grads.kernels.length;
      opt.dispose();
      n.dispose();
      return { step, update };
    };
    const fused = await count(true);
    const single = await count(false);
    expect(fused.step - fused.update).toBe(single.step - single.update);
    expect(single.update).toBeGreaterThanOrEqual(10 * SHAPES.length);
    expect(fused.update).toBeLessThan(single.update / 2);
    await initBackend({ backend: 'cpu' });
  });
});
