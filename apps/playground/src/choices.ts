// What the page offers, as plain data (no package imports: the page's bundle stays free of tfjs,
// which runs in the worker only).

/** The bases the playground offers, with their labels. */
export const BASES = {
  bspline: 'B-spline KAN (efficient-kan / pykan)',
  rbf: 'RBF KAN (FastKAN)',
  chebyshev: 'Chebyshev KAN (ChebyKAN)',
  fourier: 'Fourier KAN (FourierKAN)',
  relu: 'ReLU-KAN',
  rational: 'Group rational KAN (GR-KAN, KAT)',
  skan: 'Selectable KAN (S-KAN)',
} as const;

/** A basis key of {@link BASES}. */
export type Basis = keyof typeof BASES;

/** The classification sets offered (@basiskit/datasets' generators). */
export const CLASSIFICATION_NAMES = ['moons', 'circles', 'spirals', 'xor', 'blobs'] as const;
export type ClassificationName = (typeof CLASSIFICATION_NAMES)[number];

/** Function suites listed first in the picker (pykan's tutorial targets). */
export const FEATURED_FUNCTIONS = ['pykan exp_sin_y2', 'pykan xy', 'pykan j0_20x', 'pykan multiscale', 'pykan exp_j0_y2'];
