import { ConfigError, initBackend, tf } from '@basiskit/tensor';
import { describe, expect, it } from 'vitest';
import { BSPLINE_BASIS_KERNEL } from './bspline_basis_kernel';
import { uniformGrid } from './bspline_grid';
import { hasFusedKernels } from './kernel_dispatch';
import { FUSED_KERNELS, registerAllKernels } from './register_all_kernels';

describe('register_all_kernels', () => {
  it.each(FUSED_KERNELS.map((config) => ({ name: config.name, config })))(
    '$name: forward and backward kernels on cpu and wasm, its gradient, every differentiated input an input',
    async ({ config }) => {
      await initBackend({ backend: 'cpu' });
      registerAllKernels();
      for (const backend of ['cpu', 'wasm']) {
        expect(tf.getKernel(config.name, backend)).toBeDefined();
        expect(tf.getKernel(config.gradName, backend)).toBeDefined();
      }
      expect(config.name.startsWith('Basiskit') && config.gradName.startsWith('Basiskit')).toBe(true);
      const gradient = tf.getGradient(config.name);
      expect(gradient?.inputsToSave).toEqual([...config.inputs]);
      for (const input of config.differentiates ?? []) expect(config.inputs).toContain(input);
      // a simd module belongs with wasm (or parallel) versions of the kernels, and the other way round
      const sides = [config.forward, config.backward];
      expect(config.simd === undefined).toBe(sides.every((s) => s.wasm === undefined && s.parallel === undefined));
      // a parallel side runs on the thread pool's workers: its module has a shared-memory build
      if (sides.some((s) => s.parallel)) expect(config.simd?.base64Shared).toBeTruthy();
    },
  );

  it('names are unique, and registering again changes nothing', async () => {
    await initBackend({ backend: 'cpu' });
    const names = FUSED_KERNELS.flatMap((c) => [c.name, c.gradName]);
    expect(new Set(names).size).toBe(names.length);
    registerAllKernels();
    const before = tf.getKernelsForBackend('cpu').length;
    registerAllKernels();
    expect(tf.getKernelsForBackend('cpu').length).toBe(before);
    expect(hasFusedKernels()).toBe(true);
  });

  it('a gradient request for an input the backward does not differentiate is a ConfigError naming the op', async () => {
    await initBackend({ backend: 'cpu' });
    registerAllKernels();
    // inputs that share another's gradient (a skip term's) are differentiable
    const partial = FUSED_KERNELS.filter((c) => c.differentiates && c.differentiates.length + Object.keys(c.sharesGradientWith ?? {}).length < c.inputs.length);
    // the spline contraction's four kernels (plain, fused base branch, efficient-kan's parameters with and without the scaler)
    expect(partial.map((c) => c.notDifferentiable?.where).sort()).toEqual(['bsplineBasis', ...Array(4).fill('splineLinear')]);
    const x = tf.zeros([2, 3]);
    const grid = uniformGrid(3, 5, 3, [-1, 1]);
    const weightT = tf.zeros([3, 8, 2]);
    const baseWeightT = tf.zeros([3, 2]);
    const splineWeight = tf.zeros([2, 3, 8]);
    const baseWeight = tf.zeros([2, 3]);
    const splineScaler = tf.ones([2, 3]);
    const saved: Record<string, tf.Tensor> = { x, grid, weightT, baseWeightT, splineWeight, baseWeight, splineScaler };
    for (const config of partial) {
      const dy = config.name === BSPLINE_BASIS_KERNEL ? tf.zeros([2, 3, 8]) : tf.zeros([2, 2]);
      let closures: Record<string, () => tf.Tensor> = {};
      // in a tidy: the gradient runs the backward kernel before handing out the closures
      tf.tidy(() => {
        closures = tf.getGradient(config.name)!.gradFunc(
          dy,
          config.inputs.map((n) => saved[n]),
          { splineOrder: 3 },
        ) as Record<string, () => tf.Tensor>;
      });
      expect(Object.keys(closures).sort()).toEqual([...config.inputs].sort());
      expect(closures.grid).toThrow(ConfigError);
      expect(closures.grid).toThrow(new RegExp(`^${config.notDifferentiable!.where}: argument grid: not differentiable in grid`));
      dy.dispose();
    }
    tf.dispose([x, grid, weightT, baseWeightT, splineWeight, baseWeight, splineScaler]);
  });
});
