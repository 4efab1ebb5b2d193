// The terminal progress bar (Node): cli-progress with loss, throughput and ETA, redrawn after
// every step, and one line per epoch when the epoch ends.
import cliProgress from 'cli-progress';
import { checkOptions, ConfigError, show } from '@basiskit/tensor';
import type { Callback } from '../index';
// pure formatting helpers, bundled into the node entry
import { epochLine, formatValue } from '../callbacks/progress';

/** What the bar draws on: `process.stdout`, or anything with `write` (a bar is drawn only when `isTTY`). */
export interface ProgressStream {
  write(s: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** Options of {@link progressBar}. */
export interface ProgressBarOptions {
  /** The stream the bar draws on. Default: `process.stdout`. Off a TTY no bar is drawn (the epoch lines still are). */
  stream?: ProgressStream;
  /** Where the line at the end of each epoch goes. Default: `console.log`. */
  log?: (line: string) => void;
}

/**
 * A live progress bar on a terminal: `epoch 3/20 ████░░ 12/16 | loss 0.1234 | 5120 samples/s | ETA 1s`,
 * then one line per epoch with every logged value. Named 'progress', so it replaces `fit`'s
 * default progress output.
 */
export function progressBar(options: ProgressBarOptions = {}): Callback {
  const where = 'progressBar';
  checkOptions(options, { where, known: ['stream', 'log'] });
  if (options.stream !== undefined && typeof (options.stream as { write?: unknown })?.write !== 'function') {
    throw new ConfigError('invalid stream', { where, argument: 'stream', expected: 'an object with write(s)', got: show(options.stream) });
  }
  if (options.log !== undefined && typeof options.log !== 'function') {
    throw new ConfigError('invalid log', { where, argument: 'log', expected: '(line: string) => void', got: show(options.log) });
  }
  // eslint-disable-next-line no-console -- progress lines are this callback's output
  const log = options.log ?? ((line: string) => console.log(line));
  let bar: cliProgress.SingleBar | null = null;
  let epochStart = 0;
  let samples = 0;
  let lossSum = 0;
  let steps = 0;
  const stop = () => {
    if (bar) bar.stop();
    bar = null;
  };
  return {
    name: 'progress',
    onEpochBegin(epoch, ctx) {
      epochStart = performance.now();
      samples = 0;
      lossSum = 0;
      steps = 0;
      bar = new cliProgress.SingleBar(
        {
          format: `epoch ${epoch + 1}${ctx.epochs ? `/${ctx.epochs}` : ''} {bar} {value}/{total} | loss {loss} | {rate} samples/s | ETA {eta_formatted}`,
          // cli-progress types it as NodeJS.WritableStream; it calls write() and reads isTTY/columns
          stream: (options.stream ?? process.stdout) as NodeJS.WritableStream,
          hideCursor: true,
          clearOnComplete: false,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(1, 0, { loss: '-', rate: '-' });
    },
    onStepEnd(info) {
      samples += info.batchSize;
      lossSum += info.loss;
      steps += 1;
      if (bar) {
        const secs = (performance.now() - epochStart) / 1000;
        bar.setTotal(Math.max(info.stepsPerEpoch ?? steps, steps));
        bar.update(steps, { loss: formatValue(lossSum / steps), rate: secs > 0 ? Math.round(samples / secs) : '-' });
      }
    },
    onEpochEnd(epoch, logs, ctx) {
      const secs = (performance.now() - epochStart) / 1000;
      stop();
      log(epochLine(epoch, ctx.epochs, logs, samples, secs));
    },
    onTrainEnd: stop,
  };
}
