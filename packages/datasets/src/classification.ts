// Toy classification sets with scikit-learn's semantics (sklearn.datasets):
//   makeMoons   -- make_moons: n//2 points on the upper half circle (cos t, sin t), the rest on
//                  (1 - cos t, 1 - sin t - 0.5), t = linspace(0, pi); shuffle, then N(0, noise^2) added;
//   makeCircles -- make_circles: n//2 points on the unit circle, the rest on a circle of radius
//                  `factor`, angles linspace(0, 2 pi, endpoint=False); shuffle, then noise;
//   makeBlobs   -- make_blobs: isotropic Gaussians around `centers` (given, or that many drawn
//                  uniformly in `centerBox`; default 3), `clusterStd` each, n split evenly (the first
//                  n % k centers get one more); then shuffled;
//   makeSpirals -- two interleaved Archimedean spirals (class 1 = class 0 rotated by pi), the classic
//                  two-spirals benchmark (Lang & Witbrock 1988): r = t, angle = 2 pi turns t, t =
//                  linspace(startRadius, 1) per class; shuffle, then noise;
//   makeXor     -- points uniform in [-1, 1]^2 labelled (x1 > 0) xor (x2 > 0); then noise on the inputs.
// Seeded by basiskit's RNG (`seed` plays sklearn's `random_state`; the streams differ from NumPy's).
// Returns `{ x: float32 [n, nFeatures], y: int32 [n] }` or, with `oneHot`, `y: float32 [n, nClasses]`.
import { checkOptions, collectBool, collectNumber, createRng, show, tf, throwProblems, type Problem, type Rng } from '@basiskit/tensor';

/** A classification set: float32 inputs and int32 labels (or one-hot float32 rows). The caller disposes both. */
export interface ClassificationData {
  /** `[n, nFeatures]` float32. */
  x: tf.Tensor2D;
  /** `[n]` int32 class ids, or `[n, nClasses]` float32 one-hot rows with `oneHot`. */
  y: tf.Tensor;
}

/** Options every generator takes. */
export interface ClassificationOptions {
  /** Number of samples. Default 100 (sklearn's `n_samples`). */
  nSamples?: number;
  /** Shuffle the samples (otherwise grouped by class). Default true. */
  shuffle?: boolean;
  /** Standard deviation of Gaussian noise added to the inputs. Default 0 (sklearn's `noise=None`). */
  noise?: number;
  /** Seed (sklearn's `random_state`). Default 0. */
  seed?: number | bigint;
  /** Labels as one-hot float32 rows `[n, nClasses]` instead of int32 ids. Default false. */
  oneHot?: boolean;
}

/** Options of {@link makeCircles}. */
export interface CirclesOptions extends ClassificationOptions {
  /** Scale of the inner circle relative to the outer, in [0, 1). Default 0.8. */
  factor?: number;
}

/** Options of {@link makeBlobs} (no `noise`: the spread is `clusterStd`). */
export interface BlobsOptions extends Omit<ClassificationOptions, 'noise'> {
  /** Number of features. Default 2 (ignored when `centers` are given as coordinates). */
  nFeatures?: number;
  /** Number of centers drawn in `centerBox`, or their coordinates `[k][nFeatures]`. Default 3. */
  centers?: number | readonly (readonly number[])[];
  /** Standard deviation of each cluster: one for all, or one per center. Default 1. */
  clusterStd?: number | readonly number[];
  /** Box the random centers are drawn from, `[low, high]`. Default [-10, 10]. */
  centerBox?: readonly [number, number];
}

/** Options of {@link makeSpirals}. */
export interface SpiralsOptions extends ClassificationOptions {
  /** Number of turns of each spiral. Default 1.5. */
  turns?: number;
  /** Radius (= parameter t) at which the spirals start, in [0, 1). Default 0.1. */
  startRadius?: number;
}

const COMMON = ['nSamples', 'shuffle', 'noise', 'seed', 'oneHot'];

