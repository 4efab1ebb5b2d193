// Ctrl-C during training: the first SIGINT sets a flag that the training loops read after each
// step (they then save a checkpoint and end cleanly); a second SIGINT exits at once.
let interrupted = false;
let installed = false;

/** Starts listening for SIGINT (idempotent). */
export function watchInterrupt(): void {
  if (installed) return;
  installed = true;
  process.on('SIGINT', () => {
    if (interrupted) process.exit(130);
    interrupted = true;
  });
}

/** Whether Ctrl-C was pressed since {@link watchInterrupt}. */
export function wasInterrupted(): boolean {
  return interrupted;
}

/** Lets the event loop deliver signals between synchronous training steps. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
