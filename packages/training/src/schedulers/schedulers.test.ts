import { ConfigError, StateDictError, initBackend, tf } from '@basiskit/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Adam } from '../optim/adam';
import { LBFGS } from '../optim/lbfgs';
import { SGD } from '../optim/sgd';
import { param } from '../optim/test_helpers';
import { CosineAnnealingLR, ExponentialLR, LRScheduler, OneCycleLR, ReduceLROnPlateau, StepLR } from './index';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

/** Parameters shared by every test (created before the leak guard's first snapshot). */
const params: ReturnType<typeof param>[] = [];
beforeAll(() => {
  for (let i = 0; i < 3; i++) params.push(param([i]));
});
afterAll(() => params.forEach((p) => p.dispose()));

/** An SGD over one parameter per group with learning rates `lrs` (no state: steps are never taken). */
const sgd = (lrs: number[], extra: { momentum?: number } = {}) =>
  new SGD(
    lrs.map((lr, i) => ({ params: [params[i]], lr })),
    { lr: lrs[0], ...extra },
  );

/** The learning rates after construction and after each of `n` steps. */
function trace(s: LRScheduler, n: number, metric?: (e: number) => number): number[][] {
  const out = [s.getLastLr()];
  for (let e = 1; e <= n; e++) {
    s.step(metric?.(e));
    out.push(s.getLastLr());
    expect(s.optimizer.paramGroups.map((g) => g.lr)).toEqual(s.getLastLr());
  }
  return out;
}

function expectClose(got: number[][], want: number[][], digits = 14): void {
  expect(got.length).toBe(want.length);
  got.forEach((row, e) => row.forEach((v, g) => expect(v, `epoch ${e} group ${g}`).toBeCloseTo(want[e][g], digits)));
}

describe('StepLR / ExponentialLR', () => {
  it('StepLR: lr = base · gamma^floor(epoch / stepSize)', () => {
    const opt = sgd([0.1, 0.5]);
    const s = new StepLR(opt, { stepSize: 3, gamma: 0.5 });
    expect(s.interval).toBe('epoch');
    expect(s.lastEpoch).toBe(0);
    const want = Array.from({ length: 11 }, (_, e) => [0.1, 0.5].map((b) => b * 0.5 ** Math.floor(e / 3)));
    expectClose(trace(s, 10), want, 16);
    expect(s.lastEpoch).toBe(10);
    expect(new StepLR(sgd([1]), { stepSize: 1 }).stateDict().options).toEqual({ stepSize: 1, gamma: 0.1 });
  });

  it('ExponentialLR: lr = base · gamma^epoch', () => {
    const s = new ExponentialLR(sgd([0.2, 0.02]), { gamma: 0.9, interval: 'step' });
    expect(s.interval).toBe('step');
    expectClose(
      trace(s, 8),
      Array.from({ length: 9 }, (_, e) => [0.2 * 0.9 ** e, 0.02 * 0.9 ** e]),
      16,
    );
  });
});

describe('CosineAnnealingLR', () => {
  it('equals torch’s closed form and its recursive (chainable) form, past tMax too', () => {
    const [T, etaMin, base] = [10, 0.001, 0.1];
    const s = new CosineAnnealingLR(sgd([base]), { tMax: T, etaMin });
    const got = trace(s, 25);
    const closed = got.map((_, e) => [etaMin + ((base - etaMin) * (1 + Math.cos((Math.PI * e) / T))) / 2]);
    expectClose(got, closed, 15);
    // torch's CosineAnnealingLR.get_lr (recursive), from its source
    let lr = base;
    const recursive = [[lr]];
    for (let e = 1; e <= 25; e++) {
      if ((e - 1 - T) % (2 * T) === 0) lr = lr + ((base - etaMin) * (1 - Math.cos(Math.PI / T))) / 2;
      else lr = ((1 + Math.cos((Math.PI * e) / T)) / (1 + Math.cos((Math.PI * (e - 1)) / T))) * (lr - etaMin) + etaMin;
      recursive.push([lr]);
    }
    expectClose(got, recursive, 12);
  });

  it('with warmup equals SequentialLR(LinearLR(start_factor, w), CosineAnnealingLR(tMax - w))', () => {
    const [T, w, f, etaMin] = [12, 4, 0.1, 0];
    const bases = [0.1, 0.3];
    const s = new CosineAnnealingLR(sgd(bases), { tMax: T, warmupSteps: w, warmupStartFactor: f, etaMin });
    const want = Array.from({ length: 16 }, (_, e) =>
      bases.map((b) => (e < w ? b * (f + ((1 - f) * e) / w) : etaMin + ((b - etaMin) * (1 + Math.cos((Math.PI * (e - w)) / (T - w)))) / 2)),
    );
    const got = trace(s, 15);
    expectClose(got, want, 15);
    expect(got[0]).toEqual([0.1 * f, 0.3 * f]);
    expect(got[w]).toEqual(bases);
    expect(got[T][0]).toBeCloseTo(0, 15);
    expect(() => new CosineAnnealingLR(sgd([0.1]), { tMax: 4, warmupSteps: 4 })).toThrow(
      /CosineAnnealingLR: argument warmupSteps: invalid option \(expected fewer than tMax \(4\) steps, got 4\)/,
    );
  });
});

