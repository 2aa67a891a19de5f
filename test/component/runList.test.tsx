import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RunRecord, StepRecord } from '../../src/engine/records';
import type { TabflowDb } from '../../src/store/db';
import { AllRuns } from '../../src/ui/runlist/AllRuns';
import { RunsPanel } from '../../src/ui/runs/RunsPanel';
import { useUi } from '../../src/ui/state';
import { freshDb, renderWithExecutor } from './helpers';

/** The all-runs screen (filters and search in the address) and the windowed step list of a long run. */
const T0 = new Date(2026, 11, 1, 10, 0).getTime();
const executor = { storageFull: vi.fn(async () => []) };
/** Long journals take a moment in fake-indexeddb on a busy machine. */
const PATIENT = { timeout: 5_000 };

function run(id: string, fields: Partial<RunRecord> = {}): RunRecord {
  return {
    id,
    workflowHash: 'h',
    workflowName: 'Digest',
    workflowId: 'w1',
    mode: 'durable',
    input: { customerId: 'cus_001' },
    status: 'completed',
    generation: 0,
    createdAt: T0,
    updatedAt: T0 + 1_000,
    finishedAt: T0 + 1_000,
    activeMs: 900,
    depth: 0,
    nextSeq: 0,
    ...fields,
  };
}

function step(runId: string, i: number, fields: Partial<StepRecord> = {}): StepRecord {
  return {
    kind: 'step',
    key: `${runId}:work@each[${i}]`,
    runId,
    slug: 'work',
    path: `each[${i}]`,
    stepType: 'action',
    seq: i,
    status: 'completed',
    attempts: [],
    interruptions: 0,
    startedAt: T0,
    endedAt: T0 + 5,
    ...fields,
  } as StepRecord;
}

function AllRunsScreen() {
  const route = useUi((s) => s.route);
  return route.screen === 'allRuns' ? <AllRuns filters={route.filters} /> : <p>{route.screen}</p>;
}

async function seedRuns(db: TabflowDb) {
  await db.runs.bulkPut([
    run('r-new', { createdAt: T0 + 3_600_000, input: { topic: 'Quarterly report' } }),
    run('r-failed', {
      status: 'failed',
      createdAt: T0 + 60_000,
      error: { message: 'Request timed out after 30 s', category: 'timeout', retryable: true },
    }),
    run('r-other', { workflowId: 'w2', workflowName: 'Routing', createdAt: T0 + 120_000 }),
    run('r-old', { createdAt: T0 - 3 * 86_400_000 }),
  ]);
}

const shownRuns = () =>
  Array.from(screen.getByRole('list', { name: 'Runs' }).querySelectorAll('[data-run-id]')).map(
    (row) => (row as HTMLElement).dataset.runId,
  );

