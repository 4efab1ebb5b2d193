// FFT part of the WebGPU page (test/webgpu/page.ts): fft, ifft, rfft and irfft through the WGSL
// kernels (impl 'fused' on webgpu) against the plain-ops references (fft_reference.ts) and
// tf.spectral on the same backend, their gradients against the references' autograd and a
// central finite difference, no leaked tensors or GPU buffers; and the truncated DFTs' paths
// ('fft', 'matmul', 'auto') against rfft / irfft. Tolerances: float32 scaled by log2 n.
import * as tf from '@tensorflow/tfjs-core';
import { maxErr, randomTensors, seededRandom, type Check } from './checks';
import { directionalCheck } from './directional_derivative';
import { fft, ifft, irfft, rfft, type ComplexTensor, type FFTOptions } from '../../src/fft';
import { fftReference, irfftReference, rfftReference } from '../../src/fft_reference';
import { truncatedIrfft, truncatedRfft } from '../../src/fft_truncated';

type Op = 'fft' | 'ifft' | 'rfft' | 'irfft';

interface FFTCase {
  op: Op;
  shape: number[];
  axis: number;
  n?: number;
  norm?: FFTOptions['norm'];
}

const CASES: FFTCase[] = [
  { op: 'fft', shape: [4, 8], axis: -1 },
  { op: 'ifft', shape: [64, 3, 2], axis: 0, norm: 'ortho' },
  { op: 'fft', shape: [2, 1024], axis: -1 },
  { op: 'fft', shape: [3, 500], axis: 1, n: 512, norm: 'forward' },
  { op: 'ifft', shape: [5, 12, 3], axis: 1 },
  { op: 'rfft', shape: [6, 64], axis: -1 },
  { op: 'rfft', shape: [1024, 2], axis: 0, norm: 'ortho' },
  { op: 'rfft', shape: [3, 100], axis: -1, n: 90 },
  { op: 'rfft', shape: [4, 12, 2], axis: 1 },
  { op: 'irfft', shape: [4, 5], axis: -1 },
  { op: 'irfft', shape: [33, 3], axis: 0, norm: 'forward' },
  { op: 'irfft', shape: [2, 513], axis: -1 },
  { op: 'irfft', shape: [3, 7, 2], axis: 1, n: 13 },
  { op: 'irfft', shape: [3, 60], axis: -1, n: 100 },
];

const rt = randomTensors(seededRandom(777));

/** The op as a function of its input parts (real input: one part), outputs as a list of parts. */
function opOf(c: FFTCase, fused: boolean): (...parts: tf.Tensor[]) => tf.Tensor[] {
  const o = { axis: c.axis, n: c.n, norm: c.norm };
  const pair = (y: ComplexTensor) => [y.real, y.imag];
  const impl = { ...o, impl: 'fused' as const };
  switch (c.op) {
    case 'fft':
      return (re, im) => pair(fused ? fft({ real: re, imag: im }, impl) : fftReference({ real: re, imag: im }, o));
    case 'ifft':
      return (re, im) => pair(fused ? ifft({ real: re, imag: im }, impl) : fftReference({ real: re, imag: im }, { ...o, inverse: true }));
    case 'rfft':
      return (x) => pair(fused ? rfft(x, impl) : rfftReference(x, o));
    case 'irfft':
      return (re, im) => [fused ? irfft({ real: re, imag: im }, impl) : irfftReference({ real: re, imag: im }, o)];
  }
}

/** tf.spectral's result on webgpu (backward norm, default n, the axis moved last and back), or null where it has no counterpart. */
function spectral(c: FFTCase, parts: tf.Tensor[]): tf.Tensor[] | null {
  if (c.n !== undefined || (c.norm ?? 'backward') !== 'backward') return null;
  return tf.tidy(() => {
    const rank = c.shape.length;
    const axis = c.axis < 0 ? c.axis + rank : c.axis;
    const perm = [...Array(rank).keys()].filter((d) => d !== axis).concat(axis);
    const inv = perm.map((_, i) => perm.indexOf(i));
    const last = (t: tf.Tensor) => tf.transpose(t, perm);
    const lead = perm.slice(0, -1).map((d) => c.shape[d]);
    // tf.spectral's webgpu kernels may return [batch, n] for a rank > 2 input
    const back = (t: tf.Tensor) => tf.transpose(tf.reshape(t, [...lead, t.shape[t.rank - 1]]), inv);
    if (c.op === 'rfft') {
      const y = tf.spectral.rfft(last(parts[0]));
      return [back(tf.real(y)), back(tf.imag(y))];
    }
    const z = tf.complex(last(parts[0]), last(parts[1]));
    if (c.op === 'irfft') return [back(tf.spectral.irfft(z))];
    const y = c.op === 'fft' ? tf.spectral.fft(z) : tf.spectral.ifft(z);
    return [back(tf.real(y)), back(tf.imag(y))];
  });
}

