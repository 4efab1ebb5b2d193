// Browser build only (tsup swaps it in for ./wasm_paths.ts). The build copies tfjs-backend-wasm's
// three .wasm binaries next to dist/browser.js; the `new URL('./file.wasm', import.meta.url)`
// references below are the form bundlers recognise (Vite and Rollup, webpack 5, Parcel): they
// emit the files as assets and put their final URLs here. Served from a CDN without a bundler
// (jsDelivr, unpkg, esm.sh), the URLs point at the package's own dist/ folder. esbuild does not
// copy such assets: there the app copies the files or passes `wasmPaths` (see the README).
import { version_wasm } from '@tensorflow/tfjs-backend-wasm';
import type { DefaultWasmPaths } from './wasm_paths';

export type { DefaultWasmPaths };

// The tfjs-backend-wasm version the copied binaries come from, set by the build. A binary only
// works with the JS of its own version.
declare const __BASISKIT_WASM_VERSION__: string;

export function defaultWasmPaths(): DefaultWasmPaths {
  if (version_wasm !== __BASISKIT_WASM_VERSION__) {
    return {
      note:
        `the .wasm files shipped with @basiskit/tensor are tfjs-backend-wasm ${__BASISKIT_WASM_VERSION__}'s and the app ` +
        `has tfjs-backend-wasm ${version_wasm}, so they are not used`,
    };
  }
  return {
    paths: {
      'tfjs-backend-wasm.wasm': new URL('./tfjs-backend-wasm.wasm', import.meta.url).href,
      'tfjs-backend-wasm-simd.wasm': new URL('./tfjs-backend-wasm-simd.wasm', import.meta.url).href,
      'tfjs-backend-wasm-threaded-simd.wasm': new URL('./tfjs-backend-wasm-threaded-simd.wasm', import.meta.url).href,
    },
  };
}