describe('all runs', () => {
  afterEach(() => void (window.location.hash = ''));

  it('lists every run newest first; status, workflow, days and search narrow it, and the address says so', async () => {
    const db = freshDb();
    await seedRuns(db);
    window.location.hash = '#/runs';
    renderWithExecutor(db, executor, <AllRunsScreen />);
    await waitFor(() => expect(shownRuns()).toEqual(['r-new', 'r-other', 'r-failed', 'r-old']));
    expect(screen.getByTestId('run-count').textContent).toBe('4 runs');
    const row = screen.getByRole('link', { name: /Routing/ });
    expect(row.getAttribute('href')).toBe('#/w/w2/runs/r-other');

    await userEvent.selectOptions(screen.getByLabelText('Status'), 'failed');
    await waitFor(() => expect(shownRuns()).toEqual(['r-failed']));
    expect(window.location.hash).toBe('#/runs/status=failed');
    await userEvent.selectOptions(screen.getByLabelText('Status'), '');
    await userEvent.selectOptions(screen.getByLabelText('Workflow'), 'w2');
    await waitFor(() => expect(shownRuns()).toEqual(['r-other']));
    await userEvent.selectOptions(screen.getByLabelText('Workflow'), '');
    fireEvent.change(screen.getByLabelText('To'), { target: { value: '2026-11-30' } });
    await waitFor(() => expect(shownRuns()).toEqual(['r-old']));
    expect(window.location.hash).toBe('#/runs/to=2026-11-30');
    fireEvent.change(screen.getByLabelText('To'), { target: { value: '' } });
    fireEvent.change(screen.getByLabelText('From'), { target: { value: '2026-12-01' } });
    await waitFor(() => expect(shownRuns()).toEqual(['r-new', 'r-other', 'r-failed']));

    // Search matches the input summary, the error text and the run id.
    await userEvent.type(screen.getByLabelText('Search runs'), 'quarterly');
    await waitFor(() => expect(shownRuns()).toEqual(['r-new']));
    expect(window.location.hash).toBe('#/runs/from=2026-12-01/q=quarterly');
    await userEvent.clear(screen.getByLabelText('Search runs'));
    await userEvent.type(screen.getByLabelText('Search runs'), 'TIMED OUT');
    await waitFor(() => expect(shownRuns()).toEqual(['r-failed']));
    await userEvent.clear(screen.getByLabelText('Search runs'));
    await userEvent.type(screen.getByLabelText('Search runs'), 'r-oth');
    await waitFor(() => expect(shownRuns()).toEqual(['r-other']));
    await userEvent.type(screen.getByLabelText('Search runs'), 'nothing');
    await screen.findByText(/No run matches these filters/);
    await userEvent.click(screen.getByRole('button', { name: 'Clear the filters' }));
    await waitFor(() => expect(shownRuns()).toHaveLength(4));
    expect(window.location.hash).toBe('#/runs');
  });

  it('an address with filters opens the list filtered, its fields filled in', async () => {
    const db = freshDb();
    await seedRuns(db);
    window.location.hash = '#/runs/status=failed/q=timed%20out';
    renderWithExecutor(db, executor, <AllRunsScreen />);
    await waitFor(() => expect(shownRuns()).toEqual(['r-failed']));
    expect((screen.getByLabelText('Status') as HTMLSelectElement).value).toBe('failed');
    expect((screen.getByLabelText('Search runs') as HTMLInputElement).value).toBe('timed out');
    expect(screen.getByTestId('run-count').textContent).toBe('1 of 4 runs');
  });

  it('a run written later shows in the list live, and one deleted goes', async () => {
    const db = freshDb();
    await seedRuns(db);
    window.location.hash = '#/runs';
    renderWithExecutor(db, executor, <AllRunsScreen />);
    await waitFor(() => expect(shownRuns()).toHaveLength(4));
    await db.runs.put(run('r-newest', { createdAt: T0 + 7_200_000, status: 'running' }));
    await waitFor(() => expect(shownRuns()[0]).toBe('r-newest'));
    await db.runs.put(run('r-newest', { createdAt: T0 + 7_200_000, status: 'completed', updatedAt: T0 + 9e6 }));
    await waitFor(() =>
      expect(document.querySelector('[data-run-id="r-newest"]')!.getAttribute('data-run-status')).toBe('completed'),
    );
    await db.runs.delete('r-old');
    await waitFor(() => expect(shownRuns()).not.toContain('r-old'));
  });
});

/** jsdom lays nothing out: the step list's box is 400 px high and each row 40 px, as a browser would say. */
function layOut() {
  let scrollTop = 0;
  vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockImplementation(function (this: HTMLElement) {
    return this.classList.contains('virtual-scroller') ? 400 : 0;
  });
  vi.spyOn(HTMLElement.prototype, 'offsetHeight', 'get').mockImplementation(function (this: HTMLElement) {
    return this.tagName === 'LI' ? 40 : 0;
  });
  return {
    scrollTo(scroller: HTMLElement, top: number) {
      Object.defineProperty(scroller, 'scrollTop', { configurable: true, get: () => scrollTop });
      scrollTop = top;
      fireEvent.scroll(scroller);
    },
  };
}

const drawnSteps = (detail: HTMLElement) =>
  Array.from(within(detail).getByRole('list', { name: 'Steps' }).querySelectorAll('li[data-step-key]')).map(
    (row) => (row as HTMLElement).dataset.stepKey!,
  );

