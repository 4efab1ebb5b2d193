#!/usr/bin/env node
// basiskit-wasm-build: compiles the current package's assembly/*.ts into src/generated/<name>_wasm.ts.
//
//   basiskit-wasm-build               compile every module, write the changed files
//   basiskit-wasm-build --if-stale    compile only modules whose recorded source hash differs (a package's `build`)
//   basiskit-wasm-build --check       compile every module, exit 1 if a file differs (a test runs it)
//   basiskit-wasm-build --list-stale  print the modules whose recorded hash differs (compiles nothing)
//   --types-from <specifier>          where the generated files import `SimdModuleSource` from (default '@basiskit/tensor')
//   --generated-by <text>             the generator named in the generated files' first line (default 'basiskit-wasm-build')
import { buildWasm } from './index.mjs';

const argv = process.argv.slice(2);
const value = (flag) => {
  const i = argv.indexOf(flag);
  return i >= 0 ? argv[i + 1] : undefined;
};
process.exitCode = await buildWasm({
  root: process.cwd(),
  check: argv.includes('--check'),
  ifStale: argv.includes('--if-stale'),
  listStale: argv.includes('--list-stale'),
  typesFrom: value('--types-from'),
  generatedBy: value('--generated-by'),
});
