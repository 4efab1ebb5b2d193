import { DisposedError, StateDictError, createRng, initBackend, loadSafetensors, saveSafetensors, tf } from '@basiskit/tensor';
import { assertClose } from '@basiskit/test-utils';
import { describe, expect, it } from 'vitest';
import { KAN } from './kan';
import { KANConv2d } from './kan_conv2d';
import { KANLinear } from './kan_linear';
import { SymbolicEdges } from './symbolic_edges';
import { symbolicNames } from './symbolic_library';

/** A [2, 3, 1] KAN with three symbolic edges (two functions) in layer 0 and one in layer 1. */
function symbolicModel(seed: number): KAN {
  const model = new KAN({ layers: [2, 3, 1], seed });
  model.fixSymbolic(0, 0, 1, 'sin', { fit: false, params: [1.3, 0.2, 0.7, -0.1] });
  model.fixSymbolic(0, 1, 0, 'x^2', { fit: false, params: [0.8, 0.1, 1.1, 0.3] });
  model.fixSymbolic(0, 1, 2, 'sin', { fit: false, params: [-0.5, 0.4, 0.9, 0.05] });
  model.fixSymbolic(1, 2, 0, 'tanh', { fit: false, params: [2, 0, 0.5, 0] });
  return model;
}

function expectSame(a: tf.Tensor, b: tf.Tensor, what: string): void {
  assertClose(a, { shape: b.shape, data: b.dataSync() }, { rtol: 0, atol: 0 }, what);
}

