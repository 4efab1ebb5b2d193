// `basiskit import`: PyTorch checkpoints written here as safetensors with the reference projects'
// keys. efficient-kan: the golden vectors of efficient-kan's KANLinear (computed by efficient-kan
// itself, tooling/conformance) as a one-layer KAN checkpoint -- the CLI's output must equal
// PyTorch's. KAT: a hand-written KAT MLP block, checked against the formula computed here in
// float64. neuralop: an FNO's state dict, the CLI must infer the architecture from the keys.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRng, initBackend, saveSafetensors, tf } from '@basiskit/tensor';
import { FNO } from '@basiskit/fourier-operators';
import { loadCase, specStateDict, specTensor } from '@basiskit/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from './run_cli';

const close = (got: number[], want: number[], atol: number, rtol: number) => {
  expect(got).toHaveLength(want.length);
  got.forEach((g, i) => expect(Math.abs(g - want[i]!)).toBeLessThanOrEqual(atol + rtol * Math.abs(want[i]!)));
};

function write(file: string, dict: Record<string, tf.Tensor>): void {
  writeFileSync(file, saveSafetensors(dict));
  tf.dispose(Object.values(dict));
}

describe('basiskit import', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'cpu' });
  });

  it("efficient-kan: runs efficient-kan's own golden KANLinear through KAN and matches PyTorch", async () => {
    const c = loadCase('efficient_kan_linear_i5_o3_g5_k3');
    const {
      in_features: inF,
      grid_size: G,
      spline_order: k,
      grid_range: [lo, hi],
    } = c.config as { in_features: number; grid_size: number; spline_order: number; grid_range: [number, number] };
    const dir = tempDir();
    const params = specStateDict(c.params);
    const h = (hi - lo) / G;
    const gridRow = Array.from({ length: G + 2 * k + 1 }, (_, t) => (t - k) * h + lo);
    const dict: Record<string, tf.Tensor> = { 'layers.0.grid': tf.tensor2d(Array.from({ length: inF }, () => gridRow)) };
    for (const [name, t] of Object.entries(params)) dict[`layers.0.${name}`] = t;
    write(join(dir, 'ekan.safetensors'), dict);
    const x = specTensor(c.inputs.x!);
    writeFileSync(join(dir, 'x.json'), JSON.stringify(x.arraySync()));
    x.dispose();
    const r = await runCli(['import', 'efficient-kan', 'ekan.safetensors', '--input', 'x.json', '--json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.model).toBe('KAN');
    expect(out.architecture).toMatchObject({ layers: [5, 3], gridSize: 5, splineOrder: 3, standaloneScaleSpline: true });
    const want = c.outputs.y! as { shape: number[]; data: number[] };
    expect(out.outputShape).toEqual(want.shape);
    close((out.output as number[][]).flat(), want.data, c.tolerance.atol, c.tolerance.rtol);
  });

  it('kat: a KAT MLP block (rational, fc1, rational, fc2) gives the formula computed here', async () => {
    const [inF, hidden, outF, groups] = [4, 8, 3, 2];
    const rng = createRng(7);
    const u = (n: number, s = 0.5) => Array.from({ length: n }, () => (rng.uniform() * 2 - 1) * s);
    const p = {
      w1: u(hidden * inF),
      b1: u(hidden),
      w2: u(outF * hidden),
      b2: u(outF),
      num1: u(6),
      den1: u(groups * 4),
      num2: u(6),
      den2: u(groups * 4),
    };
    const dir = tempDir();
    write(join(dir, 'kat.safetensors'), {
      'fc1.weight': tf.tensor2d(p.w1, [hidden, inF]),
      'fc1.bias': tf.tensor1d(p.b1),
      'act1.weight_numerator': tf.tensor2d(p.num1, [1, 6]),
      'act1.weight_denominator': tf.tensor2d(p.den1, [groups, 4]),
      'act2.weight_numerator': tf.tensor2d(p.num2, [1, 6]),
      'act2.weight_denominator': tf.tensor2d(p.den2, [groups, 4]),
      'fc2.weight': tf.tensor2d(p.w2, [outF, hidden]),
      'fc2.bias': tf.tensor1d(p.b2),
    });
    const x = [[u(inF, 1.5), u(inF, 1.5)]]; // [B=1, L=2, C=4]
    const r = await runCli(['import', 'kat', join(dir, 'kat.safetensors'), '--input', JSON.stringify(x), '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.architecture).toMatchObject({ inFeatures: inF, hiddenFeatures: hidden, outFeatures: outF, groups, sharedNumerator: true });
    // KAT's group rational (version A): P(v)/Q(v), P = sum_j a_j v^j, Q = 1 + sum_j |b_j| |v|^j, groups of channels
    const rational = (v: number[], num: number[], den: number[]) =>
      v.map((vc, c) => {
        const g = Math.floor(c / (v.length / groups));
        const P = num.reduce((s, a, j) => s + a * vc ** j, 0);
        const Q = 1 + [0, 1, 2, 3].reduce((s, j) => s + Math.abs(den[g * 4 + j]!) * Math.abs(vc) ** (j + 1), 0);
        return P / Q;
      });
    const linear = (v: number[], w: number[], b: number[]) => b.map((bo, o) => v.reduce((s, vi, i) => s + w[o * v.length + i]! * vi, bo));
    const want = x[0]!.map((row) => linear(rational(linear(rational(row, p.num1, p.den1), p.w1, p.b1), p.num2, p.den2), p.w2, p.b2));
    expect(out.outputShape).toEqual([1, 2, outF]);
    close((out.output as number[][][]).flat(2), want.flat(), 1e-5, 1e-4);
  });

  it('neuralop: infers an FNO from its state-dict keys and runs it', async () => {
    const model = new FNO({ nModes: [8], inChannels: 1, outChannels: 1, hiddenChannels: 8, nLayers: 2, seed: 3 });
    const dir = tempDir();
    writeFileSync(join(dir, 'fno.safetensors'), saveSafetensors(model.stateDict()));
    const x = createRng(4).uniformTensor([2, 1, 32], -1, 1);
    const want = tf.tidy(() => Array.from(model.forward(x).dataSync()));
    writeFileSync(join(dir, 'x.json'), JSON.stringify(x.arraySync()));
    tf.dispose(x);
    model.dispose();
    const r = await runCli(['import', 'neuralop', 'fno.safetensors', '--input', 'x.json', '--json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.architecture).toMatchObject({ nModes: [8], inChannels: 1, outChannels: 1, hiddenChannels: 8, nLayers: 2 });
    expect(out.outputShape).toEqual([2, 1, 32]);
    close((out.output as number[][][]).flat(2), want, 1e-5, 1e-4);
  });

  it('rejects a checkpoint of another project in one line (exit 2)', async () => {
    const dir = tempDir();
    write(join(dir, 'w.safetensors'), { 'fc1.weight': tf.zeros([2, 2]) });
    const r = await runCli(['import', 'efficient-kan', 'w.safetensors', '--input', '[[0, 0]]'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/no efficient-kan layers/);
  });
});
