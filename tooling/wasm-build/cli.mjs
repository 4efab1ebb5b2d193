#!/usr/bin/env node
// basiskit-wasm-build: compiles the current package's assembly/*.ts into src/generated/<name>_wasm.ts.
//
//   basiskit-wasm-build               compile every module, write the changed files
//   basiskit-wasm-build --if-stale    compile only modules whose recorded source hash differs (a package's `build`)
//   basiskit-wasm-build --check       compile every module, exit 1 if a file differs (a test runs it)
//   basiskit-wasm-build --list-stale  print the modules whose recorded hash differs (compiles nothing)
import { buildWasm } from './index.mjs';

const argv = process.argv.slice(2);
process.exitCode = await buildWasm({
  root: process.cwd(),
  check: argv.includes('--check'),
  ifStale: argv.includes('--if-stale'),
  listStale: argv.includes('--list-stale'),
});
