// Gradients for every tfjs op basiskit uses, registered on import.
//
// tfjs-core registers no gradients when imported alone in Node: they live in
// dist/register_all_gradients.js, which the Node build inlines (see tsup.config.ts) and
// bundlers resolve for browsers. tfjs also leaves comparison and logical ops without a
// gradient, so `tf.grad` through `where(greater(x, 0), ...)` throws; PyTorch treats them as
// constants. We register zero gradients for those (only where none is registered).
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { getGradient, registerGradient, zerosLike, type NamedTensorMap, type Tensor } from '@tensorflow/tfjs-core';

/** Kernels with boolean outputs, as `[kernelName, inputNames]`; their inputs get zero gradients. */
const CONSTANT_OUTPUT_KERNELS: [string, string[]][] = [
  ['Greater', ['a', 'b']],
  ['Less', ['a', 'b']],
  ['LessEqual', ['a', 'b']],
  ['Equal', ['a', 'b']],
  ['NotEqual', ['a', 'b']],
  ['LogicalAnd', ['a', 'b']],
  ['LogicalOr', ['a', 'b']],
  ['LogicalXor', ['a', 'b']],
  ['LogicalNot', ['x']],
];

for (const [kernelName, inputNames] of CONSTANT_OUTPUT_KERNELS) {
  if (getGradient(kernelName) != null) continue;
  registerGradient({
    kernelName,
    inputsToSave: inputNames,
    gradFunc: (_dy: Tensor | Tensor[], saved: Tensor[]) => {
      const grads: Record<string, () => Tensor> = {};
      inputNames.forEach((name, i) => {
        grads[name] = () => zerosLike(saved[i]);
      });
      return grads as unknown as NamedTensorMap & Record<string, () => Tensor>;
    },
  });
}
