// The Node-only entry, `@basiskit/training/node`: checkpoint files and the terminal progress
// bar, and a `fit` that uses them. Kept apart from the main entry so browser bundles never see
// node:fs, node:path or cli-progress. Everything here is built on the main entry's exports (the
// build imports `@basiskit/training` instead of copying it), so classes are shared.
export { fit } from './node/fit';
export type { NodeFitOptions } from './node/fit';
export { fileCheckpoint, saveCheckpoint, loadCheckpoint } from './node/files';
export type { FileCheckpointOptions } from './node/files';
export { progressBar } from './node/progress_bar';
export type { ProgressBarOptions, ProgressStream } from './node/progress_bar';
