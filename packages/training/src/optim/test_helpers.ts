// Helpers for the optimizer and scheduler tests (not exported from the package).
import { Parameter, createRng, tf } from '@basiskit/tensor';
import type { Optimizer, OptimizerState } from './optimizer';

/** A parameter holding `values` (float32) with `shape`. */
export function param(values: number[], shape: number[] = [values.length]): Parameter {
  return new Parameter(tf.tensor(values, shape, 'float32'));
}

/** The values of a parameter as a plain array. */
export function values(p: Parameter): number[] {
  return Array.from(p.value.dataSync());
}

/**
 * The quadratic `f(w) = Σ s_i (w_i - c_i)²` over several parameters (gradient `2 s (w - c)`),
 * as a closure for `step`.
 */
export function quadratic(ps: Parameter[], c: number[][], s: number[][]): () => tf.Scalar {
  return () => tf.addN(ps.map((p, k) => tf.sum(tf.mul(tf.square(tf.sub(p.value, tf.tensor(c[k], p.shape))), tf.tensor(s[k], p.shape))))) as tf.Scalar;
}

/** Gradient of {@link quadratic} for one parameter, in float64 from float32 values. */
export function quadGrad(w: number[], c: number[], s: number[]): number[] {
  return w.map((x, i) => 2 * s[i] * (x - c[i]));
}

/** Runs `n` steps, disposing the losses; returns the last loss value. */
export function run(opt: Optimizer<{ lr: number }>, closure: () => tf.Scalar, n: number): number {
  let last = NaN;
  for (let i = 0; i < n; i++) {
    const l = opt.step(closure);
    last = l.dataSync()[0];
    l.dispose();
  }
  return last;
}

/** A tiny tanh MLP 2-6-1 on fixed seeded data, as parameters and a loss closure. */
export function tinyNet(seed: number): { params: Parameter[]; closure: () => tf.Scalar; dispose: () => void } {
  const rng = createRng(seed);
  const params = [
    new Parameter(rng.uniformTensor([2, 6], -0.7, 0.7)),
    new Parameter(rng.uniformTensor([6], -0.7, 0.7)),
    new Parameter(rng.uniformTensor([6, 1], -0.4, 0.4)),
    new Parameter(rng.uniformTensor([1], -0.4, 0.4)),
  ];
  const x = rng.uniformTensor([16, 2], -1, 1);
  const y = tf.tidy(() => tf.sin(tf.sum(tf.mul(x, [[2, -1]]), 1, true)));
  const closure = () =>
    tf.tidy(() => {
      const h = tf.tanh(tf.add(tf.matMul(x, params[0].value), params[1].value));
      const out = tf.add(tf.matMul(h, params[2].value), params[3].value);
      return tf.mean(tf.square(tf.sub(out, y))) as tf.Scalar;
    });
  return { params, closure, dispose: () => (tf.dispose([x, y]), params.forEach((p) => p.dispose())) };
}

/** Disposes the tensors of an optimizer state. */
export function disposeState(s: OptimizerState): void {
  tf.dispose(Object.values(s.tensors));
}

/**
 * Checks that N steps, save, load into a fresh optimizer over fresh parameters holding the
 * same values, then M steps gives exactly the same parameters as N + M uninterrupted steps.
 * Returns [uninterrupted, resumed] parameter values.
 */
export function resumeRoundTrip(make: (params: Parameter[]) => Optimizer<{ lr: number }>, seed: number, n: number, m: number): [number[][], number[][]] {
  const a = tinyNet(seed);
  const optA = make(a.params);
  run(optA, a.closure, n + m);
  const whole = a.params.map(values);
  optA.dispose();
  a.dispose();

  const b = tinyNet(seed);
  const optB = make(b.params);
  run(optB, b.closure, n);
  const saved = optB.stateDict();
  // the meta survives JSON (checkpoints store it as JSON)
  const state: OptimizerState = { tensors: saved.tensors, meta: JSON.parse(JSON.stringify(saved.meta)) };
  const snapshot = b.params.map((p) => tf.clone(p.value));
  optB.dispose();
  b.dispose();

  const c = tinyNet(seed);
  c.params.forEach((p, i) => p.assign(snapshot[i]));
  tf.dispose(snapshot);
  const optC = make(c.params);
  optC.loadStateDict(state);
  disposeState(saved);
  run(optC, c.closure, m);
  const resumed = c.params.map(values);
  optC.dispose();
  c.dispose();
  return [whole, resumed];
}
