// Kernels tfjs's wasm backend lacks but gradients need: gather's gradient runs
// UnsortedSegmentSum, conv2d's runs Conv2DBackpropFilter, depthwise conv's two backprop
// kernels, and Einsum. Each is bridged to the cpu backend's kernel: inputs are copied from the
// wasm heap to cpu, the cpu kernel runs, and its outputs are copied back. Correct everywhere;
// as fast as the cpu backend for these kernels (which are off the hot paths basiskit uses).
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { engine, getKernel, registerKernel, type DataType, type KernelBackend, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';

/** Kernel names bridged from cpu to wasm when wasm has none. */
export const WASM_BRIDGED_KERNELS = [
  'UnsortedSegmentSum',
  'Conv2DBackpropFilter',
  'DepthwiseConv2dNativeBackpropFilter',
  'DepthwiseConv2dNativeBackpropInput',
  'Einsum',
] as const;

interface WasmLike extends KernelBackend {
  makeOutput(shape: number[], dtype: DataType, memoryOffset?: number, values?: unknown): TensorInfo;
}

function bridge(kernelName: string): void {
  const cpuKernel = getKernel(kernelName, 'cpu');
  if (!cpuKernel || getKernel(kernelName, 'wasm')) return;
  const kernelFunc = (({ inputs, attrs, backend }) => {
    const wasm = backend as WasmLike;
    const cpu = engine().findBackend('cpu');
    // The cpu backend prints "install tfjs-node" on its first write in Node; here it is only
    // a helper of the wasm backend, so that advice would mislead.
    (cpu as unknown as { firstUse?: boolean }).firstUse = false;
    const moved: TensorInfo[] = [];
    const cpuInputs: Record<string, TensorInfo> = {};
    for (const [name, info] of Object.entries(inputs) as [string, TensorInfo][]) {
      const values = (wasm.readSync(info.dataId) as Float32Array).slice();
      const t = { dataId: cpu.write(values, info.shape, info.dtype), shape: info.shape, dtype: info.dtype };
      moved.push(t);
      cpuInputs[name] = t;
    }
    const out = cpuKernel.kernelFunc({ inputs: cpuInputs, attrs, backend: cpu });
    const outs = Array.isArray(out) ? out : [out];
    const results = outs.map((o) => {
      const r = wasm.makeOutput(o.shape, o.dtype, undefined, cpu.readSync(o.dataId));
      cpu.disposeData(o.dataId);
      return r;
    });
    for (const t of moved) cpu.disposeData(t.dataId);
    return Array.isArray(out) ? results : results[0];
  }) as KernelFunc;
  registerKernel({ kernelName, backendName: 'wasm', kernelFunc });
}

for (const name of WASM_BRIDGED_KERNELS) bridge(name);
