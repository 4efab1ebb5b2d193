// Test-only helpers (not exported by the package): finite-difference checks of a module's
// parameter gradients, and small numeric utilities.
import { createRng, tf, type Module } from '@basiskit/tensor';

/** Options of {@link checkParamGradients}. */
export interface ParamGradCheckOptions {
  /** Finite-difference step. Default 1e-2. */
  eps?: number;
  /** An element passes when |analytic - numeric| <= atol + rtol |numeric|. Default 2e-2. */
  rtol?: number;
  /** Default 2e-3. */
  atol?: number;
  /** Elements checked per parameter (chosen at random, seeded). Default 6. */
  perParam?: number;
  /** Seed of the weighting and the element choice. Default 0. */
  seed?: number;
}

/**
 * Compares the gradient of `L = sum(f() * r)` (r a fixed random weighting) with respect to every
 * trainable parameter of `module` with central differences at `perParam` random elements each.
 * `f` runs the module. Returns the failures as readable lines (empty when all pass) and leaves
 * every parameter as it found it.
 */
export function checkParamGradients(module: Module, f: () => tf.Tensor, options: ParamGradCheckOptions = {}): string[] {
  const eps = options.eps ?? 1e-2;
  const rtol = options.rtol ?? 2e-2;
  const atol = options.atol ?? 2e-3;
  const perParam = options.perParam ?? 6;
  const rng = createRng(options.seed ?? 0);
  const outShape = tf.tidy(() => f().shape);
  const size = outShape.reduce((a, b) => a * b, 1);
  const rData = new Float32Array(size).map(() => rng.uniform() * 2 - 1);
  const r = tf.tensor(rData, outShape);
  const lossValue = (): number => {
    const y = tf.tidy(() => f().dataSync());
    let s = 0;
    for (let i = 0; i < y.length; i++) s += y[i] * rData[i];
    return s;
  };
  const named = module.namedParameters({ trainableOnly: true });
  const failures: string[] = [];
  const { grads, value } = tf.variableGrads(
    () => tf.sum(tf.mul(f(), r)) as tf.Scalar,
    named.map(([, p]) => p.value),
  );
  value.dispose();
  try {
    for (const [name, p] of named) {
      const g = grads[p.value.name];
      const analytic = g ? g.dataSync() : new Float32Array(p.size);
      const base = p.value.dataSync().slice() as Float32Array;
      const picks = new Set<number>();
      while (picks.size < Math.min(perParam, base.length)) picks.add(Math.floor(rng.uniform() * base.length));
      for (const e of picks) {
        const at = (d: number) => {
          const v = base.slice();
          v[e] += d;
          tf.tidy(() => p.assign(tf.tensor(v, p.shape)));
          return lossValue();
        };
        const numeric = (at(eps) - at(-eps)) / (2 * eps);
        tf.tidy(() => p.assign(tf.tensor(base, p.shape)));
        if (!(Math.abs(analytic[e] - numeric) <= atol + rtol * Math.abs(numeric))) {
          failures.push(`${name}[${e}]: analytic ${analytic[e]}, numeric ${numeric}`);
        }
      }
    }
  } finally {
    tf.dispose(Object.values(grads));
    r.dispose();
  }
  return failures;
}

/** Relative L2 error ||a - b|| / ||b|| of two arrays. */
export function relL2(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < b.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += b[i] ** 2;
  }
  return Math.sqrt(num / den);
}
