import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Attempt, RunRecord, StepRecord } from '../../src/engine/records';
import type { WorkflowFile } from '../../src/schema/workflow';
import type { TabflowDb } from '../../src/store/db';
import { DbProvider } from '../../src/ui/DbContext';
import { ExecutorProvider } from '../../src/ui/ExecutorContext';
import { RunDetail } from '../../src/ui/runs/RunDetail';
import { UiStoreProvider, useUi } from '../../src/ui/state';
import type { ExecutorApi } from '../../src/worker/api';
import { journalAttempt, journalStep } from '../support/journalRecords';
import { freshDb } from './helpers';
import { installReactFlowFakes } from './reactFlowFakes';

/** The run inspector's Graph and Timeline views over records as the engine writes them. */

const T0 = Date.now() - 10_000;

/** The timeline's virtualizer sizes its window from the scroller's client size (0 in jsdom): 900×600 here. */
const clientSize = {
  clientHeight: Object.getOwnPropertyDescriptor(Element.prototype, 'clientHeight')!,
  clientWidth: Object.getOwnPropertyDescriptor(Element.prototype, 'clientWidth')!,
};
function sized(name: keyof typeof clientSize, value: number): PropertyDescriptor {
  return {
    configurable: true,
    get(this: Element) {
      return this.classList.contains('run-timeline-scroll') ? value : clientSize[name].get!.call(this);
    },
  };
}
beforeAll(() => {
  installReactFlowFakes();
  Object.defineProperty(Element.prototype, 'clientHeight', sized('clientHeight', 600));
  Object.defineProperty(Element.prototype, 'clientWidth', sized('clientWidth', 900));
});
afterAll(() => {
  for (const [name, descriptor] of Object.entries(clientSize))
    Object.defineProperty(Element.prototype, name, descriptor);
});

const action = (stepSlug: string, nextSteps?: Record<string, string>) => ({
  stepSlug,
  name: stepSlug,
  stepType: 'action' as const,
  config: { action: 'transform', expression: '1' },
  ...(nextSteps ? { nextSteps } : {}),
});

const DEFINITION: WorkflowFile = {
  workflowConfig: { name: 'Inspect me' },
  stepsConfig: [
    {
      stepSlug: 'start',
      name: 'Start',
      stepType: 'trigger',
      config: { type: 'manual' },
      nextSteps: { default: 'fetch' },
    },
    action('fetch', { success: 'each' }),
    {
      stepSlug: 'each',
      name: 'each',
      stepType: 'loop',
      config: { forEach: ['a', 'b', 'c'], steps: [action('line')] },
      nextSteps: { success: 'fan' },
    },
    {
      stepSlug: 'fan',
      name: 'fan',
      stepType: 'parallel',
      config: {
        join: 'all',
        branches: {
          risk: [action('risk_check')],
          value: [{ stepSlug: 'sign_off', name: 'sign_off', stepType: 'approval', config: { prompt: 'OK?' } }],
        },
      },
      nextSteps: { success: 'done' },
    },
    action('done'),
  ],
} as WorkflowFile;

const run: RunRecord = {
  id: 'run1',
  workflowHash: 'hash1',
  workflowName: 'Inspect me',
  workflowId: 'w1',
  mode: 'durable',
  input: {},
  status: 'waiting',
  generation: 0,
  createdAt: T0,
  updatedAt: T0 + 9_000,
  activeMs: 5_000,
  depth: 0,
  nextSeq: 10,
};

const step = (slug: string, fields: Partial<StepRecord> = {}) =>
  journalStep('run1', slug, { startedAt: T0, endedAt: T0 + 100, ...fields });
const attempt = (n: number, from: number, to: number | undefined, outcome: Attempt['outcome']) =>
  journalAttempt(n, T0 + from, to === undefined ? undefined : T0 + to, outcome);
const failure = { message: 'boom', category: 'server' as const, retryable: true };

const RECORDS: StepRecord[] = [
  step('start', { stepType: 'trigger', startedAt: T0, endedAt: T0 + 10 }),
  // Retried: a 500, a backoff of 2 s, then success.
  step('fetch', {
    startedAt: T0 + 10,
    endedAt: T0 + 2_500,
    attempts: [attempt(1, 10, 300, 'error'), attempt(2, 2_300, 2_500, 'ok')],
  }),
  step('each', { stepType: 'loop', status: 'started', startedAt: T0 + 2_500, endedAt: undefined }),
  step('line', { path: 'each[0]', startedAt: T0 + 2_500, endedAt: T0 + 2_600 }),
  step('line', { path: 'each[1]', startedAt: T0 + 2_600, endedAt: T0 + 2_700 }),
  step('line', { path: 'each[2]', status: 'started', startedAt: T0 + 2_700, endedAt: undefined }),
  step('fan', { stepType: 'parallel', status: 'started', startedAt: T0 + 3_000, endedAt: undefined }),
  step('risk_check', {
    path: 'fan.risk',
    status: 'failed',
    error: failure,
    startedAt: T0 + 3_000,
    endedAt: T0 + 4_000,
    attempts: [attempt(1, 3_000, 3_200, 'error'), attempt(2, 3_700, 4_000, 'error')],
  }),
  step('sign_off', {
    path: 'fan.value',
    stepType: 'approval',
    status: 'waiting',
    startedAt: T0 + 3_000,
    endedAt: undefined,
  }),
];

