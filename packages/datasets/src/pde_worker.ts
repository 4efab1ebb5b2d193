// Worker-thread entry of the `./node` entry's generateParallel: makes one contiguous shard of a
// PDE generator and posts it back as float32 arrays (transferred, not copied).
import { parentPort } from 'node:worker_threads';
import { pdeGenerator } from './pde_registry';

interface Job {
  name: string;
  resolved: Record<string, unknown>;
  seed: number | bigint;
  start: number;
  count: number;
}

parentPort?.on('message', (job: Job) => {
  try {
    const gen = pdeGenerator(job.name);
    if (!gen) throw new Error(`unknown generator ${job.name}`);
    const { xs, ys, times } = gen.samples(job.resolved, job.seed, job.start, job.count);
    const pack = (arr: Float64Array[]): Float32Array => {
      const per = arr.length ? arr[0].length : 0;
      const out = new Float32Array(arr.length * per);
      arr.forEach((a, i) => out.set(a, i * per));
      return out;
    };
    const x = pack(xs);
    const y = pack(ys);
    parentPort?.postMessage({ x, y, times }, [x.buffer as ArrayBuffer, y.buffer as ArrayBuffer]);
  } catch (e) {
    parentPort?.postMessage({ error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) });
  }
});
