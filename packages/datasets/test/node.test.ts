// generateParallel (the `./node` entry) runs worker threads from the built package: tested against dist (turbo.json: typecheck after build).
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '@basiskit/tensor';
import { generateBurgers, generateDarcy, generateNavierStokes } from '../dist/index.js';
import { generateParallel } from '../dist/node.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe('generateParallel (worker_threads)', () => {
  it('2 workers give exactly the one-thread Darcy, Burgers and Navier-Stokes data', async () => {
    const cases = [
      { name: 'darcy' as const, opts: { resolution: 17, count: 5, seed: 4, start: 2 }, one: generateDarcy },
      { name: 'burgers' as const, opts: { resolution: 32, subsample: 2, dt: 0.01, t: 0.05, count: 3, seed: 1 }, one: generateBurgers },
      { name: 'navierStokes' as const, opts: { resolution: 8, subsample: 1, dt: 0.01, t: 0.02, recordSteps: 2, count: 3, seed: 1 }, one: generateNavierStokes },
    ];
    for (const c of cases) {
      const par = await generateParallel(c.name, { ...c.opts, workers: 2 });
      const ref = c.one(c.opts as never) as { x: tf.Tensor; y: tf.Tensor };
      expect(par.y.shape).toEqual(ref.y.shape);
      expect(Array.from(par.x.dataSync())).toEqual(Array.from(ref.x.dataSync()));
      expect(Array.from(par.y.dataSync())).toEqual(Array.from(ref.y.dataSync()));
      if (c.name === 'navierStokes') expect(par.times).toHaveLength(2);
      tf.dispose([par.x, par.y, ref.x, ref.y]);
    }
  });

  it('rejects an unknown generator, bad workers and bad generator options', async () => {
    await expect(generateParallel('heat' as 'darcy', { count: 1 })).rejects.toThrow(/name.*darcy, burgers, navierStokes/s);
    await expect(generateParallel('darcy', { count: 2, workers: 0 })).rejects.toThrow(/workers/);
    await expect(generateParallel('darcy', { count: 2, resolution: 2 })).rejects.toThrow(/resolution/);
  });
});
