// @basiskit/kernels' wasm SIMD modules: assembly/*.ts -> src/generated/<name>_wasm.ts, built by
// @basiskit/wasm-build (tooling/wasm-build: flags, source hash, data-segment check). This wrapper
// keeps the generated files' header and their `SimdModuleSource` import ('../wasm_simd_module',
// a re-export of @basiskit/tensor's) as they were.
//
//   node scripts/build_wasm.mjs             compile every module, write the changed files
//   node scripts/build_wasm.mjs --if-stale  compile only modules whose recorded hash differs (the
//                                           package's `build` runs this before tsup)
//   node scripts/build_wasm.mjs --check     compile every module, exit 1 if a file differs (a test runs it)
//   node scripts/build_wasm.mjs --list-stale  print the modules whose recorded hash differs (compiles nothing)
import { fileURLToPath } from 'node:url';
import { buildWasm } from '@basiskit/wasm-build';

const argv = process.argv.slice(2);
process.exitCode = await buildWasm({
  root: fileURLToPath(new URL('../', import.meta.url)),
  check: argv.includes('--check'),
  ifStale: argv.includes('--if-stale'),
  listStale: argv.includes('--list-stale'),
  typesFrom: '../wasm_simd_module',
  generatedBy: 'scripts/build_wasm.mjs',
});
