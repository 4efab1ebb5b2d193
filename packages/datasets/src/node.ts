// The Node-only entry, `@basiskit/datasets/node`: PDE data made by several worker threads
// (`worker_threads`). Kept apart from the main entry so browser bundles never see node: modules.
// Shards are contiguous index ranges, one per thread (this one and n - 1 worker threads); sample
// i depends only on (seed, i), so the result equals what one process makes, bit for bit.
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ConfigError, collectNumber, show, tf, throwProblems, type Problem, type Tensor } from '@basiskit/tensor';
import { PDE_GENERATOR_NAMES, pdeGenerator, type PdeGeneratorName } from './pde_registry';
import { checkObject, checkShard, type ShardOptions } from './shards';

export type { PdeGeneratorName } from './pde_registry';

/** Options of {@link generateParallel}: the generator's own options, the shard and `workers`. */
export type ParallelOptions = ShardOptions & {
  /** Threads: this one and `workers - 1` worker threads (1: all in this thread). Default: `os.availableParallelism()`. */
  workers?: number;
  /** The generator's options (as for `generateDarcy`, `generateBurgers`, `generateNavierStokes`). */
  [option: string]: unknown;
};

/** Result of {@link generateParallel}: float32 tensors as the generator's, and recorded times where it has them. */
export interface ParallelResult {
  x: Tensor;
  y: Tensor;
  times?: number[];
}

interface Part {
  x: Float32Array;
  y: Float32Array;
  times?: number[];
}

function workerFile(): URL {
  // dist/node.js (ESM) or dist/node.cjs (CJS) -> dist/pde_worker.js
  const base = typeof __filename === 'string' ? pathToFileURL(__filename).href : import.meta.url;
  return new URL('./pde_worker.js', base);
}

/** The parent's Node flags without its entry (`-e code`, `-p code`, `--input-type`), which workers reject. */
function workerExecArgv(): string[] {
  const out: string[] = [];
  const argv = process.execArgv;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (/^--input-type(=|$)/.test(a)) {
      if (a === '--input-type') i++;
      continue;
    }
    if (['-e', '--eval', '-p', '--print'].includes(a)) {
      i++;
      continue;
    }
    if (/^--(eval|print)=/.test(a)) continue;
    out.push(a);
  }
  return out;
}

/**
 * Runs `jobs` on `n` worker threads, each taking the next job when it finishes one (dynamic
 * scheduling: samples differ in cost, e.g. CG iterations, so equal contiguous shards leave one
 * thread idle at the end). Returns the parts in job order.
 */
function runWorkers(jobs: Record<string, unknown>[], n: number): Promise<Part[]> {
  return new Promise((resolve, reject) => {
    const parts = new Array<Part>(jobs.length);
    const pool: Worker[] = [];
    let next = 0;
    let done = 0;
    let failed = false;
    const stop = () => pool.forEach((w) => void w.terminate());
    const fail = (e: unknown) => {
      if (failed) return;
      failed = true;
      stop();
      reject(e);
    };
    const feed = (w: Worker) => {
      if (next >= jobs.length) return;
      const k = next++;
      w.once('message', (m: Part & { error?: string }) => {
        if (m.error) return fail(new Error(`generateParallel worker: ${m.error}`));
        parts[k] = m;
        if (++done === jobs.length) {
          stop();
          resolve(parts);
        } else feed(w);
      });
      w.postMessage(jobs[k]);
    };
    for (let i = 0; i < n; i++) {
      const w = new Worker(workerFile(), { execArgv: workerExecArgv() });
      w.once('error', fail);
      pool.push(w);
      feed(w);
    }
  });
}

/**
 * Makes samples `start .. start + count - 1` of the PDE generator `name` ('darcy', 'burgers',
 * 'navierStokes') on `workers` threads, each a contiguous shard: this thread makes the first (it
 * is busy until its shard is done) and `workers - 1` worker threads the others. Same result as the generator's
 * `generate*` function in one thread. The caller disposes the tensors.
 */
export async function generateParallel(name: PdeGeneratorName, options: ParallelOptions): Promise<ParallelResult> {
  const where = 'generateParallel';
  const gen = pdeGenerator(name);
  if (!gen) throw new ConfigError('unknown generator', { where, argument: 'name', expected: `one of ${PDE_GENERATOR_NAMES.join(', ')}`, got: show(name) });
  checkObject(options, where);
  const { workers: workersOpt, ...shardAndRest } = options;
  const { seed, start, count, rest } = checkShard(shardAndRest, where);
  const p: Problem[] = [];
  const workers = workersOpt ?? availableParallelism();
  collectNumber({ workers }, 'workers', { integer: true, min: 1 }, p);
  throwProblems(p, { where });
  const resolved = gen.resolve(rest, where);
  const shapes = gen.shapes(resolved);
  const n = Math.min(workers as number, count);
  let parts: Part[];
  const pack = (a: Float64Array[]): Float32Array => {
    const per = a[0].length;
    const out = new Float32Array(a.length * per);
    a.forEach((v, i) => out.set(v, i * per));
    return out;
  };
  if (n === 1) {
    const { xs, ys, times } = gen.samples(resolved, seed, start, count);
    parts = [{ x: pack(xs), y: pack(ys), times }];
  } else {
    // one contiguous shard per thread: shard 0 runs here while the n - 1 worker threads start
    // (a worker needs ~0.3 s to load tfjs), the others on the workers. Smaller chunks handed out
    // dynamically measured slower (2 threads, 1,000 Darcy samples: 3.8 s one shard each, 4.3-4.7 s
    // with 2-16 chunks per thread).
    const jobs: { start: number; count: number }[] = [];
    for (let k = 0, s = start; k < n; k++) {
      const c = Math.floor(count / n) + (k < count % n ? 1 : 0);
      jobs.push({ start: s, count: c });
      s += c;
    }
    const remote = runWorkers(
      jobs.slice(1).map((j) => ({ name, resolved, seed, ...j })),
      n - 1,
    );
    const here = gen.samples(resolved, seed, jobs[0].start, jobs[0].count);
    parts = [{ x: pack(here.xs), y: pack(here.ys), times: here.times }, ...(await remote)];
  }
  const cat = (key: 'x' | 'y'): Float32Array => {
    const out = new Float32Array(parts.reduce((a, q) => a + q[key].length, 0));
    let off = 0;
    for (const q of parts) {
      out.set(q[key], off);
      off += q[key].length;
    }
    return out;
  };
  const result: ParallelResult = { x: tf.tensor(cat('x'), [count, ...shapes.x], 'float32'), y: tf.tensor(cat('y'), [count, ...shapes.y], 'float32') };
  if (parts[0].times) result.times = parts[0].times;
  return result;
}

// Datasets on disk: shards (npy or safetensors) + a JSON manifest, written with a progress bar
export { generate, readManifest, loadShard, readDataset } from './generate';
export type { GenerateOptions, GenerateProgressStream, SampleGenerator } from './generate';