interface OneCycleRef {
  pct?: number;
  strategy?: 'cos' | 'linear';
  div?: number;
  finalDiv?: number;
  three?: boolean;
}

/** torch's OneCycleLR.get_lr, transcribed from its source. */
function oneCycleReference(maxLr: number, T: number, o: OneCycleRef): number[] {
  const { pct = 0.3, strategy = 'cos', div = 25, finalDiv = 1e4, three = false } = o;
  const initial = maxLr / div;
  const min = initial / finalDiv;
  const phases = three
    ? [
        [pct * T - 1, initial, maxLr],
        [2 * pct * T - 2, maxLr, initial],
        [T - 1, initial, min],
      ]
    : [
        [pct * T - 1, initial, maxLr],
        [T - 1, maxLr, min],
      ];
  const anneal = (a: number, b: number, p: number) => (strategy === 'cos' ? b + ((a - b) / 2) * (Math.cos(Math.PI * p) + 1) : (b - a) * p + a);
  const out: number[] = [];
  for (let step = 0; step <= T; step++) {
    let start = 0;
    for (let i = 0; i < phases.length; i++) {
      const [end, a, b] = phases[i];
      if (step <= end || i === phases.length - 1) {
        // (basiskit clamps the linear extrapolation past the end at 0; torch would go negative)
        out.push(Math.max(0, anneal(a, b, (step - start) / (end - start))));
        break;
      }
      start = end;
    }
  }
  return out;
}

describe('OneCycleLR', () => {
  it.each([
    ['cos', {}],
    ['linear', { strategy: 'linear' as const }],
    ['three phases, pctStart 0.25', { three: true, pct: 0.25 }],
    ['divFactor 10, finalDivFactor 100', { div: 10, finalDiv: 100 }],
  ] as [string, OneCycleRef][])('follows torch’s schedule (%s), stepped per batch', (_name, o) => {
    const T = 20;
    const s = new OneCycleLR(sgd([0.123]), {
      maxLr: 0.1,
      totalSteps: T,
      pctStart: o.pct,
      annealStrategy: o.strategy,
      divFactor: o.div,
      finalDivFactor: o.finalDiv,
      threePhase: o.three,
    });
    expect(s.interval).toBe('step');
    const got = trace(s, T);
    expectClose(
      got,
      oneCycleReference(0.1, T, o).map((v) => [v]),
      15,
    );
    expect(got[0][0]).toBeCloseTo(0.1 / (o.div ?? 25), 15);
    expect(() => s.step()).toThrow(/Tried to step 21 times\. The specified number of total steps is 20/);
  });

  it('takes one maxLr per group and cycles momentum / beta1 when asked', () => {
    const T = 10;
    const opt = sgd([0.1, 0.1], { momentum: 0.9 });
    const s = new OneCycleLR(opt, { maxLr: [1, 2], totalSteps: T, cycleMomentum: true, baseMomentum: 0.8, maxMomentum: 0.9 });
    const moms = [opt.paramGroups.map((g) => g.momentum)];
    const lrs = [s.getLastLr()];
    for (let e = 1; e < T; e++) {
      s.step();
      moms.push(opt.paramGroups.map((g) => g.momentum));
      lrs.push(s.getLastLr());
    }
    const r1 = oneCycleReference(1, T, {});
    const r2 = oneCycleReference(2, T, {});
    expectClose(
      lrs,
      r1.slice(0, T).map((v, i) => [v, r2[i]]),
      15,
    );
    // momentum: the same phases from 0.9 down to 0.8 (at the peak, step 2) and back up
    expect(moms[0]).toEqual([0.9, 0.9]);
    expect(moms[2][0]).toBeCloseTo(0.8, 15);
    expect(moms[T - 1][0]).toBeCloseTo(0.9, 15);
    const a = new Adam([params[0]], { betas: [0.5, 0.99] });
    new OneCycleLR(a, { maxLr: 0.01, totalSteps: 5, cycleMomentum: true });
    expect(a.paramGroups[0].betas).toEqual([0.95, 0.99]);
    expect(() => new OneCycleLR(new LBFGS([params[0]]), { maxLr: 1, totalSteps: 5, cycleMomentum: true })).toThrow(/optimizer must support momentum or beta1/);
  });
});

