import { afterEach, describe, expect, it } from 'vitest';
import { setWasmSimd, simdModule, wasmSimdEnabled, type SimdModuleSource } from './wasm_simd_module';

// A minimal module importing env.memory and exporting `size(): i32` (memory.size), built byte by byte:
// type () -> i32; import env.memory (min 0); one function; export "size"; body: memory.size, end.
const SIZE_MODULE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7f, 0x02, 0x0f, 0x01, 0x03, 0x65, 0x6e, 0x76, 0x06, 0x6d, 0x65, 0x6d,
  0x6f, 0x72, 0x79, 0x02, 0x00, 0x00, 0x03, 0x02, 0x01, 0x00, 0x07, 0x08, 0x01, 0x04, 0x73, 0x69, 0x7a, 0x65, 0x00, 0x00, 0x0a, 0x06, 0x01, 0x04, 0x00, 0x3f,
  0x00, 0x0b,
]);
const SIZE: SimdModuleSource<{ size(): number }> = { name: 'test_size', base64: Buffer.from(SIZE_MODULE).toString('base64') };

describe('simdModule', () => {
  afterEach(() => setWasmSimd(true));

  it('instantiates the module on the given memory, once per (module, memory)', () => {
    const a = new WebAssembly.Memory({ initial: 2 });
    const b = new WebAssembly.Memory({ initial: 3 });
    const ea = simdModule(SIZE, a)!;
    expect(ea.size()).toBe(2);
    expect(simdModule(SIZE, a)).toBe(ea);
    const eb = simdModule(SIZE, b)!;
    expect(eb).not.toBe(ea);
    expect(eb.size()).toBe(3);
    a.grow(1);
    expect(ea.size()).toBe(3); // bound to the memory, not a copy of it
  });

  it('returns null for no memory, a shared memory, and a module that does not compile (remembered)', () => {
    expect(simdModule(SIZE, null)).toBeNull();
    expect(simdModule(SIZE, new WebAssembly.Memory({ initial: 1, maximum: 4, shared: true }))).toBeNull();
    const memory = new WebAssembly.Memory({ initial: 1 });
    const broken: SimdModuleSource<unknown> = { name: 'test_broken', base64: Buffer.from(SIZE_MODULE.subarray(0, 20)).toString('base64') };
    expect(simdModule(broken, memory)).toBeNull();
    expect(simdModule(broken, memory)).toBeNull();
    expect(simdModule(SIZE, memory)).not.toBeNull();
  });

  it('setWasmSimd(false) turns every module off, setWasmSimd(true) back on', () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    expect(wasmSimdEnabled()).toBe(true);
    setWasmSimd(false);
    expect(wasmSimdEnabled()).toBe(false);
    expect(simdModule(SIZE, memory)).toBeNull();
    setWasmSimd(true);
    expect(simdModule(SIZE, memory)!.size()).toBe(1);
  });
});
