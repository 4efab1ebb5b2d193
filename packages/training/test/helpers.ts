// Shared pieces of the training tests: a small MLP made of tfjs ops and seeded data sets.
import { Module, createRng, init, tf, type Rng } from '@basiskit/tensor';

/** Linear layers with tanh between them (torch.nn.Linear's default init, seeded). */
export class MLP extends Module {
  private readonly layers: [string, string][] = [];

  constructor(sizes: number[], rng: Rng) {
    super();
    for (let i = 0; i + 1 < sizes.length; i++) {
      const bound = 1 / Math.sqrt(sizes[i]);
      this.registerParameter(`w${i}`, init.kaimingUniform([sizes[i + 1], sizes[i]], { rng, a: Math.sqrt(5) }));
      this.registerParameter(`b${i}`, init.uniform([sizes[i + 1]], { rng, low: -bound, high: bound }));
      this.layers.push([`w${i}`, `b${i}`]);
    }
  }

  forward(x: tf.Tensor): tf.Tensor {
    const p = Object.fromEntries(this.namedParameters());
    let h = x;
    this.layers.forEach(([w, b], i) => {
      h = tf.add(tf.matMul(h, p[w].value, false, true), p[b].value);
      if (i < this.layers.length - 1) h = tf.tanh(h);
    });
    return h;
  }
}

/** Two interleaved spirals (classes 0 and 1), `perClass` points each, seeded. */
export function twoSpirals(perClass: number, seed: number): { x: tf.Tensor2D; y: tf.Tensor1D } {
  const rng = createRng(seed);
  const xs = new Float32Array(perClass * 4);
  const ys = new Int32Array(perClass * 2);
  for (let c = 0; c < 2; c++) {
    for (let i = 0; i < perClass; i++) {
      const t = 0.05 + 0.95 * (i / perClass);
      const theta = 3 * Math.PI * t + c * Math.PI;
      const k = c * perClass + i;
      xs[2 * k] = t * Math.cos(theta) + 0.01 * rng.normal();
      xs[2 * k + 1] = t * Math.sin(theta) + 0.01 * rng.normal();
      ys[k] = c;
    }
  }
  return { x: tf.tensor2d(xs, [perClass * 2, 2]), y: tf.tensor1d(ys, 'int32') };
}

/** x in [-1, 1] and y = sin(3x), `n` points. */
export function sine3(n: number): { x: tf.Tensor2D; y: tf.Tensor2D } {
  return tf.tidy(() => {
    const x = tf.reshape(tf.linspace(-1, 1, n), [n, 1]) as tf.Tensor2D;
    return { x, y: tf.sin(tf.mul(x, 3)) as tf.Tensor2D };
  });
}

export { createRng };
