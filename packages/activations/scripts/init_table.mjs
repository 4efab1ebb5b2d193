// Prints the README's table: max |P/Q - f| on [-3, 3] of each starting-coefficient fit
// (rationalInit: fitRational with degrees 5/4) for versions A, B and C.
import { RATIONAL_INIT_TARGETS, rationalInit } from '@basiskit/activations';
import { initBackend } from '@basiskit/tensor';

await initBackend({ backend: 'cpu' });
const versions = ['A', 'B', 'C'];
console.log(`| init | ${versions.map((v) => `version ${v}`).join(' | ')} |`);
console.log(`|---|${versions.map(() => '---').join('|')}|`);
for (const name of Object.keys(RATIONAL_INIT_TARGETS)) {
  const cells = versions.map((v) => rationalInit(name, v, [5, 4]).maxError.toExponential(1));
  console.log(`| ${name} | ${cells.join(' | ')} |`);
}
