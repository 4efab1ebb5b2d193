// The apps' Vite config: COOP/COEP headers on the dev and preview servers (cross-origin isolation,
// so tfjs-backend-wasm may use threads), ES-module workers (the apps' workers import the packages),
// relative asset URLs (a built dist/ works from any folder or static server).
// Plain JavaScript (types in vite_config.d.ts): Vite loads a config's imports from packages with Node,
// which does not run TypeScript.
import { defineConfig } from 'vite';

/** The headers that make the page cross-origin isolated (SharedArrayBuffer, wasm threads). */
export const crossOriginIsolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/** The Vite config every app uses: `export default appViteConfig()` in its vite.config.ts. */
export function appViteConfig() {
  return defineConfig({
    base: './',
    server: { headers: crossOriginIsolation },
    preview: { headers: crossOriginIsolation },
    worker: { format: 'es' },
    build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
  });
}
