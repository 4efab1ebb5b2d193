// Adam/AdamW's update as ONE typed-array kernel on the cpu and wasm backends: the elementwise
// formula of adam.ts's `adamUpdate` (torch's `_single_tensor_adam`) over float32 arrays, each
// intermediate rounded with Math.fround in the same order and with the same float32 scalars as
// tfjs's op sequence (cpu and wasm elementwise ops are plain IEEE float32; float64 then fround
// is exact for + - * / sqrt of float32 values), so the results are bit-identical to the ops:
//   g ← maximize ? -g : g;  L2: g ← g + p·wd;  decoupled: p ← p·(1 - lr·wd)
//   m ← m + (g - m)·(1 - β1);  v ← v·β2 + (g·g)·(1 - β2);  amsgrad: v̂ ← max(v̂, v)
//   p ← p - (m / (sqrt(v̂ or v) / sqrt(1 - β2^t) + eps))·(lr / (1 - β1^t))
// Inputs p, g, exp_avg, exp_avg_sq (+ max_exp_avg_sq); outputs the new p, exp_avg, exp_avg_sq
// (+ max_exp_avg_sq). No temporaries, 1 kernel instead of ~13. The wasm backend runs
// assembly/adam.ts (f32x4 IEEE float32 ops, in place on the tfjs heap; compiled by
// @basiskit/wasm-build into src/generated/adam_wasm.ts, loaded by @basiskit/tensor's
// simdModule, switched off by its setWasmSimd(false)), falling back to the JavaScript loop on the heap.
// Source: torch/optim/adam.py (`_single_tensor_adam`), PyTorch 2.x.
import { hasKernel, simdModule, tfjsWasmMemory, registerTypedArrayKernel, runKernel, tf, type TypedArrayKernel } from '@basiskit/tensor';
import { ADAM_WASM } from '../generated/adam_wasm';

/** The kernel's name without amsgrad (inputs p, g, exp_avg, exp_avg_sq). */
export const ADAM_UPDATE_KERNEL = 'BasiskitAdamUpdate';
/** The kernel's name with amsgrad (inputs p, g, exp_avg, exp_avg_sq, max_exp_avg_sq). */
export const ADAM_AMSGRAD_UPDATE_KERNEL = 'BasiskitAdamAmsgradUpdate';

/** Weight decay: none, L2 in the gradient (Adam), decoupled (AdamW). */
const Decay = { None: 0, L2: 1, Decoupled: 2 } as const;

/** The kernel's attributes: float32 scalars exactly as the op sequence forms them. */
interface AdamAttrs {
  /** 1 for `maximize`, else 0. */
  maximize: number;
  /** 1 where tf.maximum is C++'s std::max (wasm: NaN in v loses), 0 where it is Math.max (cpu: NaN wins). */
  stdMax: number;
  /** 0: no weight decay, 1: L2 (Adam), 2: decoupled (AdamW). */
  decay: number;
  /** L2: fround(weightDecay); decoupled: fround(1 - lr·weightDecay). */
  decayScale: number;
  /** fround(1 - β1). */
  oneMinusBeta1: number;
  /** fround(β2). */
  beta2: number;
  /** fround(1 - β2). */
  oneMinusBeta2: number;
  /** fround(sqrt(1 - β2^t)). */
  biasCorrection2Sqrt: number;
  /** fround(eps). */
  eps: number;
  /** fround(lr / (1 - β1^t)). */
  stepSize: number;
}

const fr = Math.fround;

function compute(inputs: Float32Array[], outputs: Float32Array[], _shapes: number[][], a: AdamAttrs): void {
  const [p, g, m, v, vmax] = inputs;
  const [pOut, mOut, vOut, vmaxOut] = outputs;
  const { decay, decayScale, oneMinusBeta1, beta2, oneMinusBeta2, biasCorrection2Sqrt, eps, stepSize } = a;
  const sign = a.maximize ? -1 : 1;
  const stdMax = a.stdMax === 1;
  const n = p.length;
  for (let i = 0; i < n; i++) {
    const p0 = p[i];
    let gi = sign * g[i];
    let pi = p0;
    if (decay === Decay.L2) gi = fr(gi + fr(p0 * decayScale));
    else if (decay === Decay.Decoupled) pi = fr(p0 * decayScale);
    const m0 = m[i];
    const mi = fr(m0 + fr(fr(gi - m0) * oneMinusBeta1));
    const vi = fr(fr(v[i] * beta2) + fr(fr(gi * gi) * oneMinusBeta2));
    mOut[i] = mi;
    vOut[i] = vi;
    let vv = vi;
    if (vmaxOut) {
      const w = vmax[i];
      // tf.maximum(vmax, v): Math.max on cpu (NaN wins); std::max on wasm (w < v ? v : w)
      vv = stdMax ? (w < vi ? vi : w) : Math.max(w, vi);
      vmaxOut[i] = vv;
    }
    const denom = fr(fr(fr(Math.sqrt(vv)) / biasCorrection2Sqrt) + eps);
    pOut[i] = pi - fr(fr(mi / denom) * stepSize);
  }
}

/** assembly/adam.ts's exports on `memory` (null where unavailable: no SIMD, a shared memory, `setWasmSimd(false)`). */
function wasmAdam(memory: WebAssembly.Memory | null) {
  return simdModule(ADAM_WASM, memory)?.adam ?? null;
}

/** Whether the active backend is wasm and runs the update with assembly/adam.ts's SIMD module. */
export function adamWasmSimdActive(): boolean {
  if (tf.getBackend() !== 'wasm') return false;
  return wasmAdam(tfjsWasmMemory((tf.backend() as unknown as { wasm: unknown }).wasm)) !== null;
}