function SelectedStep() {
  const key = useUi((s) => s.selectedStepKey);
  return <output data-testid="selected-step">{key ?? ''}</output>;
}

async function renderRun(db: TabflowDb, records = RECORDS, runFields: Partial<RunRecord> = {}) {
  await db.definitions.put({ hash: 'hash1', definition: DEFINITION, parsed: true, savedAt: T0 });
  await db.runs.put({ ...run, ...runFields });
  await db.steps.bulkPut(records);
  // The run's address: selecting a step navigates within the workflow's runs.
  window.location.hash = '#/w/w1/runs/run1';
  const executor = { storageFull: vi.fn(async () => []) };
  render(
    <DbProvider db={db}>
      <UiStoreProvider>
        <ExecutorProvider executor={executor as unknown as ExecutorApi}>
          <RunDetail runId="run1" />
          <SelectedStep />
        </ExecutorProvider>
      </UiStoreProvider>
    </DbProvider>,
  );
  const detail = await screen.findByRole('region', { name: 'Run run1' }, { timeout: 20_000 });
  const views = within(detail).getByRole('tablist', { name: 'Run views' });
  return { detail, views };
}

function nodeState(slug: string) {
  const node = screen.getAllByTestId('graph-node').find((n) => n.dataset.slug === slug);
  const state = node?.querySelector<HTMLElement>('[data-testid="run-node-state"]');
  if (!state) throw new Error(`no run state on ${slug}`);
  return { status: state.dataset.status, attempts: state.dataset.attempts, iterations: state.dataset.iterations };
}

describe('the run graph', { timeout: 30_000 }, () => {
  it('shows status, attempts and loop iterations on the right nodes; clicking a node selects the step', async () => {
    const { views } = await renderRun(freshDb());
    await userEvent.click(within(views).getByRole('tab', { name: 'Graph' }));
    expect(within(views).getByRole('tab', { name: 'Graph' }).getAttribute('aria-selected')).toBe('true');
    await screen.findByTestId('graph-canvas', {}, { timeout: 10_000 });
    await waitFor(() => expect(screen.getAllByTestId('run-node-state')).toHaveLength(8), { timeout: 10_000 });
    expect(nodeState('start')).toEqual({ status: 'completed', attempts: '0', iterations: undefined });
    expect(nodeState('fetch')).toEqual({ status: 'completed', attempts: '2', iterations: undefined });
    expect(nodeState('each')).toEqual({ status: 'running', attempts: '0', iterations: '2/3' });
    expect(nodeState('line')).toEqual({ status: 'running', attempts: '0', iterations: undefined });
    expect(nodeState('risk_check')).toEqual({ status: 'failed', attempts: '2', iterations: undefined });
    expect(nodeState('sign_off')).toEqual({ status: 'waiting', attempts: '0', iterations: undefined });
    expect(nodeState('done')).toEqual({ status: 'pending', attempts: '0', iterations: undefined });
    // Its accessible name says it too.
    expect(screen.getByRole('group', { name: 'loop step each: running, 2 of 3 iterations done' })).toBeTruthy();
    expect(screen.getByRole('group', { name: 'action step fetch: completed, 2 attempts' })).toBeTruthy();

    const node = screen.getAllByTestId('graph-node').find((n) => n.dataset.slug === 'risk_check')!;
    fireEvent.click(node);
    await waitFor(() => expect(screen.getByTestId('selected-step').textContent).toBe('run1:risk_check@fan.risk'));
    // Its inspector opens beside the graph, which stays.
    expect((await screen.findByTestId('step-inspector')).dataset.stepKey).toBe('run1:risk_check@fan.risk');
    expect(within(views).getByRole('tab', { name: 'Graph' }).getAttribute('aria-selected')).toBe('true');
  });

  it('moves between the views with the arrow keys', async () => {
    const { views } = await renderRun(freshDb());
    const steps = within(views).getByRole('tab', { name: 'Steps' });
    steps.focus();
    await userEvent.keyboard('{ArrowRight}{ArrowRight}');
    expect(within(views).getByRole('tab', { name: 'Timeline' }).getAttribute('aria-selected')).toBe('true');
    expect(document.activeElement?.textContent).toBe('Timeline');
    await screen.findByTestId('run-timeline');
  });
});

