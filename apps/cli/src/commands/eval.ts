// `basiskit eval <checkpoint>`: rebuilds the model from the JSON, loads the safetensors, and
// reports test metrics on the data it was trained for (the same test split), on another data
// file, or -- for an FNO -- on freshly generated data at another resolution (zero-shot
// super-resolution: the spectral weights do not depend on the grid).
import { Command } from 'commander';
import { initBackend, tf, type Module } from '@basiskit/tensor';
import { loadStateDict } from '@basiskit/tensor/node';
import { intArg } from '../args';
import { functionData, pdeData } from '../data';
import { UsageError } from '../errors';
import { fnoMetrics, kanMetrics } from '../metrics';
import { buildFno, buildKan, type FnoModelOptions, type KanModelOptions } from '../models';
import { readModelConfig, type ModelConfig } from '../model_files';
import { createOutput, fmt } from '../output';

/** Builds the model of a checkpoint and loads its weights (strict: every key must match). */
export async function loadModel(path: string): Promise<{ model: Module; config: ModelConfig; weights: string }> {
  const { config, weights } = readModelConfig(path);
  const model = config.kind === 'fno' ? buildFno(config.model as unknown as FnoModelOptions) : buildKan(config.model as unknown as KanModelOptions);
  const dict = await loadStateDict(weights);
  try {
    model.loadStateDict(dict);
  } catch (e) {
    model.dispose();
    throw e;
  } finally {
    tf.dispose(Object.values(dict));
  }
  return { model, config, weights };
}

/** The `eval` command. */
export function evalCommand(): Command {
  return new Command('eval')
    .description('load a checkpoint (<path>.json + <path>.safetensors) and report its test metrics')
    .argument('<checkpoint>', "checkpoint written by 'basiskit train' (path with or without .json/.safetensors)")
    .option('--data <file>', 'KAN: evaluate on this data file (.csv, .npz, .safetensors) instead of the training data')
    .option('--n-test <n>', 'KAN on a function: test points (default: as trained)', intArg(1))
    .option('--resolution <n>', 'FNO: evaluate at this resolution (default: as trained; e.g. twice it for super-resolution)', intArg(8))
    .option('--count <n>', 'FNO: test samples to generate (default: as trained)', intArg(1))
    .action(async (path: string, opts, cmd: Command) => {
      const g = cmd.optsWithGlobals();
      const out = createOutput(Boolean(g.json));
      const backend = await initBackend(g.backend ? { backend: g.backend } : {});
      const { model, config, weights } = await loadModel(path);
      const tensors: tf.Tensor[] = [];
      try {
        let metrics: Record<string, number>;
        let on: Record<string, unknown>;
        if (config.kind === 'fno') {
          const d = config.data as {
            pde?: string;
            resolution?: number;
            nTrain?: number;
            nTest?: number;
            seed?: number;
            generator?: string;
            options?: { resolution?: number };
          };
          const pde = d.pde ?? d.generator;
          if (pde !== 'burgers' && pde !== 'darcy')
            throw new UsageError(`${path}: cannot regenerate test data for '${pde}' (trained on a folder of another generator)`);
          const trainedRes = d.resolution ?? 64;
          const resolution = opts.resolution ?? trainedRes;
          const count = opts.count ?? d.nTest ?? 16;
          const seed = d.seed ?? 0;
          // the samples after the training set: the test set when trained on generated data
          const test = pdeData({ pde, count, resolution, seed, start: d.nTrain ?? 0 });
          tensors.push(test.x, test.y);
          metrics = fnoMetrics(model, test.x, test.y);
          on = { pde, resolution, trainedResolution: trainedRes, count, seed };
          out.info(`FNO ${weights} on ${count} ${pde} samples at resolution ${resolution} (trained at ${trainedRes}), backend ${backend.name}`);
        } else {
          const d = config.data as { suite?: string; file?: string; nTrain?: number; nTest?: number; seed?: number };
          const file = opts.data ?? d.file;
          const split = functionData({ suite: d.suite, file, nTrain: d.nTrain ?? 1000, nTest: opts.nTest ?? d.nTest ?? 1000, seed: d.seed ?? 0 });
          tensors.push(split.trainX, split.trainY, split.testX, split.testY);
          const m = config.model as unknown as KanModelOptions;
          if (split.testX.shape[1] !== m.layers[0]) throw new UsageError(`the data has ${split.testX.shape[1]} inputs but the model takes ${m.layers[0]}`);
          metrics = kanMetrics(model, split.testX, split.testY);
          on = { ...split.describe, testPoints: split.testX.shape[0] };
          out.info(
            `${m.basis} KAN [${m.layers.join(', ')}] ${weights} on ${split.testX.shape[0]} test points of ${JSON.stringify(d.suite ?? file)}, backend ${backend.name}`,
          );
        }
        out.info(
          `test: ${Object.entries(metrics)
            .map(([k, v]) => `${k} ${fmt(v)}`)
            .join(', ')}`,
        );
        out.result({ checkpoint: weights, kind: config.kind, metrics, data: on, backend: backend.name });
      } finally {
        model.dispose();
        tf.dispose(tensors);
      }
    });
}
