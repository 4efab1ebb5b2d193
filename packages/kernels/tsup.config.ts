import { libraryConfig } from '@basiskit/tsup-config';

// keepNames off: its top-level `__name(fn, 'fn')` calls are side effects that keep every function
// of the bundle in an app's bundle (no tree shaking: a gelu-only app would carry the FFT and spline
// kernels). The package has no class whose name an error message shows.
export default libraryConfig({ entry: { index: 'src/index.ts', testing: 'src/testing.ts', webgpu: 'src/webgpu.ts' }, keepNames: false });
