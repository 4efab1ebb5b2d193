// How an op picks and runs its fused kernel: `useFusedKernel` resolves the `impl` option
// against what the active backend has and registers the op's own kernel configs on first use
// (per op, the way tfjs registers kernels: a bundle that uses only gelu carries only gelu's
// kernels), `runFusedKernel` runs one. Backends without the kernels (webgl, webgpu) take the
// op's plain-ops reference.
import { ConfigError, registerKernelReport, runKernel, tf, TYPED_ARRAY_BACKENDS, type FusedKernelReport } from '@basiskit/tensor';
import { registerFusedKernel, type FusedKernelConfig } from './fused_kernel';

/** A fused kernel config of any attribute and SIMD export types. */
type AnyFusedKernel = FusedKernelConfig<any, any>;

const registered = new Set<AnyFusedKernel>();

/**
 * Whether the active backend runs basiskit's fused kernels: cpu and wasm do; webgpu does once
 * `registerWebGPUKernels()` (from '@basiskit/kernels/webgpu') has registered the WGSL kernels.
 * With `kernels`, whether it runs those (on webgpu, only ops with a WGSL kernel: others take
 * their plain-ops reference there).
 */
export function hasFusedKernels(kernels?: AnyFusedKernel | readonly AnyFusedKernel[]): boolean {
  const backend = tf.getBackend();
  // every fused kernel is registered for cpu and wasm (on its op's first use)
  if ((TYPED_ARRAY_BACKENDS as readonly string[]).includes(backend)) return true;
  if (backend !== 'webgpu') return false;
  if (kernels === undefined) return tf.getKernel(WEBGPU_MARKER_KERNEL, 'webgpu') != null;
  const list = Array.isArray(kernels) ? kernels : [kernels as AnyFusedKernel];
  return list.every((c) => tf.getKernel(c.name, 'webgpu') != null && tf.getKernel(c.gradName, 'webgpu') != null);
}

/** A kernel every WGSL registration includes (the GELU's): its presence means registerWebGPUKernels() ran. */
const WEBGPU_MARKER_KERNEL = 'BasiskitGelu';

/**
 * Which fused kernels `backend` runs (initBackend's `fusedKernels`): every op's cpu/wasm kernels,
 * the WGSL kernels registered on webgpu (forward kernel names), or none.
 */
export function fusedKernelReport(backend: string): FusedKernelReport {
  if ((TYPED_ARRAY_BACKENDS as readonly string[]).includes(backend)) return { kind: 'typed-array' };
  if (backend !== 'webgpu' || tf.getKernel(WEBGPU_MARKER_KERNEL, 'webgpu') == null) return { kind: 'none' };
  const names = tf.getKernelsForBackend('webgpu').map((k) => k.kernelName);
  return { kind: 'webgpu', kernels: names.filter((n) => n.startsWith('Basiskit') && names.includes(`${n}Grad`)).sort() };
}

// initBackend (in @basiskit/tensor, which does not import this package) asks this for its report
registerKernelReport(fusedKernelReport);

const asList = (kernels: AnyFusedKernel | readonly AnyFusedKernel[]): readonly AnyFusedKernel[] =>
  Array.isArray(kernels) ? kernels : [kernels as AnyFusedKernel];

/** Registers `kernels` (forward, backward and gradient, for cpu and wasm) unless already done. */
export function ensureRegistered(kernels: AnyFusedKernel | readonly AnyFusedKernel[]): void {
  for (const config of asList(kernels)) {
    if (registered.has(config)) continue;
    registerFusedKernel(config);
    registered.add(config);
  }
}

/**
 * Whether to run a fused kernel for `impl` ('auto': when the backend has it); throws for an
 * unknown `impl`, and for 'fused' on a backend without the kernels. When it returns true, the
 * `kernels` the op runs (its configs, and those its gradients run) are registered. `fusedNames`
 * are the values that ask for the fused kernel (default `['fused']`).
 */
export function useFusedKernel(
  impl: string | undefined,
  where: string,
  kernels: AnyFusedKernel | readonly AnyFusedKernel[],
  fusedNames: readonly string[] = ['fused'],
): boolean {
  const mode = impl ?? 'auto';
  if (mode !== 'auto' && mode !== 'reference' && !fusedNames.includes(mode)) {
    const names = ['auto', ...fusedNames, 'reference'].map((n) => `'${n}'`);
    throw new ConfigError('invalid value', {
      where,
      argument: 'impl',
      expected: `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`,
      got: String(impl),
    });
  }
  if (mode === 'reference') return false;
  const available = hasFusedKernels(kernels);
  if (mode !== 'auto' && !available) {
    throw new ConfigError('no fused kernel on this backend', {
      where,
      argument: 'impl',
      expected: "'auto' or 'reference' here",
      got: `'${mode}' on ${tf.getBackend()}`,
    });
  }
  if (available) ensureRegistered(kernels);
  return available;
}

/** Runs the fused kernel `name` (registered by then: call after `useFusedKernel`). */
export function runFusedKernel(name: string, inputs: Record<string, tf.Tensor>, attrs: object = {}): tf.Tensor | tf.Tensor[] {
  return runKernel(name, inputs, attrs);
}
