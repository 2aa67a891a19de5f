import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { RunRecord, WaitReason } from '../../src/engine/records';
import { App } from '../../src/ui/App';
import { DbProvider } from '../../src/ui/DbContext';
import { RunAnswers } from '../../src/ui/inbox/RunAnswers';
import { pendingAnswers, stepLabel } from '../../src/ui/inbox/pendingAnswers';
import type { ExecutorApi } from '../../src/worker/api';
import { aRun } from '../unit/store/fixtures';
import { freshDb } from './helpers';

/** Runs of three workflows, each waiting on something a person answers; and runs that must not show. */
function seededRuns(): RunRecord[] {
  const wait = (id: string, workflowId: string, name: string, waits: WaitReason[], extra: Partial<RunRecord> = {}) =>
    aRun(id, { workflowId, workflowName: name, status: 'waiting', waits, ...extra });
  return [
    wait(
      'r-approve',
      'wf-a',
      'Refund review',
      [{ kind: 'approval', stepKey: 'r-approve:review@', prompt: 'Refund?' }],
      {
        createdAt: 1_000,
      },
    ),
    wait('r-budget', 'wf-b', 'Long summary', [
      { kind: 'budget', stepKey: 'r-budget:sum@/r3', cap: 'cost', limit: 0.5, used: 0.51, raiseBy: 0.5 },
    ]),
    wait(
      'r-host',
      'wf-c',
      'Weather',
      [{ kind: 'host', stepKey: 'r-host:fetch@', host: 'api.example.com', secrets: [] }],
      {
        createdAt: 3_000,
      },
    ),
    // A sleep nobody answers, and a finished run with a stale wait: neither is a question.
    wait('r-sleep', 'wf-a', 'Refund review', [{ kind: 'sleep', stepKey: 'r-sleep:nap@', wakeAt: 9e12 }]),
    aRun('r-done', {
      workflowId: 'wf-b',
      status: 'completed',
      waits: [{ kind: 'approval', stepKey: 'r-done:x@' }],
    }),
  ];
}

function renderInbox(runs: RunRecord[]) {
  const db = freshDb();
  const executor = {
    approve: vi.fn(async () => undefined),
    answerBudget: vi.fn(async () => undefined),
    confirmHost: vi.fn(async () => undefined),
    sendEvent: vi.fn(async () => undefined),
  };
  const proxy = new Proxy(executor as Record<string, unknown>, {
    get: (target, name: string) => target[name] ?? (async () => undefined),
  }) as unknown as ExecutorApi;
  history.replaceState(null, '', '/#/inbox');
  return { db, executor, ready: db.runs.bulkPut(runs).then(() => render(<App db={db} executor={proxy} />)) };
}

const items = () => screen.findAllByTestId('inbox-item', {}, { timeout: 5_000 });
const item = async (runId: string) => (await items()).find((el) => el.dataset.run === runId)!;

