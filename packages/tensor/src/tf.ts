// The tfjs-core namespace, re-exported so `import { tf } from '@basiskit/tensor'` serves
// (and so every basiskit package uses the app's one tfjs-core).
import * as tf from '@tensorflow/tfjs-core';

export { tf };
export type { Tensor, Tensor1D, Tensor2D, Tensor3D, Tensor4D, Rank, DataType } from '@tensorflow/tfjs-core';
