// Compiles assembly/*.ts (AssemblyScript, wasm SIMD; helpers they import in assembly/lib/) into src/generated/<name>_wasm.ts: the
// module as base64 (no .wasm file to locate at run time) and the TypeScript interface of its
// exports, taken from the declarations asc emits with `--bindings` (parameter names and count
// checked by tsc at every call site). The module imports tfjs-backend-wasm's memory and has no
// data segments, so it works in place on the tfjs heap. Every module is also compiled against an
// imported shared memory (`base64Shared`, for the thread pool's workers; checked by instantiating
// it on one). Each generated file records a SHA-256 of
// what it was built from (its assembly source, assembly/tsconfig.json, the compiler flags and
// asc's version).
//
//   node scripts/build_wasm.mjs             compile every module, write the changed files
//   node scripts/build_wasm.mjs --if-stale  compile only modules whose recorded hash differs (the
//                                           package's `build` runs this before tsup)
//   node scripts/build_wasm.mjs --check     compile every module, exit 1 if a file differs (a test runs it)
//   node scripts/build_wasm.mjs --list-stale  print the modules whose recorded hash differs (compiles nothing)
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const FLAGS = ['-O3', '--enable', 'simd', '--runtime', 'stub', '--importMemory', '--noExportMemory', '--initialMemory', '0', '--use', 'abort=', '--noAssert'];
// added for the shared-memory build (`base64Shared`, what the thread pool's workers instantiate):
// it imports a shared memory of at most 4 GiB (`new WebAssembly.Memory({ initial, maximum: 65536, shared: true })`)
const SHARED_FLAGS = ['--sharedMemory', '--maximumMemory', '65536', '--enable', 'threads'];

const read = (path) => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
};

const camel = (name) => name.replace(/(^|_)([a-z])/g, (_, __, c) => c.toUpperCase());

/** SHA-256 of everything module `name` is compiled from. */
export function sourceHash(name) {
  const ascVersion = JSON.parse(readFileSync(`${root}node_modules/assemblyscript/package.json`, 'utf8')).version;
  const h = createHash('sha256');
  // assembly/lib/*.ts: helpers the modules import (compiled into each module that uses them)
  const lib = readdirSync(`${root}assembly/lib`)
    .filter((n) => n.endsWith('.ts'))
    .sort()
    .map((n) => `${n}\n${read(`${root}assembly/lib/${n}`)}`);
  for (const part of [read(`${root}assembly/${name}.ts`), ...lib, read(`${root}assembly/tsconfig.json`), FLAGS.join(' '), SHARED_FLAGS.join(' '), ascVersion])
    h.update(`${part}\0`);
  return h.digest('hex');
}

/** The interface body from asc's `--bindings raw` declarations (its `__AdaptedExports` namespace). */
function exportsInterface(dts, name) {
  const start = dts.indexOf('declare namespace __AdaptedExports {');
  const end = dts.indexOf('\n}', start);
  if (start < 0 || end < 0) throw new Error(`build_wasm: no __AdaptedExports in the declarations of ${name}`);
  const body = dts.slice(dts.indexOf('\n', start) + 1, end).split('\n');
  return body
    .map((line) => {
      const m = /^(\s*)export function (\w+)\((.*)\): (\w+);$/.exec(line);
      if (m) return `${m[1]}${m[2]}(${m[3]}): ${m[4]};`;
      if (/^\s*export /.test(line)) throw new Error(`build_wasm: ${name} exports something other than a function: ${line.trim()}`);
      return line;
    })
    .join('\n');
}

/** The module `name` compiled with `flags`: its binary and asc's declarations. */
async function ascCompile(name, flags) {
  const { default: asc } = await import('assemblyscript/asc');
  let binary;
  let dts;
  const { error, stderr } = await asc.main([`assembly/${name}.ts`, ...flags, '--outFile', `${name}.wasm`, '--bindings', 'raw'], {
    readFile: (f, dir) => read(`${dir ?? root}/${f}`),
    writeFile: (f, contents) => {
      if (f.endsWith('.wasm')) binary = contents;
      if (f.endsWith('.d.ts')) dts = contents;
    },
    listFiles: () => [],
    baseDir: root,
  });
  if (error) throw new Error(`asc failed for ${name}: ${error.message}\n${stderr.toString()}`);
  return { binary, dts };
}