function rowsOfTimeline() {
  const timeline = screen.getByTestId('run-timeline');
  return within(timeline)
    .getAllByRole('listitem')
    .map((item) => {
      if (!item.dataset.slug) return `# ${item.textContent}`;
      const bars = [...item.querySelectorAll<HTMLElement>('.run-timeline-bar')].map((b) => b.dataset.kind);
      return `${item.dataset.slug}: ${bars.join(' ')}`;
    });
}

describe('the run timeline', { timeout: 30_000 }, () => {
  it('draws every attempt, backoff and wait in lanes, one per parallel branch and loop iteration', async () => {
    const { views } = await renderRun(freshDb());
    await userEvent.click(within(views).getByRole('tab', { name: 'Timeline' }));
    await screen.findByTestId('run-timeline');
    expect(rowsOfTimeline()).toEqual([
      '# Top level',
      'start: span',
      'fetch: attempt backoff attempt',
      'each: span',
      'fan: span',
      '# iteration 1 of each',
      'line: span',
      '# iteration 2 of each',
      'line: span',
      '# iteration 3 of each',
      'line: span',
      '# branch risk of fan',
      'risk_check: attempt backoff attempt',
      '# branch value of fan',
      'sign_off: approval',
    ]);
    const backoff = screen.getByRole('button', { name: 'fetch: retry backoff after attempt 1, 2.0 s' });
    expect(backoff.getAttribute('title')).toBe('fetch: retry backoff after attempt 1, 2.0 s');
    expect(screen.getByRole('button', { name: /^sign_off: waiting for approval, .* so far$/ })).toBeTruthy();
    // The parallel branches run side by side: their bars start at the same place on the shared axis.
    const [risk] = screen.getAllByRole('button', { name: /^risk_check: attempt 1/ });
    const approval = screen.getByRole('button', { name: /^sign_off/ });
    expect(risk!.style.left).toBe(approval.style.left);

    await userEvent.click(screen.getByRole('button', { name: 'risk_check: attempt 2, failed, 300 ms' }));
    await waitFor(() => expect(screen.getByTestId('selected-step').textContent).toBe('run1:risk_check@fan.risk'));
  });

  it('zooms in and fits back to the run', async () => {
    const { views } = await renderRun(freshDb());
    await userEvent.click(within(views).getByRole('tab', { name: 'Timeline' }));
    const timeline = await screen.findByTestId('run-timeline');
    const scroller = timeline.querySelector<HTMLElement>('.run-timeline-scroll')!;
    expect(scroller.style.getPropertyValue('--timeline-zoom')).toBe('1');
    await userEvent.click(within(timeline).getByRole('button', { name: 'Zoom in' }));
    await userEvent.click(within(timeline).getByRole('button', { name: 'Zoom in' }));
    expect(scroller.style.getPropertyValue('--timeline-zoom')).toBe('4');
    await userEvent.click(within(timeline).getByRole('button', { name: 'Fit to run' }));
    expect(scroller.style.getPropertyValue('--timeline-zoom')).toBe('1');
  });
});

describe('a long run on the timeline', { timeout: 60_000 }, () => {
  it('draws only the rows on screen of a 10,000-step run, and the next ones when scrolled', async () => {
    const many = Array.from({ length: 10_000 }, (_, i) =>
      step(`s${i}`, {
        startedAt: T0 + i * 10,
        endedAt: T0 + i * 10 + 8,
        attempts: [attempt(1, i * 10, i * 10 + 8, 'ok')],
      }),
    );
    const { views } = await renderRun(freshDb(), many, { status: 'completed', finishedAt: T0 + 100_000 });
    await userEvent.click(within(views).getByRole('tab', { name: 'Timeline' }));
    const timeline = await screen.findByTestId('run-timeline', {}, { timeout: 20_000 });
    expect(timeline.dataset.rows).toBe('10000');
    const shown = () => [...timeline.querySelectorAll<HTMLElement>('[data-slug]')].map((row) => row.dataset.slug);
    expect(shown().length).toBeGreaterThan(5);
    expect(shown().length).toBeLessThan(60);
    expect(timeline.querySelectorAll('.run-timeline-bar').length).toBeLessThan(60);
    expect(shown()).toContain('s0');
    const scroller = timeline.querySelector<HTMLElement>('.run-timeline-scroll')!;
    scroller.scrollTop = 30 * 5_000;
    fireEvent.scroll(scroller);
    await waitFor(() => expect(shown()).toContain('s5000'));
    expect(shown()).not.toContain('s0');
    expect(shown().length).toBeLessThan(60);
  });
});
