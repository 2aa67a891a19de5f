import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RunRecord, StepRecord } from '../../src/engine/records';
import type { WorkflowFile } from '../../src/schema/workflow';
import type { TabflowDb } from '../../src/store/db';
import { DbProvider } from '../../src/ui/DbContext';
import { ExecutorProvider } from '../../src/ui/ExecutorContext';
import { RunDetail } from '../../src/ui/runs/RunDetail';
import { UiStoreProvider } from '../../src/ui/state';
import type { ExecutorApi } from '../../src/worker/api';
import { countStepReads } from '../support/countReads';
import { journalStep } from '../support/journalRecords';
import { freshDb } from './helpers';

/** The run's view is in its address (reload, Back, Forward), and the Timeline reads only what a write changed. */

const T0 = Date.now() - 60_000;
const clientSize = Object.getOwnPropertyDescriptor(Element.prototype, 'clientHeight')!;
beforeAll(() => {
  // The timeline's virtualizer sizes its window from the scroller (0 in jsdom).
  Object.defineProperty(Element.prototype, 'clientHeight', {
    configurable: true,
    get(this: Element) {
      return this.classList.contains('run-timeline-scroll') ? 600 : clientSize.get!.call(this);
    },
  });
});
afterAll(() => Object.defineProperty(Element.prototype, 'clientHeight', clientSize));

const DEFINITION = {
  workflowConfig: { name: 'Views' },
  stepsConfig: [{ stepSlug: 'start', name: 'Start', stepType: 'trigger', config: { type: 'manual' }, nextSteps: {} }],
} as unknown as WorkflowFile;

const run: RunRecord = {
  id: 'run1',
  workflowHash: 'hash1',
  workflowName: 'Views',
  workflowId: 'w1',
  mode: 'durable',
  input: {},
  status: 'running',
  generation: 0,
  createdAt: T0,
  updatedAt: T0,
  activeMs: 1_000,
  depth: 0,
  nextSeq: 0,
};

const step = (i: number, fields: Partial<StepRecord> = {}) =>
  journalStep('run1', `s${i}`, { startedAt: T0 + i * 10, endedAt: T0 + i * 10 + 5, ...fields });

async function renderRun(db: TabflowDb, hash: string) {
  window.location.hash = hash;
  const executor = { storageFull: vi.fn(async () => []) };
  render(
    <DbProvider db={db}>
      <UiStoreProvider>
        <ExecutorProvider executor={executor as unknown as ExecutorApi}>
          <RunDetail runId="run1" />
        </ExecutorProvider>
      </UiStoreProvider>
    </DbProvider>,
  );
  const detail = await screen.findByRole('region', { name: 'Run run1' }, { timeout: 20_000 });
  return within(detail).getByRole('tablist', { name: 'Run views' });
}

const selected = (views: HTMLElement) =>
  within(views)
    .getAllByRole('tab')
    .find((tab) => tab.getAttribute('aria-selected') === 'true')?.textContent;

describe('a run view in the address', { timeout: 40_000 }, () => {
  it('Timeline is `/view=timeline`: Back returns to the steps, a reload opens on it again', async () => {
    const db = freshDb();
    await db.definitions.put({ hash: 'hash1', definition: DEFINITION, parsed: true, savedAt: T0 });
    await db.runs.put(run);
    await db.steps.bulkPut([step(0)]);
    const views = await renderRun(db, '#/w/w1/runs/run1');
    await userEvent.click(within(views).getByRole('tab', { name: 'Timeline' }));
    expect(window.location.hash).toBe('#/w/w1/runs/run1/view=timeline');
    await screen.findByTestId('run-timeline');
    window.history.back();
    await waitFor(() => expect(window.location.hash).toBe('#/w/w1/runs/run1'));
    await waitFor(() => expect(selected(views)).toBe('Steps'));
    window.history.forward();
    await waitFor(() => expect(selected(views)).toBe('Timeline'));
    cleanup();
    // A reload at that address.
    const again = await renderRun(db, '#/w/w1/runs/run1/view=timeline');
    expect(selected(again)).toBe('Timeline');
    await screen.findByTestId('run-timeline');
  });

  it('while the Timeline is shown, a write reads the records it changed, not the whole journal', async () => {
    const db = freshDb();
    const reads = countStepReads(db);
    await db.definitions.put({ hash: 'hash1', definition: DEFINITION, parsed: true, savedAt: T0 });
    await db.runs.put(run);
    const attempt = { n: 1, startedAt: T0, outcome: 'running' as const };
    const running = step(0, { status: 'started', endedAt: undefined, attempts: [attempt] });
    const records = Array.from({ length: 300 }, (_, i) => step(i + 1));
    await db.steps.bulkPut([running, ...records]);
    await renderRun(db, '#/w/w1/runs/run1/view=timeline');
    const timeline = await screen.findByTestId('run-timeline', {}, { timeout: 20_000 });
    await waitFor(() => expect(timeline.dataset.rows).toBe('301'));
    await screen.findByRole('button', { name: /^s0: attempt 1, running/ });
    await new Promise((resolve) => setTimeout(resolve, 200));
    reads.records = 0;
    await db.steps.put(step(301));
    await waitFor(() => expect(screen.getByTestId('run-timeline').dataset.rows).toBe('302'));
    const done = { ...attempt, endedAt: T0 + 4_000, outcome: 'ok' as const };
    await db.steps.put({ ...running, status: 'completed', endedAt: T0 + 4_000, attempts: [done] });
    await screen.findByRole('button', { name: /^s0: attempt 1, succeeded/ });
    // Two writes: the new record, and the running one again each time (plus what the step list's count reads).
    expect(reads.records).toBeLessThan(20);
  });
});
