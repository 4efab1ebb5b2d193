// `fit` for Node: the main entry's `fit`, plus a checkpoint file path as `resumeFrom` and the
// terminal bar as the default progress on a TTY.
import { collectChoice, isRecord, throwProblems, type Module, type Problem } from '@basiskit/tensor';
import { disposeCheckpoint, fit as baseFit, type Checkpoint, type FitOptions, type FitResult } from '../index';
import { loadCheckpoint } from './files';
import { progressBar } from './progress_bar';

/** Options of Node's {@link fit}: those of the main entry's `fit`, with the two below widened. */
export interface NodeFitOptions extends Omit<FitOptions, 'progress' | 'resumeFrom'> {
  /**
   * 'auto' (default): the bar (`progressBar()`) when stdout is a TTY, one line per epoch
   * otherwise; 'bar', 'lines' or 'silent'. A callback named 'progress' in `callbacks` replaces it.
   */
  progress?: 'auto' | 'bar' | 'lines' | 'silent';
  /**
   * Continue from a checkpoint file (as `fileCheckpoint` writes; loaded, then freed) or from a
   * loaded checkpoint (stays yours to dispose).
   */
  resumeFrom?: string | Checkpoint;
}

const PROGRESS_MODES = ['auto', 'bar', 'lines', 'silent'] as const;

/**
 * Trains `model` (see the main entry's `fit` for everything it checks and guarantees), in Node:
 * `resumeFrom` may be a checkpoint file, and progress is a live bar on a terminal.
 *
 * @example
 * import { fileCheckpoint, fit } from '@basiskit/training/node';
 * await fit(model, { ...options, callbacks: [fileCheckpoint({ dir: 'ckpt' })] });
 * await fit(model, { ...options, epochs: 40, resumeFrom: 'ckpt/last.safetensors' });
 */
export async function fit(model: Module, options: NodeFitOptions): Promise<FitResult> {
  if (!isRecord(options)) return baseFit(model, options as FitOptions);
  const { progress, resumeFrom, ...rest } = options;
  const problems: Problem[] = [];
  if (progress !== undefined) collectChoice(options as Record<string, unknown>, 'progress', PROGRESS_MODES, problems);
  throwProblems(problems, { where: 'fit' });
  const callbacks = rest.callbacks;
  const hasProgress = Array.isArray(callbacks) && callbacks.some((cb) => isRecord(cb) && cb.name === 'progress');
  const mode = progress ?? 'auto';
  const bar = !hasProgress && (mode === 'bar' || (mode === 'auto' && process.stdout.isTTY === true));
  const base: FitOptions = { ...rest };
  if (bar && (callbacks === undefined || Array.isArray(callbacks))) base.callbacks = [...(callbacks ?? []), progressBar()];
  // the main fit takes 'bar' beside a callback named 'progress' (and reports it otherwise)
  else base.progress = mode as FitOptions['progress'];
  if (typeof resumeFrom !== 'string') return baseFit(model, resumeFrom === undefined ? base : { ...base, resumeFrom });
  const ckpt = await loadCheckpoint(resumeFrom);
  try {
    return await baseFit(model, { ...base, resumeFrom: ckpt });
  } finally {
    disposeCheckpoint(ckpt);
  }
}