describe('the approvals inbox', () => {
  it('lists the questions of every workflow, oldest run first, with a count in the header', async () => {
    const { ready } = renderInbox(seededRuns());
    await ready;
    const listed = await items();
    expect(listed.map((el) => [el.dataset.run, el.dataset.waitKind])).toEqual([
      ['r-approve', 'approval'],
      ['r-budget', 'budget'],
      ['r-host', 'host'],
    ]);
    expect(listed.map((el) => el.querySelector('.inbox-workflow')?.textContent)).toEqual([
      'Refund review',
      'Long summary',
      'Weather',
    ]);
    expect(screen.getByTestId('inbox-count').textContent).toBe('3');
    expect(screen.getByRole('link', { name: 'Inbox 3 waiting for an answer' })).toBeTruthy();
    expect(within(listed[1]!).getByTestId('budget-question').textContent).toContain(
      'This run reached its budget of $0.50 — continue with $0.50 more?',
    );
    expect(within(listed[0]!).getByRole('link', { name: 'Open the run' }).getAttribute('href')).toBe(
      `#/w/wf-a/runs/r-approve/steps/${encodeURIComponent('r-approve:review@')}`,
    );
  });

  it.each([
    ['r-approve', 'Approve', 'approve', ['r-approve', 'r-approve:review@', true, 'checked the invoice']],
    ['r-budget', 'Continue', 'answerBudget', ['r-budget', 'r-budget:sum@/r3', 'continue', 'checked the invoice']],
    ['r-budget', 'Stop', 'answerBudget', ['r-budget', 'r-budget:sum@/r3', 'stop', 'checked the invoice']],
    ['r-host', 'Refuse', 'confirmHost', ['r-host', 'api.example.com', false, 'checked the invoice']],
  ] as const)('answers %s with %s and the reason typed', async (runId, button, command, args) => {
    const { ready, executor } = renderInbox(seededRuns());
    await ready;
    const user = userEvent.setup();
    const row = await item(runId);
    await user.type(within(row).getByLabelText(/Reason/), 'checked the invoice');
    await user.click(within(row).getByRole('button', { name: button }));
    await waitFor(() => expect(executor[command]).toHaveBeenCalledWith(...args));
  });

  it('an event is sent from its own form, whose reason goes with it', async () => {
    const event = aRun('r-event', {
      workflowId: 'wf-d',
      workflowName: 'Payments',
      status: 'waiting',
      waits: [{ kind: 'event', stepKey: 'r-event:paid@', name: 'payment_received' }],
    });
    const { ready, executor } = renderInbox([event]);
    await ready;
    const user = userEvent.setup();
    const row = await item('r-event');
    expect(within(row).queryByLabelText(/Reason/)).toBeNull();
    await user.click(within(row).getByRole('button', { name: 'Send payment_received…' }));
    const dialog = await screen.findByRole('dialog', { name: 'Send event' });
    await user.type(within(dialog).getByLabelText(/Reason/), 'paid by wire');
    await user.click(within(dialog).getByRole('button', { name: 'Send' }));
    await waitFor(() =>
      expect(executor.sendEvent).toHaveBeenCalledWith('r-event', 'payment_received', {}, 'paid by wire'),
    );
  });

  it('without a reason, the answer carries none', async () => {
    const { ready, executor } = renderInbox(seededRuns());
    await ready;
    await userEvent.click(within(await item('r-approve')).getByRole('button', { name: 'Reject' }));
    await waitFor(() => expect(executor.approve).toHaveBeenCalledWith('r-approve', 'r-approve:review@', false));
  });

  it('follows the database live: an answered question leaves, a new one arrives, the count follows', async () => {
    const { ready, db } = renderInbox(seededRuns());
    await ready;
    await items();
    await act(async () => {
      await db.runs.update('r-host', { status: 'running', waits: [] });
      await db.runs.put(
        aRun('r-event', {
          workflowId: 'wf-d',
          workflowName: 'Payments',
          status: 'waiting',
          createdAt: 500,
          waits: [{ kind: 'event', stepKey: 'r-event:paid@', name: 'payment_received' }],
        }),
      );
    });
    await waitFor(async () =>
      expect((await items()).map((el) => el.dataset.run)).toEqual(['r-event', 'r-approve', 'r-budget']),
    );
    expect(screen.getByTestId('inbox-count').textContent).toBe('3');
    expect(within(await item('r-event')).getByRole('button', { name: 'Send payment_received…' })).toBeTruthy();
  });

  it('says so when nothing waits', async () => {
    const { ready } = renderInbox([]);
    await ready;
    expect(await screen.findByText('Nothing waits for an answer.', {}, { timeout: 5_000 })).toBeTruthy();
    expect(screen.queryByTestId('inbox-count')).toBeNull();
  });
});

describe('pending answers (pure)', () => {
  it('keeps only the waits a person answers, of runs that can still wait', () => {
    expect(pendingAnswers(seededRuns()).map((p) => p.id)).toEqual([
      'r-approve|approval|r-approve:review@',
      'r-budget|budget|r-budget:sum@/r3',
      'r-host|host|r-host:fetch@',
    ]);
  });

  it.each([
    ['run1:classify@', 'classify'],
    ['run1:sum@/r3', 'sum'],
    ['run1:ask@each[2]/r1/tool0', 'ask (each[2])'],
  ])('names the step of %s as “%s”', (key, label) => {
    expect(stepLabel(key)).toBe(label);
  });
});

describe("a run's answers", () => {
  it('shows each reason given with an answer, at the step that took it', async () => {
    const db = freshDb();
    await db.events.bulkPut([
      {
        id: 'e1',
        runId: 'r1',
        name: 'approval:r1:review@',
        payload: { approved: true, note: 'ok' },
        sentAt: 1,
        consumedBy: 'r1:review@',
        note: 'ok by me',
      },
      {
        id: 'e2',
        runId: 'r1',
        name: 'budget:r1:sum@/r2',
        payload: { decision: 'continue' },
        sentAt: 2,
        consumedBy: 'r1:sum@/r2',
        note: 'worth it',
      },
      { id: 'e3', runId: 'r1', name: 'confirm-host:a.example', payload: { approved: true }, sentAt: 3 },
    ]);
    render(
      <DbProvider db={db}>
        <RunAnswers runId="r1" />
      </DbProvider>,
    );
    const answers = await screen.findAllByTestId('run-answer', {}, { timeout: 5_000 });
    expect(answers.map((a) => a.textContent?.replace(/\(.*\)/, '()'))).toEqual([
      'Approved at review () — reason: ok by me',
      'Continued over the budget at sum () — reason: worth it',
    ]);
  });
});
