import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ConfigError, FormatError, ShapeError, initBackend, tf } from '@basiskit/tensor';
import { generate, loadShard, readDataset, readManifest } from './generate';
import { parseManifest, type DatasetManifest } from './manifest';
import { generateHeat } from './heat';
import { parseNpy } from './npy';
import { expectOnlyBasiskitErrors, mutations } from './formats_testing';

const root = mkdtempSync(join(tmpdir(), 'basiskit-generate-'));
beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Sample i: x = [i, 2i, 3i], y = [i % 2] (int32). */
function toy(start: number, count: number): { x: tf.Tensor; y: tf.Tensor } {
  const x = Float32Array.from({ length: count * 3 }, (_, k) => (start + Math.floor(k / 3)) * ((k % 3) + 1));
  const y = Int32Array.from({ length: count }, (_, k) => (start + k) % 2);
  return { x: tf.tensor2d(x, [count, 3]), y: tf.tensor2d(y, [count, 1], 'int32') };
}

describe('generate', () => {
  it('writes npy shards and a manifest; memory holds one shard; readDataset gives back the whole set', async () => {
    const dir = join(root, 'toy');
    const live: number[] = [];
    const base = tf.memory().numTensors;
    const manifest = await generate(
      (start, count) => {
        live.push(tf.memory().numTensors - base);
        return toy(start, count);
      },
      { dir, count: 10, start: 5, shardSize: 4, generator: 'toy', options: { big: 2n ** 70n }, seed: 7n, progress: false },
    );
    expect(live).toEqual([0, 0, 0]); // each shard was disposed before the next was made
    expect(manifest.shards.map((s) => [s.start, s.count])).toEqual([
      [5, 4],
      [9, 4],
      [13, 2],
    ]);
    expect(manifest.arrays).toEqual({ x: { dtype: 'float32', shape: [3] }, y: { dtype: 'int32', shape: [1] } });
    expect(manifest.seed).toBe('7');
    expect(manifest.options).toEqual({ big: '1180591620717411303424' });
    expect(readdirSync(dir).sort()).toEqual(['manifest.json', ...[0, 1, 2].flatMap((k) => [`shard-0000${k}.x.npy`, `shard-0000${k}.y.npy`])]);
    expect(await readManifest(dir)).toEqual(manifest);
    // shard files are plain .npy
    const y2 = parseNpy(readFileSync(join(dir, 'shard-00002.y.npy')));
    expect(y2.shape).toEqual([2, 1]);
    expect(Array.from(y2.data as Int32Array)).toEqual([1, 0]);
    const { x, y } = await readDataset(dir);
    const ref = toy(5, 10);
    expect(Array.from(x.dataSync())).toEqual(Array.from(ref.x.dataSync()));
    expect(Array.from(y.dataSync())).toEqual(Array.from(ref.y.dataSync()));
    tf.dispose([x, y, ref.x, ref.y]);
  });

  it('safetensors shards of a PDE generator equal one call making the whole set (sample i depends on (seed, i))', async () => {
    const dir = join(root, 'heat');
    const options = { resolution: 16, t: 0.01 };
    const manifest = await generate((start, count) => generateHeat({ seed: 3, start, count, ...options }), {
      dir,
      count: 5,
      shardSize: 2,
      format: 'safetensors',
      generator: 'heat',
      options,
      seed: 3,
      progress: false,
    });
    expect(manifest.fileFormat).toBe('safetensors');
    expect(manifest.shards[0].files).toEqual({ x: 'shard-00000.safetensors', y: 'shard-00000.safetensors' });
    const { x, y } = await readDataset(dir);
    const ref = generateHeat({ seed: 3, start: 0, count: 5, ...options });
    expect(Array.from(x.dataSync())).toEqual(Array.from(ref.x.dataSync()));
    expect(Array.from(y.dataSync())).toEqual(Array.from(ref.y.dataSync()));
    const one = await loadShard(dir, manifest, 2);
    expect(one.x.shape).toEqual([1, 16]);
    tf.dispose([x, y, ref.x, ref.y, one.x, one.y]);
  });

  it('draws a cli-progress bar on a TTY stream', async () => {
    let out = '';
    const stream = { isTTY: true, columns: 120, write: (s: string) => ((out += s), true), cursorTo: () => true, clearLine: () => true, moveCursor: () => true };
    await generate(toy, { dir: join(root, 'bar'), count: 6, shardSize: 3, progress: stream });
    expect(out).toMatch(/toy .* 6\/6 samples \| shard 2\/2/);
  });

  it('rejects bad generators and options, and leaves no tensors behind', async () => {
    const before = tf.memory().numTensors;
    await expect(generate(((s: number, c: number) => toy(s, c + 1)) as never, { dir: join(root, 'bad1'), count: 3, progress: false })).rejects.toThrow(
      ShapeError,
    );
    let k = 0;
    const changing = (s: number, c: number) => (k++ ? { x: tf.zeros([c, 4]), y: tf.zeros([c, 1]) } : toy(s, c));
    await expect(generate(changing, { dir: join(root, 'bad2'), count: 4, shardSize: 2, progress: false })).rejects.toThrow(/shards differ/);
    await expect(generate((() => 1) as never, { dir: join(root, 'bad3'), count: 1, progress: false })).rejects.toThrow(/did not return/);
    expect(tf.memory().numTensors).toBe(before);
    await expect(generate(toy, { dir: '', count: 1 })).rejects.toThrow(ConfigError);
    await expect(generate(toy, { dir: root, count: 0 })).rejects.toThrow(/count/);
    await expect(generate(toy, { dir: root, count: 1, format: 'h5' as never })).rejects.toThrow(/format/);
  });

  it('loadShard checks the files against the manifest', async () => {
    const dir = join(root, 'tamper');
    const manifest = await generate(toy, { dir, count: 4, shardSize: 2, progress: false });
    writeFileSync(join(dir, 'shard-00001.x.npy'), readFileSync(join(dir, 'shard-00001.y.npy')));
    await expect(loadShard(dir, manifest, 1)).rejects.toThrow(/shard-00001\.x\.npy: shard does not match the manifest/);
    writeFileSync(join(dir, 'shard-00000.y.npy'), new Uint8Array(3));
    await expect(readDataset(dir)).rejects.toThrow(FormatError);
  });
});

