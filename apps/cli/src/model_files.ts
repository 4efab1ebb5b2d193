// Checkpoints the CLI writes and reads: `<name>.safetensors` (the model's state dict, keys as
// the reference projects') beside `<name>.json` (what to build before loading: kind, basis,
// widths, options, and how it was trained).
import { existsSync, readFileSync } from 'node:fs';
import { writeFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Module } from '@basiskit/tensor';
import { saveStateDict } from '@basiskit/tensor/node';
import { UsageError } from './errors';

/** The JSON file beside a checkpoint's safetensors. */
export interface ModelConfig {
  format: 'basiskit-cli-model';
  version: 1;
  /** 'kan' (a stack of KAN layers of one basis) or 'fno'. */
  kind: 'kan' | 'fno';
  /** Constructor options of the model (see models.ts). */
  model: Record<string, unknown>;
  /** The data it was trained on. */
  data: Record<string, unknown>;
  /** How it was trained (optimizer, steps, seed, ...). */
  training?: Record<string, unknown>;
  /** Metrics at the end of training. */
  metrics?: Record<string, number>;
  /** Set when training was interrupted by Ctrl-C. */
  interrupted?: boolean;
  /** Anything else worth keeping (the recovered formula, ...). */
  notes?: Record<string, unknown>;
}

/** Paths of a checkpoint given any of `name`, `name.json` or `name.safetensors`. */
export function checkpointPaths(path: string): { json: string; weights: string } {
  const base = path.replace(/\.(json|safetensors)$/, '');
  return { json: `${base}.json`, weights: `${base}.safetensors` };
}

/** Writes `<base>.safetensors` and `<base>.json`; returns their paths. */
export async function saveModel(base: string, model: Module, config: ModelConfig): Promise<{ json: string; weights: string }> {
  const paths = checkpointPaths(base);
  await mkdir(dirname(paths.weights), { recursive: true });
  await saveStateDict(paths.weights, model, { format: 'basiskit-cli-model', kind: config.kind });
  await writeFile(paths.json, JSON.stringify(config, null, 2) + '\n');
  return paths;
}

/** Reads and checks a checkpoint's JSON (a usage error names the file and what is wrong). */
export function readModelConfig(path: string): { config: ModelConfig; json: string; weights: string } {
  const paths = checkpointPaths(path);
  if (!existsSync(paths.json)) throw new UsageError(`no checkpoint config at ${paths.json} (give the .json or .safetensors written by 'basiskit train')`);
  if (!existsSync(paths.weights)) throw new UsageError(`no checkpoint weights at ${paths.weights}`);
  let config: ModelConfig;
  try {
    config = JSON.parse(readFileSync(paths.json, 'utf8')) as ModelConfig;
  } catch (e) {
    throw new UsageError(`${paths.json} is not valid JSON (${(e as Error).message})`);
  }
  if (config?.format !== 'basiskit-cli-model' || (config.kind !== 'kan' && config.kind !== 'fno'))
    throw new UsageError(`${paths.json} is not a basiskit CLI checkpoint config (format/kind missing)`);
  return { config, ...paths };
}
