import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import h5wasm, { type Group } from 'h5wasm';
import { ConfigError, DTypeError, FormatError, initBackend, tf } from '@basiskit/tensor';
import { isMatlabV73, listHdf5, loadHdf5, readHdf5 } from './hdf5';

let FS: { readFile(p: string): Uint8Array; unlink(p: string): void };
beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
  FS = (await h5wasm.ready).FS as never;
});

/** An HDF5 file written by h5wasm itself: `datasets` by path, with shapes. */
function writeHdf5(
  datasets: Record<string, { data: Float64Array | Float32Array | Int32Array | BigInt64Array | Uint8Array | string[]; shape: number[] }>,
): Uint8Array {
  const path = `/test-${Math.random().toString(36).slice(2)}.h5`;
  const f = new h5wasm.File(path, 'w');
  for (const [name, { data, shape }] of Object.entries(datasets)) {
    const parts = name.split('/');
    let g: Group = f;
    for (const p of parts.slice(0, -1)) g = (g.get(p) as Group | null) ?? g.create_group(p);
    g.create_dataset({ name: parts[parts.length - 1], data, shape });
  }
  f.close();
  const bytes = FS.readFile(path);
  FS.unlink(path);
  return bytes;
}

/** A MATLAB v7.3 file: MATLAB's 512-byte text header as user block, then HDF5 (as `save -v7.3` writes). */
function asMatlab(hdf5: Uint8Array): Uint8Array {
  const header = new Uint8Array(512).fill(0x20);
  header.set(new TextEncoder().encode('MATLAB 7.3 MAT-file, Platform: GLNXA64, Created on: Mon Jan  1 00:00:00 2024 HDF5 schema 1.00 .'));
  const out = new Uint8Array(512 + hdf5.length);
  out.set(header);
  out.set(hdf5, 512);
  return out;
}

