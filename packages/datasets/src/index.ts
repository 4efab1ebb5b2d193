// @basiskit/datasets: function suites, PDE data by real solvers, batching and file formats (re-exports only).
// Function fitting and classification
export { createDataset } from './create_dataset';
export type { CreateDatasetOptions, DatasetFunction, DatasetNormalization, DatasetSpec, FunctionDataset } from './create_dataset';
export { besselJ0, besselJ1, besselY0, besselY1, besselJn, besselYn } from './bessel';
export { legendreP, associatedLegendreP } from './legendre';
export { realSphericalHarmonic } from './spherical_harmonics';
export { ellipticK, ellipticE } from './elliptic';
export type { NumberOrTensor } from './special_elementwise';
export { feynman, pykanFunctions, specialFunctions, functionSuite, functionSuiteNames, rowFunction } from './function_suites';
export type { FunctionSuite, SuiteVariable } from './function_suites';
export { makeMoons, makeCircles, makeBlobs, makeSpirals, makeXor } from './classification';
export type { ClassificationData, ClassificationOptions, CirclesOptions, BlobsOptions, SpiralsOptions } from './classification';
// File formats
export { loadNpy, parseNpy, readNpyHeader, saveNpy, npyToTensor, NPY_DTYPES } from './npy';
export type { NpyArray, NpyArrayInput, NpyDType, NpyHeader, NpyReadOptions, NpySaveOptions, NpyTypedArray } from './npy';
export { loadNpz, parseNpz, saveNpz } from './npz';
export type { NpzReadOptions, NpzSaveOptions } from './npz';
export { loadIdx, loadMnist, parseIdx, saveIdx } from './idx';
export type { IdxArray, IdxDType, IdxReadOptions, MnistOptions } from './idx';
export { loadCsv, parseCsv } from './csv';
export type { CsvOptions, CsvTable, LoadCsvOptions } from './csv';
export { listHdf5, readHdf5, loadHdf5, isMatlabV73 } from './hdf5';
export type { Hdf5DatasetInfo, Hdf5ReadOptions } from './hdf5';
// Batching and normalisers
export { DataLoader, trainTestSplit } from './data_loader';
export type { Batch, DataLoaderOptions, TrainTestSplitOptions } from './data_loader';
export { UnitGaussianNormalizer, RangeNormalizer } from './normalizers';
export type { UnitGaussianNormalizerOptions, RangeNormalizerOptions } from './normalizers';
// Datasets on disk (written by generate from @basiskit/datasets/node)
export { parseManifest } from './manifest';
export type { DatasetManifest, ManifestArray, ManifestShard, ShardFormat } from './manifest';
// PDE data by real solvers (float64 on typed arrays; tensors out)
export { fft64, rfft64, irfft64, rfft2d64, irfft2d64, fft2d64, wavenumbers } from './fft64';
export { sampleSeed, sampleRng } from './sample_rng';
export type { ShardOptions } from './shards';
export { GaussianRF, CosineRF, generateGaussianRF } from './grf';
export type { GaussianRFOptions, CosineRFOptions, GenerateGaussianRFOptions } from './grf';
export { etdrk4Coefficients, Etdrk4Stepper } from './etdrk4';
export type { Etdrk4Coefficients } from './etdrk4';
export { BurgersSolver, solveBurgers, generateBurgers } from './burgers';
export type { BurgersSolveOptions, BurgersOptions } from './burgers';
export { solveDarcy, generateDarcy } from './darcy';
export type { DarcySolveOptions, DarcySolution, DarcyOptions } from './darcy';
export { NavierStokesSolver, solveNavierStokes, generateNavierStokes, fnoForcing } from './navier_stokes';
export type { NavierStokesSolveOptions, NavierStokesOptions } from './navier_stokes';
export { solveKuramotoSivashinsky, generateKuramotoSivashinsky } from './kuramoto_sivashinsky';
export type { KuramotoSivashinskySolveOptions, KuramotoSivashinskyOptions } from './kuramoto_sivashinsky';
export { solveHeat, generateHeat } from './heat';
export type { HeatSolveOptions, HeatOptions } from './heat';
export { solvePoisson, generatePoisson } from './poisson';
export type { PoissonSolveOptions, PoissonOptions } from './poisson';
