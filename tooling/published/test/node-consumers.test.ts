// Node consumers of the installed tarballs (a scratch project outside the workspace): an ESM
// script and a CommonJS script import every entry point, start the default backend, train a
// KAN with @basiskit/training's Adam, and check that errors are instances of @basiskit/tensor's
// classes whichever entry threw them. And @basiskit/activations installed alone.
import { copyFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { context } from './context';
import { describeRun, fixturesDir, parseConsumer, requireInstall, run, scratchEnv } from './helpers';
import type { StepResult } from './helpers';

/** Every entry point the packed manifests declare, as import specifiers. */
function entryPoints(): string[] {
  const out: string[] = [];
  for (const p of context().packages) {
    const subpaths = Object.keys(p.manifest?.exports ?? { '.': null }).filter((s) => s !== './package.json');
    for (const sub of subpaths) out.push(sub === '.' ? p.name : `${p.name}/${sub.slice(2)}`);
  }
  return out;
}

function stepError(label: string, s: StepResult | undefined): string {
  if (!s) return `${label}: the consumer did not get to this step`;
  return `${label} threw:\n${s.error}`;
}

const consumers = [
  { kind: 'ESM', file: 'esm.mjs', verb: 'import', steps: 20 },
  { kind: 'CJS', file: 'cjs.cjs', verb: 'require', steps: 8 },
] as const;

describe.each(consumers)('$kind consumer ($file)', ({ kind, file, verb, steps }) => {
  let results: Record<string, StepResult> | undefined;
  let failure: string | undefined;

  beforeAll(async () => {
    try {
      const dir = requireInstall(context().consumer, `the ${kind} consumer`);
      for (const f of [file, 'checks.cjs']) copyFileSync(join(fixturesDir, 'consumers', f), join(dir, f));
      const r = await run(process.execPath, [file, String(steps)], { cwd: dir, env: scratchEnv(), timeoutMs: 120_000 });
      results = parseConsumer(`node ${file}`, r);
      if (r.code !== 0) failure = describeRun(`node ${file}`, r);
    } catch (e) {
      failure = (e as Error).message;
    }
  }, 150_000);

  function result(name: string): StepResult {
    if (!results) throw new Error(failure ?? `${file} did not run`);
    const s = results[name];
    if (!s?.ok) throw new Error(stepError(`${kind} consumer: ${name}`, s));
    return s;
  }

  test(`${kind}: node ${file} runs to the end`, () => {
    expect(failure, failure).toBeUndefined();
  });

  test.each(entryPoints())(`${kind}: ${verb} '%s'`, (spec) => {
    const s = result(`${verb} ${spec}`);
    expect(s.value, `${verb} '${spec}' gave a module with no exports`).toBeGreaterThan(0);
  });

  test(`${kind}: initBackend() starts wasm`, () => {
    const info = result('initBackend').value;
    expect(info.name, `initBackend() started ${info.name}; fallbacks: ${JSON.stringify(info.fallbacks)}`).toBe('wasm');
    expect(info.getBackend).toBe('wasm');
  });

  test(`${kind}: a KAN from @basiskit/kan trains ${steps} steps with @basiskit/training's Adam and the loss falls`, () => {
    const { losses, backend } = result('train').value as { losses: number[]; backend: string };
    expect(losses).toHaveLength(steps);
    expect(losses.every(Number.isFinite), `non-finite loss: ${losses.join(', ')}`).toBe(true);
    expect(losses.at(-1)!, `the loss did not fall over ${steps} steps on ${backend}: ${losses.map((l) => l.toPrecision(4)).join(', ')}`).toBeLessThan(
      0.95 * losses[0],
    );
  });

  test(`${kind}: an FNO from @basiskit/fourier-operators (FFT kernels and their gradients) trains ${steps} steps and the loss falls`, () => {
    const { losses, backend } = result('fno').value as { losses: number[]; backend: string };
    expect(losses).toHaveLength(steps);
    expect(losses.every(Number.isFinite), `non-finite loss: ${losses.join(', ')}`).toBe(true);
    expect(losses.at(-1)!, `the loss did not fall over ${steps} steps on ${backend}: ${losses.map((l) => l.toPrecision(4)).join(', ')}`).toBeLessThan(
      0.95 * losses[0],
    );
  });

  test(`${kind}: @basiskit/datasets makes data (two moons, a Darcy sample by its solver) and round-trips .npy`, () => {
    const v = result('datasets').value;
    expect(v.moons).toEqual([[20, 2], [20]]);
    expect(v.npy).toEqual({ shape: [20, 2], dtype: 'float32', same: true });
    expect(v.darcy).toEqual([
      [2, 9, 9],
      [2, 9, 9],
    ]);
  });

  test(`${kind}: an error thrown by @basiskit/tensor/node is instanceof @basiskit/tensor's FormatError and BasiskitError`, () => {
    const v = result('errors: @basiskit/tensor/node').value;
    const msg = `loadStateDictSync threw ${v.name} (${v.message}); instanceof FormatError: ${v.instanceofFormatError}, BasiskitError: ${v.instanceofBasiskitError} (the two entry points carry separate copies of the error classes?)`;
    expect({ FormatError: v.instanceofFormatError, BasiskitError: v.instanceofBasiskitError }, msg).toEqual({ FormatError: true, BasiskitError: true });
  });

  test(`${kind}: an error thrown by @basiskit/kan is instanceof @basiskit/tensor's ConfigError and BasiskitError`, () => {
    const v = result('errors: @basiskit/kan').value;
    const msg = `new KAN({ layers: [2] }) threw ${v.name} (${v.message}); instanceof ConfigError: ${v.instanceofConfigError}, BasiskitError: ${v.instanceofBasiskitError}`;
    expect({ ConfigError: v.instanceofConfigError, BasiskitError: v.instanceofBasiskitError }, msg).toEqual({ ConfigError: true, BasiskitError: true });
  });
});

describe('@basiskit/activations installed alone', () => {
  const unwanted = ['@basiskit/kan', '@basiskit/training', '@basiskit/fourier-operators', '@basiskit/datasets'];

  test('its packed dependencies (and theirs) include none of kan, training, fourier-operators, datasets', () => {
    const { closure } = context().activationsOnly;
    expect(
      closure.filter((n) => unwanted.includes(n)),
      `@basiskit/activations needs: ${closure.join(', ')}`,
    ).toEqual([]);
  });

  test('npm install of @basiskit/activations (with the tarballs it needs) leaves kan, training, fourier-operators and datasets out of node_modules', () => {
    const dir = requireInstall(context().activationsOnly, 'the activations-only install check');
    const nm = join(dir, 'node_modules');
    const installed = readdirSync(nm).flatMap((n) => (n.startsWith('@') ? readdirSync(join(nm, n)).map((m) => `${n}/${m}`) : [n]));
    const found = unwanted.filter((n) => existsSync(join(nm, n)));
    expect(found, `installed with ${context().activationsOnly.specs.join(' ')}: ${installed.join(', ')}`).toEqual([]);
  });

  test('@basiskit/activations works without them (import, initBackend, gelu)', async () => {
    const dir = requireInstall(context().activationsOnly, 'the activations-only consumer');
    const script = [
      "import { initBackend, tf } from '@basiskit/tensor';",
      "import { gelu } from '@basiskit/activations';",
      'const info = await initBackend();',
      'const y = gelu(tf.tensor1d([-1, 0, 1]));',
      "console.log('BASISKIT_CONSUMER_RESULT ' + JSON.stringify({ backend: info.name, y: Array.from(await y.data()) }));",
      'process.exit(0);',
    ].join('\n');
    const r = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: dir, env: scratchEnv(), timeoutMs: 60_000 });
    const line = r.stdout.split('\n').find((l) => l.startsWith('BASISKIT_CONSUMER_RESULT '));
    expect(line, describeRun('the activations-only consumer', r)).toBeDefined();
    const { backend, y } = JSON.parse(line!.slice('BASISKIT_CONSUMER_RESULT '.length)) as { backend: string; y: number[] };
    expect(backend).toBe('wasm');
    expect(y[0]).toBeCloseTo(-0.158655, 4);
    expect(y[1]).toBe(0);
    expect(y[2]).toBeCloseTo(0.841345, 4);
  });
});