const root = mkdtempSync(join(tmpdir(), 'basiskit-hdf5-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('HDF5 / MATLAB v7.3', () => {
  const a = Float64Array.from({ length: 24 }, (_, i) => i * 0.5 - 3);
  const file = () =>
    writeHdf5({
      a: { data: a, shape: [2, 3, 4] },
      'group/ints': { data: new Int32Array([1, -2, 3]), shape: [3] },
      big: { data: new BigInt64Array([5n, -(2n ** 40n)]), shape: [2] },
      f32: { data: new Float32Array([0.25, 0.5]), shape: [1, 2] },
      names: { data: ['x', 'y'], shape: [2] },
    });

  it('lists and reads named datasets as raw arrays (float64 kept) and tensors (float32, int32)', async () => {
    const bytes = file();
    const list = await listHdf5(bytes);
    expect(list.map((d) => [d.path.replace(/^\//, ''), d.shape, d.dtype])).toEqual(
      expect.arrayContaining([
        ['a', [2, 3, 4], 'float64'],
        ['group/ints', [3], 'int32'],
        ['big', [2], 'int64'],
        ['f32', [1, 2], 'float32'],
        ['names', [2], undefined],
      ]),
    );
    const raw = await readHdf5(bytes, { datasets: ['a', 'group/ints'] });
    expect(raw.a.data).toBeInstanceOf(Float64Array);
    expect(raw.a.shape).toEqual([2, 3, 4]);
    expect(Array.from(raw.a.data as Float64Array)).toEqual(Array.from(a));
    const t = await loadHdf5(bytes, { datasets: ['a', 'group/ints', 'f32'] });
    expect(t.a.dtype).toBe('float32');
    expect(Array.from(t.a.dataSync())).toEqual(Array.from(a, Math.fround));
    expect(Array.from(t['group/ints'].dataSync())).toEqual([1, -2, 3]);
    expect(t.f32.shape).toEqual([1, 2]);
    tf.dispose(Object.values(t));
    // every numeric dataset by default; int64 out of int32's range is an error, and nothing leaks
    const before = tf.memory().numTensors;
    await expect(loadHdf5(bytes)).rejects.toThrow(DTypeError);
    expect(tf.memory().numTensors).toBe(before);
    expect(Object.keys(await readHdf5(bytes)).sort()).toEqual(['a', 'big', 'f32', 'group/ints']);
  });

  it("MATLAB v7.3 files: axes reversed back (MATLAB's column-major), as the FNO code's MatReader does", async () => {
    // MATLAB's coeff of size [2, 3, 4] is stored column-major: HDF5 sees [4, 3, 2] with element
    // (k, j, i) holding MATLAB's (i, j, k)
    const m = (i: number, j: number, k: number) => 100 * i + 10 * j + k;
    const stored = new Float64Array(24);
    for (let k = 0; k < 4; k++) for (let j = 0; j < 3; j++) for (let i = 0; i < 2; i++) stored[k * 6 + j * 2 + i] = m(i, j, k);
    const bytes = asMatlab(writeHdf5({ coeff: { data: stored, shape: [4, 3, 2] } }));
    expect(isMatlabV73(bytes)).toBe(true);
    const { coeff } = await readHdf5(bytes);
    expect(coeff.shape).toEqual([2, 3, 4]);
    const want: number[] = [];
    for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 4; k++) want.push(m(i, j, k));
    expect(Array.from(coeff.data as Float64Array)).toEqual(want);
    const asStored = await readHdf5(bytes, { transpose: false });
    expect(asStored.coeff.shape).toEqual([4, 3, 2]);
    const t = await loadHdf5(bytes, { datasets: ['coeff'] });
    expect(t.coeff.shape).toEqual([2, 3, 4]);
    t.coeff.dispose();
  });

  it('cross-checks with h5py when it is installed (reads the file h5wasm wrote)', () => {
    let python: string | undefined;
    for (const py of ['/usr/bin/python3', 'python3']) {
      try {
        execFileSync(py, ['-c', 'import h5py'], { stdio: 'pipe' });
        python = py;
        break;
      } catch {
        // no h5py there
      }
    }
    const path = join(root, 'cross.h5');
    writeFileSync(path, file());
    if (python) {
      const out = execFileSync(python, ['-c', `import h5py, sys; f = h5py.File(sys.argv[1]); print(list(f['a'].shape), float(f['a'][1, 2, 3]))`, path], {
        encoding: 'utf8',
      });
      expect(out.trim()).toBe(`[2, 3, 4] ${a[23]}`);
    } else {
      // no h5py here: the file h5wasm wrote still starts with the HDF5 signature other readers look for
      expect(Array.from(file().subarray(0, 8))).toEqual([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);
    }
  });

  it('files that are not HDF5, truncated or corrupt give a FormatError naming the file; bad requests a ConfigError', async () => {
    const bytes = file();
    await expect(readHdf5(new TextEncoder().encode('just text, no HDF5 here'), { name: 'x.mat' })).rejects.toThrow(/x\.mat: not an HDF5 file/);
    await expect(readHdf5(bytes.subarray(0, 200), { name: 'cut.h5' })).rejects.toThrow(FormatError);
    await expect(readHdf5(bytes.subarray(0, bytes.length - 300), { name: 'cut.h5' })).rejects.toThrow(/cut\.h5/);
    await expect(readHdf5(bytes, { datasets: ['nope'] })).rejects.toThrow(ConfigError);
    await expect(readHdf5(bytes, { datasets: ['names'] })).rejects.toThrow(/dataset type not supported/);
    await expect(readHdf5(bytes, { maxSize: 100 })).rejects.toThrow(/a: dataset too large.*192 bytes/);
    await expect(readHdf5(bytes, { transpose: 'yes' } as never)).rejects.toThrow(/transpose/);
    await expect(readHdf5(bytes, { h5wasm: { File: 1 } })).rejects.toThrow(/not the h5wasm module/);
    // the module still works after the failures, and takes h5wasm as an option (bundled browser code)
    expect(Object.keys(await readHdf5(bytes, { datasets: ['a'], h5wasm: await import('h5wasm') }))).toEqual(['a']);
    expect(Object.keys(await readHdf5(bytes, { datasets: ['f32'] }))).toEqual(['f32']);
  });
});
