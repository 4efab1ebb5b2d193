import { irfft, rfft } from '@basiskit/kernels';
import { ConfigError, Module, ShapeError, StateDictError, createRng, initBackend, tf, type Parameter } from '@basiskit/tensor';
import { Adam, mse } from '@basiskit/training';
import { describe, expect, it } from 'vitest';
import { SpecBoost } from './spec_boost';

/** A 1-D Fourier multiplier on the first `modes` rfft bins of x [B, n] (a minimal spectral layer), plus dropout. */
class ModeFilter extends Module {
  readonly wr: Parameter;
  readonly wi: Parameter;
  constructor(
    readonly modes: number,
    seed: number,
    readonly drop = 0,
  ) {
    super();
    const rng = createRng(seed);
    this.wr = this.registerParameter('weight_real', rng.normalTensor([modes], 0, 0.1));
    this.wi = this.registerParameter('weight_imag', rng.normalTensor([modes], 0, 0.1));
  }
  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const n = x.shape[1] as number;
      const f = rfft(x, { axis: 1 });
      const bins = f.real.shape[1] as number;
      const cut = (t: tf.Tensor) => tf.slice(t, [0, 0], [-1, this.modes]);
      const [xr, xi] = [cut(f.real), cut(f.imag)];
      const re = tf.sub(tf.mul(xr, this.wr.value), tf.mul(xi, this.wi.value));
      const im = tf.add(tf.mul(xr, this.wi.value), tf.mul(xi, this.wr.value));
      const pad = (t: tf.Tensor) =>
        tf.pad(t, [
          [0, 0],
          [0, bins - this.modes],
        ]);
      const y = irfft({ real: pad(re), imag: pad(im) }, { axis: 1, n });
      return this.training && this.drop > 0 ? tf.dropout(y, this.drop, undefined, 7) : y;
    });
  }
}

/** A stage with the wrong output shape (the first half of x). */
class Cropped extends Module {
  forward(x: tf.Tensor): tf.Tensor {
    return tf.slice(x, [0, 0], [-1, (x.shape[1] as number) / 2]);
  }
}

const N = 32;

/** Inputs with energy in modes 1..12 and the target y = d/dx-like multiplier (i k / 4) x_hat: high frequencies dominate y. */
function problem(batch: number, seed: number): { x: tf.Tensor; y: tf.Tensor } {
  const rng = createRng(seed);
  const xs = new Float32Array(batch * N);
  const ys = new Float32Array(batch * N);
  for (let b = 0; b < batch; b++) {
    for (let k = 1; k <= 12; k++) {
      const a = rng.normal();
      const c = rng.normal();
      for (let j = 0; j < N; j++) {
        const t = (2 * Math.PI * k * j) / N;
        xs[b * N + j] += a * Math.cos(t) + c * Math.sin(t);
        ys[b * N + j] += (k / 4) * (-a * Math.sin(t) + c * Math.cos(t));
      }
    }
  }
  return { x: tf.tensor2d(xs, [batch, N]), y: tf.tensor2d(ys, [batch, N]) };
}

function train(model: Module, x: tf.Tensor, target: tf.Tensor, steps: number): void {
  const opt = new Adam(model.parameters({ trainableOnly: true }), { lr: 0.05 });
  for (let s = 0; s < steps; s++) opt.step(() => mse(model.forward(x), target) as tf.Scalar).dispose();
  opt.dispose();
}

const relErr = (pred: () => tf.Tensor, y: tf.Tensor) => tf.tidy(() => tf.div(tf.norm(tf.sub(pred(), y)), tf.norm(y)).dataSync()[0]);

