// The operator lab's Vite config: COOP/COEP headers on the dev and preview servers (cross-origin
// isolation, so tfjs-backend-wasm may use threads), ES-module workers (the data and training worker imports
// the packages), relative asset URLs (the built dist/ works from any folder or static server).
import { defineConfig } from 'vite';

/** The headers that make the page cross-origin isolated (SharedArrayBuffer, wasm threads). */
export const crossOriginIsolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  base: './',
  server: { headers: crossOriginIsolation },
  preview: { headers: crossOriginIsolation },
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
});
