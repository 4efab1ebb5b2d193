import * as tf from '@tensorflow/tfjs-core';
import './index';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, DisposedError, StateDictError } from './errors';
import { Module } from './module';
import { ModuleList } from './module_list';

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

  it("loading a module's own state dict is a no-op that keeps every tensor alive", () => {
    const net = new Net();
    const before = Object.fromEntries(Object.entries(net.stateDict()).map(([k, v]) => [k, Array.from(v.dataSync())]));
    const count = tf.memory().numTensors;
    net.loadStateDict(net.stateDict());
    expect(tf.memory().numTensors).toBe(count);
    for (const [k, v] of Object.entries(net.stateDict())) expect(Array.from(v.dataSync())).toEqual(before[k]);
    net.dispose();
  });

  it("loadStateDict copies values (the dict stays the caller's)", () => {
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
      forward(): never {
        throw new Error('unused');
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

describe('Module.loadStateDict: hostile dicts', () => {
  const values = (m: Module) => Object.fromEntries(Object.entries(m.stateDict()).map(([k, t]) => [k, Array.from(t.dataSync())]));

  it.each([
    ['a number', 5],
    ['null', null],
    ['an array', [1, 2]],
    ['a plain {shape, dtype} object', { shape: [3, 2], dtype: 'float32' }],
    ['a string', 'weights'],
  ])('rejects %s as a value, names the key and loads nothing', (_label, bad) => {
    const net = new Net();
    const before = values(net);
    const sd: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(net.stateDict())) sd[k] = tf.fill(v.shape, 7);
    (sd['head.weight'] as tf.Tensor).dispose();
    sd['head.weight'] = bad;
    expect(() => net.loadStateDict(sd as Record<string, tf.Tensor>)).toThrow(/head\.weight: expected a live tf\.Tensor/);
    expect(values(net)).toEqual(before);
    Object.values(sd).forEach((t) => t instanceof tf.Tensor && t.dispose());
    net.dispose();
  });

  it('rejects a disposed tensor (it used to double base_weight and break every later forward)', () => {
    const a = new Affine();
    const sd = { weight: tf.ones([3, 2]), bias: tf.ones([2]), grid: tf.zeros([4]) };
    sd.weight.dispose();
    expect(() => a.loadStateDict(sd)).toThrow(/weight: expected a live tf\.Tensor, got a disposed tensor/);
    const x = tf.ones([1, 3]);
    const y = tf.tidy(() => a.forward(x));
    expect(Array.from(y.dataSync())).toEqual([3, 3]);
    [x, y, sd.bias, sd.grid].forEach((t) => t.dispose());
    a.dispose();
  });

  it('rejects a dict that is not an object of tensors', () => {
    const a = new Affine();
    const t = tf.zeros([3, 2]);
    for (const bad of [null, undefined, 42, 'dict', [t], t]) {
      expect(() => a.loadStateDict(bad as unknown as Record<string, tf.Tensor>)).toThrow(StateDictError);
    }
    t.dispose();
    a.dispose();
  });

  it('uses own keys only: toString, constructor and __proto__ are keys like any other', () => {
    const a = new Affine();
    const before = values(a);
    // inherited names are not "present": the module's keys are missing
    const w = tf.zeros([3, 2]);
    expect(() => a.loadStateDict(Object.create({ weight: w }))).toThrow(/missing keys: weight, bias, grid/);
    w.dispose();
    const sd = JSON.parse('{"__proto__": 1, "constructor": 2, "toString": 3}') as Record<string, tf.Tensor>;
    expect(() => a.loadStateDict(sd)).toThrow(/unexpected keys: __proto__, constructor, toString/);
    expect(() => a.loadStateDict(sd, { strict: false })).not.toThrow();
    expect(values(a)).toEqual(before);
    a.dispose();
  });

  it('reports a dict whose getter throws as a StateDictError', () => {
    const a = new Affine();
    const sd = {
      get weight(): tf.Tensor {
        throw new TypeError('boom');
      },
    };
    expect(() => a.loadStateDict(sd)).toThrow(/reading it failed \(boom\)/);
    a.dispose();
  });

  it('refuses names that collide with Object.prototype', () => {
    class P extends Module {
      constructor() {
        super();
        this.registerParameter('__proto__', tf.zeros([1]));
      }
      forward(): never {
        throw new Error('unused');
      }
    }
    expect(() => new P()).toThrow(/invalid Parameter name/);
  });
});

describe('Module lifecycle', () => {
  it('dispose calls each child own dispose (overrides compose) and is idempotent', () => {
    const before = tf.memory().numTensors;
    let childDisposed = 0;
    class Cached extends Affine {
      cache = tf.keep(tf.ones([5]));
      override dispose(): void {
        childDisposed += 1;
        this.cache.dispose();
        super.dispose();
      }
    }
    class Outer extends Module {
      inner = this.registerModule('inner', new ModuleList([new Cached(), new Cached()]));
      forward(x: tf.Tensor): tf.Tensor {
        return x;
      }
    }
    const o = new Outer();
    o.dispose();
    o.dispose();
    expect(childDisposed).toBe(2);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('forward, stateDict, loadStateDict and parameter reads on a disposed module throw a DisposedError naming it', () => {
    const net = new Net();
    const x = tf.ones([1, 3]);
    net.dispose();
    expect(() => net.forward(x)).toThrow(DisposedError);
    expect(() => net.forward(x)).toThrow(/^Net\.forward: module used after dispose\(\)/);
    expect(() => net.head.forward(x)).toThrow(/head \(Affine\)\.forward/);
    expect(() => net.stateDict()).toThrow(DisposedError);
    expect(() => net.loadStateDict({})).toThrow(/Net\.loadStateDict/);
    expect(() => net.head.weight.value).toThrow(/head \(Affine\) parameter weight: parameter used after dispose/);
    expect(() => net.head.grid).toThrow(DisposedError);
    expect(net.isDisposed).toBe(true);
    x.dispose();
  });
});