describe.each(['cpu', 'wasm'] as const)('SpecBoost on %s', (backend) => {
  it('a second stage trained on the residual cuts the error of a weak (low-mode) first stage', async () => {
    await initBackend({ backend });
    const boost = new SpecBoost([new ModeFilter(4, 1), new ModeFilter(17, 2)]);
    const { x, y } = problem(16, 3);
    const test = problem(8, 4);
    // stage 0: the first model alone on y
    boost.freezeBefore(0);
    train(boost.stage(0), x, y, 150);
    const e1 = relErr(() => boost.stage(0).forward(test.x), test.y);
    // stage 1: earlier stages frozen, the second model on the residual
    boost.freezeBefore(1);
    expect(boost.trainableStages()).toEqual([false, true]);
    const frozen = Array.from(boost.stage(0).parameters()[0].value.dataSync());
    const r = boost.residualTarget(x, y, 1);
    train(boost.stage(1), x, r, 150);
    const e2 = relErr(() => boost.forward(test.x), test.y);
    console.log(`SpecBoost test (${backend}): relative L2 error, stage 0 alone ${e1.toFixed(4)}, stages 0 + 1 ${e2.toFixed(4)}`);
    // modes 4..12 carry most of y: the first stage cannot fit them, the sum can. Stage 1 alone
    // fits all of y, so it must have learnt the residual: trained on y itself, the sum would
    // count modes 1..3 twice, an error of |y_{1..3}| / |y| = sqrt(14 / 650) = 0.15.
    expect(e1).toBeGreaterThan(0.8);
    expect(e2).toBeLessThan(0.05);
    expect(e2).toBeLessThan(e1 / 10);
    expect(Array.from(boost.stage(0).parameters()[0].value.dataSync())).toEqual(frozen);
    tf.dispose([x, y, test.x, test.y, r]);
    boost.dispose();
  });
});

