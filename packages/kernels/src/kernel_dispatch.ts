// How an op picks and runs its fused kernel: `useFusedKernel` resolves the `impl` option
// against what the active backend has (registering every fused kernel on first use),
// `runFusedKernel` runs one. Backends without the kernels (webgl, webgpu) take the op's
// plain-ops reference.
import { ConfigError, tf } from '@basiskit/tensor';
import { GROUP_RATIONAL_KERNEL } from './group_rational_kernel';
import { registerAllKernels } from './register_all_kernels';
import { hasKernel, runKernel } from './typed_array_kernel';

/** Whether the active backend runs basiskit's fused kernels (cpu and wasm do). */
export function hasFusedKernels(): boolean {
  registerAllKernels();
  // every fused kernel is registered for the same backends: one stands for all
  return hasKernel(GROUP_RATIONAL_KERNEL);
}

/**
 * Whether to run a fused kernel for `impl` ('auto': when the backend has it); throws for an
 * unknown `impl`, and for 'fused' on a backend without the kernels. `fusedNames` are the
 * values that ask for the fused kernel (default `['fused']`).
 */
export function useFusedKernel(impl: string | undefined, where: string, fusedNames: readonly string[] = ['fused']): boolean {
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
  const available = hasFusedKernels();
  if (mode !== 'auto' && !available) {
    throw new ConfigError('no fused kernel on this backend', {
      where,
      argument: 'impl',
      expected: "'auto' or 'reference' here",
      got: `'${mode}' on ${tf.getBackend()}`,
    });
  }
  return available;
}

/** Runs the fused kernel `name` (registered by then: call after `useFusedKernel`). */
export function runFusedKernel(name: string, inputs: Record<string, tf.Tensor>, attrs: object = {}): tf.Tensor | tf.Tensor[] {
  return runKernel(name, inputs, attrs);
}