/** base64 of `binary` as a TypeScript string expression, 100 characters a line. */
const base64Lines = (binary) =>
  Buffer.from(binary)
    .toString('base64')
    .match(/.{1,100}/g)
    .map((l) => `    '${l}' +`)
    .join('\n')
    .slice(0, -2);

/** Whether a wasm binary has a non-empty data section (id 11): static data (e.g. asc's Math tables). */
function hasDataSegment(bytes) {
  const leb = (at) => {
    let v = 0;
    let shift = 0;
    let b;
    do {
      b = bytes[at++];
      v += (b & 0x7f) * 2 ** shift;
      shift += 7;
    } while (b & 0x80);
    return [v, at];
  };
  let at = 8;
  while (at < bytes.length) {
    const id = bytes[at];
    const [size, start] = leb(at + 1);
    if (id === 11 && leb(start)[0] > 0) return true;
    at = start + size;
  }
  return false;
}

/** The text of src/generated/<name>_wasm.ts. */
export async function compile(name) {
  const { binary, dts } = await ascCompile(name, FLAGS);
  const { binary: shared } = await ascCompile(name, [...FLAGS, ...SHARED_FLAGS]);
  // the shared build must instantiate on the memory the thread pool makes
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 65536, shared: true });
  new WebAssembly.Instance(new WebAssembly.Module(shared), { env: { memory } });
  // static data is written into the imported memory (the tfjs heap) at instantiation
  if (hasDataSegment(binary) || hasDataSegment(shared)) {
    throw new Error(
      `build_wasm: ${name} has a data segment, which instantiation writes into the imported memory (the tfjs heap): avoid Math.exp & co. (use assembly/lib/exp64.ts)`,
    );
  }
  const type = `${camel(name)}Wasm`;
  return (
    `// Generated by scripts/build_wasm.mjs from assembly/${name}.ts: do not edit.\n` +
    `// source-sha256: ${sourceHash(name)}\n` +
    `// ${binary.length} bytes of wasm (SIMD), importing env.memory, no data segments; ${shared.length} bytes for a shared memory.\n` +
    `import type { SimdModuleSource } from '../wasm_simd_module';\n\n` +
    `/** Exports of assembly/${name}.ts (pointers are byte offsets into tfjs's wasm heap). */\n` +
    `export interface ${type} {\n${exportsInterface(dts, name)}\n}\n\n` +
    `export const ${name.toUpperCase()}_WASM: SimdModuleSource<${type}> = {\n` +
    `  name: '${name}',\n` +
    `  base64:\n${base64Lines(binary)},\n` +
    `  base64Shared:\n${base64Lines(shared)},\n};\n`
  );
}

const check = process.argv.includes('--check');
const ifStale = process.argv.includes('--if-stale');
const listStale = process.argv.includes('--list-stale');
let stale = false;
mkdirSync(`${root}src/generated`, { recursive: true });
for (const f of readdirSync(`${root}assembly`).filter((n) => n.endsWith('.ts'))) {
  const name = f.slice(0, -3);
  const out = `${root}src/generated/${name}_wasm.ts`;
  const old = read(out) ?? '';
  const hashMatches = old.includes(`// source-sha256: ${sourceHash(name)}\n`);
  if (listStale) {
    if (!hashMatches) console.log(name);
    continue;
  }
  if (ifStale && hashMatches) continue;
  const text = await compile(name);
  if (old !== text) {
    stale = true;
    if (check) console.error(`${out} is stale: run node scripts/build_wasm.mjs`);
    else {
      writeFileSync(out, text);
      console.log(`build_wasm: wrote src/generated/${name}_wasm.ts`);
    }
  }
}
if (check && stale) process.exit(1);