describe('SpecBoost', () => {
  it('sums the stages; forwardStages sums the first ones; residualTarget is y minus the earlier stages', async () => {
    await initBackend({ backend: 'cpu' });
    const [a, b, c] = [new ModeFilter(3, 1), new ModeFilter(5, 2), new ModeFilter(8, 3)];
    const boost = new SpecBoost([a, b, c]);
    const { x, y } = problem(2, 1);
    const parts = [a, b, c].map((m) => m.forward(x));
    const close = (got: tf.Tensor, want: tf.Tensor) => {
      const d = tf.tidy(() => tf.max(tf.abs(tf.sub(got, want))).dataSync()[0]);
      expect(d).toBeLessThan(1e-5);
    };
    const all = boost.forward(x);
    const first2 = boost.forwardStages(x, 2);
    const want = tf.tidy(() => tf.addN(parts));
    const want2 = tf.add(parts[0], parts[1]);
    const r0 = boost.residualTarget(x, y, 0);
    const r2 = boost.residualTarget(x, y, 2);
    const want2r = tf.sub(y, want2);
    close(all, want);
    close(first2, want2);
    close(r0, y);
    close(r2, want2r);
    tf.dispose([x, y, all, first2, want, want2, r0, r2, want2r, ...parts]);
    boost.dispose();
    expect(a.isDisposed && b.isDisposed && c.isDisposed).toBe(true);
  });

  it('no gradient reaches the earlier stages or x through residualTarget; they run in eval mode', async () => {
    await initBackend({ backend: 'cpu' });
    const boost = new SpecBoost([new ModeFilter(4, 1, 0.5), new ModeFilter(6, 2)]);
    const { x, y } = problem(2, 5);
    const { grads, value } = tf.variableGrads(() => tf.sum(tf.square(boost.residualTarget(x, y, 1))) as tf.Scalar, boost.stage(0).trainableVariables());
    for (const g of Object.values(grads)) expect(Array.from(g.dataSync()).every((v) => v === 0)).toBe(true);
    const dx = tf.grad((xx: tf.Tensor) => tf.sum(boost.residualTarget(xx, y, 1)))(x);
    expect(Array.from(dx.dataSync()).every((v) => v === 0)).toBe(true);
    // stage 0 has dropout: in training mode its output is random, residualTarget runs it in eval mode
    expect(boost.stage(0).training).toBe(true);
    const r = boost.residualTarget(x, y, 1);
    const evalOut = tf.tidy(() => tf.sub(y, boost.stage(0).eval().forward(x)));
    boost.stage(0).train();
    expect(Array.from(r.dataSync())).toEqual(Array.from(evalOut.dataSync()));
    expect(boost.stage(0).training).toBe(true);
    tf.dispose([x, y, value, dx, r, evalOut, ...Object.values(grads)]);
    boost.dispose();
  });

  it('freezeBefore sets the trainable flags; optimizers then skip the frozen stages', async () => {
    await initBackend({ backend: 'cpu' });
    const boost = new SpecBoost([new ModeFilter(3, 1), new ModeFilter(3, 2), new ModeFilter(3, 3)]);
    expect(boost.trainableStages()).toEqual([true, true, true]);
    boost.freezeBefore(2);
    expect(boost.trainableStages()).toEqual([false, false, true]);
    expect(boost.trainableVariables().length).toBe(2);
    boost.freezeBefore(0);
    expect(boost.trainableStages()).toEqual([true, true, true]);
    boost.dispose();
  });

  it('round-trips its state dict (models.<k>.*); a bad one is rejected with nothing loaded', async () => {
    await initBackend({ backend: 'wasm' });
    const a = new SpecBoost([new ModeFilter(3, 1), new ModeFilter(4, 2)]);
    const b = new SpecBoost([new ModeFilter(3, 5), new ModeFilter(4, 6)]);
    expect(Object.keys(a.stateDict()).sort()).toEqual(['models.0.weight_imag', 'models.0.weight_real', 'models.1.weight_imag', 'models.1.weight_real']);
    b.loadStateDict(a.stateDict());
    const { x, y } = problem(2, 1);
    const ya = a.forward(x);
    const yb = b.forward(x);
    expect(Array.from(yb.dataSync())).toEqual(Array.from(ya.dataSync()));
    const c = new SpecBoost([new ModeFilter(3, 7), new ModeFilter(4, 8)]);
    const before = Array.from(c.stage(0).parameters()[0].value.dataSync());
    const bad = { ...a.stateDict(), 'models.1.weight_real': tf.zeros([5]) };
    expect(() => c.loadStateDict(bad)).toThrow(StateDictError);
    expect(() => c.loadStateDict(bad)).toThrow(/shape mismatch for models.1.weight_real: expected \[4\], got \[5\]/);
    expect(Array.from(c.stage(0).parameters()[0].value.dataSync())).toEqual(before);
    tf.dispose([x, y, ya, yb, bad['models.1.weight_real']]);
    [a, b, c].forEach((m) => m.dispose());
  });

  it('refuses bad arguments with clear errors', async () => {
    await initBackend({ backend: 'cpu' });
    expect(() => new SpecBoost([])).toThrow(/SpecBoost: argument models: no stages/);
    expect(() => new SpecBoost([1 as never])).toThrow(/SpecBoost: argument models\[0\]: not a Module/);
    const m = new ModeFilter(3, 1);
    expect(() => new SpecBoost([m, m])).toThrow(/SpecBoost: argument models\[1\]: the same module twice/);
    const boost = new SpecBoost([m, new ModeFilter(3, 2)]);
    const { x, y } = problem(2, 1);
    expect(() => boost.residualTarget(x, y, 2)).toThrow(/SpecBoost.residualTarget: argument stage: invalid value \(expected an integer >= 0 <= 1, got 2\)/);
    expect(() => boost.freezeBefore(-1)).toThrow(ConfigError);
    expect(() => boost.stage(5)).toThrow(/SpecBoost.stage: argument k/);
    expect(() => boost.forwardStages(x, 0)).toThrow(/SpecBoost.forwardStages: argument count/);
    tf.tidy(() => {
      expect(() => boost.residualTarget(x, tf.zeros([2, 5]), 1)).toThrow(ShapeError);
    });
    const odd = new SpecBoost([new ModeFilter(3, 1), new Cropped()]);
    expect(() => odd.forward(x)).toThrow(
      /SpecBoost.forward: argument models.1: stages disagree in output shape \(expected output \[2, 32\] \(as models.0\), got output \[2, 16\]\)/,
    );
    tf.dispose([x, y]);
    boost.dispose();
    odd.dispose();
    expect(() => new SpecBoost([m])).toThrow(/SpecBoost: argument models\[0\]: module is disposed/);
  });
});
