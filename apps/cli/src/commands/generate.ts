// `basiskit generate <pde>`: writes a PDE dataset (shards + manifest.json) with
// @basiskit/datasets' `generate`, each shard made by `generateParallel` on worker threads.
import { Argument, Command, Option } from 'commander';
import { availableParallelism } from 'node:os';
import { initBackend } from '@basiskit/tensor';
import { generate, generateParallel, type PdeGeneratorName } from '@basiskit/datasets/node';
import { intArg } from '../args';
import { UsageError } from '../errors';
import { createOutput } from '../output';

const GENERATORS = ['burgers', 'darcy', 'navierStokes'] as const;

/** Generator options for an output resolution (Burgers and Navier-Stokes solve on a finer grid and subsample). */
function generatorOptions(name: string, resolution: number): Record<string, unknown> {
  if (name === 'darcy') return { resolution };
  if (!Number.isInteger(Math.log2(resolution))) throw new UsageError(`--resolution for ${name} must be a power of two, got ${resolution}`);
  return name === 'burgers' ? { resolution: resolution * 4, subsample: 4 } : { resolution, subsample: 1 };
}

/** The `generate` command. */
export function generateCommand(): Command {
  return new Command('generate')
    .description('write a PDE dataset (npy or safetensors shards + manifest.json) made by the @basiskit/datasets solvers')
    .addArgument(new Argument('<pde>', 'the PDE').choices(GENERATORS))
    .option('--count <n>', 'samples', intArg(1), 100)
    .option('--resolution <n>', 'grid points per side of the saved fields', intArg(3), 64)
    .option('--seed <n>', 'seed (sample i depends only on seed and i)', intArg(0), 0)
    .option('--dir <dir>', 'output folder (default: <pde><resolution>)')
    .addOption(new Option('--format <format>', 'shard files').choices(['npy', 'safetensors']).default('npy'))
    .option('--shard-size <n>', 'samples per shard', intArg(1), 1000)
    .option('--workers <n>', 'worker threads', intArg(1), Math.max(1, availableParallelism()))
    .action(async (pde: PdeGeneratorName, opts, cmd: Command) => {
      const g = cmd.optsWithGlobals();
      const out = createOutput(Boolean(g.json));
      await initBackend(g.backend ? { backend: g.backend } : {});
      const dir: string = opts.dir ?? `${pde}${opts.resolution}`;
      const options = generatorOptions(pde, opts.resolution);
      const t0 = performance.now();
      const manifest = await generate((start, count) => generateParallel(pde, { ...options, seed: opts.seed, start, count, workers: opts.workers }), {
        dir,
        count: opts.count,
        shardSize: opts.shardSize,
        format: opts.format,
        generator: pde,
        options,
        seed: opts.seed,
        progress: !g.json && Boolean(process.stdout.isTTY),
      });
      const seconds = (performance.now() - t0) / 1000;
      out.info(
        `wrote ${manifest.count} ${pde} samples (x [${manifest.arrays.x!.shape}], y [${manifest.arrays.y!.shape}]) in ${manifest.shards.length} ${opts.format} shard(s) to ${dir} in ${seconds.toFixed(1)} s`,
      );
      out.result({ dir, manifest, seconds });
    });
}