describe.each(['cpu', 'wasm'] as const)('symbolic edges as a module on %s', (backend) => {
  it('the branch is the child `symbolic`: affine and funs in parameters() and stateDict() under dotted names', async () => {
    await initBackend({ backend });
    const model = symbolicModel(1);
    const l0 = model.layers.at(0);
    expect(l0.symbolic).toBeInstanceOf(SymbolicEdges);
    expect(l0.symbolic!.path).toBe('layers.0.symbolic');
    const names = model.namedParameters().map(([n]) => n);
    expect(names).toContain('layers.0.symbolic.affine');
    expect(names).toContain('layers.1.symbolic.affine');
    expect(model.trainableVariables()).toContain(l0.symbolic!.affine.value);
    const sd = model.stateDict();
    expect(
      Object.keys(sd)
        .filter((k) => k.includes('symbolic'))
        .sort(),
    ).toEqual(['layers.0.symbolic.affine', 'layers.0.symbolic.funs', 'layers.1.symbolic.affine', 'layers.1.symbolic.funs']);
    expect(sd['layers.0.symbolic.affine'].shape).toEqual([3, 2, 4]);
    expect(sd['layers.0.symbolic.funs'].dtype).toBe('int32');
    const funs = sd['layers.0.symbolic.funs'].arraySync() as number[][]; // [out, in]
    const sin = symbolicNames.indexOf('sin');
    expect(funs).toEqual([
      [-1, symbolicNames.indexOf('x^2')],
      [sin, -1],
      [-1, sin],
    ]);
    // the efficient-kan keys are unchanged
    expect(Object.keys(sd).filter((k) => k.startsWith('layers.0.') && !k.includes('symbolic'))).toEqual([
      'layers.0.base_weight',
      'layers.0.spline_weight',
      'layers.0.spline_scaler',
      'layers.0.grid',
    ]);
    // a layer without symbolic edges has none of these keys
    const plain = new KANLinear({ inFeatures: 2, outFeatures: 2 });
    expect(plain.symbolic).toBeNull();
    expect(Object.keys(plain.stateDict())).toEqual(['base_weight', 'spline_weight', 'spline_scaler', 'grid']);
    plain.dispose();
    model.dispose();
  });

  it('round-trips through stateDict/loadStateDict into fresh networks (and through a safetensors file)', async () => {
    await initBackend({ backend });
    const a = symbolicModel(2);
    const x = tf.tidy(() => createRng(3).uniformTensor([7, 2], -1, 1));
    const ya = a.forward(x);
    // a fresh network of the same widths (other seed, no symbolic edges) computes the same after loading
    const b = new KAN({ layers: [2, 3, 1], seed: 9 });
    expect(b.layers.at(0).symbolic).toBeNull();
    b.loadStateDict(a.stateDict());
    const yb = b.forward(x);
    expectSame(yb, ya, 'loaded network');
    expect(b.layers.at(0).symbolic!.count).toBe(3);
    expect(b.layers.at(0).symbolic!.name(1, 0)).toBe('x^2');
    expect(b.layers.at(1).symbolic!.params(2, 0)).toEqual([2, 0, 0.5, 0]);
    expect(Object.keys(b.stateDict())).toEqual(Object.keys(a.stateDict()));
    // the same through the bytes of a checkpoint file
    const bytes = saveSafetensors(a.stateDict());
    const loaded = loadSafetensors(bytes);
    const c = new KAN({ layers: [2, 3, 1], seed: 10 });
    c.loadStateDict(loaded);
    tf.dispose(Object.values(loaded));
    const yc = c.forward(x);
    expectSame(yc, ya, 'from safetensors');
    // the symbolic formula survives the trip
    const all = new KAN({ layers: [1, 1], seed: 0 });
    all.fixSymbolic(0, 0, 0, 'exp', { fit: false, params: [2, 0.5, 3, -1] });
    const again = new KAN({ layers: [1, 1], seed: 4 });
    again.loadStateDict(all.stateDict());
    expect(again.symbolicFormula().formulas).toEqual(all.symbolicFormula().formulas);
    tf.dispose([x, ya, yb, yc]);
    for (const m of [a, b, c, all, again]) m.dispose();
  });

  it('a loaded funs buffer replaces the functions of an existing branch; unfix is saved too', async () => {
    await initBackend({ backend });
    const a = symbolicModel(4);
    const b = symbolicModel(5);
    b.unfixSymbolic(0, 0, 1);
    b.fixSymbolic(0, 0, 0, 'exp', { fit: false, params: [1, 0, 1, 0] });
    a.loadStateDict(b.stateDict());
    const l0 = a.layers.at(0);
    expect(l0.symbolic!.name(0, 1)).toBeNull();
    expect(l0.symbolic!.name(0, 0)).toBe('exp');
    const x = tf.tidy(() => createRng(6).uniformTensor([5, 2], -1, 1));
    const ya = a.forward(x);
    const yb = b.forward(x);
    expectSame(ya, yb, 'after loading');
    tf.dispose([x, ya, yb]);
    a.dispose();
    b.dispose();
  });

  it('the affine parameters are trainable: gradients reach them and an optimizer step moves the output', async () => {
    await initBackend({ backend });
    const model = symbolicModel(7);
    const x = tf.tidy(() => createRng(8).uniformTensor([16, 2], -1, 1));
    const target = tf.tidy(() => tf.sin(tf.slice(x, [0, 0], [-1, 1])));
    const aff = model.layers.at(0).symbolic!.affine.value;
    const loss = () => tf.losses.meanSquaredError(target, model.forward(x)) as tf.Scalar;
    const { value, grads } = tf.variableGrads(loss, model.trainableVariables());
    const g = grads[aff.name].arraySync() as number[][][];
    expect(Math.abs(g[1][0][0]) + Math.abs(g[0][1][2])).toBeGreaterThan(0); // a of symbolic edges
    expect(g[0][0]).toEqual([0, 0, 0, 0]); // edge 0 -> 0 is numeric: no gradient
    const before = aff.dataSync().slice();
    const first = value.dataSync()[0];
    const opt = tf.train.adam(0.05);
    for (let s = 0; s < 10; s++)
      opt.minimize(
        loss,
        false,
        model.symbolicParameters().map((p) => p.value),
      );
    expect(Array.from(aff.dataSync())).not.toEqual(Array.from(before));
    expect(tf.tidy(() => loss().dataSync()[0])).toBeLessThan(first);
    opt.dispose();
    tf.dispose([x, target, value, ...Object.values(grads)]);
    model.dispose();
  });

  it('rejects a bad symbolic entry before loading anything, and reads the strict flag', async () => {
    await initBackend({ backend });
    const a = symbolicModel(1);
    const sd = a.stateDict();
    const fresh = new KAN({ layers: [2, 3, 1], seed: 3 });
    const before = fresh.layers.at(0).base_weight.value.dataSync().slice();
    const badFuns = tf.tensor2d(
      [
        [-1, 999],
        [0, -1],
        [-1, 0],
      ],
      [3, 2],
      'int32',
    );
    expect(() => fresh.loadStateDict({ ...sd, 'layers.0.symbolic.funs': badFuns })).toThrow(StateDictError);
    expect(() => fresh.loadStateDict({ ...sd, 'layers.0.symbolic.funs': badFuns })).toThrow(
      /^KAN\.loadStateDict: state dict rejected, nothing loaded:\n {2}layers\.0\.symbolic\.funs: expected -1 \(numeric\) or an index into symbolicNames/,
    );
    const floatFuns = tf.zeros([3, 2]);
    expect(() => fresh.loadStateDict({ ...sd, 'layers.0.symbolic.funs': floatFuns })).toThrow(
      /layers\.0\.symbolic\.funs: expected a live int32 tensor \[3, 2\]/,
    );
    const { 'layers.1.symbolic.funs': _f, ...noFuns } = sd;
    expect(() => fresh.loadStateDict(noFuns)).toThrow(/layers\.1\.symbolic\.funs: missing/);
    // nothing was loaded or created
    expect(fresh.layers.at(0).symbolic).toBeNull();
    expect(fresh.layers.at(1).symbolic).toBeNull();
    expect(Array.from(fresh.layers.at(0).base_weight.value.dataSync())).toEqual(Array.from(before));
    // non-strict: the branch comes with the affine parameters, every edge numeric
    fresh.loadStateDict(noFuns, { strict: false });
    expect(fresh.layers.at(1).symbolic!.count).toBe(0);
    expect(fresh.layers.at(1).symbolic!.params(2, 0)).toEqual([2, 0, 0.5, 0]);
    // a network with symbolic edges refuses a plain efficient-kan dict in strict mode
    const plain = new KAN({ layers: [2, 3, 1], seed: 0 });
    expect(() => a.loadStateDict(plain.stateDict())).toThrow(
      /missing keys: layers\.0\.symbolic\.affine, layers\.1\.symbolic\.affine, layers\.0\.symbolic\.funs, layers\.1\.symbolic\.funs/,
    );
    tf.dispose([badFuns, floatFuns]);
    for (const m of [a, fresh, plain]) m.dispose();
  });

  it('loads into a KANConv2d whose patch layer is a KANLinear, and subset/refine carry the branch', async () => {
    await initBackend({ backend });
    const conv = new KANConv2d({ inChannels: 1, outChannels: 2, kernelSize: 2, seed: 1 });
    (conv.layer as KANLinear).fixSymbolic(3, 1, 'cos', { fit: false, params: [1, 0.5, 2, 0] });
    const fresh = new KANConv2d({ inChannels: 1, outChannels: 2, kernelSize: 2, seed: 2 });
    fresh.loadStateDict(conv.stateDict());
    expect((fresh.layer as KANLinear).symbolic!.name(3, 1)).toBe('cos');
    const x = tf.tidy(() => createRng(3).uniformTensor([1, 3, 3, 1], -1, 1));
    const y0 = conv.forward(x);
    const y1 = fresh.forward(x);
    expectSame(y1, y0, 'conv');
    const layer = conv.layer as KANLinear;
    const sub = layer.subset([3, 0], [1]);
    expect(sub.symbolic!.name(0, 0)).toBe('cos');
    expect(sub.symbolic!.params(0, 0)).toEqual([1, 0.5, 2, 0]);
    const fine = layer.refine(10);
    expect(fine.symbolic!.name(3, 1)).toBe('cos');
    expect(fine.symbolic!.path).toBe('symbolic');
    tf.dispose([x, y0, y1]);
    for (const m of [conv, fresh, sub, fine]) m.dispose();
  });

  it('is freed with its layer; a disposed branch names itself', async () => {
    await initBackend({ backend });
    const before = tf.engine().state.numTensors;
    const model = symbolicModel(3);
    const branch = model.layers.at(0).symbolic!;
    model.dispose();
    expect(tf.engine().state.numTensors).toBe(before);
    expect(branch.isDisposed).toBe(true);
    expect(() => branch.name(0, 0)).toThrow(DisposedError);
    expect(() => branch.name(0, 0)).toThrow(/^layers\.0\.symbolic \(SymbolicEdges\)\.name: module used after dispose\(\)/);
  });
});
