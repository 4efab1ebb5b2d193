// The playground page: the controls, a client of the training worker, and the charts. Also the
// test hook `window.playground` the end-to-end tests read (state, predictions) -- the tests drive
// the page through its buttons and file inputs like a person.
import { BASES, CLASSIFICATION_NAMES, FEATURED_FUNCTIONS, type Basis, type ClassificationName } from './choices';
import type { TaskSpec } from './data';
import { edgeCharts, lossChart, surfaceChart } from './plots';
import { actionRunner, byId, showBackend, showError, WorkerClient } from '@basiskit/app-shell';
import type { BackendSummary, Request, SetupArgs, Snapshot, SymbolicResult } from './protocol';

const $ = byId;

function fill(select: HTMLSelectElement, entries: [string, string][]): void {
  select.replaceChildren(...entries.map(([value, text]) => Object.assign(document.createElement('option'), { value, textContent: text })));
}

/** What the tests read. */
interface PlaygroundHook {
  ready: boolean;
  busy: boolean;
  /** Actions finished (build, train, refine, ...), successful or not. */
  actions: number;
  backend: BackendSummary | null;
  snapshot: Snapshot | null;
  symbolic: SymbolicResult | null;
  lastError: string | null;
  predict(): Promise<number[]>;
}

const hook: PlaygroundHook = {
  ready: false,
  busy: false,
  actions: 0,
  backend: null,
  snapshot: null,
  symbolic: null,
  lastError: null,
  predict: () => client.call<number[]>({ cmd: 'predict' }),
};
(window as unknown as { playground: PlaygroundHook }).playground = hook;

let csvFile: { text: string; fileName: string } | null = null;

function render(s: Snapshot): void {
  hook.snapshot = s;
  const lastTrain = [...s.losses].reverse().find((p) => p.split === 'train');
  const status = $('status');
  status.classList.remove('error');
  status.textContent =
    `${s.label}\n` +
    `${BASES[s.config.basis]} [${s.config.widths.join(', ')}], grid ${s.config.gridSize}, ${s.parameters} parameters | ` +
    `step ${s.step}` +
    (lastTrain ? `, train loss ${lastTrain.loss.toPrecision(4)}` : '') +
    `, ${s.metric.name} ${s.metric.value.toPrecision(4)}` +
    (s.msPerStep ? `, ${s.msPerStep.toFixed(1)} ms/step` : '');
  $('loss-chart').replaceChildren(lossChart(s.losses));
  $('fit-caption').textContent =
    s.task === 'classification' ? 'Decision surface (test points)' : s.surface.kind === 'scatter' ? 'Predicted vs true (test set)' : 'Fit';
  $('fit-chart').replaceChildren(surfaceChart(s.surface));
  $('edges-chart').replaceChildren(...edgeCharts(s.edges));
  const kan = s.config.basis === 'bspline';
  for (const id of ['refine', 'prune', 'symbolic']) ($(id) as HTMLButtonElement).disabled = !kan || hook.busy;
  $('pykan-tools').title = kan ? '' : "pykan's tools act on the B-spline KAN: choose that basis";
}