const arbManifest: fc.Arbitrary<DatasetManifest> = fc
  .record({
    start: fc.nat(1000),
    counts: fc.array(fc.integer({ min: 1, max: 50 }), { maxLength: 5 }),
    fileFormat: fc.constantFrom('npy' as const, 'safetensors' as const),
    seed: fc.oneof(fc.constant(null), fc.integer(), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 64n - 1n }).map(String)),
    generator: fc.string(),
    options: fc.dictionary(fc.string(), fc.jsonValue()),
    xs: fc.array(fc.nat(9), { maxLength: 3 }),
    ydtype: fc.constantFrom('float32' as const, 'int32' as const, 'bool' as const),
  })
  .map(({ start, counts, fileFormat, seed, generator, options, xs, ydtype }) => {
    let at = start;
    const shards = counts.map((count, k) => {
      const s = { start: at, count, files: fileFormat === 'npy' ? { x: `s${k}.x.npy`, y: `s${k}.y.npy` } : { x: `s${k}.safetensors`, y: `s${k}.safetensors` } };
      at += count;
      return s;
    });
    return {
      format: 'basiskit-dataset' as const,
      version: 1 as const,
      generator,
      options: JSON.parse(JSON.stringify(options)) as Record<string, unknown>,
      seed,
      start,
      count: at - start,
      shardSize: Math.max(1, ...counts),
      fileFormat,
      arrays: { x: { dtype: 'float32' as const, shape: xs }, y: { dtype: ydtype, shape: [] } },
      shards,
    };
  });

describe('parseManifest', () => {
  it('round-trips random valid manifests', () => {
    fc.assert(
      fc.property(arbManifest, (m) => {
        expect(parseManifest(JSON.stringify(m))).toEqual(m);
      }),
      { numRuns: 200, seed: 10 },
    );
  });

  it('rejects hostile manifests with a FormatError naming the file and key', () => {
    const m = fc.sample(
      arbManifest.filter((x) => x.shards.length >= 2 && x.fileFormat === 'npy'),
      { numRuns: 1, seed: 11 },
    )[0];
    const bad = (f: (c: Record<string, unknown> & DatasetManifest) => void) => {
      const c = JSON.parse(JSON.stringify(m));
      f(c);
      return JSON.stringify(c);
    };
    const cases: [string, RegExp][] = [
      [bad((c) => (c.shards[0].files.x = '../../etc/passwd')), /shards\[0\]\.files\.x: unsafe or invalid file name.*"\.\.\/\.\.\/etc\/passwd"/],
      [bad((c) => (c.shards[1].files.y = '/abs.npy')), /unsafe/],
      [bad((c) => (c.shards[1].start += 1)), /shards\[1\]\.start: shards are not contiguous/],
      [bad((c) => (c.count += 1)), /shards do not add up to count/],
      [bad((c) => (c.arrays.x.dtype = 'object' as never)), /arrays\.x\.dtype: invalid dtype/],
      [bad((c) => (c.arrays.x.shape = [-1])), /invalid shape/],
      [bad((c) => ((c as Record<string, unknown>).extra = 1)), /wrong keys.*unknown extra/],
      [bad((c) => delete (c as Partial<DatasetManifest>).shards), /wrong keys.*missing shards/],
      [bad((c) => (c.version = 2 as never)), /unsupported manifest version/],
      ['{"format": ', /not JSON/],
      ['[1, 2]', /not a manifest/],
    ];
    for (const [text, message] of cases) {
      expect(() => parseManifest(text, { name: 'd/manifest.json' })).toThrow(FormatError);
      expect(() => parseManifest(text, { name: 'd/manifest.json' })).toThrow(message);
    }
  });

  it('random byte mutations parse to a consistent manifest or throw a BasiskitError', () => {
    fc.assert(
      fc.property(arbManifest, mutations(), (m, mutate) => {
        const bytes = mutate(new TextEncoder().encode(JSON.stringify(m)));
        expectOnlyBasiskitErrors(() => {
          const r = parseManifest(bytes);
          expect(r.shards.reduce((n, s) => n + s.count, 0)).toBe(r.count);
          for (const s of r.shards) for (const f of Object.values(s.files)) expect(f).not.toMatch(/\/|\.\./);
        });
      }),
      { numRuns: 500, seed: 12 },
    );
  });
});
