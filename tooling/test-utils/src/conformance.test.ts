import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import '@tensorflow/tfjs-backend-cpu';
import { CONFORMANCE_DIR, listCases, loadCase, specStateDict } from './conformance';

// ../shared/conformance beside the repository (present for developers and in CI).
const SHARED = fileURLToPath(new URL('../../../../shared/conformance/', import.meta.url));

describe('vendored conformance vectors', () => {
  it.runIf(existsSync(SHARED))('match ../shared/conformance byte for byte', () => {
    const shared = readdirSync(SHARED).sort();
    const vendored = readdirSync(CONFORMANCE_DIR).sort();
    expect(vendored).toEqual(shared);
    for (const f of shared) {
      const a = readFileSync(`${SHARED}${f}`);
      const b = readFileSync(`${CONFORMANCE_DIR}${f}`);
      expect(b.equals(a), `tooling/conformance/${f} differs from ../shared/conformance/${f}`).toBe(true);
    }
  });

  it('every case parses with inputs, outputs, r, grads and a tolerance', () => {
    const names = listCases();
    expect(names.length).toBeGreaterThan(20);
    for (const n of names) {
      const c = loadCase(n);
      expect(Object.keys(c.inputs).length, n).toBeGreaterThan(0);
      expect(c.outputs.y, n).toBeDefined();
      expect(c.r, n).toBeDefined();
      expect(c.tolerance.rtol, n).toBeGreaterThan(0);
    }
  });

  it('complex params become .real/.imag entries', () => {
    const c = loadCase('fno_spectral_conv1d');
    const sd = specStateDict(c.params);
    expect(Object.keys(sd).sort()).toEqual(['weight.imag', 'weight.real']);
    expect(sd['weight.real'].shape).toEqual([2, 3, 5]);
    Object.values(sd).forEach((t) => t.dispose());
  });
});
