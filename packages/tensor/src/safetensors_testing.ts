// Test support (not exported by the package): safetensors files assembled byte by byte from the
// spec, independent of saveSafetensors, for safetensors.test.ts and safetensors.property.test.ts.

/** Concatenates byte arrays. */
export function concat(...parts: ArrayLike<number>[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A file from raw header bytes: u64 LE length (the header's unless `length` is given), header, data. */
export function fileFromHeaderBytes(header: Uint8Array, data: ArrayLike<number> = [], length: bigint = BigInt(header.length)): Uint8Array {
  const prefix = new Uint8Array(8);
  new DataView(prefix.buffer).setBigUint64(0, length, true);
  return concat(prefix, header, data);
}
