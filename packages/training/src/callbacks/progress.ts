// Progress of `fit`: a live bar (cli-progress) with loss, throughput and ETA in a terminal; one
// line per epoch when the output is not a terminal (CI logs, files); nothing when silent.
import cliProgress from 'cli-progress';
import type { Callback } from './callback';

/** Options of {@link progress}. */
export interface ProgressOptions {
  /** 'auto' (default): a bar on a TTY, lines otherwise. */
  mode?: 'auto' | 'bar' | 'lines' | 'silent';
  /** Where lines go. Default: `console.log`. */
  log?: (line: string) => void;
  /** The stream the bar draws on. Default: process.stdout (in Node). */
  stream?: NodeJS.WritableStream;
}

function fmt(v: number): string {
  return Math.abs(v) >= 1e-3 && Math.abs(v) < 1e4 ? v.toFixed(4) : v.toExponential(3);
}

/** Training progress: a bar with loss/throughput/ETA on a terminal, else one line per epoch. */
export function progress(options: ProgressOptions = {}): Callback {
  const proc = (globalThis as { process?: { stdout?: { isTTY?: boolean } } }).process;
  const mode = options.mode === undefined || options.mode === 'auto' ? (proc?.stdout?.isTTY ? 'bar' : 'lines') : options.mode;
  // eslint-disable-next-line no-console -- progress lines are this callback's output
  const log = options.log ?? ((line: string) => console.log(line));
  let bar: cliProgress.SingleBar | null = null;
  let epochStart = 0;
  let samples = 0;
  let lossSum = 0;
  let steps = 0;
  return {
    name: 'progress',
    onEpochBegin(epoch, ctx) {
      epochStart = performance.now();
      samples = 0;
      lossSum = 0;
      steps = 0;
      if (mode === 'bar') {
        bar = new cliProgress.SingleBar(
          {
            format: `epoch ${epoch + 1}${ctx.epochs ? `/${ctx.epochs}` : ''} {bar} {value}/{total} | loss {loss} | {rate} samples/s | ETA {eta_formatted}`,
            stream: options.stream,
            hideCursor: true,
            clearOnComplete: false,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(1, 0, { loss: '-', rate: '-' });
      }
    },
    onStepEnd(info) {
      samples += info.batchSize;
      lossSum += info.loss;
      steps += 1;
      if (bar) {
        const secs = (performance.now() - epochStart) / 1000;
        bar.setTotal(Math.max(info.stepsPerEpoch ?? steps, steps));
        bar.update(steps, { loss: fmt(lossSum / steps), rate: secs > 0 ? Math.round(samples / secs) : '-' });
      }
    },
    onEpochEnd(epoch, logs, ctx) {
      const secs = (performance.now() - epochStart) / 1000;
      if (bar) {
        bar.stop();
        bar = null;
      }
      if (mode === 'silent') return;
      const parts = Object.entries(logs).map(([k, v]) => `${k} ${fmt(v)}`);
      const rate = secs > 0 ? `${Math.round(samples / secs)} samples/s` : '';
      if (mode === 'lines' || mode === 'bar') {
        log(`epoch ${epoch + 1}${ctx.epochs ? `/${ctx.epochs}` : ''}  ${parts.join('  ')}  ${rate}  ${secs.toFixed(2)}s`);
      }
    },
    onTrainEnd() {
      if (bar) bar.stop();
      bar = null;
    },
  };
}
