import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import './index';
import { ConfigError, DTypeError, ShapeError } from './errors';
import { checkNumber, checkOptions, checkTensor, collectBool, collectChoice, collectNumber, show, throwProblems, type Problem } from './validate';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('checkNumber', () => {
  it('returns valid numbers and names where, argument, expectation and value otherwise', () => {
    expect(checkNumber(3, { where: 'f', argument: 'n', integer: true, min: 1 })).toBe(3);
    expect(checkNumber(null, { where: 'f', argument: 'n', nullable: true })).toBe(null);
    expect(checkNumber(Infinity, { where: 'f', argument: 'n', infinite: true })).toBe(Infinity);
    expect(() => checkNumber('16', { where: 'fit', argument: 'batchSize', integer: true, min: 1 })).toThrow(
      'fit: argument batchSize: invalid value (expected an integer >= 1, got "16")',
    );
    for (const bad of [NaN, Infinity, -1, 0.5, undefined, null, true, [1], {}, 2n]) {
      expect(() => checkNumber(bad, { where: 'f', argument: 'n', integer: true, min: 0 })).toThrow(ConfigError);
    }
    expect(() => checkNumber(0, { where: 'f', argument: 'lr', gt: 0 })).toThrow(/expected a finite number > 0, got 0/);
    expect(() => checkNumber(1, { where: 'f', argument: 'p', lt: 1 })).toThrow(/< 1/);
    expect(() => checkNumber(2, { where: 'f', argument: 'p', max: 1 })).toThrow(/<= 1/);
  });
});

describe('checkTensor', () => {
  it('accepts what matches and throws the right error class otherwise', () => {
    const x = tf.zeros([2, 3]);
    const i = tf.zeros([2, 3], 'int32');
    checkTensor(x, { where: 'f', dtype: 'float32', rank: 2, lastDim: 3, shape: [null, 3] });
    checkTensor(i, { where: 'f', dtype: ['float32', 'int32'], minRank: 1 });
    expect(() => checkTensor([1, 2], { where: 'f' })).toThrow('f: argument x: not a tensor (expected a tf.Tensor, got [1, 2])');
    expect(() => checkTensor(i, { where: 'f', argument: 'y', dtype: 'float32' })).toThrow(DTypeError);
    expect(() => checkTensor(x, { where: 'f', rank: [1, 3] })).toThrow(/expected rank 1 or 3, got shape \[2, 3\]/);
    expect(() => checkTensor(x, { where: 'f', minRank: 3 })).toThrow(ShapeError);
    expect(() => checkTensor(x, { where: 'f', lastDim: 4 })).toThrow(/expected \[\.\.\., 4\]/);
    expect(() => checkTensor(x, { where: 'f', shape: [null, 4] })).toThrow(/expected \[\*, 4\]/);
    const d = tf.zeros([1]);
    d.dispose();
    expect(() => checkTensor(d, { where: 'f' })).toThrow(/tensor is disposed/);
    tf.dispose([x, i]);
  });
});

describe('checkOptions', () => {
  it('accepts undefined and plain objects, drops undefined values, and names unknown keys', () => {
    expect(checkOptions(undefined, { where: 'f' })).toEqual({});
    expect(checkOptions({ a: 1, b: undefined }, { where: 'f', known: ['a', 'b'] })).toEqual({ a: 1 });
    expect(() => checkOptions(5 as never, { where: 'f' })).toThrow(/f: argument options: invalid options/);
    expect(() => checkOptions([] as never, { where: 'f' })).toThrow(ConfigError);
    expect(() => checkOptions({ gridsize: 5 }, { where: 'KANLinear', known: ['gridSize'] })).toThrow(/unknown option "gridsize"/);
  });
});

describe('collect-then-throw', () => {
  it('collects every problem, reads own keys only, and throws once', () => {
    const o: Record<string, unknown> = Object.assign(Object.create({ lr: 1 }), { momentum: -1, nesterov: 'yes', mode: 'x' });
    const problems: Problem[] = [];
    collectNumber(o, 'lr', { gt: 0 }, problems);
    collectNumber(o, 'momentum', { min: 0 }, problems, 'groups[0].');
    collectBool(o, 'nesterov', problems);
    collectChoice(o, 'mode', ['min', 'max'], problems);
    expect(problems.map((p) => p.argument)).toEqual(['lr', 'groups[0].momentum', 'nesterov', 'mode']);
    expect(() => throwProblems(problems, { where: 'SGD' })).toThrow(/SGD: invalid options:\n {2}lr: expected a finite number > 0, got undefined\n/);
    expect(() => throwProblems(problems.slice(1, 2), { where: 'SGD' })).toThrow(
      'SGD: argument groups[0].momentum: invalid value (expected a finite number >= 0, got -1)',
    );
    expect(() => throwProblems([], { where: 'SGD' })).not.toThrow();
  });

  it('shows values briefly', () => {
    const t = tf.zeros([2]);
    expect(show(t)).toBe('a float32 tensor [2]');
    expect(show('a')).toBe('"a"');
    expect(show(new Array(20).fill(0))).toBe('an array of length 20');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(show(cyclic)).toBe('[object Object]');
    t.dispose();
  });
});