interface Common {
  n: number;
  shuffle: boolean;
  noise: number;
  rng: Rng;
  oneHot: boolean;
}

function common(options: object | undefined, where: string, extra: string[], p: Problem[]): { c: Common; o: Record<string, unknown> } {
  const o = checkOptions(options, { where, known: [...COMMON, ...extra] }) as Record<string, unknown>;
  if ('nSamples' in o) collectNumber(o, 'nSamples', { integer: true, min: 1 }, p);
  if ('noise' in o) collectNumber(o, 'noise', { min: 0 }, p);
  if ('shuffle' in o) collectBool(o, 'shuffle', p);
  if ('oneHot' in o) collectBool(o, 'oneHot', p);
  const seed = o.seed ?? 0;
  if (!(typeof seed === 'bigint' || (typeof seed === 'number' && Number.isSafeInteger(seed))))
    p.push({ argument: 'seed', expected: 'a safe integer or a bigint', got: show(seed) });
  const ok = p.length === 0;
  return {
    c: {
      n: (o.nSamples as number | undefined) ?? 100,
      shuffle: (o.shuffle as boolean | undefined) ?? true,
      noise: (o.noise as number | undefined) ?? 0,
      rng: createRng(ok ? (seed as number | bigint) : 0),
      oneHot: (o.oneHot as boolean | undefined) ?? false,
    },
    o,
  };
}

/** linspace(a, b, n) with or without the end point, as NumPy. */
function linspace(a: number, b: number, n: number, endpoint = true): number[] {
  const div = endpoint ? n - 1 : n;
  return Array.from({ length: n }, (_, i) => (div > 0 ? a + ((b - a) * i) / div : a));
}

/** Shuffles rows (and labels) in place with one permutation, then adds noise; packs tensors. */
function finish(x: Float64Array, labels: Int32Array, d: number, nClasses: number, c: Common, noise = c.noise): ClassificationData {
  const n = labels.length;
  let xs = x;
  let ys = labels;
  if (c.shuffle) {
    const perm = c.rng.permutation(n);
    xs = new Float64Array(n * d);
    ys = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const j = perm[i] as number;
      ys[i] = labels[j] as number;
      for (let k = 0; k < d; k++) xs[i * d + k] = x[j * d + k] as number;
    }
  }
  if (noise > 0) for (let i = 0; i < xs.length; i++) xs[i] = (xs[i] as number) + noise * c.rng.normal();
  const xt = tf.tensor2d(Float32Array.from(xs), [n, d]);
  if (!c.oneHot) return { x: xt, y: tf.tensor1d(ys, 'int32') };
  const oh = new Float32Array(n * nClasses);
  for (let i = 0; i < n; i++) oh[i * nClasses + (ys[i] as number)] = 1;
  return { x: xt, y: tf.tensor2d(oh, [n, nClasses]) };
}

/**
 * Two interleaving half circles (sklearn's `make_moons`): `nSamples // 2` points of class 0 on
 * (cos t, sin t) and the rest, class 1, on (1 - cos t, 1 - sin t - 0.5), t = linspace(0, pi);
 * shuffled, then Gaussian `noise` added. Seeded. Returns float32 `x [n, 2]` and int32 `y [n]`.
 */
export function makeMoons(options?: ClassificationOptions): ClassificationData {
  const p: Problem[] = [];
  const { c } = common(options, 'makeMoons', [], p);
  throwProblems(p, { where: 'makeMoons' });
  const nOut = Math.floor(c.n / 2);
  const nIn = c.n - nOut;
  const x = new Float64Array(c.n * 2);
  const y = new Int32Array(c.n);
  linspace(0, Math.PI, nOut).forEach((t, i) => {
    x[2 * i] = Math.cos(t);
    x[2 * i + 1] = Math.sin(t);
  });
  linspace(0, Math.PI, nIn).forEach((t, i) => {
    x[2 * (nOut + i)] = 1 - Math.cos(t);
    x[2 * (nOut + i) + 1] = 1 - Math.sin(t) - 0.5;
    y[nOut + i] = 1;
  });
  return finish(x, y, 2, 2, c);
}

