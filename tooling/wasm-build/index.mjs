// Compiles a package's assembly/*.ts (AssemblyScript, wasm SIMD; helpers they import in assembly/lib/) into
// src/generated/<name>_wasm.ts: the module as base64 (no .wasm file to locate at run time) and the TypeScript
// interface of its exports, taken from the declarations asc emits with `--bindings` (parameter names and count
// checked by tsc at every call site). The module imports tfjs-backend-wasm's memory and has no data segments, so
// it works in place on the tfjs heap. Every module is also compiled against an imported shared memory
// (`base64Shared`, for the thread pool's workers; checked by instantiating it on one). Each generated file
// records a SHA-256 of what it was built from (its assembly source, assembly/lib/*.ts, assembly/tsconfig.json,
// the compiler flags and asc's version). Moved here from @basiskit/kernels' former scripts/build_wasm.mjs so that
// @basiskit/kernels and @basiskit/training build their modules with one tool (the CLI is cli.mjs).
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** asc's flags for every module: SIMD, no runtime, the tfjs heap imported as env.memory, no assertions. */
export const FLAGS = [
  '-O3',
  '--enable',
  'simd',
  '--runtime',
  'stub',
  '--importMemory',
  '--noExportMemory',
  '--initialMemory',
  '0',
  '--use',
  'abort=',
  '--noAssert',
];
/**
 * Added for the shared-memory build (`base64Shared`, what the thread pool's workers instantiate): it imports a
 * shared memory of at most 4 GiB (`new WebAssembly.Memory({ initial, maximum: 65536, shared: true })`).
 */
export const SHARED_FLAGS = ['--sharedMemory', '--maximumMemory', '65536', '--enable', 'threads'];

const read = (path) => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
};

const camel = (name) => name.replace(/(^|_)([a-z])/g, (_, __, c) => c.toUpperCase());

const ascVersion = () => JSON.parse(readFileSync(fileURLToPath(import.meta.resolve('assemblyscript/package.json')), 'utf8')).version;

/** The module names of package `root`: assembly/*.ts without `.ts`. */
export function moduleNames(root) {
  return readdirSync(join(root, 'assembly'))
    .filter((n) => n.endsWith('.ts'))
    .sort()
    .map((n) => n.slice(0, -3));
}

/** SHA-256 of everything module `name` of package `root` is compiled from. */
export function sourceHash(root, name) {
  const h = createHash('sha256');
  // assembly/lib/*.ts: helpers the modules import (compiled into each module that uses them); none is fine
  let libNames = [];
  try {
    libNames = readdirSync(join(root, 'assembly/lib'));
  } catch {
    libNames = [];
  }
  const lib = libNames
    .filter((n) => n.endsWith('.ts'))
    .sort()
    .map((n) => `${n}\n${read(join(root, 'assembly/lib', n))}`);
  for (const part of [
    read(join(root, `assembly/${name}.ts`)),
    ...lib,
    read(join(root, 'assembly/tsconfig.json')),
    FLAGS.join(' '),
    SHARED_FLAGS.join(' '),
    ascVersion(),
  ])
    h.update(`${part}\0`);
  return h.digest('hex');
}

/** The interface body from asc's `--bindings raw` declarations (its `__AdaptedExports` namespace). */
function exportsInterface(dts, name) {
  const start = dts.indexOf('declare namespace __AdaptedExports {');
  const end = dts.indexOf('\n}', start);
  if (start < 0 || end < 0) throw new Error(`wasm-build: no __AdaptedExports in the declarations of ${name}`);
  const body = dts.slice(dts.indexOf('\n', start) + 1, end).split('\n');
  return body
    .map((line) => {
      const m = /^(\s*)export function (\w+)\((.*)\): (\w+);$/.exec(line);
      if (m) return `${m[1]}${m[2]}(${m[3]}): ${m[4]};`;
      if (/^\s*export /.test(line)) throw new Error(`wasm-build: ${name} exports something other than a function: ${line.trim()}`);
      return line;
    })
    .join('\n');
}

/** Module `name` of package `root` compiled with `flags`: its binary and asc's declarations. */
async function ascCompile(root, name, flags) {
  const { default: asc } = await import('assemblyscript/asc');
  let binary;
  let dts;
  const { error, stderr } = await asc.main([`assembly/${name}.ts`, ...flags, '--outFile', `${name}.wasm`, '--bindings', 'raw'], {
    readFile: (f, dir) => read(join(dir ?? root, f)),
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
export function hasDataSegment(bytes) {
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

/** The text of src/generated/<name>_wasm.ts for module `name` of package `root`. */
export async function compile(root, name) {
  const { binary, dts } = await ascCompile(root, name, FLAGS);
  const { binary: shared } = await ascCompile(root, name, [...FLAGS, ...SHARED_FLAGS]);
  // the shared build must instantiate on the memory the thread pool makes
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 65536, shared: true });
  new WebAssembly.Instance(new WebAssembly.Module(shared), { env: { memory } });
  // static data is written into the imported memory (the tfjs heap) at instantiation
  if (hasDataSegment(binary) || hasDataSegment(shared)) {
    throw new Error(
      `wasm-build: ${name} has a data segment, which instantiation writes into the imported memory (the tfjs heap): avoid Math.exp & co. (use assembly/lib/exp64.ts)`,
    );
  }
  const type = `${camel(name)}Wasm`;
  return (
    `// Generated by basiskit-wasm-build from assembly/${name}.ts: do not edit.\n` +
    `// source-sha256: ${sourceHash(root, name)}\n` +
    `// ${binary.length} bytes of wasm (SIMD), importing env.memory, no data segments; ${shared.length} bytes for a shared memory.\n` +
    `import type { SimdModuleSource } from '@basiskit/tensor';\n\n` +
    `/** Exports of assembly/${name}.ts (pointers are byte offsets into tfjs's wasm heap). */\n` +
    `export interface ${type} {\n${exportsInterface(dts, name)}\n}\n\n` +
    `export const ${name.toUpperCase()}_WASM: SimdModuleSource<${type}> = {\n` +
    `  name: '${name}',\n` +
    `  base64:\n${base64Lines(binary)},\n` +
    `  base64Shared:\n${base64Lines(shared)},\n};\n`
  );
}

/**
 * Builds package `root`'s modules (assembly/*.ts -> src/generated/<name>_wasm.ts). Modes: default: compile every
 * module and write the files that changed; `ifStale`: compile only the modules whose recorded hash differs;
 * `check`: compile every module and write nothing, failing if a file differs; `listStale`: print the modules
 * whose recorded hash differs (compiles nothing). Returns the exit code (1: `check` found a stale file).
 */
export async function buildWasm({ root, check = false, ifStale = false, listStale = false }) {
  let stale = false;
  mkdirSync(join(root, 'src/generated'), { recursive: true });
  for (const name of moduleNames(root)) {
    const out = join(root, `src/generated/${name}_wasm.ts`);
    const old = read(out) ?? '';
    const hashMatches = old.includes(`// source-sha256: ${sourceHash(root, name)}\n`);
    if (listStale) {
      if (!hashMatches) console.log(name);
      continue;
    }
    if (ifStale && hashMatches) continue;
    const text = await compile(root, name);
    if (old !== text) {
      stale = true;
      if (check) console.error(`${out} is stale: run the package's build:wasm script`);
      else {
        writeFileSync(out, text);
        console.log(`wasm-build: wrote src/generated/${name}_wasm.ts`);
      }
    }
  }
  return check && stale ? 1 : 0;
}
