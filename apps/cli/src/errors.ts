// The CLI's error contract: a bad argument, option or file ends the process with ONE line on
// stderr (`basiskit: error: ...`) and exit code 2; anything unexpected exits 1 with its message.
import { BasiskitError } from '@basiskit/tensor';

/** A mistake of the caller (argument, option, file): reported in one line, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Exit code for usage errors (bad arguments or files). */
export const EXIT_USAGE = 2;
/** Exit code after Ctrl-C (128 + SIGINT), once the checkpoint is saved. */
export const EXIT_INTERRUPTED = 130;

/** True for errors that are the caller's: usage errors and basiskit's own validation errors. */
export function isUsageError(err: unknown): boolean {
  return err instanceof UsageError || err instanceof BasiskitError;
}

/** The error as one line (first line of the message, whitespace collapsed). */
export function oneLine(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.replace(/\s+/g, ' ').trim();
}