/**
 * A large circle containing a smaller one (sklearn's `make_circles`): `nSamples // 2` points of
 * class 0 on the unit circle, the rest (class 1) on the circle of radius `factor`, angles
 * linspace(0, 2 pi) without the end point; shuffled, then Gaussian `noise`. Seeded.
 */
export function makeCircles(options?: CirclesOptions): ClassificationData {
  const where = 'makeCircles';
  const p: Problem[] = [];
  const { c, o } = common(options, where, ['factor'], p);
  if ('factor' in o) collectNumber(o, 'factor', { min: 0, lt: 1 }, p);
  throwProblems(p, { where });
  const factor = (o.factor as number | undefined) ?? 0.8;
  const nOut = Math.floor(c.n / 2);
  const nIn = c.n - nOut;
  const x = new Float64Array(c.n * 2);
  const y = new Int32Array(c.n);
  linspace(0, 2 * Math.PI, nOut, false).forEach((t, i) => {
    x[2 * i] = Math.cos(t);
    x[2 * i + 1] = Math.sin(t);
  });
  linspace(0, 2 * Math.PI, nIn, false).forEach((t, i) => {
    x[2 * (nOut + i)] = factor * Math.cos(t);
    x[2 * (nOut + i) + 1] = factor * Math.sin(t);
    y[nOut + i] = 1;
  });
  return finish(x, y, 2, 2, c);
}

/**
 * Isotropic Gaussian blobs (sklearn's `make_blobs`): `centers` (a count drawn uniformly in
 * `centerBox`, or coordinates), `clusterStd` per cluster, `nSamples` split evenly over the centers
 * (the first `nSamples % k` get one more); shuffled. Seeded. Labels are the center indices.
 */
export function makeBlobs(options?: BlobsOptions): ClassificationData {
  const where = 'makeBlobs';
  const p: Problem[] = [];
  const { c, o } = common(options, where, ['nFeatures', 'centers', 'clusterStd', 'centerBox'], p);
  if ('noise' in o) p.push({ argument: 'noise', expected: 'no noise option (the spread is clusterStd)', got: show(o.noise) });
  if ('nFeatures' in o) collectNumber(o, 'nFeatures', { integer: true, min: 1 }, p);
  const box = o.centerBox ?? [-10, 10];
  if (!(Array.isArray(box) && box.length === 2 && box.every((v) => Number.isFinite(v)) && box[0] <= box[1]))
    p.push({ argument: 'centerBox', expected: '[low, high] with low <= high', got: show(box) });
  const centersOpt = o.centers ?? 3;
  let centers: number[][] | null = null;
  let k = 0;
  let d = (o.nFeatures as number | undefined) ?? 2;
  if (typeof centersOpt === 'number') {
    if (!(Number.isInteger(centersOpt) && centersOpt >= 1))
      p.push({ argument: 'centers', expected: 'an integer >= 1 or an array of coordinates', got: show(centersOpt) });
    k = centersOpt;
  } else if (
    Array.isArray(centersOpt) &&
    centersOpt.length > 0 &&
    centersOpt.every((r) => Array.isArray(r) && r.length === (centersOpt[0] as unknown[]).length && r.length > 0 && r.every((v) => Number.isFinite(v)))
  ) {
    centers = centersOpt.map((r: number[]) => [...r]);
    k = centers.length;
    d = (centers[0] as number[]).length;
    if ('nFeatures' in o && o.nFeatures !== d) p.push({ argument: 'nFeatures', expected: `${d} (the centers' length)`, got: show(o.nFeatures) });
  } else {
    p.push({ argument: 'centers', expected: 'an integer >= 1 or rows of equal length of finite numbers', got: show(centersOpt) });
  }
  const stdOpt = o.clusterStd ?? 1;
  const stdOk =
    typeof stdOpt === 'number'
      ? Number.isFinite(stdOpt) && stdOpt >= 0
      : Array.isArray(stdOpt) && stdOpt.length === k && stdOpt.every((v) => Number.isFinite(v) && v >= 0);
  if (!stdOk) p.push({ argument: 'clusterStd', expected: `a number >= 0 or ${k} of them`, got: show(stdOpt) });
  throwProblems(p, { where });
  const [lo, hi] = box as [number, number];
  if (!centers) centers = Array.from({ length: k }, () => Array.from({ length: d }, () => lo + (hi - lo) * c.rng.uniform()));
  const stds = typeof stdOpt === 'number' ? new Array<number>(k).fill(stdOpt) : (stdOpt as number[]);
  const x = new Float64Array(c.n * d);
  const y = new Int32Array(c.n);
  let row = 0;
  for (let j = 0; j < k; j++) {
    const count = Math.floor(c.n / k) + (j < c.n % k ? 1 : 0);
    for (let i = 0; i < count; i++, row++) {
      y[row] = j;
      for (let f = 0; f < d; f++) x[row * d + f] = (centers[j]![f] as number) + (stds[j] as number) * c.rng.normal();
    }
  }
  return finish(x, y, d, k, c, 0);
}

