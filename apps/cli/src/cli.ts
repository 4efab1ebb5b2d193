// basiskit's command line (apps/cli): `basiskit` alone runs the main job (main_job.ts); the
// subcommands train, eval, generate, bench and import are in commands/. Arguments are parsed by
// commander; every usage mistake ends in one line on stderr and exit code 2 (errors.ts).
import { Command, CommanderError, Option } from 'commander';
import { EXIT_USAGE, UsageError, isUsageError, oneLine } from './errors';
import { watchInterrupt } from './interrupt';
import { createOutput } from './output';
import { intArg, withCommonOptions } from './args';
import { runMainJob } from './main_job';
import { trainCommand } from './commands/train';
import { evalCommand } from './commands/eval';
import { generateCommand } from './commands/generate';
import { benchCommand } from './commands/bench';
import { importCommand } from './commands/import';

const program = new Command();

program
  .name('basiskit')
  .description(
    'Learnable-basis networks on TensorFlow.js. With no command: the main job -- train a KAN on f(x, y) = exp(sin(pi x) + y^2), ' +
      'update grids, prune, fit a symbolic formula, print it with its test RMSE and write an HTML report.',
  )
  .option('--json', 'print one JSON document with the results on stdout (progress goes to stderr)')
  .addOption(new Option('--backend <name>', 'tfjs backend').choices(['wasm', 'cpu']))
  .option('--steps <n>', 'main job: L-BFGS steps per training phase', intArg(1), 20)
  .option('--n-train <n>', 'main job: training points', intArg(10), 1000)
  .option('--n-test <n>', 'main job: test points', intArg(1), 1000)
  .option('--seed <n>', 'main job: seed of the data and the initial weights', intArg(0), 1)
  .option('--out <dir>', 'main job: folder for report.html and the model (kan.safetensors + kan.json)', 'basiskit-out')
  .showSuggestionAfterError(true)
  // the main job's options come before a command; each command parses its own (train --steps is train's)
  .enablePositionalOptions()
  .addCommand(withCommonOptions(trainCommand()))
  .addCommand(withCommonOptions(evalCommand()))
  .addCommand(withCommonOptions(generateCommand()))
  .addCommand(withCommonOptions(benchCommand()))
  .addCommand(withCommonOptions(importCommand()))
  .addHelpText(
    'after',
    `
Examples:
  basiskit                                  the main job (about 40 s); open basiskit-out/report.html
  basiskit --steps 5 --out /tmp/quick       a quicker, rougher main job
  basiskit train --function "pykan xy" --basis chebyshev --width 2,4,1 --steps 300 --save xy
  basiskit eval xy.json --json
  basiskit generate burgers --count 64 --resolution 128 --dir burgers128
  basiskit train --fno burgers --count 64 --resolution 64 --steps 200 --save fno
  basiskit eval fno.json --resolution 128   (zero-shot super-resolution)
  basiskit import efficient-kan model.safetensors --input "[[0.1,0.2]]"
  basiskit bench
Run 'basiskit <command> --help' for a command's options. Ctrl-C while training saves a checkpoint.`,
  )
  .allowExcessArguments(true)
  .action(async (opts, cmd: Command) => {
    if (cmd.args.length > 0) {
      const names = cmd.commands.map((c) => c.name());
      const near = names.find((n) => n[0] === cmd.args[0]![0]);
      throw new UsageError(`unknown command '${cmd.args[0]}'${near ? ` (did you mean ${near}?)` : ''}; commands: ${names.join(', ')}`);
    }
    const out = createOutput(Boolean(opts.json));
    watchInterrupt();
    await runMainJob({ steps: opts.steps, nTrain: opts.nTrain, nTest: opts.nTest, seed: opts.seed, out: opts.out, backend: opts.backend }, out);
  });

/** Commander's own errors (unknown option, missing argument, ...) are usage errors: exit 2, one line. */
function configure(cmd: Command): void {
  cmd.exitOverride();
  cmd.configureOutput({ writeErr: () => undefined, outputError: () => undefined });
  for (const sub of cmd.commands) configure(sub);
}

async function main(argv: string[]): Promise<void> {
  configure(program);
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') process.exit(0);
      process.stderr.write(`basiskit: ${oneLine(err).replace(/^error: /, 'error: ')}\n`);
      process.exit(EXIT_USAGE);
    }
    process.stderr.write(`basiskit: error: ${oneLine(err)}\n`);
    process.exit(isUsageError(err) ? EXIT_USAGE : 1);
  }
}

await main(process.argv);
