// `basiskit train`: a KAN of any basis on a function suite or a data file, or an FNO on
// generated PDE data (or a `generate` folder); saves `<save>.safetensors` + `<save>.json`.
import { Command, Option } from 'commander';
import { initBackend, tf, type Module } from '@basiskit/tensor';
import { KAN } from '@basiskit/kan';
import { LpLoss, mse } from '@basiskit/training';
import { choiceArg, intArg, positiveArg, widthsArg } from '../args';
import { functionData, pdeData, pdeFolder, PDES } from '../data';
import { EXIT_INTERRUPTED, UsageError } from '../errors';
import { watchInterrupt } from '../interrupt';
import { BASES, buildFno, buildKan, type Basis } from '../models';
import { saveModel, type ModelConfig } from '../model_files';
import { createOutput, fmt } from '../output';
import { OPTIMIZERS, runTraining } from '../training_run';
import { fnoMetrics, kanMetrics } from '../metrics';

/** The `train` command. */
export function trainCommand(): Command {
  return new Command('train')
    .description('train a KAN (any basis) on a function or a data file, or an FNO on PDE data; saves safetensors + JSON config')
    .option('--function <name>', "function suite of @basiskit/datasets, e.g. 'pykan exp_sin_y2', 'feynman I.6.2', 'special bessel_j0'", 'pykan exp_sin_y2')
    .option('--data <file>', 'data file instead of a function: .csv (target in the last column), .npz or .safetensors (arrays x, y)')
    .addOption(new Option('--basis <basis>', 'KAN basis').choices(BASES).default('bspline'))
    .option('--width <widths>', 'layer widths, inputs first (the input width must match the data)', widthsArg)
    .option('--grid <n>', 'grid size (B-spline, Fourier, ReLU-KAN), RBF centres or Chebyshev degree', intArg(1), 5)
    .option('--fno <pde>', `train an FNO instead, on generated ${PDES.join(' / ')} data`, choiceArg(PDES))
    .option('--pde-data <dir>', "train an FNO on a folder written by 'basiskit generate'")
    .option('--resolution <n>', 'FNO: grid points per side of the generated data', intArg(8), 64)
    .option('--count <n>', 'FNO: training samples to generate', intArg(2), 64)
    .option('--modes <n>', 'FNO: Fourier modes per dim', intArg(1), 8)
    .option('--hidden <n>', 'FNO: hidden channels', intArg(1), 16)
    .option('--layers <n>', 'FNO: Fourier layers', intArg(1), 2)
    .option('--steps <n>', 'optimizer steps', intArg(1), 500)
    .addOption(new Option('--optimizer <name>', 'optimizer').choices(OPTIMIZERS).default('adam'))
    .option('--lr <rate>', 'learning rate (default: 0.01; 1 for lbfgs)', positiveArg)
    .option('--batch-size <n>', 'rows per batch (0: full batch)', intArg(0), 0)
    .option('--update-grid <n>', 'B-spline KAN: update the grids from the data every n steps (0: never)', intArg(0), 0)
    .option('--n-train <n>', 'function: training points', intArg(4), 1000)
    .option('--n-test <n>', 'function: test points', intArg(1), 1000)
    .option('--seed <n>', 'seed of the data and the initial weights', intArg(0), 0)
    .option('--save <path>', 'checkpoint path: writes <path>.safetensors and <path>.json', 'model')
    .action(async (opts, cmd: Command) => {
      const g = cmd.optsWithGlobals();
      const out = createOutput(Boolean(g.json));
      watchInterrupt();
      const backend = await initBackend(g.backend ? { backend: g.backend } : {});
      const lr = opts.lr ?? (opts.optimizer === 'lbfgs' ? 1 : 0.01);
      const training = { optimizer: opts.optimizer, lr, steps: opts.steps, batchSize: opts.batchSize, seed: opts.seed };
      let model: Module | undefined;
      const tensors: tf.Tensor[] = [];
      try {
        let config: ModelConfig;
        let result: { losses: number[]; interrupted: boolean };
        let metrics: () => Record<string, number>;
        if (opts.fno || opts.pdeData) {
          // FNO on PDE data: train on `count` samples, test on the next count/4 of the same seed
          let train: { x: tf.Tensor; y: tf.Tensor };
          let test: { x: tf.Tensor; y: tf.Tensor };
          let data: Record<string, unknown>;
          if (opts.pdeData) {
            const all = await pdeFolder(opts.pdeData);
            tensors.push(all.x, all.y);
            const n = all.x.shape[0]!;
            const nTest = Math.max(1, Math.floor(n / 5));
            if (n - nTest < 1) throw new UsageError(`${opts.pdeData}: ${n} samples is too few to train and test on`);
            [train, test] = tf.tidy(() => [
              { x: all.x.slice(0, n - nTest), y: all.y.slice(0, n - nTest) },
              { x: all.x.slice(n - nTest), y: all.y.slice(n - nTest) },
            ]);
            data = { dir: opts.pdeData, generator: all.generator, options: all.options, nTrain: n - nTest, nTest };
          } else {
            const nTest = Math.max(1, Math.floor(opts.count / 4));
            train = pdeData({ pde: opts.fno, count: opts.count, resolution: opts.resolution, seed: opts.seed });
            test = pdeData({ pde: opts.fno, count: nTest, resolution: opts.resolution, seed: opts.seed, start: opts.count });
            data = { pde: opts.fno, resolution: opts.resolution, nTrain: opts.count, nTest, seed: opts.seed };
          }
          tensors.push(train.x, train.y, test.x, test.y);
          const nDim = train.x.rank - 2;
          const m = { nModes: new Array<number>(nDim).fill(opts.modes), hiddenChannels: opts.hidden, nLayers: opts.layers, seed: opts.seed };
          model = buildFno(m);
          out.info(
            `training an FNO (${nDim}-D, ${m.nModes.join('x')} modes, ${m.hiddenChannels} channels, ${m.nLayers} layers) on ${train.x.shape[0]} samples of [${train.x.shape.slice(2)}] (backend ${backend.name})`,
          );
          const lp = new LpLoss({ d: nDim, reduction: 'mean' });
          result = await runTraining({ model, x: train.x, y: train.y, loss: (p, t) => lp.call(p, t), ...training, batchSize: opts.batchSize || 16 }, out);
          config = { format: 'basiskit-cli-model', version: 1, kind: 'fno', model: m, data, training };
          metrics = () => fnoMetrics(model!, test.x, test.y);
        } else {
          const split = functionData({
            suite: opts.data ? undefined : opts.function,
            file: opts.data,
            nTrain: opts.nTrain,
            nTest: opts.nTest,
            seed: opts.seed,
          });
          tensors.push(split.trainX, split.trainY, split.testX, split.testY);
          const nIn = split.trainX.shape[1];
          const nOut = split.trainY.shape[1];
          const widths: number[] = opts.width ?? [nIn, 5, nOut];
          if (widths[0] !== nIn || widths.at(-1) !== nOut)
            throw new UsageError(`--width ${widths.join(',')} does not fit the data: it has ${nIn} input(s) and ${nOut} output(s)`);
          const m = { basis: opts.basis as Basis, layers: widths, grid: opts.grid, splineOrder: 3, seed: opts.seed };
          model = buildKan(m);
          out.info(
            `training a ${m.basis} KAN [${widths.join(', ')}] on ${JSON.stringify(split.describe.suite ?? split.describe.file)} (${split.trainX.shape[0]} points, backend ${backend.name})`,
          );
          const kan = model instanceof KAN ? model : null;
          const afterStep = kan && opts.updateGrid > 0 ? (step: number) => step % opts.updateGrid === 0 && kan.updateGrid(split.trainX) : undefined;
          result = await runTraining({ model, x: split.trainX, y: split.trainY, loss: (p, t) => mse(p, t), ...training, afterStep }, out);
          config = { format: 'basiskit-cli-model', version: 1, kind: 'kan', model: m, data: split.describe, training };
          metrics = () => kanMetrics(model!, split.testX, split.testY);
        }
        const values = metrics();
        config.metrics = { ...values, finalLoss: result.losses.at(-1) ?? NaN, stepsDone: result.losses.length };
        if (result.interrupted) config.interrupted = true;
        const paths = await saveModel(opts.save, model, config);
        if (result.interrupted) out.info(`interrupted after ${result.losses.length} steps: checkpoint saved to ${paths.weights} (+ ${paths.json})`);
        out.info(
          `test: ${Object.entries(values)
            .map(([k, v]) => `${k} ${fmt(v)}`)
            .join(', ')}`,
        );
        out.info(`saved ${paths.weights} and ${paths.json}`);
        out.result({ checkpoint: paths, metrics: values, losses: result.losses, interrupted: result.interrupted, backend: backend.name });
        if (result.interrupted) process.exitCode = EXIT_INTERRUPTED;
      } finally {
        model?.dispose();
        tf.dispose(tensors);
      }
    });
}
