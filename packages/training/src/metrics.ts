// Metrics that read back one number (and dispose what they create), and the History of logged
// values per epoch.
import { ConfigError, DTypeError, ShapeError, checkNumber, formatShape, tf } from '@basiskit/tensor';

function shapeError(where: string, argument: string, expected: string, got: tf.Tensor): ShapeError {
  return new ShapeError('wrong shape', { where, argument, expected, got: `shape ${formatShape(got.shape)}` });
}

function checkSame(where: string, pred: tf.Tensor, target: tf.Tensor): void {
  if (pred.rank !== target.rank || pred.shape.some((d, i) => d !== target.shape[i])) {
    throw shapeError(where, 'target', `shape ${formatShape(pred.shape)} (as pred)`, target);
  }
}

/**
 * Classification accuracy: the fraction of rows of `logitsOrProbs` `[N, C]` whose argmax equals
 * the label, where `labels` are int32 class indices `[N]` or one-hot / probability rows `[N, C]`
 * (their argmax is the class). Ties go to the first maximum (as tf.argMax). Returns a plain
 * number in [0, 1] (NaN for N = 0).
 */
export function accuracy(logitsOrProbs: tf.Tensor, labels: tf.Tensor): number {
  const where = 'accuracy';
  if (logitsOrProbs.rank !== 2) throw shapeError(where, 'logitsOrProbs', 'shape [N, C]', logitsOrProbs);
  const [n, c] = logitsOrProbs.shape;
  if (labels.rank === 1) {
    if (labels.shape[0] !== n) throw shapeError(where, 'labels', `shape [${n}] or [${n}, ${c}]`, labels);
    if (labels.dtype !== 'int32') {
      throw new DTypeError('class indices must be int32', { where, argument: 'labels', expected: 'int32 [N] or [N, C] rows', got: labels.dtype });
    }
  } else if (labels.rank !== 2 || labels.shape[0] !== n || labels.shape[1] !== c) {
    throw shapeError(where, 'labels', `shape [${n}] or [${n}, ${c}]`, labels);
  }
  if (n === 0) return NaN;
  return tf.tidy(() => {
    const predicted = tf.argMax(logitsOrProbs, -1);
    const truth = labels.rank === 1 ? labels : tf.argMax(labels, -1);
    return tf.sum(tf.cast(tf.equal(predicted, truth), 'float32')).dataSync()[0] / n;
  });
}

/**
 * Coefficient of determination R^2 = 1 - SS_res / SS_tot, as scikit-learn's `r2_score`:
 * `pred`/`target` `[N]` give one score; `[N, ...]` are N samples of D = prod(...) outputs, scored
 * per output and averaged uniformly (sklearn's default `multioutput='uniform_average'`). An
 * output with a constant target scores 1 if predicted exactly, else 0 (sklearn's
 * `force_finite=True`). Returns a plain number (NaN for fewer than two samples, as sklearn).
 */
export function r2Score(pred: tf.Tensor, target: tf.Tensor): number {
  const where = 'r2Score';
  checkSame(where, pred, target);
  if (pred.rank === 0) throw shapeError(where, 'pred', 'rank >= 1 (samples first)', pred);
  const n = pred.shape[0];
  if (n < 2) return NaN;
  const [ssRes, ssTot] = tf.tidy(() => {
    const p = tf.reshape(pred, [n, -1]);
    const t = tf.reshape(target, [n, -1]);
    const res = tf.sum(tf.square(tf.sub(t, p)), 0);
    const tot = tf.sum(tf.square(tf.sub(t, tf.mean(t, 0))), 0);
    return [res.dataSync().slice(), tot.dataSync().slice()];
  });
  let sum = 0;
  for (let j = 0; j < ssRes.length; j++) {
    if (ssTot[j] !== 0) sum += 1 - ssRes[j] / ssTot[j];
    else sum += ssRes[j] === 0 ? 1 : 0;
  }
  return sum / ssRes.length;
}

/**
 * Mean relative L2 error over the batch: for each sample (first dim) `||pred - target|| / ||target||`
 * (Euclidean norms over all other dims), averaged over the samples; a rank-1 input is one sample.
 * No epsilon: a zero target gives Infinity (or NaN with a zero error). Returns a plain number.
 * (neuraloperator's LpLoss with p = 2 is the same ratio, summed and with eps; this is the metric
 * papers report.)
 */
export function relativeL2(pred: tf.Tensor, target: tf.Tensor): number {
  const where = 'relativeL2';
  checkSame(where, pred, target);
  if (pred.rank === 0) throw shapeError(where, 'pred', 'rank >= 1', pred);
  const n = pred.rank === 1 ? 1 : pred.shape[0];
  if (n === 0) return NaN;
  return tf.tidy(() => {
    const e = tf.reshape(tf.sub(pred, target), [n, -1]);
    const t = tf.reshape(target, [n, -1]);
    const ratio = tf.div(tf.sqrt(tf.sum(tf.square(e), -1)), tf.sqrt(tf.sum(tf.square(t), -1)));
    return tf.mean(ratio).dataSync()[0];
  });
}

