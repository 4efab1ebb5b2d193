import { gelu } from '@basiskit/activations';
import { createRng, initBackend, tf } from '@basiskit/tensor';
import { describe, expect, it } from 'vitest';
import { FNOBlocks } from './fno_block';

// The default GELU runs the fused epilogues (conv bias + skip + GELU, MLP bias + skip + GELU);
// a GELU passed as a function takes the separate ops: both must agree in value and gradients.
describe.each(['cpu', 'wasm'] as const)('FNOBlocks fused epilogue on %s', (backend) => {
  it('equals the unfused path (same weights) in output and in every gradient', async () => {
    await initBackend({ backend });
    const opts = { inChannels: 8, outChannels: 8, nModes: [4, 4], nLayers: 2, seed: 3 };
    const fused = new FNOBlocks(opts);
    const plain = new FNOBlocks({ ...opts, nonLinearity: (x: tf.Tensor) => gelu(x) });
    const x = createRng(1).normalTensor([2, 8, 8, 8]);
    const run = (m: FNOBlocks) => {
      const params = m.parameters().map((p) => p.value as tf.Variable);
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(m.forward(m.forward(x, 0), 1))), params);
      const out = tf.tidy(() => m.forward(x, 0));
      const g = params.map((p) => grads[p.name]);
      return { out, value, g };
    };
    const a = run(fused);
    const b = run(plain);
    const close = (s: tf.Tensor, t: tf.Tensor) => {
      const u = s.dataSync();
      const v = t.dataSync();
      for (let i = 0; i < u.length; i++) expect(Math.abs(u[i] - v[i])).toBeLessThan(2e-5 * (1 + Math.abs(v[i])));
    };
    close(a.out, b.out);
    close(a.value, b.value);
    expect(a.g.length).toBe(b.g.length);
    a.g.forEach((t, i) => close(t, b.g[i]));
    tf.dispose([x, a.out, a.value, ...a.g, b.out, b.value, ...b.g]);
    fused.dispose();
    plain.dispose();
  });
});
