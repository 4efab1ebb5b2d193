// Where tfjs-backend-wasm's .wasm binaries are, when the app says nothing. In Node (this file),
// tfjs-backend-wasm finds them itself, next to its own script. The browser build swaps in
// ./wasm_paths.browser.ts (see tsup.config.ts), which points at copies shipped in dist/.

/** The default `setWasmPaths` argument, or why there is none. */
export interface DefaultWasmPaths {
  paths?: Record<string, string>;
  /** Why no default applies (shown in initBackend's report when wasm then fails). */
  note?: string;
}

export function defaultWasmPaths(): DefaultWasmPaths {
  return {};
}
