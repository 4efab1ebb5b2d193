// Progress of `fit` that runs anywhere: one line per epoch (loss, metrics, throughput, time),
// to `console.log` or to a function of yours, or nothing. The live terminal bar (cli-progress)
// is Node-only: `progressBar()` from `@basiskit/training/node`.
import { ConfigError, checkOptions, show } from '@basiskit/tensor';
import type { Callback } from './callback';

/** Options of {@link progress}. */
export interface ProgressOptions {
  /**
   * 'auto' (default) and 'lines': one line per epoch; 'silent': nothing. The terminal bar
   * ('bar') is `progressBar()` from `@basiskit/training/node`.
   */
  mode?: 'auto' | 'lines' | 'silent';
  /** Where lines go (a log panel, a status element, ...). Default: `console.log`. */
  log?: (line: string) => void;
}

/** How a logged number is printed. */
export function formatValue(v: number): string {
  return Math.abs(v) >= 1e-3 && Math.abs(v) < 1e4 ? v.toFixed(4) : v.toExponential(3);
}

/** `epoch 3/20  loss 0.1234  val_loss 0.2345  lr 0.0010  5120 samples/s  0.42s` */
export function epochLine(epoch: number, epochs: number | undefined, logs: Record<string, number>, samples: number, secs: number): string {
  const parts = Object.entries(logs).map(([k, v]) => `${k} ${formatValue(v)}`);
  const rate = secs > 0 ? `${Math.round(samples / secs)} samples/s` : '';
  return `epoch ${epoch + 1}${epochs ? `/${epochs}` : ''}  ${parts.join('  ')}  ${rate}  ${secs.toFixed(2)}s`;
}

/** Training progress as one line per epoch (browser-safe; in Node, `progressBar()` draws a bar). */
export function progress(options: ProgressOptions = {}): Callback {
  const where = 'progress';
  checkOptions(options, { where, known: ['mode', 'log'] });
  const mode = options.mode ?? 'auto';
  if ((mode as string) === 'bar') {
    throw new ConfigError('the terminal bar is Node-only', {
      where,
      argument: 'mode',
      expected: "'auto', 'lines' or 'silent' (the bar: progressBar() or fit from @basiskit/training/node)",
      got: show(mode),
    });
  }
  if (mode !== 'auto' && mode !== 'lines' && mode !== 'silent') {
    throw new ConfigError('unknown mode', { where, argument: 'mode', expected: "'auto', 'lines' or 'silent'", got: show(mode) });
  }
  if (options.log !== undefined && typeof options.log !== 'function') {
    throw new ConfigError('invalid log', { where, argument: 'log', expected: '(line: string) => void', got: show(options.log) });
  }
  // eslint-disable-next-line no-console -- progress lines are this callback's output
  const log = options.log ?? ((line: string) => console.log(line));
  let epochStart = 0;
  let samples = 0;
  return {
    name: 'progress',
    onEpochBegin() {
      epochStart = performance.now();
      samples = 0;
    },
    onStepEnd(info) {
      samples += info.batchSize;
    },
    onEpochEnd(epoch, logs, ctx) {
      if (mode === 'silent') return;
      log(epochLine(epoch, ctx.epochs, logs, samples, (performance.now() - epochStart) / 1000));
    },
  };
}