describe('ReduceLROnPlateau', () => {
  it('reduces after more than `patience` bad epochs, with cooldown and minLr (torch’s rules)', () => {
    const opt = sgd([0.1]);
    const s = new ReduceLROnPlateau(opt, { patience: 2, factor: 0.5, threshold: 0.1, cooldown: 1, minLr: 0.02 });
    expect(s.interval).toBe('epoch');
    const metrics = [1.0, 0.95, 0.95, 0.95, 0.95, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5];
    // by hand: better = metric < best · 0.9; reductions at epochs 4, 9, 13 (0.0125 clipped to minLr 0.02); none at 17 (no change)
    const want = [0.1, 0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025, 0.025, 0.02, 0.02, 0.02, 0.02, 0.02].map((v) => [v]);
    expectClose(
      trace(s, metrics.length, (e) => metrics[e - 1]),
      want,
      15,
    );
    expect(() => s.step()).toThrow(/ReduceLROnPlateau.step: argument metric/);
  });

  it('mode max with an absolute threshold; NaN counts as no improvement', () => {
    const s = new ReduceLROnPlateau(sgd([1, 0.5]), { mode: 'max', thresholdMode: 'abs', threshold: 0.05, patience: 1, factor: 0.1 });
    const metrics = [0.5, 0.54, NaN, 0.6, 0.6, 0.6];
    // 0.5 better (> -inf); 0.54 not > 0.55: bad 1; NaN: bad 2 > 1 → reduce; 0.6 better; 0.6 bad 1; bad 2 → reduce
    const got = trace(s, metrics.length, (e) => metrics[e - 1]);
    expectClose(
      got,
      [
        [1, 0.5],
        [1, 0.5],
        [1, 0.5],
        [0.1, 0.05],
        [0.1, 0.05],
        [0.1, 0.05],
        [0.01, 0.005],
      ],
      15,
    );
  });
});

