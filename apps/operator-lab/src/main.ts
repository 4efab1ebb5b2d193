// The operator lab's page: the controls, a client of the data/training worker, and the charts.
// `window.operatorLab` is the test hook the end-to-end tests read (the tests click the buttons).
import { fieldCharts, lossChart } from './plots';
import type { BackendSummary, GenerateArgs, GenerateSummary, ModelArgs, Request, Response, Snapshot, WorkerEvent } from './protocol';

/** A promise-based client of the worker: one request, one response (by id); snapshots as events. */
class LabClient {
  private readonly worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
  private next = 1;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();

  constructor(onSnapshot: (s: Snapshot) => void) {
    this.worker.onmessage = (e: MessageEvent<Response | WorkerEvent>) => {
      const m = e.data;
      if ('event' in m) return onSnapshot(m.snapshot);
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (m.ok) p?.resolve(m.result);
      else p?.reject(new Error(m.error));
    };
    this.worker.onerror = (e) => showError(`worker: ${e.message}`);
  }

  call<T>(req: Request): Promise<T> {
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ id, ...req });
    });
  }
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const num = (id: string) => Number(($(id) as HTMLInputElement).value);

function showError(message: string): void {
  const s = $('status');
  s.textContent = message;
  s.classList.add('error');
}

/** What the tests read. */
interface LabHook {
  ready: boolean;
  busy: boolean;
  /** Actions finished (generate, build, train), successful or not. */
  actions: number;
  backend: BackendSummary | null;
  generated: GenerateSummary | null;
  snapshot: Snapshot | null;
  lastError: string | null;
}

const hook: LabHook = { ready: false, busy: false, actions: 0, backend: null, generated: null, snapshot: null, lastError: null };
(window as unknown as { operatorLab: LabHook }).operatorLab = hook;

function render(s: Snapshot): void {
  hook.snapshot = s;
  const g = hook.generated;
  const lastTrain = [...s.losses].reverse().find((p) => p.split === 'train');
  const status = $('status');
  status.classList.remove('error');
  status.textContent =
    (g
      ? `${g.problem === 'burgers' ? 'Burgers' : 'Darcy'}: ${g.nTrain} training and ${g.nTest} test samples generated in ${(g.ms / 1000).toFixed(2)} s\n`
      : '') +
    `FNO, ${s.parameters} parameters | step ${s.step}` +
    (lastTrain ? `, train rel. L2 ${lastTrain.loss.toPrecision(3)}` : '') +
    (s.msPerStep ? `, ${s.msPerStep.toFixed(1)} ms/step` : '');
  $('loss-chart').replaceChildren(lossChart(s.losses));
  const res = (n: number) => (s.problem === 'burgers' ? `${n} points` : `${n} x ${n}`);
  $('error-table').innerHTML =
    `<table><tr><th>resolution</th><th>relative L2</th></tr>` +
    `<tr><td>training (${res(s.trainResolution)})</td><td id="test-error">${s.testError.toPrecision(4)}</td></tr>` +
    `<tr><td>2x, zero-shot (${res(s.superResolution)})</td><td id="super-error">${s.superResolutionError.toPrecision(4)}</td></tr></table>`;
  const rowsLabel = s.problem === 'burgers' ? `rows: the first ${s.fields.rows} test samples, columns: x` : 'the first test sample';
  $('fields-caption').textContent = `Test samples at the training resolution (${res(s.trainResolution)})`;
  $('fields-chart').replaceChildren(fieldCharts(s.fields, `relative L2 ${s.testError.toPrecision(3)}`, rowsLabel));
  $('super-caption').textContent = `Zero-shot super-resolution: the same network at ${res(s.superResolution)}`;
  $('super-chart').replaceChildren(fieldCharts(s.superFields, `relative L2 ${s.superResolutionError.toPrecision(3)}`, rowsLabel));
}

const client = new LabClient(render);

function setBusy(busy: boolean): void {
  hook.busy = busy;
  for (const id of ['generate', 'build', 'train']) ($(id) as HTMLButtonElement).disabled = busy;
  ($('stop') as HTMLButtonElement).disabled = !busy;
}

async function act<T>(what: string, fn: () => Promise<T>): Promise<T | undefined> {
  setBusy(true);
  try {
    const out = await fn();
    hook.lastError = null;
    return out;
  } catch (e) {
    hook.lastError = `${what}: ${(e as Error).message}`;
    showError(hook.lastError);
    return undefined;
  } finally {
    hook.actions += 1;
    setBusy(false);
  }
}

function modelArgs(): ModelArgs {
  return { modes: num('modes'), width: num('width'), layers: num('layers'), learningRate: num('lr'), batchSize: num('batch'), seed: num('model-seed') };
}

const buildModel = () => client.call<Snapshot>({ cmd: 'build', args: modelArgs() }).then(render);

function wire(): void {
  $('problem').addEventListener('change', () => {
    // Darcy's 2-D FNO: fewer modes and channels keep a step short on one core
    const darcy = ($('problem') as HTMLSelectElement).value === 'darcy';
    ($('modes') as HTMLInputElement).value = darcy ? '8' : '12';
    ($('width') as HTMLInputElement).value = darcy ? '12' : '24';
    ($('layers') as HTMLInputElement).value = darcy ? '3' : '4';
    ($('batch') as HTMLInputElement).value = darcy ? '8' : '16';
    ($('lr') as HTMLInputElement).value = darcy ? '0.01' : '0.005';
  });
  $('generate').addEventListener('click', () =>
    act('generate', async () => {
      const args: GenerateArgs = {
        problem: ($('problem') as HTMLSelectElement).value as GenerateArgs['problem'],
        nTrain: num('n-train'),
        nTest: num('n-test'),
        seed: num('data-seed'),
      };
      $('status').textContent = `generating ${args.nTrain + args.nTest} ${args.problem} samples in the worker…`;
      hook.generated = await client.call<GenerateSummary>({ cmd: 'generate', args });
      await buildModel();
    }),
  );
  $('build').addEventListener('click', () => act('build', buildModel));
  $('train').addEventListener('click', () => act('train', async () => render(await client.call<Snapshot>({ cmd: 'train', steps: num('steps'), every: 10 }))));
  $('stop').addEventListener('click', () => void client.call({ cmd: 'stop' }));
}

async function start(): Promise<void> {
  wire();
  try {
    const info = await client.call<BackendSummary>({ cmd: 'init', backend: new URLSearchParams(location.search).get('backend') ?? undefined });
    hook.backend = info;
    $('backend').textContent =
      `backend: ${info.name}` +
      (info.name === 'wasm' ? ` (SIMD ${info.simd ? 'on' : 'off'}, ${info.threads ?? 1} thread${info.threads === 1 ? '' : 's'})` : '') +
      (info.crossOriginIsolated ? ', cross-origin isolated' : '');
    $('backend').title = info.fallbacks.join('\n');
    $('status').textContent = 'choose a problem and press Generate';
  } catch (e) {
    showError(`backend: ${(e as Error).message}`);
    return;
  }
  hook.ready = true;
}

void start();
