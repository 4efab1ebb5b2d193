// The built package in the places it is promised to work: the main entry bundles for browsers
// (no node:fs, node:path, cli-progress), and the Node entry shares the main entry's classes
// (it imports @basiskit/training rather than carrying a copy). Run `pnpm build` first; turbo's
// test task builds before testing.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const NODE_ONLY = /^(node:|fs$|fs\/|path$|os$|child_process$|worker_threads$|readline$|stream$|cli-progress)/;

async function bundleForBrowser(external: string[]): Promise<{ errors: number; metafile: Metafile; imports: string[] }> {
  const r = await build({
    entryPoints: [here('../dist/index.js')],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    outfile: 'out.js',
    metafile: true,
    logLevel: 'silent',
    external,
  });
  const imports = Object.values(r.metafile.outputs).flatMap((o) => o.imports.map((i) => i.path));
  return { errors: r.errors.length, metafile: r.metafile, imports };
}

describe('built package', () => {
  it('the main entry bundles for the browser with tfjs external: no Node module imported', async () => {
    const { errors, metafile, imports } = await bundleForBrowser(['@tensorflow/*']);
    expect(errors).toBe(0);
    expect(imports.filter((p) => !p.startsWith('@tensorflow/'))).toEqual([]);
    expect(Object.keys(metafile.inputs).filter((p) => /cli-progress|dist\/node\./.test(p))).toEqual([]);
  });

  it('the main entry bundles for the browser with tfjs included (tensor resolves to its browser build)', async () => {
    const { errors, metafile, imports } = await bundleForBrowser([]);
    expect(errors).toBe(0);
    expect(imports).toEqual([]);
    const inputs = Object.keys(metafile.inputs);
    expect(inputs.some((p) => p.endsWith('tensor/dist/browser.js'))).toBe(true);
    expect(inputs.filter((p) => NODE_ONLY.test(p) || /cli-progress/.test(p))).toEqual([]);
  });

  for (const [kind, code] of [
    [
      'ESM',
      `import { NonFiniteLossError, SGD, mse } from '@basiskit/training';
       import { fit } from '@basiskit/training/node';
       import { Linear, initBackend, tf } from '@basiskit/tensor';`,
    ],
    [
      'CJS',
      `const { NonFiniteLossError, SGD, mse } = require('@basiskit/training');
       const { fit } = require('@basiskit/training/node');
       const { Linear, initBackend, tf } = require('@basiskit/tensor');`,
    ],
  ] as const) {
    it(`${kind}: an error from the node entry's fit is instanceof the main entry's class (one copy)`, () => {
      const body = `
        (async () => {
          await initBackend({ backend: 'cpu' });
          const model = new Linear({ inFeatures: 1, outFeatures: 1, seed: 1 });
          const x = tf.ones([2, 1]);
          const opt = new SGD(model.parameters(), { lr: 0.1 });
          try {
            await fit(model, { train: { x, y: x }, loss: (p, t) => tf.div(mse(p, t), 0), optimizer: opt, epochs: 1, progress: 'silent' });
          } catch (e) {
            console.log(JSON.stringify({ same: e instanceof NonFiniteLossError, name: e.name }));
          }
        })();`;
      const out = execFileSync(process.execPath, [kind === 'ESM' ? '--input-type=module' : '--input-type=commonjs', '-e', `${code}\n${body}`], {
        cwd: here('..'),
        encoding: 'utf8',
        env: { ...process.env, BASISKIT_BACKEND: '' },
      });
      expect(JSON.parse(out.trim().split('\n').at(-1)!)).toEqual({ same: true, name: 'NonFiniteLossError' });
    });
  }
});