async function runCase(c: FFTCase, out: Check[]): Promise<void> {
  const rank = c.shape.length;
  const axis = c.axis < 0 ? c.axis + rank : c.axis;
  const n = c.n ?? (c.op === 'irfft' ? 2 * (c.shape[axis] - 1) : c.shape[axis]);
  const name = `${c.op} [${c.shape}] axis ${c.axis} n ${n}${c.norm ? ` ${c.norm}` : ''}`;
  const logn = Math.log2(n) + 1;
  const add = (check: string, err: number, tol: number) => out.push({ kernel: name, check, err, tol, ok: err <= tol });
  const engineBackend = tf.engine().backend as unknown as { numDataIds(): number };
  const parts = c.op === 'rfft' ? [rt(c.shape)] : [rt(c.shape), rt(c.shape)];
  const fused = opOf(c, true);
  const reference = opOf(c, false);
  const y = fused(...parts);
  const yRef = reference(...parts);
  const ys = spectral(c, parts);
  for (let i = 0; i < y.length; i++) {
    const part = i === 0 ? 'real' : 'imag';
    const [e, s] = await maxErr(y[i], yRef[i]);
    add(`${part} vs reference`, e, 3e-6 * logn * (1 + s));
    if (ys) {
      const [es, ss] = await maxErr(y[i], ys[i]);
      add(`${part} vs tf.spectral`, es, 3e-5 * logn * (1 + ss));
    }
  }
  const w = y.map((t, i) => tf.randomUniform(t.shape, -1, 1, 'float32', 11 + i));
  const loss =
    (f: (...p: tf.Tensor[]) => tf.Tensor[]) =>
    (...p: tf.Tensor[]) =>
      tf.tidy(() => tf.addN(f(...p).map((t, i) => tf.sum(tf.mul(t, w[i])))));
  // leaks of the WGSL forward + backward: counted around one more run
  const tensorsBefore = tf.memory().numTensors;
  const buffersBefore = engineBackend.numDataIds();
  tf.dispose(tf.grads(loss(fused))(parts));
  add('no leaked tensors / GPU buffers', Math.abs(tf.memory().numTensors - tensorsBefore) + Math.abs(engineBackend.numDataIds() - buffersBefore), 0);
  const grads = tf.grads(loss(fused))(parts);
  const gradsRef = tf.grads(loss(reference))(parts);
  for (let i = 0; i < parts.length; i++) {
    const [ge, gs] = await maxErr(grads[i], gradsRef[i]);
    add(`d${parts.length === 1 ? 'x' : i === 0 ? 'real' : 'imag'} vs reference autograd`, ge, 3e-6 * logn * (1 + gs));
  }
  // central difference along v (the op is linear: exact up to rounding)
  const h = 1e-2;
  const v = parts.map((p, i) => tf.randomUniform(p.shape, -1, 1, 'float32', 5 + i));
  const { err, scale } = await directionalCheck(loss(fused), parts, grads, v, h);
  add('gradient vs finite difference', err, 1e-3 * scale);
  tf.dispose([parts, y, yRef, ys ?? [], w, grads, gradsRef, v] as unknown as tf.Tensor[]);
}

/** The truncated DFTs on webgpu: every impl (and what 'auto' picks) against rfft sliced / irfft, values and gradients. */
async function truncatedChecks(out: Check[]): Promise<void> {
  for (const [n, modes] of [
    [64, 10],
    [100, 12],
  ]) {
    const name = `truncated DFT n ${n} modes ${modes}`;
    const add = (check: string, err: number, tol: number) => out.push({ kernel: name, check, err, tol, ok: err <= tol });
    const tol = (s: number) => 3e-6 * (Math.log2(n) + 1) * (1 + s);
    const x = rt([3, n, 2]);
    const full = rfft(x, { axis: 1 });
    const size = [3, modes, 2];
    const want = [tf.slice(full.real, [0, 0, 0], size), tf.slice(full.imag, [0, 0, 0], size)];
    const back = irfft({ real: want[0], imag: want[1] }, { axis: 1, n });
    const before = tf.memory().numTensors;
    for (const impl of ['fft', 'matmul', 'auto'] as const) {
      const y = truncatedRfft(x, { modes, axis: 1, impl });
      const [er, sr] = await maxErr(y.real, want[0]);
      const [ei, si] = await maxErr(y.imag, want[1]);
      add(`truncatedRfft ${impl} vs rfft sliced`, Math.max(er, ei), tol(Math.max(sr, si)));
      const z = truncatedIrfft(y, { n, axis: 1, impl });
      const [ez, sz] = await maxErr(z, back);
      add(`truncatedIrfft ${impl} vs irfft`, ez, tol(sz));
      // gradient of sum(irfft(rfft(x) truncated)^2) against the reference ops' autograd
      const g = tf.grad((t: tf.Tensor) => tf.sum(tf.square(truncatedIrfft(truncatedRfft(t, { modes, axis: 1, impl }), { n, axis: 1, impl }))))(x);
      const gRef = tf.grad((t: tf.Tensor) => {
        const f = rfftReference(t, { axis: 1 });
        const cut = { real: tf.slice(f.real, [0, 0, 0], size), imag: tf.slice(f.imag, [0, 0, 0], size) };
        return tf.sum(tf.square(irfftReference(cut, { axis: 1, n })));
      })(x);
      const [eg, sg] = await maxErr(g, gRef);
      add(`truncated ${impl} gradient vs reference`, eg, tol(sg));
      tf.dispose([y.real, y.imag, z, g, gRef]);
    }
    add('no leaked tensors', Math.abs(tf.memory().numTensors - before), 0);
    tf.dispose([x, full.real, full.imag, ...want, back]);
  }
}

/** Runs every FFT check on the active (webgpu) backend, appending to `out`. */
export async function runFFTChecks(out: Check[]): Promise<void> {
  for (const c of CASES) await runCase(c, out);
  await truncatedChecks(out);
}

/** How many distinct `kernel` names {@link runFFTChecks} reports. */
export const FFT_CHECK_NAMES = CASES.length + 2;
