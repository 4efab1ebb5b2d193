// The built package names its modules as the source does: error messages say `KANLinear`, not
// the `_KANLinear` esbuild gives a class that refers to itself (tsup's keepNames).
import { DisposedError, initBackend, tf } from '@basiskit/tensor';
import { describe, expect, it } from 'vitest';

// the built package at run time (typed from the sources: typecheck runs before this package's build)
const dist = '@basiskit/kan';
const { KAN, KANLinear } = (await import(dist)) as typeof import('../src/index');

describe('built package', () => {
  it('keeps class names, so errors name the module as written', async () => {
    await initBackend({ backend: 'cpu' });
    const model = new KAN({ layers: [2, 3, 1] });
    expect(model.layers.at(0)).toBeInstanceOf(KANLinear);
    expect(KANLinear.name).toBe('KANLinear');
    model.dispose();
    const x = tf.ones([1, 2]);
    expect(() => model.layers.at(0).forward(x)).toThrow(DisposedError);
    expect(() => model.layers.at(0).forward(x)).toThrow(/^layers\.0 \(KANLinear\)\.forward: module used after dispose\(\)/);
    x.dispose();
  });
});
