// The wasm SIMD module loader lives in @basiskit/tensor (shared with @basiskit/training's Adam
// kernel). Re-exported here because the generated files (src/generated/*_wasm.ts, byte-identical
// output of scripts/build_wasm.mjs) import `SimdModuleSource` from '../wasm_simd_module'.
export { simdModule, setWasmSimd, wasmSimdEnabled, tfjsWasmMemory } from '@basiskit/tensor';
export type { SimdModuleSource } from '@basiskit/tensor';
