import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RunRecord, StepRecord } from '../../src/engine/records';
import type { TabflowDb } from '../../src/store/db';
import { DbProvider } from '../../src/ui/DbContext';
import { ExecutorProvider } from '../../src/ui/ExecutorContext';
import { formatUsd } from '../../src/ui/runs/cost';
import { ForkDialog } from '../../src/ui/runs/RunDialogs';
import { RunsPanel } from '../../src/ui/runs/RunsPanel';
import { UiStoreProvider, useUi } from '../../src/ui/state';
import type { ExecutorApi } from '../../src/worker/api';
import { freshDb } from './helpers';

/** The runs tab over records as the engine writes them: cost, retries, the runs list, step names. */
const T0 = Date.parse('2026-12-01T10:00:00Z');

function run(id: string, fields: Partial<RunRecord> = {}): RunRecord {
  return {
    id,
    workflowHash: 'hash1',
    workflowName: 'Digest',
    workflowId: 'w1',
    mode: 'durable',
    input: { customerId: 'cus_002' },
    status: 'completed',
    output: 'done',
    generation: 0,
    createdAt: T0,
    updatedAt: T0 + 12_000,
    finishedAt: T0 + 12_000,
    activeMs: 3_900,
    depth: 0,
    nextSeq: 5,
    ...fields,
  };
}

function llmStep(runId: string, slug: string, seq: number, meta: StepRecord['meta']): StepRecord {
  return {
    kind: 'step',
    key: `${runId}:${slug}@`,
    runId,
    slug,
    path: '',
    stepType: 'llm',
    seq,
    status: 'completed',
    attempts: [],
    interruptions: 0,
    output: 'ok',
    startedAt: T0,
    endedAt: T0 + 3_900,
    meta,
  } as StepRecord;
}

const usage = { inputTokens: 1000, outputTokens: 500, totalTokens: 1500 };

/** A round of `write` that got a 500, then a 429 (Retry-After 2 s), then an answer. */
function retriedRound(runId: string): StepRecord {
  return {
    kind: 'llm-round',
    key: `${runId}:write@/r1`,
    runId,
    slug: 'write',
    path: '',
    stepType: 'llm-round',
    parentKey: `${runId}:write@`,
    seq: 2,
    status: 'completed',
    interruptions: 0,
    startedAt: T0,
    endedAt: T0 + 3_900,
    attempts: [
      {
        n: 1,
        startedAt: T0,
        endedAt: T0 + 200,
        outcome: 'error',
        error: { message: 'OpenAI answered 500: scripted 500', category: 'server', retryable: true },
      },
      {
        n: 2,
        startedAt: T0 + 1_200,
        endedAt: T0 + 1_300,
        outcome: 'error',
        error: { message: 'rate limited by OpenAI', category: 'rate-limit', retryable: true, retryAfterMs: 2_000 },
      },
      { n: 3, startedAt: T0 + 3_300, endedAt: T0 + 3_900, outcome: 'ok' },
    ],
  } as StepRecord;
}

async function seed(db: TabflowDb) {
  const definition = {
    workflowConfig: { name: 'Digest' },
    stepsConfig: [
      { stepSlug: 'write', name: 'Write the email', stepType: 'llm' },
      { stepSlug: 'local', name: 'Ask the local model', stepType: 'llm' },
    ],
  };
  await db.definitions.put({ hash: 'hash1', definition: definition as never, parsed: true, savedAt: T0 });
  await db.runs.bulkPut([
    run('run1', { restartedFrom: { stepKey: 'run1:local@', at: T0 + 5_000 } }),
    run('run2', {
      createdAt: T0 + 60_000,
      finishedAt: T0 + 61_000,
      input: {},
      forkedFrom: { runId: 'run1', stepKey: 'run1:write@' },
      restartedFrom: undefined,
    }),
  ]);
  await db.steps.bulkPut([
    llmStep('run1', 'write', 1, {
      provider: 'OpenAI',
      model: 'gpt-4o-mini',
      usage,
      rounds: 1,
      costUsd: 0.00045,
      priceSource: { kind: 'table', asOf: '2025-08-07' },
    }),
    retriedRound('run1'),
    llmStep('run1', 'local', 3, { provider: 'Ollama', model: 'llama3.2', usage, rounds: 1 }),
    llmStep('run2', 'write', 1, { provider: 'demo', model: 'demo-1', usage, rounds: 1 }),
  ]);
}

function OpenDialog() {
  const dialog = useUi((s) => s.dialog);
  return <output data-testid="dialog">{JSON.stringify(dialog)}</output>;
}

async function renderRuns(db: TabflowDb) {
  const executor = { storageFull: vi.fn(async () => []) };
  render(
    <DbProvider db={db}>
      <UiStoreProvider>
        <ExecutorProvider executor={executor as unknown as ExecutorApi}>
          <RunsPanel workflowId="w1" />
          <OpenDialog />
        </ExecutorProvider>
      </UiStoreProvider>
    </DbProvider>,
  );
  return screen.findByRole('list', { name: 'Runs' });
}

function runItem(list: HTMLElement, id: string): HTMLElement {
  return list.querySelector<HTMLElement>(`[data-run-id="${id}"]`)!;
}

async function openRun(list: HTMLElement, id: string) {
  await userEvent.click(runItem(list, id));
  return screen.findByRole('region', { name: `Run ${id}` });
}

/** A step's row, once the run's journal has loaded. */
function stepRow(detail: HTMLElement, slug: string): Promise<HTMLElement> {
  return waitFor(() => {
    const row = detail.querySelector<HTMLElement>(`[data-step-slug="${slug}"]`);
    if (!row) throw new Error(`no row for ${slug} yet`);
    return row;
  });
}

