// Golden-vector loader for ../shared/conformance, vendored in tooling/conformance.
// Format (see tooling/conformance/README.md): tensors are {shape, data} row-major, complex
// tensors {shape, real, imag}; `grads` are d(sum(outputs.y * r))/d(input or param).
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';

/** A real tensor in a conformance file. */
export interface RealSpec {
  shape: number[];
  data: number[];
}
/** A complex tensor in a conformance file. */
export interface ComplexSpec {
  shape: number[];
  real: number[];
  imag: number[];
}
export type TensorSpec = RealSpec | ComplexSpec;

/** One conformance case, as stored. */
export interface ConformanceCase {
  name: string;
  anchor: string;
  semantics: string;
  config: Record<string, unknown>;
  inputs: Record<string, TensorSpec>;
  params: Record<string, TensorSpec>;
  outputs: Record<string, TensorSpec>;
  r: TensorSpec;
  grads: Record<string, TensorSpec>;
  tolerance: { rtol: number; atol: number };
}

/** Folder of the vendored golden vectors. */
export const CONFORMANCE_DIR = fileURLToPath(new URL('../../conformance/', import.meta.url));

/** Names (file stems) of every vendored case, sorted. */
export function listCases(prefix = ''): string[] {
  return readdirSync(CONFORMANCE_DIR)
    .filter((f) => f.endsWith('.json') && f.startsWith(prefix))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
}

/** Loads one case by its file stem, e.g. `loadCase('act_gelu')`. */
export function loadCase(name: string): ConformanceCase {
  const text = readFileSync(`${CONFORMANCE_DIR}${name}.json`, 'utf8');
  const c = JSON.parse(text) as ConformanceCase;
  c.params ??= {};
  return c;
}

export function isComplex(spec: TensorSpec): spec is ComplexSpec {
  return (spec as ComplexSpec).real !== undefined;
}

/** A float32 tensor from a real spec (throws for a complex one). */
export function specTensor(spec: TensorSpec): tf.Tensor {
  if (isComplex(spec)) throw new Error('specTensor: complex spec; use specParts');
  return tf.tensor(spec.data, spec.shape, 'float32');
}

/**
 * A case's params as a state dict: real tensors under their name, complex ones as
 * `<name>.real` / `<name>.imag` (basiskit's storage of complex parameters).
 */
export function specStateDict(specs: Record<string, TensorSpec>): Record<string, tf.Tensor> {
  const out: Record<string, tf.Tensor> = {};
  for (const [k, s] of Object.entries(specs)) {
    if (isComplex(s)) {
      out[`${k}.real`] = tf.tensor(s.real, s.shape, 'float32');
      out[`${k}.imag`] = tf.tensor(s.imag, s.shape, 'float32');
    } else {
      out[k] = tf.tensor(s.data, s.shape, 'float32');
    }
  }
  return out;
}
