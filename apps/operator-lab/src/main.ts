// The operator lab's page: the controls, a client of the data/training worker, and the charts.
// `window.operatorLab` is the test hook the end-to-end tests read (the tests click the buttons).
import { fieldCharts, lossChart } from './plots';
import { actionRunner, byId, showBackend, showError, WorkerClient, type BackendSummary } from '@basiskit/app-shell';
import type { GenerateArgs, GenerateSummary, ModelArgs, Request, Snapshot } from './protocol';

const $ = byId;
const num = (id: string) => Number(($(id) as HTMLInputElement).value);

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

const client = new WorkerClient<Request, Snapshot>(new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' }), render);

function setBusy(busy: boolean): void {
  hook.busy = busy;
  for (const id of ['generate', 'build', 'train']) ($(id) as HTMLButtonElement).disabled = busy;
  ($('stop') as HTMLButtonElement).disabled = !busy;
}

/** Runs one worker action with the controls disabled; errors go to the status line. */
const act = actionRunner(hook, setBusy);

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
    showBackend(info);
    $('status').textContent = 'choose a problem and press Generate';
  } catch (e) {
    showError(`backend: ${(e as Error).message}`);
    return;
  }
  hook.ready = true;
}

void start();