describe('run inspector', () => {
  // The runs tab of the workflow the runs belong to, as its address opens it.
  beforeEach(() => void (window.location.hash = '#/w/w1/runs'));
  afterEach(() => void (window.location.hash = ''));

  it('shows the estimated cost per step and per run with the price table date, and "no price known"', async () => {
    const db = freshDb();
    await seed(db);
    const detail = await openRun(await renderRuns(db), 'run1');
    const write = await stepRow(detail, 'write');
    expect(write.textContent).toContain('≈ $0.00045 (estimate, OpenAI list prices of 2025-08-07)');
    const local = await stepRow(detail, 'local');
    expect(local.textContent).toContain('no price known for llama3.2');
    expect(detail.querySelector('.run-usage')!.textContent).toBe(
      'Run usage: 3000 tokens, 2000 in, 1000 out · ≈ $0.00045 (estimate, OpenAI list prices of 2025-08-07)' +
        ' · no price known for llama3.2',
    );
  });

  it('lists each attempt of a retried step with its error and the backoff wait that followed', async () => {
    const db = freshDb();
    await seed(db);
    const detail = await openRun(await renderRuns(db), 'run1');
    const write = await stepRow(detail, 'write');
    expect(write.querySelector('.step-took')!.textContent).toBe('took 3.9 s, 3.0 s of it waiting to retry');
    const attempts = within(write).getByText('3 attempts, 2 failed').closest('details')!;
    const lines = [...attempts.querySelectorAll('li')].map((li) => li.textContent);
    expect(lines).toEqual([
      'round 1, attempt 1 failed after 200 ms: OpenAI answered 500: scripted 500 (server)' +
        ' — waited 1.0 s before trying again',
      'round 1, attempt 2 failed after 100 ms: rate limited by OpenAI (rate-limit)' +
        ' — waited 2.0 s before trying again, the server asked for 2.0 s',
      'round 1, attempt 3 succeeded after 600 ms',
    ]);
  });

  it('explains the running time next to "took"', async () => {
    const db = freshDb();
    await seed(db);
    const detail = await openRun(await renderRuns(db), 'run1');
    expect(detail.querySelector('.run-took')!.textContent).toBe(
      'took 12.0 s, of which 3.9 s running steps (the rest waiting)',
    );
  });

  it('lists runs with duration, tokens, cost, input and a fork marker', async () => {
    const db = freshDb();
    await seed(db);
    const list = await renderRuns(db);
    const first = runItem(list, 'run1');
    await within(first).findByText('3000 tokens');
    expect(within(first).getByTestId('run-facts').textContent).toBe('12.0 s3000 tokens≈ $0.00045 + unpriced');
    expect(first.textContent).toContain('customerId: cus_002');
    expect(within(first).queryByText('fork')).toBeNull();
    expect(within(first).getByText('restarted')).toBeTruthy();
    const fork = runItem(list, 'run2');
    await within(fork).findByText('1500 tokens');
    expect(within(fork).getByText('fork')).toBeTruthy();
    expect(within(fork).queryByText('restarted')).toBeNull();
    expect(within(fork).getByText('free (demo)')).toBeTruthy();
    expect(fork.textContent).toContain('no input');
  });

  it('words costs: two decimals from a dollar, four from a cent, two significant digits below', () => {
    expect([12.345, 0.0123, 0.00045, 0.0000063, 0, 1e-12].map(formatUsd)).toEqual([
      '$12.35',
      '$0.0123',
      '$0.00045',
      '$0.0000063',
      '$0',
      '<$0.00000001',
    ]);
  });

  it('names steps by their name with the slug beside it', async () => {
    const db = freshDb();
    await seed(db);
    const detail = await openRun(await renderRuns(db), 'run1');
    const write = await stepRow(detail, 'write');
    await within(write).findByText('Write the email');
    expect(write.querySelector('.step-slug')!.textContent).toBe('write');
  });

  it('a step failing on its key offers the provider settings', async () => {
    const db = freshDb();
    await seed(db);
    const failed = {
      ...llmStep('run3', 'write', 1, undefined),
      status: 'failed',
      input: { provider: 'Local server' },
      error: { message: 'key rejected by Local server', category: 'auth', retryable: false },
    } as StepRecord;
    await db.runs.put(run('run3', { status: 'failed', createdAt: T0 + 120_000, error: failed.error! }));
    await db.steps.put(failed);
    const list = await renderRuns(db);
    expect(await within(runItem(list, 'run3')).findByText('key rejected by Local server')).toBeTruthy();
    const detail = await openRun(list, 'run3');
    // On the run's error and on the step's (each appears once its record has been read).
    const links = await waitFor(() => {
      const found = within(detail).getAllByRole('button', { name: 'Check the key in Settings' });
      expect(found).toHaveLength(2);
      return found;
    });
    await userEvent.click(links[1]!);
    expect(JSON.parse(screen.getByTestId('dialog').textContent!)).toEqual({
      kind: 'settings',
      provider: 'Local server',
    });
  });

  it('the fork dialog names the step by its name and slug, never as a raw key', async () => {
    const db = freshDb();
    await seed(db);
    render(
      <DbProvider db={db}>
        <UiStoreProvider>
          <ExecutorProvider executor={{} as ExecutorApi}>
            <ForkDialog runId="run1" stepKey="run1:write@" output="ok" />
          </ExecutorProvider>
        </UiStoreProvider>
      </DbProvider>,
    );
    const words = await screen.findByText(/^Step “Write the email” \(write\)/);
    expect(words.textContent).toBe(
      'Step “Write the email” (write): edit its output below. ' +
        'A new run continues from this step with the edited output; this run stays as it is.',
    );
    expect(document.body.textContent).not.toContain('write@');
  });
});
