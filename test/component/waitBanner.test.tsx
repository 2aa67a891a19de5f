import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { DbProvider } from '../../src/ui/DbContext';
import { freshDb } from './helpers';
import { waitReasonSchema, type StepRecord, type WaitKind, type WaitReason } from '../../src/engine/records';
import { ExecutorProvider } from '../../src/ui/ExecutorContext';
import { waitingRun, waitingStep } from './runFixtures';
import { StepRow } from '../../src/ui/runs/StepRow';
import { formatWake, RunWaits } from '../../src/ui/runs/WaitBanner';
import { UiStoreProvider, useUi } from '../../src/ui/state';
import type { ExecutorApi } from '../../src/worker/api';

/** Every kind of wait the engine reports gets its words and its control, on the row of the step it arose in. */
const NOW = Date.parse('2026-12-01T10:30:00Z');

const run = waitingRun;
const record = (fields: Partial<StepRecord>): StepRecord => waitingStep('s', fields);

/** The dialog the page would open, as the UI store holds it. */
function OpenDialog() {
  const dialog = useUi((s) => s.dialog);
  return <output data-testid="dialog">{JSON.stringify(dialog)}</output>;
}

function renderWait(wait: WaitReason, step = record({})) {
  const executor = {
    confirmHost: vi.fn(async () => undefined),
    approve: vi.fn(async () => undefined),
    unlockKeys: vi.fn(async () => undefined),
    resume: vi.fn(async () => undefined),
    answerBudget: vi.fn(async () => undefined),
  };
  const waiting = { ...run, waits: [wait] };
  render(
    <DbProvider db={freshDb()}>
      <UiStoreProvider>
        <ExecutorProvider executor={executor as unknown as ExecutorApi}>
          <RunWaits
            run={waiting}
            storageFull={wait.kind === 'storage-full'}
            onError={(e) => {
              throw e;
            }}
          />
          <ul>
            <StepRow
              run={waiting}
              step={step}
              onError={(e) => {
                throw e;
              }}
            />
          </ul>
          <OpenDialog />
        </ExecutorProvider>
      </UiStoreProvider>
    </DbProvider>,
  );
  return executor;
}

type Case = { wait: WaitReason; step?: StepRecord; check(executor: ReturnType<typeof renderWait>): Promise<void> };

