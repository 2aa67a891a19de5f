import { render, screen, waitFor } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { RunRecord, StepRecord } from '../../src/engine/records';
import { DbProvider } from '../../src/ui/DbContext';
import { ExecutorProvider } from '../../src/ui/ExecutorContext';
import { UiStoreProvider } from '../../src/ui/state';
import { SelectedStep } from '../../src/ui/stepview/SelectedStep';
import type { ExecutorApi } from '../../src/worker/api';
import { countStepReads } from '../support/countReads';
import { journalStep } from '../support/journalRecords';
import { freshDb } from './helpers';
import { waitingRun } from './runFixtures';

/** A running loop over a resolved list: done of total from its record, reading only the records inside it. */

const T0 = Date.parse('2026-12-01T10:00:00Z');
const run: RunRecord = { ...waitingRun, id: 'run1', workflowId: 'w1', status: 'running', createdAt: T0 };
const step = (slug: string, fields: Partial<StepRecord> = {}) =>
  journalStep('run1', slug, { startedAt: T0, endedAt: T0 + 10, ...fields });

describe('inspecting a running loop', { timeout: 30_000 }, () => {
  it('shows iterations done of the list length it started with, reading only its own records', async () => {
    const db = freshDb();
    const reads = countStepReads(db);
    const before = Array.from({ length: 400 }, (_, i) => step(`s${i}`));
    const loop = step('each', { stepType: 'loop', status: 'started', endedAt: undefined, meta: { items: 3 } });
    const inside = [
      step('work', { path: 'each[0]' }),
      step('work', { path: 'each[1]', status: 'started', endedAt: undefined }),
    ];
    const definition = {
      workflowConfig: { name: 'W' },
      stepsConfig: [{ stepSlug: 'each', stepType: 'loop', config: { forEach: '{{input.items}}', steps: [] } }],
    };
    await db.definitions.put({ hash: run.workflowHash, definition: definition as never, parsed: true, savedAt: T0 });
    await db.runs.put(run);
    await db.steps.bulkPut([...before, loop, ...inside, step('after')]);
    reads.records = 0;
    window.location.hash = `#/w/w1/runs/run1/steps/${encodeURIComponent(loop.key)}`;
    const executor = { restartFrom: vi.fn(async () => undefined) };
    render(
      <DbProvider db={db}>
        <UiStoreProvider>
          <ExecutorProvider executor={executor as unknown as ExecutorApi}>
            <SelectedStep run={run} names={new Map()} onError={(e) => void e} />
          </ExecutorProvider>
        </UiStoreProvider>
      </DbProvider>,
    );
    const panel = await screen.findByTestId('step-inspector', {}, { timeout: 5_000 });
    await waitFor(() => {
      const dt = [...panel.querySelectorAll('dt')].find((d) => d.textContent === 'Iterations');
      expect(dt?.nextElementSibling?.textContent).toBe('1 done of 3');
    });
    // The loop, its two iterations and the step after it — not the 400 records before it.
    expect(reads.records).toBeLessThan(20);
  });
});
