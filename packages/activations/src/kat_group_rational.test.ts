import { initBackend, tf } from '@basiskit/tensor';
import { assertClose, loadCase, specTensor } from '@basiskit/test-utils';
import { describe, expect, it } from 'vitest';
import { gelu } from './functions';
import { KATGroupRational } from './kat_group_rational';

describe.each(['cpu', 'wasm'] as const)('KATGroupRational on %s', (backend) => {
  it('matches KAT golden vectors with per-group numerators, loaded as weight_numerator/weight_denominator', async () => {
    await initBackend({ backend });
    const c = loadCase('gr_kan_rational');
    const act = new KATGroupRational({ channels: 16, groups: 4, sharedNumerator: false });
    const sd = { weight_numerator: specTensor(c.params.numerator), weight_denominator: specTensor(c.params.denominator) };
    act.loadStateDict(sd);
    const x = specTensor(c.inputs.x);
    const r = specTensor(c.r);
    const y = act.forward(x);
    const vars = [act.weight_numerator.value, act.weight_denominator.value];
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(act.forward(x), r)) as tf.Scalar, vars);
    const dx = tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(act.forward(xx), r)))(x);
    assertClose(y, c.outputs.y as never, c.tolerance, 'y');
    assertClose(dx, c.grads.x as never, c.tolerance, 'dx');
    assertClose(grads[vars[0].name], c.grads.numerator as never, c.tolerance, 'dweight_numerator');
    assertClose(grads[vars[1].name], c.grads.denominator as never, c.tolerance, 'dweight_denominator');
    tf.dispose([x, r, y, dx, value, ...Object.values(grads), ...Object.values(sd)]);
    act.dispose();
  });

  it('shared numerator (KAT_Group layout): one [1, 6] row, gradient summed over groups', async () => {
    await initBackend({ backend });
    const c = loadCase('gr_kan_rational');
    const shared = new KATGroupRational({ channels: 16, groups: 4 });
    const perGroup = new KATGroupRational({ channels: 16, groups: 4, sharedNumerator: false });
    expect(shared.weight_numerator.shape).toEqual([1, 6]);
    const row = tf.tensor2d([[0.2, 0.8, -0.1, 0.05, 0.01, -0.003]]);
    const den = specTensor(c.params.denominator);
    const tiled = tf.tile(row, [4, 1]);
    shared.loadStateDict({ weight_numerator: row, weight_denominator: den });
    perGroup.loadStateDict({ weight_numerator: tiled, weight_denominator: den });
    const x = specTensor(c.inputs.x);
    const ys = shared.forward(x);
    const yp = perGroup.forward(x);
    assertClose(ys, { shape: yp.shape, data: yp.dataSync() }, { rtol: 1e-6, atol: 1e-7 }, 'y');
    const loss = (m: KATGroupRational) => () => tf.sum(tf.square(m.forward(x))) as tf.Scalar;
    const gs = tf.variableGrads(loss(shared), [shared.weight_numerator.value]);
    const gp = tf.variableGrads(loss(perGroup), [perGroup.weight_numerator.value]);
    const summed = tf.sum(gp.grads[perGroup.weight_numerator.value.name], 0, true);
    assertClose(gs.grads[shared.weight_numerator.value.name], { shape: [1, 6], data: summed.dataSync() }, { rtol: 1e-5, atol: 1e-5 }, 'dnum');
    tf.dispose([gs.value, gp.value, summed, ...Object.values(gs.grads), ...Object.values(gp.grads)]);
    tf.dispose([row, den, tiled, x, ys, yp]);
    shared.dispose();
    perGroup.dispose();
  });
});

describe('KATGroupRational init and options', () => {
  it('identity init is exactly y = x; gelu init is gelu within 4e-3 on [-3, 3]', async () => {
    await initBackend({ backend: 'cpu' });
    const xs = tf.tidy(() => tf.tile(tf.reshape(tf.linspace(-3, 3, 96), [96, 1]), [1, 8]));
    const id = new KATGroupRational({ channels: 8, groups: 2 });
    const g = new KATGroupRational({ channels: 8, groups: 2, init: 'gelu' });
    const errId = tf.tidy(() => tf.max(tf.abs(tf.sub(id.forward(xs), xs))).dataSync()[0]);
    const errGelu = tf.tidy(() => tf.max(tf.abs(tf.sub(g.forward(xs), gelu(xs)))).dataSync()[0]);
    expect(errId).toBeLessThan(1e-6);
    expect(errGelu).toBeLessThan(4e-3);
    tf.dispose(xs);
    id.dispose();
    g.dispose();
  });

  it('rejects bad options and inputs with clear errors', async () => {
    await initBackend({ backend: 'cpu' });
    expect(() => new KATGroupRational({ channels: 10, groups: 4 })).toThrow(
      /argument groups: channels not divisible by groups \(expected a divisor of channels \(10\), got 4\)/,
    );
    expect(() => new KATGroupRational({ channels: 0 })).toThrow(/argument channels: invalid value/);
    const act = new KATGroupRational({ channels: 16 });
    const x = tf.zeros([2, 8]);
    expect(() => act.forward(x)).toThrow(/KATGroupRational\.forward: argument x: wrong size of dim -1 \(expected 16/);
    tf.dispose(x);
    act.dispose();
  });
});
