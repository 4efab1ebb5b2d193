// NumPy interop: files written here load in NumPy with identical values, and NumPy's files load
// here (.npy and .npz; every dtype; C and Fortran order; both byte orders; 0-d and empty arrays).
// Runs Debian's python3-numpy (.ci/run installs it when missing).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NPY_DTYPES, parseNpy, saveNpy, type NpyDType, type NpyTypedArray } from './npy';
import { parseNpz, saveNpz } from './npz';

/** A Python 3 with NumPy: Debian's first, then the one on PATH. */
function findPython(): string {
  for (const py of [process.env.PYTHON, '/usr/bin/python3', 'python3']) {
    if (!py) continue;
    try {
      execFileSync(py, ['-c', 'import numpy'], { stdio: 'pipe' });
      return py;
    } catch {
      // try the next one
    }
  }
  throw new Error('no python3 with numpy: install Debian python3-numpy (apt-get install python3-numpy; .ci/run does this)');
}

const SIZE: Record<NpyDType, number> = { float32: 4, float64: 8, int8: 1, uint8: 1, int16: 2, uint16: 2, int32: 4, uint32: 4, int64: 8, uint64: 8, bool: 1 };
const CODE: Record<NpyDType, string> = {
  float32: 'f4',
  float64: 'f8',
  int8: 'i1',
  uint8: 'u1',
  int16: 'i2',
  uint16: 'u2',
  int32: 'i4',
  uint32: 'u4',
  int64: 'i8',
  uint64: 'u8',
  bool: 'b1',
};
const RANGE: Partial<Record<NpyDType, [number, number]>> = {
  int8: [-128, 127],
  uint8: [0, 255],
  int16: [-32768, 32767],
  uint16: [0, 65535],
  int32: [-2147483648, 2147483647],
  uint32: [0, 4294967295],
};

/** The values of the test arrays, element i in C order (the Python side computes the same). */
function expected(dtype: NpyDType, n: number): NpyTypedArray {
  const idx = Array.from({ length: n }, (_, i) => i);
  const f64 = (i: number) => (i === 1 ? Infinity : i === 2 ? NaN : i === 3 ? -0 : i * 0.37 - 3.1);
  if (dtype === 'float64') return Float64Array.from(idx, f64);
  if (dtype === 'float32') return Float32Array.from(idx, f64);
  if (dtype === 'int64') return BigInt64Array.from(idx, (i) => (BigInt(i) * 2n ** 40n + 12345n) * (i % 2 ? -1n : 1n));
  if (dtype === 'uint64') return BigUint64Array.from(idx, (i) => BigInt(i) * 2n ** 59n + 7n);
  if (dtype === 'bool') return Uint8Array.from(idx, (i) => (i % 3 === 0 ? 1 : 0));
  const [lo, hi] = RANGE[dtype]!;
  const C = { int8: Int8Array, uint8: Uint8Array, int16: Int16Array, uint16: Uint16Array, int32: Int32Array, uint32: Uint32Array }[dtype as 'int8'];
  return C.from(idx, (i) => ((i * 7919) % (hi - lo + 1)) + lo);
}

const PY_EXPECTED = `
import json, sys, numpy as np
def expected(dtype, n):
    idx = range(n)
    def f64(i):
        return float('inf') if i == 1 else float('nan') if i == 2 else -0.0 if i == 3 else i * 0.37 - 3.1
    if dtype in ('float64', 'float32'): return np.array([f64(i) for i in idx], dtype=np.float64).astype(dtype)
    if dtype == 'int64': return np.array([(i * 2**40 + 12345) * (-1 if i % 2 else 1) for i in idx], dtype=np.int64)
    if dtype == 'uint64': return np.array([i * 2**59 + 7 for i in idx], dtype=np.uint64)
    if dtype == 'bool': return np.array([i % 3 == 0 for i in idx], dtype=bool)
    info = np.iinfo(dtype)
    return np.array([(i * 7919) % (int(info.max) - int(info.min) + 1) + int(info.min) for i in idx], dtype=dtype)
def same(a, e):
    if a.dtype.kind == 'f':
        return np.array_equal(a, e, equal_nan=True) and np.array_equal(np.signbit(a), np.signbit(e))
    return np.array_equal(a, e)
`;

/** Cases: every dtype x {C, F} x {little, big} on [3, 4, 2], plus 0-d and empty arrays. */
interface Case {
  key: string;
  dtype: NpyDType;
  shape: number[];
  fortran: boolean;
  big: boolean;
  descr: string;
}
const CASES: Case[] = [];
for (const dtype of NPY_DTYPES) {
  for (const fortran of [false, true]) {
    for (const big of SIZE[dtype] > 1 ? [false, true] : [false]) {
      const descr = (SIZE[dtype] === 1 ? '|' : big ? '>' : '<') + CODE[dtype];
      CASES.push({ key: `${dtype}_${fortran ? 'F' : 'C'}_${big ? 'be' : 'le'}`, dtype, shape: [3, 4, 2], fortran, big, descr });
    }
  }
  const descr = (SIZE[dtype] === 1 ? '|' : '<') + CODE[dtype];
  CASES.push({ key: `${dtype}_scalar`, dtype, shape: [], fortran: false, big: false, descr });
  CASES.push({ key: `${dtype}_empty`, dtype, shape: [0, 3], fortran: false, big: false, descr });
}