describe('a long run', () => {
  beforeEach(() => void (window.location.hash = '#/w/w1/runs/long'));
  afterEach(() => {
    vi.restoreAllMocks();
    window.location.hash = '';
  });

  it('draws only the rows in view, reads them as it scrolls, and shows a change in view live', async () => {
    const layout = layOut();
    const db = freshDb();
    const STEPS = 1_000;
    await db.runs.put(run('long', { nextSeq: STEPS + 1, status: 'running', finishedAt: undefined }));
    const steps = Array.from({ length: STEPS }, (_, i) => step('long', i));
    // A model round of step 0, recorded last: it is shown in its step, not as a row.
    steps.push({
      ...step('long', 0),
      kind: 'llm-round',
      stepType: 'llm-round',
      key: 'long:work@each[0]/r1',
      parentKey: 'long:work@each[0]',
      seq: STEPS,
    } as StepRecord);
    await db.steps.bulkPut(steps);
    // Every list of records read from the store, by its length.
    const collection = Object.getPrototypeOf(db.steps.toCollection()) as { toArray(): Promise<unknown[]> };
    const toArray = collection.toArray;
    const lengths: number[] = [];
    vi.spyOn(collection, 'toArray').mockImplementation(async function (this: unknown) {
      const records = await toArray.call(this);
      lengths.push(records.length);
      return records;
    });
    const chunks = vi.spyOn(db.steps, 'bulkGet');
    renderWithExecutor(db, executor, <RunsPanel workflowId="w1" />);
    const detail = await screen.findByRole('region', { name: 'Run long' });
    await waitFor(() => expect(drawnSteps(detail)[0]).toBe('long:work@each[0]'), PATIENT);
    const first = drawnSteps(detail);
    expect(first.length).toBeGreaterThan(5);
    expect(first.length).toBeLessThan(40);
    expect(first).not.toContain('long:work@each[0]/r1');

    // 46 px a row (40 and the 6 px gap): 600 rows down is row 600 at the top.
    const scroller = detail.querySelector<HTMLElement>('.step-scroller')!;
    act(() => layout.scrollTo(scroller, 600 * 46));
    await waitFor(() => expect(drawnSteps(detail)).toContain('long:work@each[605]'), PATIENT);
    const middle = drawnSteps(detail);
    expect(middle).not.toContain('long:work@each[0]');
    expect(middle.every((key) => Math.abs(Number(/\[(\d+)\]/.exec(key)![1]) - 605) < 30)).toBe(true);
    // Never the whole journal at once: the window is the pages in view and one either side (50 rows a page),
    // the totals' chunks 400 records.
    expect(lengths.length).toBeGreaterThan(1);
    expect(Math.max(...lengths), String(lengths)).toBeLessThanOrEqual(200);
    expect(Math.max(...chunks.mock.calls.map(([keys]) => keys.length))).toBeLessThanOrEqual(400);

    await db.steps.put(
      step('long', 603, { status: 'failed', error: { message: 'boom', category: 'internal', retryable: false } }),
    );
    await waitFor(() =>
      expect(detail.querySelector('[data-step-key="long:work@each[603]"]')!.getAttribute('data-status')).toBe('failed'),
    );
    expect(
      within(detail.querySelector<HTMLElement>('[data-step-key="long:work@each[603]"]')!).getByText('boom'),
    ).toBeTruthy();
  });

  it('sums the tokens of every step, and adds a step that finishes later', async () => {
    const db = freshDb();
    const llm = (i: number, tokens: number) =>
      step('long', i, {
        stepType: 'llm',
        meta: {
          provider: 'demo',
          model: 'demo-1',
          rounds: 1,
          usage: { inputTokens: tokens, outputTokens: 0, totalTokens: tokens },
        },
      });
    await db.runs.put(run('long', { status: 'running', finishedAt: undefined }));
    await db.steps.bulkPut([...Array.from({ length: 900 }, (_, i) => llm(i, 2)), llm(900, 5)]);
    renderWithExecutor(db, executor, <RunsPanel workflowId="w1" />);
    const detail = await screen.findByRole('region', { name: 'Run long' });
    await waitFor(
      () => expect(detail.querySelector('.run-usage')?.getAttribute('data-run-tokens')).toBe('1805'),
      PATIENT,
    );
    await db.steps.put({ ...llm(901, 0), status: 'started', endedAt: undefined, meta: undefined } as StepRecord);
    await db.steps.put(llm(901, 100));
    await waitFor(
      () => expect(detail.querySelector('.run-usage')?.getAttribute('data-run-tokens')).toBe('1905'),
      PATIENT,
    );
  });
});
