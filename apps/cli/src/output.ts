// What the CLI prints: human lines on stdout, or, with --json, one JSON document on stdout at
// the end (progress and notes then go to stderr, so stdout parses).
import cliProgress from 'cli-progress';

/** Where a command writes: plain lines, or a JSON result. */
export interface Output {
  /** --json given. */
  readonly json: boolean;
  /** A line for people (stdout; stderr under --json; nothing with quiet). */
  info(line: string): void;
  /** The machine-readable result (printed as JSON under --json; ignored otherwise). */
  result(value: unknown): void;
  /** A progress bar over `total` steps (drawn on stderr when it is a terminal). */
  bar(label: string, total: number): Bar;
}

/** One progress bar. */
export interface Bar {
  update(value: number, loss: number): void;
  stop(): void;
}

/** Formats a number for a table or a log line (4 significant digits, exponent when small or large). */
export function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(3) : Number(v.toPrecision(4)).toString();
}

/** The CLI's output for `json` mode. */
export function createOutput(json: boolean): Output {
  const out = (line: string) => (json ? process.stderr : process.stdout).write(line + '\n');
  return {
    json,
    info: out,
    result(value) {
      if (json) process.stdout.write(JSON.stringify(value, null, 2) + '\n');
    },
    bar(label, total) {
      if (!process.stderr.isTTY) return { update() {}, stop() {} };
      const bar = new cliProgress.SingleBar(
        {
          format: `${label.padEnd(14)} {bar} {value}/{total} | loss {loss} | ETA {eta_formatted}`,
          stream: process.stderr,
          hideCursor: true,
          clearOnComplete: true,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(total, 0, { loss: '-' });
      return {
        update: (value, loss) => bar.update(value, { loss: fmt(loss) }),
        stop: () => bar.stop(),
      };
    },
  };
}