/** Compares element by element with Object.is (NaN equals NaN, -0 differs from 0). */
function expectSameValues(got: NpyTypedArray, want: NpyTypedArray, what: string): void {
  expect(got.constructor, what).toBe(want.constructor);
  expect(got.length, what).toBe(want.length);
  for (let i = 0; i < want.length; i++) if (!Object.is(got[i], want[i])) expect.fail(`${what}: element ${i}: got ${got[i]}, expected ${want[i]}`);
}

const dir = mkdtempSync(join(tmpdir(), 'basiskit-numpy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('NumPy interop (python3-numpy)', () => {
  const python = findPython();

  it('NumPy loads our .npy and .npz files (stored and compressed) with identical values, dtypes and orders', () => {
    const npz: Record<string, { data: NpyTypedArray; shape: number[]; dtype: NpyDType }> = {};
    for (const c of CASES) {
      const n = c.shape.reduce((a, b) => a * b, 1);
      const array = { data: expected(c.dtype, n), shape: c.shape, dtype: c.dtype };
      writeFileSync(join(dir, `js_${c.key}.npy`), saveNpy(array, { fortranOrder: c.fortran, endian: c.big ? 'big' : 'little' }));
      if (!c.big && !c.fortran) npz[c.key] = array;
    }
    writeFileSync(join(dir, 'js_stored.npz'), saveNpz(npz));
    writeFileSync(join(dir, 'js_compressed.npz'), saveNpz(npz, { compressed: true, fortranOrder: true }));
    writeFileSync(join(dir, 'cases.json'), JSON.stringify(CASES));
    const script = `${PY_EXPECTED}
d = sys.argv[1]
cases = json.load(open(d + '/cases.json'))
checked = 0
def check(a, c, fortran, where):
    global checked
    e = expected(c['dtype'], int(np.prod(c['shape'], dtype=np.int64))).reshape(c['shape'])
    assert a.shape == tuple(c['shape']), (where, a.shape)
    assert a.dtype == np.dtype(c['descr']) or (where.endswith('.npz') and a.dtype == np.dtype(c['descr']).newbyteorder('<')), (where, a.dtype, c['descr'])
    if fortran and a.ndim > 1: assert a.flags['F_CONTIGUOUS'], (where, 'not Fortran order')
    assert same(a, e), (where, a, e)
    checked += 1
for c in cases:
    check(np.load(d + '/js_' + c['key'] + '.npy'), c, c['fortran'], c['key'] + '.npy')
for name, fortran in (('js_stored.npz', False), ('js_compressed.npz', True)):
    with np.load(d + '/' + name) as z:
        keys = [c['key'] for c in cases if not c['big'] and not c['fortran']]
        assert sorted(z.files) == sorted(keys), (name, z.files)
        for c in cases:
            if c['key'] in keys: check(z[c['key']], c, fortran, name)
print('checked', checked)
`;
    const out = execFileSync(python, ['-c', script, dir], { encoding: 'utf8' });
    const cFiles = CASES.filter((c) => !c.big && !c.fortran).length;
    expect(out.trim()).toBe(`checked ${CASES.length + 2 * cFiles}`);
  });

  it("NumPy's .npy and .npz files (np.save, np.savez, np.savez_compressed) load here with identical values", () => {
    writeFileSync(join(dir, 'cases.json'), JSON.stringify(CASES));
    const script = `${PY_EXPECTED}
d = sys.argv[1]
cases = json.load(open(d + '/cases.json'))
arrays = {}
for c in cases:
    a = expected(c['dtype'], int(np.prod(c['shape'], dtype=np.int64))).reshape(c['shape']).astype(np.dtype(c['descr']))
    a = a.copy(order='F' if c['fortran'] else 'C')
    np.save(d + '/py_' + c['key'] + '.npy', a)
    arrays[c['key']] = a
np.savez(d + '/py_stored.npz', **arrays)
np.savez_compressed(d + '/py_compressed.npz', **arrays)
print('wrote', len(arrays))
`;
    expect(execFileSync(python, ['-c', script, dir], { encoding: 'utf8' }).trim()).toBe(`wrote ${CASES.length}`);
    const stored = parseNpz(readFileSync(join(dir, 'py_stored.npz')), { name: 'py_stored.npz' });
    const compressed = parseNpz(readFileSync(join(dir, 'py_compressed.npz')), { name: 'py_compressed.npz' });
    for (const c of CASES) {
      const want = expected(
        c.dtype,
        c.shape.reduce((a, b) => a * b, 1),
      );
      for (const [what, a] of [
        [`py_${c.key}.npy`, parseNpy(readFileSync(join(dir, `py_${c.key}.npy`)), { name: c.key })],
        [`py_stored.npz:${c.key}`, stored[c.key]],
        [`py_compressed.npz:${c.key}`, compressed[c.key]],
      ] as const) {
        expect(a.dtype, what).toBe(c.dtype);
        expect(a.shape, what).toEqual(c.shape);
        expect(a.fortranOrder, what).toBe(c.fortran);
        expectSameValues(a.data, want, what);
      }
    }
  });
});
