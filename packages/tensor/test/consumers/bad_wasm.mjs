// initBackend with wasmPaths pointing where there are no .wasm files: 'auto' falls back to cpu
// and its report names the file that did not load. Prints the BackendInfo as JSON.
import { initBackend } from '@basiskit/tensor';

const info = await initBackend({ wasmPaths: '/nonexistent/basiskit-wasm/' });
console.log(JSON.stringify(info));