/**
 * The wasm backend's path: assembly/adam.ts's f32x4 loop in place on the tfjs heap (IEEE
 * float32 ops like tfjs-wasm's, max as std::max), false where the module is unavailable.
 */
function wasmCompute(memory: WebAssembly.Memory | null, ins: number[], outs: number[], shapes: number[][], a: AdamAttrs): boolean {
  const fn = wasmAdam(memory);
  if (!fn) return false;
  const n = shapes[0].reduce((x, y) => x * y, 1);
  const amsgrad = outs.length === 4;
  const [p, g, m, v, vmax] = ins;
  const [pOut, mOut, vOut, vmaxOut] = outs;
  fn(
    p,
    g,
    m,
    v,
    amsgrad ? vmax : 0,
    pOut,
    mOut,
    vOut,
    amsgrad ? vmaxOut : 0,
    n,
    a.maximize,
    a.decay,
    a.decayScale,
    a.oneMinusBeta1,
    a.beta2,
    a.oneMinusBeta2,
    a.biasCorrection2Sqrt,
    a.eps,
    a.stepSize,
    amsgrad ? 1 : 0,
  );
  return true;
}

function kernel(name: string, amsgrad: boolean): TypedArrayKernel<AdamAttrs> {
  const inputNames = ['p', 'grad', 'expAvg', 'expAvgSq', ...(amsgrad ? ['maxExpAvgSq'] : [])];
  return {
    kernelName: name,
    inputNames,
    outputShapes: (shapes) => {
      const n = shapes[0].reduce((a, b) => a * b, 1);
      if (shapes.some((sh) => sh.reduce((a, b) => a * b, 1) !== n)) throw new Error(`${name}: inputs of different sizes ${JSON.stringify(shapes)}`);
      return inputNames.slice(1).map(() => shapes[0]);
    },
    accumulates: [], // compute overwrites every output element
    compute,
    wasmCompute,
  };
}

let registered = false;

/** Registers both kernels for cpu and wasm (once). */
function register(): void {
  if (registered) return;
  registerTypedArrayKernel(kernel(ADAM_UPDATE_KERNEL, false));
  registerTypedArrayKernel(kernel(ADAM_AMSGRAD_UPDATE_KERNEL, true));
  registered = true;
}

let enabled = true;

/**
 * Switches the fused kernel off (`false`: the flat tfjs ops run on every backend) or back on;
 * for A/B tests and benchmarks. Returns the previous setting.
 */
export function setAdamKernelEnabled(on: boolean): boolean {
  const was = enabled;
  enabled = on;
  return was;
}

/** Whether the active backend runs Adam's update as one kernel (cpu and wasm, unless switched off). */
export function adamKernelAvailable(): boolean {
  if (!enabled) return false;
  const backend = tf.getBackend();
  if (backend !== 'cpu' && backend !== 'wasm') return false;
  register();
  return hasKernel(ADAM_UPDATE_KERNEL);
}

/** Adam's hyper-parameters for one update (a group's resolved options and the step count). */
export interface AdamKernelScalars {
  lr: number;
  betas: [number, number];
  eps: number;
  weightDecay: number;
  amsgrad: boolean;
  maximize: boolean;
  /** The step count after this update (from 1). */
  step: number;
  /** AdamW's decoupled weight decay. */
  decoupled: boolean;
}

/**
 * One Adam update of float32 tensors of one shape by the fused kernel (see
 * {@link adamKernelAvailable}): the new parameter and moments, bit-identical to the op sequence.
 * `vmax0` is required with amsgrad.
 */
export function adamUpdateKernel(
  p: tf.Tensor,
  grad: tf.Tensor,
  m0: tf.Tensor,
  v0: tf.Tensor,
  vmax0: tf.Tensor | undefined,
  s: AdamKernelScalars,
): { p: tf.Tensor; m: tf.Tensor; v: tf.Tensor; vmax?: tf.Tensor } {
  const [beta1, beta2] = s.betas;
  // the scalars as the ops form them in float64, then make float32 tensors of them
  const decay = s.weightDecay === 0 ? Decay.None : s.decoupled ? Decay.Decoupled : Decay.L2;
  const attrs: AdamAttrs = {
    maximize: s.maximize ? 1 : 0,
    stdMax: tf.getBackend() === 'wasm' ? 1 : 0,
    decay,
    decayScale: fr(decay === Decay.Decoupled ? 1 - s.lr * s.weightDecay : s.weightDecay),
    oneMinusBeta1: fr(1 - beta1),
    beta2: fr(beta2),
    oneMinusBeta2: fr(1 - beta2),
    biasCorrection2Sqrt: fr(Math.sqrt(1 - beta2 ** s.step)),
    eps: fr(s.eps),
    stepSize: fr(s.lr / (1 - beta1 ** s.step)),
  };
  if (s.amsgrad) {
    if (!vmax0) throw new Error(`${ADAM_AMSGRAD_UPDATE_KERNEL}: max_exp_avg_sq is required with amsgrad`);
    const [np, m, v, vmax] = runKernel(ADAM_AMSGRAD_UPDATE_KERNEL, { p, grad, expAvg: m0, expAvgSq: v0, maxExpAvgSq: vmax0 }, attrs) as tf.Tensor[];
    return { p: np, m, v, vmax };
  }
  const [np, m, v] = runKernel(ADAM_UPDATE_KERNEL, { p, grad, expAvg: m0, expAvgSq: v0 }, attrs) as tf.Tensor[];
  return { p: np, m, v };
}