const CASES: Record<WaitKind, Case[]> = {
  host: [
    {
      wait: { kind: 'host', stepKey: 'run1:s@', host: '127.0.0.1:8080', secrets: ['TOKEN'] },
      async check(executor) {
        expect(screen.getByTestId('host-consent').textContent).toContain(
          'send a request to 127.0.0.1:8080, with the secret TOKEN.',
        );
        await userEvent.click(screen.getByRole('button', { name: 'Allow 127.0.0.1:8080' }));
        expect(executor.confirmHost).toHaveBeenCalledWith('run1', '127.0.0.1:8080', true);
      },
    },
    {
      // The wait of an http_request tool call, answered on its LLM step's row; the tool record need not be loaded yet.
      wait: { kind: 'host', stepKey: 'run1:ask@/r1/tool0', host: 'api.example.com', secrets: [] },
      step: record({ key: 'run1:ask@', slug: 'ask', stepType: 'llm', status: 'started' }),
      async check(executor) {
        await userEvent.click(screen.getByRole('button', { name: 'Allow api.example.com' }));
        expect(executor.confirmHost).toHaveBeenCalledWith('run1', 'api.example.com', true);
      },
    },
  ],
  approval: [
    {
      wait: { kind: 'approval', stepKey: 'run1:s@', prompt: 'Ship it?' },
      async check(executor) {
        expect(screen.getByText('Ship it?')).toBeTruthy();
        await userEvent.click(screen.getByRole('button', { name: 'Reject' }));
        expect(executor.approve).toHaveBeenCalledWith('run1', 'run1:s@', false);
      },
    },
  ],
  event: [
    {
      wait: { kind: 'event', stepKey: 'run1:s@', name: 'payment_received' },
      async check() {
        await userEvent.click(screen.getByRole('button', { name: 'Send payment_received…' }));
        expect(JSON.parse(screen.getByTestId('dialog').textContent!)).toEqual({
          kind: 'event',
          runId: 'run1',
          eventName: 'payment_received',
        });
      },
    },
  ],
  'keys-locked': [
    {
      wait: { kind: 'keys-locked', stepKey: 'run1:s@/r1', provider: 'openai' },
      step: record({ stepType: 'llm', status: 'started' }),
      async check(executor) {
        await userEvent.type(screen.getByLabelText('Passphrase'), 'correct horse');
        await userEvent.click(screen.getByRole('button', { name: 'Unlock' }));
        expect(executor.unlockKeys).toHaveBeenCalledWith('correct horse');
      },
    },
  ],
  'storage-full': [
    {
      wait: { kind: 'storage-full' },
      async check(executor) {
        expect(screen.getByRole('alert').textContent).toContain('Browser storage is full');
        await userEvent.click(screen.getByRole('button', { name: 'Resume' }));
        expect(executor.resume).toHaveBeenCalledWith('run1');
      },
    },
  ],
  sleep: [
    {
      wait: { kind: 'sleep', stepKey: 'run1:s@', wakeAt: NOW + 5 * 60_000 },
      async check() {
        // The step's banner in local time; the run's line names the same wake time.
        const sleeping = screen.getByText(/^Sleeping until .+ \(in 5 min 0 s\)$/);
        expect(sleeping.textContent).toBe(
          `Sleeping until ${new Date(NOW + 5 * 60_000).toLocaleTimeString(undefined, { timeStyle: 'medium' })} ` +
            '(in 5 min 0 s)',
        );
        expect(screen.getAllByText(/Waiting for the wake time, at .+ \(in 5 min 0 s\)/)).toHaveLength(1);
        expect(document.body.textContent).not.toContain('2026-12-01T');
      },
    },
  ],
  retry: [
    {
      wait: { kind: 'retry', stepKey: 'run1:s@', wakeAt: NOW + 4_000 },
      async check() {
        expect(screen.getAllByText(/Waiting for the next attempt, at .+ \(in 4\.0 s\)/).length).toBeGreaterThan(0);
      },
    },
  ],
  network: [
    {
      wait: { kind: 'network', stepKey: 'run1:s@/r1' },
      async check() {
        expect(screen.getAllByText('Waiting for a network connection').length).toBeGreaterThan(0);
      },
    },
  ],
  budget: [
    {
      wait: { kind: 'budget', stepKey: 'run1:s@/r2', cap: 'cost', limit: 0.5, used: 0.52, raiseBy: 0.5 },
      step: record({ stepType: 'llm', status: 'started' }),
      async check(executor) {
        expect(screen.getByTestId('budget-question').textContent).toContain(
          'This run reached its budget of $0.50 — continue with $0.50 more?',
        );
        await userEvent.click(screen.getByRole('button', { name: 'Continue' }));
        expect(executor.answerBudget).toHaveBeenCalledWith('run1', 'run1:s@/r2', 'continue');
      },
    },
  ],
  'child-run': [
    {
      wait: { kind: 'child-run', stepKey: 'run1:s@', runId: 'run1~s~', workflow: 'Child' },
      async check() {
        expect(screen.getAllByText('Waiting for the subworkflow “Child” to finish').length).toBeGreaterThan(0);
      },
    },
  ],
};

describe('wait banners', () => {
  it('a wake time just under ten minutes away reads 10 min 0 s, never 9 min 60 s', () => {
    expect(formatWake(NOW + 599_600, NOW)).toMatch(/ \(in 10 min 0 s\)$/);
  });

  it('every kind of wait the engine can report has a case here', () => {
    const kinds = waitReasonSchema.options.map((option) => option.shape.kind.value).sort();
    expect(Object.keys(CASES).sort()).toEqual(kinds);
  });

  const all = Object.values(CASES).flat();
  it.each(all.map((c) => [`${c.wait.kind}${'stepKey' in c.wait ? ` at ${c.wait.stepKey}` : ''}`, c] as const))(
    '%s',
    async (_name, c) => {
      vi.useFakeTimers({ now: NOW, toFake: ['Date'] });
      try {
        const executor = renderWait(c.wait, c.step);
        await c.check(executor);
      } finally {
        vi.useRealTimers();
      }
    },
  );
});
