// Property-based tests of Module.loadStateDict (fast-check, fixed seed): random and mutated
// state dicts — values that are not live tensors, wrong shapes and dtypes, missing and extra
// keys (including Object.prototype names), non-object dicts. loadStateDict must either load
// everything (when the dict is valid) or throw a StateDictError and change nothing; it never
// throws another error and never leaks a tensor.
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import './index';
import { StateDictError } from './errors';
import { Module } from './module';
import { ModuleList } from './module_list';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

class Leaf extends Module {
  constructor() {
    super();
    this.registerParameter('weight', tf.ones([2, 3]));
    this.registerParameter('bias', tf.zeros([3]));
    this.registerBuffer('grid', tf.range(0, 4, 1, 'int32'));
    this.registerBuffer('cache', tf.zeros([1]), { persistent: false });
  }
  forward(x: tf.Tensor): tf.Tensor {
    return x;
  }
}

class Net extends Module {
  layers = this.registerModule('layers', new ModuleList([new Leaf(), new Leaf()]));
  forward(x: tf.Tensor): tf.Tensor {
    return x;
  }
}

const snapshot = (m: Module) =>
  Object.fromEntries([...m.namedParameters().map(([k, p]) => [k, p.value] as const), ...m.namedBuffers()].map(([k, t]) => [k, Array.from(t.dataSync())]));

type Mutation =
  | { kind: 'value'; key: number; value: 'number' | 'null' | 'array' | 'shapeLike' | 'disposed' | 'string' | 'undefined' }
  | { kind: 'shape'; key: number; shape: number[] }
  | { kind: 'dtype'; key: number }
  | { kind: 'delete'; key: number }
  | { kind: 'extra'; name: string };

const KEYS = ['layers.0.weight', 'layers.0.bias', 'layers.0.grid', 'layers.1.weight', 'layers.1.bias', 'layers.1.grid'];

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    kind: fc.constant('value' as const),
    key: fc.nat(KEYS.length - 1),
    value: fc.constantFrom('number', 'null', 'array', 'shapeLike', 'disposed', 'string', 'undefined') as fc.Arbitrary<
      'number' | 'null' | 'array' | 'shapeLike' | 'disposed' | 'string' | 'undefined'
    >,
  }),
  fc.record({ kind: fc.constant('shape' as const), key: fc.nat(KEYS.length - 1), shape: fc.array(fc.nat(4), { maxLength: 3 }) }),
  fc.record({ kind: fc.constant('dtype' as const), key: fc.nat(KEYS.length - 1) }),
  fc.record({ kind: fc.constant('delete' as const), key: fc.nat(KEYS.length - 1) }),
  fc.record({
    kind: fc.constant('extra' as const),
    name: fc.oneof(fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'layers', 'layers.2.weight', ''), fc.string()),
  }),
);

describe('Module.loadStateDict (property)', () => {
  it('loads a valid dict completely, or rejects with a StateDictError and changes nothing; never leaks', () => {
    const net = new Net();
    const start = tf.memory().numTensors;
    fc.assert(
      fc.property(fc.array(mutation, { maxLength: 4 }), fc.boolean(), fc.integer({ min: 1, max: 9 }), (mutations, strict, fill) => {
        const before = snapshot(net);
        const created: tf.Tensor[] = [];
        const own = net.stateDict();
        const dict: Record<string, unknown> = {};
        for (const k of KEYS) {
          const t = tf.fill(own[k].shape, fill, own[k].dtype);
          created.push(t);
          dict[k] = t;
        }
        for (const m of mutations) {
          if (m.kind === 'extra') {
            Object.defineProperty(dict, m.name, { value: tf.scalar(1), enumerable: true, configurable: true, writable: true });
            created.push(dict[m.name] as tf.Tensor);
            continue;
          }
          const k = KEYS[m.key];
          if (m.kind === 'delete') {
            delete dict[k];
          } else if (m.kind === 'dtype') {
            const t = tf.fill(own[k].shape, 1, own[k].dtype === 'int32' ? 'float32' : 'int32');
            created.push(t);
            dict[k] = t;
          } else if (m.kind === 'shape') {
            const t = tf.zeros(m.shape, own[k].dtype);
            created.push(t);
            dict[k] = t;
          } else {
            const values: Record<typeof m.value, () => unknown> = {
              number: () => 5,
              null: () => null,
              array: () => [1, 2, 3],
              shapeLike: () => ({ shape: own[k].shape, dtype: own[k].dtype }),
              disposed: () => {
                const t = tf.zeros(own[k].shape, own[k].dtype);
                t.dispose();
                return t;
              },
              string: () => 'w',
              undefined: () => undefined,
            };
            dict[k] = values[m.value]();
          }
        }
        // the verdict, from the final dict alone
        const liveFits = (k: string) => {
          const t = dict[k];
          return (
            t instanceof tf.Tensor &&
            !t.isDisposed &&
            t.dtype === own[k].dtype &&
            t.shape.length === own[k].shape.length &&
            t.shape.every((d: number, i: number) => d === own[k].shape[i])
          );
        };
        const keys = Object.keys(dict);
        const invalid =
          KEYS.some((k) => Object.hasOwn(dict, k) && !liveFits(k)) ||
          (strict && (KEYS.some((k) => !Object.hasOwn(dict, k)) || keys.some((k) => !KEYS.includes(k))));
        const tensorsBefore = tf.memory().numTensors;
        let threw: unknown = null;
        try {
          net.loadStateDict(dict as Record<string, tf.Tensor>, { strict });
        } catch (e) {
          threw = e;
        }
        expect(tf.memory().numTensors).toBe(tensorsBefore);
        if (invalid) {
          expect(threw).toBeInstanceOf(StateDictError);
          expect(snapshot(net)).toEqual(before);
        } else {
          expect(threw).toBeNull();
          const after = snapshot(net);
          for (const k of KEYS) {
            if (Object.hasOwn(dict, k)) expect(after[k]).toEqual(Array.from((dict[k] as tf.Tensor).dataSync()));
          }
        }
        tf.dispose(created);
      }),
      { seed: 90210, numRuns: 300 },
    );
    expect(tf.memory().numTensors).toBe(start);
    net.dispose();
  });

  it('rejects anything that is not a dict with a StateDictError', () => {
    const net = new Net();
    fc.assert(
      fc.property(fc.oneof(fc.anything(), fc.constant(null), fc.constant(undefined), fc.array(fc.anything())), (bad) => {
        let threw: unknown = null;
        try {
          net.loadStateDict(bad as Record<string, tf.Tensor>);
        } catch (e) {
          threw = e;
        }
        expect(threw).toBeInstanceOf(StateDictError);
      }),
      { seed: 7, numRuns: 300 },
    );
    net.dispose();
  });
});