/** The JSON form of a {@link History}: epochs, and per key one value per epoch (null: not logged). */
export interface HistoryJSON {
  /** The recorded epochs, in recording order. */
  epoch: number[];
  /** Per key, the value at each epoch; null where not logged; 'NaN' / 'Infinity' / '-Infinity' for non-finite values. */
  history: Record<string, (number | string | null)[]>;
}

function encode(v: number | undefined): number | string | null {
  if (v === undefined) return null;
  return Number.isFinite(v) ? v : String(v);
}

function decode(v: unknown, where: string, key: string): number | undefined {
  if (v === null) return undefined;
  if (typeof v === 'number') return v;
  if (v === 'NaN') return NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  throw new ConfigError('invalid value', { where, argument: `history.${key}`, expected: "a number, null, 'NaN' or '±Infinity'", got: JSON.stringify(v) });
}

/**
 * Values logged per epoch (losses, metrics, learning rates): `record(epoch, logs)` adds (or, for
 * an epoch already recorded, merges into) a row; `get(key)` gives the values of `key` in order,
 * over the epochs that logged it (`epochs(key)` gives those epochs). Serialises with `toJSON()`
 * (so `JSON.stringify(history)` works, NaN/Infinity losses included) and `History.fromJSON()`.
 */
export class History {
  private readonly rows: { epoch: number; logs: Record<string, number> }[] = [];
  private readonly index = new Map<number, number>();

  /** Records `logs` for `epoch` (merged into that epoch's row if it was recorded before). */
  record(epoch: number, logs: Record<string, number>): void {
    const where = 'History.record';
    checkNumber(epoch, { where, argument: 'epoch' });
    for (const [k, v] of Object.entries(logs)) {
      if (typeof v !== 'number') {
        throw new ConfigError('invalid value', { where, argument: `logs.${k}`, expected: 'a number', got: typeof v });
      }
    }
    const at = this.index.get(epoch);
    if (at === undefined) {
      this.index.set(epoch, this.rows.length);
      this.rows.push({ epoch, logs: { ...logs } });
    } else {
      Object.assign(this.rows[at].logs, logs);
    }
  }

  /** The values of `key`, in recording order, over the epochs that logged it ([] if none). */
  get(key: string): number[] {
    return this.rows.filter((r) => key in r.logs).map((r) => r.logs[key]);
  }

  /** The recorded epochs, or those that logged `key`. */
  epochs(key?: string): number[] {
    return this.rows.filter((r) => key === undefined || key in r.logs).map((r) => r.epoch);
  }

  /** Every key logged at least once, in first-seen order. */
  keys(): string[] {
    const seen = new Set<string>();
    for (const r of this.rows) for (const k of Object.keys(r.logs)) seen.add(k);
    return [...seen];
  }

  /** The last value of `key`, or undefined. */
  last(key: string): number | undefined {
    for (let i = this.rows.length - 1; i >= 0; i--) if (key in this.rows[i].logs) return this.rows[i].logs[key];
    return undefined;
  }

  /** Number of recorded epochs. */
  get length(): number {
    return this.rows.length;
  }

  /** The JSON form (see {@link HistoryJSON}). */
  toJSON(): HistoryJSON {
    const history: Record<string, (number | string | null)[]> = {};
    for (const k of this.keys()) history[k] = this.rows.map((r) => encode(r.logs[k]));
    return { epoch: this.rows.map((r) => r.epoch), history };
  }

  /** Rebuilds a History from {@link History.toJSON}'s output (or its JSON.parse'd string). */
  static fromJSON(json: HistoryJSON | string): History {
    const where = 'History.fromJSON';
    const data = (typeof json === 'string' ? JSON.parse(json) : json) as HistoryJSON;
    if (!data || !Array.isArray(data.epoch) || typeof data.history !== 'object' || data.history === null) {
      throw new ConfigError('not a History JSON', { where, argument: 'json', expected: '{ epoch: number[], history: { key: values[] } }', got: typeof data });
    }
    const h = new History();
    for (const [k, values] of Object.entries(data.history)) {
      if (!Array.isArray(values) || values.length !== data.epoch.length) {
        throw new ConfigError('wrong number of values', {
          where,
          argument: `history.${k}`,
          expected: `${data.epoch.length} values (one per epoch)`,
          got: Array.isArray(values) ? `${values.length}` : typeof values,
        });
      }
    }
    data.epoch.forEach((epoch, i) => {
      const logs: Record<string, number> = {};
      for (const [k, values] of Object.entries(data.history)) {
        const v = decode(values[i], where, k);
        if (v !== undefined) logs[k] = v;
      }
      h.record(epoch, logs);
    });
    return h;
  }
}
