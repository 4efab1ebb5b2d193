// Instantiates a basiskit wasm SIMD module (assembly/*.ts, embedded as base64) against
// tfjs-backend-wasm's own memory, so its kernels read and write tensors in place on the tfjs
// heap. One instance per (module, memory). Returns null where that is impossible — no SIMD, a
// shared (threaded) memory, or a compile the platform refuses synchronously — and the caller
// then runs its JavaScript kernel on the same heap views.

interface EmscriptenLike {
  asm?: { memory?: WebAssembly.Memory };
  wasmMemory?: WebAssembly.Memory;
}

const instances = new WeakMap<WebAssembly.Memory, Map<string, WebAssembly.Exports | null>>();

function decode(base64: string): Uint8Array {
  const g = globalThis as { Buffer?: { from(s: string, e: string): Uint8Array }; atob?: (s: string) => string };
  if (g.Buffer) return new Uint8Array(g.Buffer.from(base64, 'base64'));
  const bin = g.atob!(base64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** The WebAssembly.Memory of a tfjs wasm backend (`backend.wasm`), if it exposes one. */
export function tfjsWasmMemory(wasmModule: unknown): WebAssembly.Memory | null {
  const m = wasmModule as EmscriptenLike;
  const mem = m.asm?.memory ?? m.wasmMemory ?? null;
  return mem instanceof WebAssembly.Memory ? mem : null;
}

/** Exports of module `name` (base64 `bytes`) bound to `memory`, or null when unavailable. */
export function simdModule(name: string, base64: string, memory: WebAssembly.Memory | null): WebAssembly.Exports | null {
  if (!memory || (typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer)) return null;
  let byName = instances.get(memory);
  if (!byName) {
    byName = new Map();
    instances.set(memory, byName);
  }
  if (byName.has(name)) return byName.get(name)!;
  let exports: WebAssembly.Exports | null = null;
  try {
    const module = new WebAssembly.Module(decode(base64) as BufferSource);
    exports = new WebAssembly.Instance(module, { env: { memory } }).exports;
  } catch {
    exports = null;
  }
  byName.set(name, exports);
  return exports;
}
