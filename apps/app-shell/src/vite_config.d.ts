import type { UserConfig } from 'vite';

/** The headers that make the page cross-origin isolated (SharedArrayBuffer, wasm threads). */
export declare const crossOriginIsolation: {
  'Cross-Origin-Opener-Policy': string;
  'Cross-Origin-Embedder-Policy': string;
};

/** The Vite config every app uses: `export default appViteConfig()` in its vite.config.ts. */
export declare function appViteConfig(): UserConfig;
