import * as tf from '@tensorflow/tfjs-core';
import './index';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, StateDictError } from './errors';
import { Module, ModuleList } from './module';

class Affine extends Module {
  weight = this.registerParameter('weight', tf.ones([3, 2]));
  bias = this.registerParameter('bias', tf.zeros([2]));
  constructor() {
    super();
    this.registerBuffer('grid', tf.linspace(-1, 1, 4));
    this.registerBuffer('cache', tf.zeros([1]), { persistent: false });
  }
  forward(x: tf.Tensor): tf.Tensor {
    return tf.add(tf.matMul(x, this.weight.value), this.bias.value);
  }
  get grid(): tf.Tensor {
    return this.buffer('grid');
  }
}

class Net extends Module {
  layers = this.registerModule('layers', new ModuleList([new Affine(), new Affine()]));
  head = this.registerModule('head', new Affine());
  constructor() {
    super();
    this.registerComplexParameter('weight', tf.ones([2, 2]), tf.zeros([2, 2]));
  }
  forward(x: tf.Tensor): tf.Tensor {
    return this.head.forward(x);
  }
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('Module', () => {
  it('names parameters and buffers with dotted paths in registration order', () => {
    const net = new Net();
    expect(net.namedParameters().map(([n]) => n)).toEqual([
      'weight.real',
      'weight.imag',
      'layers.0.weight',
      'layers.0.bias',
      'layers.1.weight',
      'layers.1.bias',
      'head.weight',
      'head.bias',
    ]);
    expect(Object.keys(net.stateDict())).toContain('layers.1.grid');
    expect(Object.keys(net.stateDict())).not.toContain('layers.1.cache');
    expect(net.namedBuffers().map(([n]) => n)).toContain('head.cache');
    expect(net.numParameters()).toBe(2 * 4 + 3 * 8);
    expect(net.layers.at(1).path).toBe('layers.1');
    net.dispose();
  });

  it('trainable flags select what optimizers see', () => {
    const net = new Net();
    net.head.requiresGrad(false);
    expect(net.parameters({ trainableOnly: true }).length).toBe(6);
    expect(net.trainableVariables().length).toBe(6);
    expect(net.trainableVariables().every((v) => v.trainable)).toBe(true);
    const x = tf.ones([1, 3]);
    const f = () => tf.sum(tf.add(net.layers.at(0).forward(x), net.head.forward(x))) as tf.Scalar;
    const { value, grads } = tf.variableGrads(f, net.trainableVariables());
    // only layers.0's two parameters reach the loss among the trainable ones; head is frozen
    expect(Object.keys(grads).length).toBe(2);
    value.dispose();
    Object.values(grads).forEach((g) => g.dispose());
    x.dispose();
    net.dispose();
  });

  it('train/eval propagate to every descendant', () => {
    const net = new Net();
    net.eval();
    expect(net.namedModules().every(([, m]) => !m.training)).toBe(true);
    net.train();
    expect(net.head.training).toBe(true);
    net.dispose();
  });

  it('loading a module\'s own state dict is a no-op that keeps every tensor alive', () => {
    const net = new Net();
    const before = Object.fromEntries(Object.entries(net.stateDict()).map(([k, v]) => [k, Array.from(v.dataSync())]));
    const count = tf.memory().numTensors;
    net.loadStateDict(net.stateDict());
    expect(tf.memory().numTensors).toBe(count);
    for (const [k, v] of Object.entries(net.stateDict())) expect(Array.from(v.dataSync())).toEqual(before[k]);
    net.dispose();
  });

  it('loadStateDict copies values (the dict stays the caller\'s)', () => {
    const a = new Net();
    const b = new Net();
    const sd = tf.tidy(() => {
      const out: Record<string, tf.Tensor> = {};
      for (const [k, v] of Object.entries(a.stateDict())) out[k] = tf.keep(tf.add(v, 1));
      return out;
    });
    b.loadStateDict(sd);
    expect(Array.from(b.head.weight.value.dataSync())).toEqual([2, 2, 2, 2, 2, 2]);
    expect(Array.from(b.layers.at(0).grid.dataSync())).toEqual(Array.from(sd['layers.0.grid'].dataSync()));
    Object.values(sd).forEach((t) => t.dispose());
    expect(b.head.weight.value.isDisposed).toBe(false);
    a.dispose();
    b.dispose();
  });

  it('rejects missing, unexpected and mis-shaped keys in one error and loads nothing', () => {
    const net = new Net();
    const sd: Record<string, tf.Tensor> = {};
    for (const [k, v] of Object.entries(net.stateDict())) sd[k] = tf.fill(v.shape, 7);
    sd['head.weight'].dispose();
    sd['head.weight'] = tf.zeros([2, 3]);
    sd['extra.thing'] = tf.zeros([1]);
    sd['layers.0.bias'].dispose();
    delete sd['layers.0.bias'];
    let err: unknown;
    try {
      net.loadStateDict(sd);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StateDictError);
    const e = err as StateDictError;
    expect(e.message).toMatch(/missing keys: layers\.0\.bias/);
    expect(e.message).toMatch(/unexpected keys: extra\.thing/);
    expect(e.message).toMatch(/shape mismatch for head\.weight: expected \[3, 2\], got \[2, 3\]/);
    expect(e.message).toMatch(/^Net\.loadStateDict:/);
    expect(e.missing).toEqual(['layers.0.bias']);
    expect(e.unexpected).toEqual(['extra.thing']);
    expect(e.mismatched).toEqual([{ key: 'head.weight', expected: [3, 2], got: [2, 3] }]);
    // nothing loaded: every value is still the initial one
    expect(Array.from(net.layers.at(0).weight.value.dataSync())).toEqual([1, 1, 1, 1, 1, 1]);
    Object.values(sd).forEach((t) => t.dispose());
    net.dispose();
  });

  it('non-strict loading skips missing/unexpected keys but still rejects shapes', () => {
    const net = new Net();
    const part = { 'head.bias': tf.fill([2], 5), bogus: tf.zeros([1]) };
    const r = net.loadStateDict(part, { strict: false });
    expect(r.unexpectedKeys).toEqual(['bogus']);
    expect(r.missingKeys).toContain('head.weight');
    expect(Array.from(net.head.bias.value.dataSync())).toEqual([5, 5]);
    const bad = { 'head.bias': tf.zeros([3]) };
    expect(() => net.loadStateDict(bad, { strict: false })).toThrow(/head\.bias: expected \[2\], got \[3\]/);
    [...Object.values(part), ...Object.values(bad)].forEach((t) => t.dispose());
    net.dispose();
  });

  it('rejects a dtype mismatch', () => {
    const net = new Affine();
    const sd = { ...net.stateDict(), bias: tf.zeros([2], 'int32') };
    expect(() => net.loadStateDict(sd)).toThrow(/dtype mismatch for bias: expected float32, got int32/);
    sd.bias.dispose();
    net.dispose();
  });

  it('rejects duplicate and malformed names with a ConfigError', () => {
    class Bad extends Module {
      constructor(name: string) {
        super();
        this.registerParameter('w', tf.zeros([1]));
        this.registerParameter(name, tf.zeros([1]));
      }
      forward() {
        return null;
      }
    }
    expect(() => new Bad('w')).toThrow(ConfigError);
    expect(() => new Bad('a.b')).toThrow(/invalid Parameter name/);
    // the rejected tensors were disposed; the half-built modules' first variable is freed here
    tf.disposeVariables();
  });

  it('setBuffer replaces and disposes the old value; dispose frees everything', () => {
    const before = tf.memory().numTensors;
    class G extends Module {
      constructor() {
        super();
        this.registerBuffer('grid', tf.zeros([3]));
      }
      swap() {
        this.setBuffer('grid', tf.ones([4]));
      }
      forward() {
        return this.buffer('grid');
      }
    }
    const g = new G();
    g.swap();
    expect(g.forward().shape).toEqual([4]);
    g.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
