// @basiskit/datasets: function suites, PDE data by real solvers, batching and file formats (re-exports only).
export { loadNpy, parseNpy, readNpyHeader, saveNpy, npyToTensor, NPY_DTYPES } from './npy';
export type { NpyArray, NpyArrayInput, NpyDType, NpyHeader, NpyReadOptions, NpySaveOptions, NpyTypedArray } from './npy';