describe('scheduler state dicts', () => {
  type Make = (opt: SGD) => LRScheduler;
  const cases: [string, Make, ((e: number) => number) | undefined][] = [
    ['StepLR', (o) => new StepLR(o, { stepSize: 2, gamma: 0.3 }), undefined],
    ['ExponentialLR', (o) => new ExponentialLR(o, { gamma: 0.7 }), undefined],
    ['CosineAnnealingLR', (o) => new CosineAnnealingLR(o, { tMax: 9, warmupSteps: 2, etaMin: 1e-3 }), undefined],
    ['OneCycleLR', (o) => new OneCycleLR(o, { maxLr: [0.5, 1], totalSteps: 12, cycleMomentum: true }), undefined],
    ['ReduceLROnPlateau', (o) => new ReduceLROnPlateau(o, { patience: 1, cooldown: 1 }), (e) => [3, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1][e - 1]],
  ];
  it.each(cases)('%s: save (JSON), load into a new scheduler, continue == uninterrupted', (_name, make, metric) => {
    const whole = make(sgd([0.1, 0.2], { momentum: 0.9 }));
    const full = trace(whole, 10, metric);

    const first = make(sgd([0.1, 0.2], { momentum: 0.9 }));
    trace(first, 4, metric);
    const saved = JSON.parse(JSON.stringify({ sched: first.stateDict(), opt: first.optimizer.stateDict().meta }));
    const opt2 = sgd([0.1, 0.2], { momentum: 0.9 });
    const second = make(opt2);
    opt2.loadStateDict({ tensors: {}, meta: saved.opt });
    second.loadStateDict(saved.sched);
    expect(second.lastEpoch).toBe(4);
    const rest = trace(second, 6, metric && ((e) => metric(e + 4)));
    expect(rest).toEqual(full.slice(4));
  });

  it('rejects a state of another scheduler or group count, loading nothing', () => {
    const s = new StepLR(sgd([0.1, 0.2]), { stepSize: 2 });
    s.step();
    const other = new ExponentialLR(sgd([0.1]), { gamma: 0.5 }).stateDict();
    let err: unknown;
    try {
      s.loadStateDict(other);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StateDictError);
    expect((err as Error).message).toMatch(
      /StepLR.loadStateDict: scheduler state rejected, nothing loaded:\n {2}scheduler: expected "StepLR", got "ExponentialLR"/,
    );
    expect((err as Error).message).toMatch(/baseLrs: expected 2 finite number\(s\) >= 0/);
    expect((err as Error).message).toMatch(/options\.stepSize: missing/);
    expect(s.lastEpoch).toBe(1);
    const good = s.stateDict();
    expect(() => s.loadStateDict({ ...good, options: { stepSize: 0, gamma: 0.1 } })).toThrow(/options\.stepSize: expected an integer >= 1, got 0/);
    expect(() => s.loadStateDict(null as never)).toThrow(ConfigError);
  });
});

describe('scheduler options are validated', () => {
  it('names the scheduler, the argument, what was expected and what came', () => {
    const o = sgd([0.1, 0.2]);
    expect(() => new StepLR(o, { stepSize: 0 })).toThrow(/StepLR: argument stepSize: invalid option \(expected an integer >= 1, got 0\)/);
    expect(() => new StepLR(o, { stepSize: 2, gamma: -1 })).toThrow(/argument gamma/);
    expect(() => new StepLR(o, { stepSize: 2, interval: 'batch' as never })).toThrow(/argument interval: .*one of "epoch", "step"/);
    expect(() => new ExponentialLR(o, {} as never)).toThrow(/ExponentialLR: argument gamma/);
    expect(() => new CosineAnnealingLR(o, { tMax: 0 })).toThrow(/argument tMax/);
    expect(() => new CosineAnnealingLR(o, { tMax: 5, warmupStartFactor: 2 })).toThrow(/argument warmupStartFactor/);
    expect(() => new OneCycleLR(o, { maxLr: [0.1], totalSteps: 10 })).toThrow(/OneCycleLR: argument maxLr: .*an array of 2 such/);
    expect(() => new OneCycleLR(o, { maxLr: 0.1, totalSteps: 10, pctStart: 1.5 })).toThrow(/argument pctStart/);
    expect(() => new OneCycleLR(o, { maxLr: 0.1, totalSteps: 0 })).toThrow(/argument totalSteps/);
    expect(() => new OneCycleLR(o, { maxLr: 0.1, totalSteps: 5, annealStrategy: 'exp' as never })).toThrow(/argument annealStrategy/);
    expect(() => new ReduceLROnPlateau(o, { factor: 1 })).toThrow(
      /ReduceLROnPlateau: argument factor: invalid option \(expected a finite number >= 0 < 1, got 1\)/,
    );
    expect(() => new ReduceLROnPlateau(o, { mode: 'maximum' as never })).toThrow(/argument mode/);
    expect(() => new ReduceLROnPlateau(o, { minLr: [0.1, 0.2, 0.3] })).toThrow(/argument minLr/);
    expect(() => new StepLR({} as never, { stepSize: 1 })).toThrow(/StepLR: argument optimizer: not an optimizer/);
    expect(tf.memory().numTensors).toBeGreaterThan(0);
  });
});