const client = new WorkerClient<Request, Snapshot>(new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' }), render);

function setBusy(busy: boolean): void {
  hook.busy = busy;
  for (const id of ['build', 'train', 'refine', 'prune', 'symbolic', 'export', 'import-file']) ($(id) as HTMLButtonElement).disabled = busy;
  ($('stop') as HTMLButtonElement).disabled = !busy;
  if (!busy && hook.snapshot) render(hook.snapshot);
}

/** Runs one worker action with the controls disabled; errors go to the status line. */
const act = actionRunner(hook, setBusy);

function taskSpec(): TaskSpec {
  const kind = ($('task-kind') as HTMLSelectElement).value;
  if (kind === 'classification') return { kind, name: ($('classification') as HTMLSelectElement).value as ClassificationName };
  if (kind === 'csv') {
    if (!csvFile) throw new Error('choose a CSV file first');
    return { kind, ...csvFile };
  }
  return { kind: 'function', name: ($('function') as HTMLSelectElement).value };
}

function num(id: string): number {
  return Number(($(id) as HTMLInputElement).value);
}

function setupArgs(): SetupArgs {
  const hidden = ($('hidden') as HTMLInputElement).value.split(/[ ,]+/).filter(Boolean).map(Number);
  return {
    task: taskSpec(),
    basis: ($('basis') as HTMLSelectElement).value as Basis,
    hidden,
    gridSize: num('grid'),
    seed: num('seed'),
    learningRate: num('lr'),
    lamb: num('lamb'),
  };
}

async function build(): Promise<void> {
  await act('build', async () => {
    const s = await client.call<Snapshot>({ cmd: 'setup', args: setupArgs() });
    hook.symbolic = null;
    $('formula').hidden = true;
    render(s);
  });
}

function wire(): void {
  fill(
    $('function'),
    FEATURED_FUNCTIONS.map((n) => [n, n]),
  );
  fill(
    $('classification'),
    CLASSIFICATION_NAMES.map((n) => [n, n]),
  );
  fill(
    $('basis'),
    Object.entries(BASES).map(([k, v]) => [k, v]),
  );
  $('task-kind').addEventListener('change', () => {
    const kind = ($('task-kind') as HTMLSelectElement).value;
    $('function-row').hidden = kind !== 'function';
    $('classification-row').hidden = kind !== 'classification';
    $('csv-row').hidden = kind !== 'csv';
  });
  $('csv-file').addEventListener('change', async () => {
    const f = ($('csv-file') as HTMLInputElement).files?.[0];
    if (f) {
      csvFile = { text: await f.text(), fileName: f.name };
      await build();
    }
  });
  $('build').addEventListener('click', build);
  $('train').addEventListener('click', () => act('train', async () => render(await client.call<Snapshot>({ cmd: 'train', steps: num('steps'), every: 10 }))));
  $('stop').addEventListener('click', () => void client.call({ cmd: 'stop' }));
  $('refine').addEventListener('click', () => act('refine', async () => render(await client.call<Snapshot>({ cmd: 'refine', gridSize: num('refine-grid') }))));
  $('prune').addEventListener('click', () =>
    act('prune', async () => render(await client.call<Snapshot>({ cmd: 'prune', threshold: num('prune-threshold') }))),
  );
  $('symbolic').addEventListener('click', () =>
    act('symbolic fitting', async () => {
      const r = await client.call<{ symbolic: SymbolicResult; snapshot: Snapshot }>({ cmd: 'symbolic' });
      hook.symbolic = r.symbolic;
      const f = $('formula');
      f.hidden = false;
      f.textContent =
        r.symbolic.formulas.map((t, k) => `y${r.symbolic.formulas.length > 1 ? `_${k}` : ''} = ${t}`).join('\n') +
        `\n(${r.symbolic.metric.name} of the formula: ${r.symbolic.metric.value.toPrecision(4)})`;
      render(r.snapshot);
    }),
  );
  $('export').addEventListener('click', () =>
    act('export', async () => {
      const bytes = await client.call<Uint8Array>({ cmd: 'export' });
      const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type: 'application/octet-stream' }));
      const a = Object.assign(document.createElement('a'), { href: url, download: `kan-${hook.snapshot?.config.basis ?? 'model'}.safetensors` });
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    }),
  );
  $('import-file').addEventListener('change', () =>
    act('import', async () => {
      const input = $('import-file') as HTMLInputElement;
      const f = input.files?.[0];
      if (!f) return;
      const bytes = new Uint8Array(await f.arrayBuffer());
      input.value = '';
      render(await client.call<Snapshot>({ cmd: 'import', bytes }, [bytes.buffer]));
    }),
  );
}

async function start(): Promise<void> {
  wire();
  const params = new URLSearchParams(location.search);
  try {
    const info = await client.call<BackendSummary>({ cmd: 'init', backend: params.get('backend') ?? undefined });
    hook.backend = info;
    // every function suite of @basiskit/datasets (the worker lists them: tfjs stays out of the page)
    fill(
      $('function'),
      [...FEATURED_FUNCTIONS, ...info.functions.filter((n) => !FEATURED_FUNCTIONS.includes(n))].map((n) => [n, n]),
    );
    showBackend(info);
  } catch (e) {
    showError(`backend: ${(e as Error).message}`);
    return;
  }
  await build();
  hook.ready = true;
}

void start();