/**
 * Two interleaved spirals: class 0 at radius t and angle 2 pi `turns` t, class 1 the same rotated by
 * pi, t = linspace(`startRadius`, 1) with `nSamples // 2` points for class 0 and the rest for class
 * 1; shuffled, then Gaussian `noise`. Seeded.
 */
export function makeSpirals(options?: SpiralsOptions): ClassificationData {
  const where = 'makeSpirals';
  const p: Problem[] = [];
  const { c, o } = common(options, where, ['turns', 'startRadius'], p);
  if ('turns' in o) collectNumber(o, 'turns', { gt: 0 }, p);
  if ('startRadius' in o) collectNumber(o, 'startRadius', { min: 0, lt: 1 }, p);
  throwProblems(p, { where });
  const turns = (o.turns as number | undefined) ?? 1.5;
  const start = (o.startRadius as number | undefined) ?? 0.1;
  const n0 = Math.floor(c.n / 2);
  const x = new Float64Array(c.n * 2);
  const y = new Int32Array(c.n);
  for (const [cls, count, offset] of [
    [0, n0, 0],
    [1, c.n - n0, n0],
  ] as const) {
    linspace(start, 1, count).forEach((t, i) => {
      const a = 2 * Math.PI * turns * t + cls * Math.PI;
      x[2 * (offset + i)] = t * Math.cos(a);
      x[2 * (offset + i) + 1] = t * Math.sin(a);
      y[offset + i] = cls;
    });
  }
  return finish(x, y, 2, 2, c);
}

/**
 * XOR: `nSamples` points uniform in [-1, 1]^2, class 1 where exactly one coordinate is positive
 * ((x1 > 0) xor (x2 > 0)), else 0; Gaussian `noise` then added to the inputs (labels keep the clean
 * quadrant). Seeded. (`shuffle` has no effect: the points are drawn in random order.)
 */
export function makeXor(options?: ClassificationOptions): ClassificationData {
  const where = 'makeXor';
  const p: Problem[] = [];
  const { c } = common(options, where, [], p);
  throwProblems(p, { where });
  const x = new Float64Array(c.n * 2);
  const y = new Int32Array(c.n);
  for (let i = 0; i < c.n; i++) {
    const a = 2 * c.rng.uniform() - 1;
    const b = 2 * c.rng.uniform() - 1;
    x[2 * i] = a;
    x[2 * i + 1] = b;
    y[i] = a > 0 !== b > 0 ? 1 : 0;
  }
  return finish(x, y, 2, 2, { ...c, shuffle: false });
}
