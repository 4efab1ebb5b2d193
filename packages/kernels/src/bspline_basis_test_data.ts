// Test data shared by the B-spline tests (not exported from the package): knot grids (uniform
// or random sorted), inputs that hit every case of the interval rule, and a backend without
// basiskit's fused kernels.
import { createRng, tf } from '@basiskit/tensor';
import { uniformGrid } from './bspline_grid';

/** A nondecreasing random knot grid [in, G+2k+1] (gaps uniform in [0.05, 0.6)), or the uniform one. */
export function testGrid(inF: number, g: number, k: number, kind: 'uniform' | 'random', seed = 1): tf.Tensor2D {
  if (kind === 'uniform') return uniformGrid(inF, g, k, [-1, 1]);
  const rng = createRng(seed);
  const m = g + 2 * k + 1;
  const data = new Float32Array(inF * m);
  for (let i = 0; i < inF; i++) {
    let t = -1.5 - rng.uniform();
    for (let j = 0; j < m; j++) {
      data[i * m + j] = t;
      t += 0.05 + 0.55 * rng.uniform();
    }
  }
  return tf.tensor2d(data, [inF, m]);
}

/**
 * x [n, in] for a grid: random values over the grid and a margin beyond it, with exact knots
 * (first, interior and last), values outside the grid and +-1e6 mixed in.
 */
export function testInputs(grid: tf.Tensor2D, n: number, seed = 2, specials = true): tf.Tensor2D {
  const [inF, m] = grid.shape;
  const t = grid.dataSync();
  const rng = createRng(seed);
  const data = new Float32Array(n * inF);
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < inF; i++) {
      const lo = t[i * m];
      const hi = t[i * m + m - 1];
      let v = lo - 0.3 + (hi - lo + 0.6) * rng.uniform();
      if (specials) {
        const r = rng.uniform();
        if (r < 0.15)
          v = t[i * m + rng.randint(m)]; // exactly on a knot
        else if (r < 0.2)
          v = hi; // the last knot: all bases 0
        else if (r < 0.25)
          v = lo; // the first knot: B_0 starts
        else if (r < 0.28) v = rng.uniform() < 0.5 ? -1e6 : 1e6;
      }
      data[b * inF + i] = v;
    }
  }
  return tf.tensor2d(data, [n, inF]);
}

/**
 * Runs `body` on `name`, a copy of the cpu backend with every kernel but basiskit's (it stands in
 * for webgl/webgpu), then returns to cpu and removes the copy.
 */
export async function onBackendWithoutFusedKernels(name: string, body: () => void): Promise<void> {
  const cpuBackend = tf.backend();
  const kernels = tf.getKernelsForBackend('cpu').filter((kc) => !kc.kernelName.startsWith('Basiskit'));
  tf.registerBackend(name, () => cpuBackend);
  for (const kc of kernels) tf.registerKernel({ ...kc, backendName: name });
  try {
    await tf.setBackend(name);
    body();
  } finally {
    await tf.setBackend('cpu');
    for (const kc of kernels) tf.unregisterKernel(kc.kernelName, name);
    delete tf.engine().registry[name];
    delete tf.engine().registryFactory[name];
  }
}
