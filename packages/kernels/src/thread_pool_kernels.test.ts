// The fused kernels on the thread pool: every thread count gives the same bits as one thread,
// on cpu (always on the pool's memory) and wasm (in place with one thread, on the pool with
// more), and the lazily skipped input gradient of a first layer.
import { createRng, initBackend, tf, threadPool } from '@basiskit/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { bsplineBasis } from './bspline_basis';
import { uniformGrid } from './bspline_grid';
import { groupRational } from './group_rational';
import { splineLinear } from './spline_linear';

const bits = (ts: tf.Tensor[]) => ts.map((t) => Array.from(new Uint32Array((t.dataSync() as Float32Array).slice().buffer)));

/** Outputs and gradients of every parallel kernel, as raw float32 bits. */
function everything(): number[][] {
  return tf.tidy(() => {
    const rng = createRng(7);
    // [512, 64] inputs: over the wasm backend's pool threshold (32768 floats)
    const x = rng.uniformTensor([512, 64], -1.2, 1.2);
    const grid = uniformGrid(64, 5, 3);
    const w = rng.normalTensor([48, 64, 8]);
    const bw = rng.normalTensor([48, 64]);
    const r = rng.normalTensor([512, 48]);
    const spline = (xx: tf.Tensor, ww: tf.Tensor) => splineLinear(xx, grid, ww, { splineOrder: 3, impl: 'local' });
    const kan = (xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) => splineLinear(xx, grid, ww, { splineOrder: 3, impl: 'local', baseWeight: bb });
    const out: tf.Tensor[] = [spline(x, w), kan(x, w, bw)];
    out.push(...tf.grads((xx: tf.Tensor, ww: tf.Tensor) => tf.sum(tf.mul(spline(xx, ww), r)))([x, w]));
    out.push(...tf.grads((xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(kan(xx, ww, bb), r)))([x, w, bw]));
    // efficient-kan's spline_scaler too (the prepare phase, dW and dScaler in the parameters' layouts)
    const sc = rng.normalTensor([48, 64]);
    const scaled = (xx: tf.Tensor, ww: tf.Tensor, ss: tf.Tensor, bb: tf.Tensor) =>
      splineLinear(xx, grid, ww, { splineOrder: 3, impl: 'local', baseWeight: bb, splineScaler: ss });
    out.push(scaled(x, w, sc, bw));
    out.push(...tf.grads((xx: tf.Tensor, ww: tf.Tensor, ss: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(scaled(xx, ww, ss, bb), r)))([x, w, sc, bw]));
    out.push(...tf.grads((ww: tf.Tensor, ss: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(scaled(x, ww, ss, bb), r)))([w, sc, bw]));
    const rb = rng.normalTensor([512, 64, 8]);
    out.push(bsplineBasis(x, grid, { splineOrder: 3, impl: 'fused' }));
    out.push(tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(bsplineBasis(xx, grid, { splineOrder: 3, impl: 'fused' }), rb)))(x));
    const xr = rng.normalTensor([4, 97, 256], 0, 2);
    const a = rng.normalTensor([1, 6], 0, 0.5);
    const b = rng.normalTensor([8, 4], 0, 0.5);
    const rr = rng.normalTensor([4, 97, 256]);
    out.push(groupRational(xr, a, b, { impl: 'fused' }));
    out.push(...tf.grads((xx: tf.Tensor, aa: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(groupRational(xx, aa, bb, { impl: 'fused' }), rr)))([xr, a, b]));
    return bits(out);
  });
}

afterAll(async () => {
  await initBackend({ backend: 'wasm' });
  threadPool().stopWorkers();
});

describe.each(['cpu', 'wasm'] as const)('the parallel kernels on %s', (backend) => {
  it('give the same bits with 1, 2 and 3 threads', async () => {
    const results: number[][][] = [];
    for (const threads of [1, 2, 3]) {
      const info = await initBackend({ backend, threads });
      expect(info.kernelThreads.threads).toBe(threads);
      // twice: the workers start during the first run and take chunks in the second
      everything();
      results.push(everything());
    }
    expect(results[1]).toEqual(results[0]);
    expect(results[2]).toEqual(results[0]);
  });

  it("skips a first layer's input gradient and gives the same weight gradients", async () => {
    await initBackend({ backend, threads: 2 });
    const rng = createRng(3);
    const x = rng.uniformTensor([300, 16], -1, 1);
    const grid = uniformGrid(16, 5, 3);
    const w = rng.normalTensor([8, 16, 8]);
    const bw = rng.normalTensor([8, 16]);
    const r = rng.normalTensor([300, 8]);
    const f = (xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(splineLinear(xx, grid, ww, { splineOrder: 3, impl: 'local', baseWeight: bb }), r));
    // weights only (tfjs asks for no dx: the backward runs with skipInputGradient)
    const onlyW = tf.grads((ww: tf.Tensor, bb: tf.Tensor) => f(x, ww, bb))([w, bw]);
    // x only (the weight gradients computed with dx are never asked for: nothing leaks)
    const [onlyX] = tf.grads((xx: tf.Tensor) => f(xx, w, bw))([x]);
    // all three: one backward, the weight gradients handed over after dx
    const all = tf.grads(f)([x, w, bw]);
    expect(bits(onlyW)).toEqual(bits(all.slice(1)));
    expect(bits([onlyX])).toEqual(bits([all[0]]));
    tf.dispose([x, grid, w, bw, r, ...onlyW, onlyX, ...all]);
  });
});
