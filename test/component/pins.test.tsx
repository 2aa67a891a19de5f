import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { StepRecord } from '../../src/engine/records';
import { decodeSharePayload, shareDataFromHash } from '../../src/schema/share';
import { exportedWorkflow, pinStep, readPins } from '../../src/store/pins';
import { importWorkflowFile } from '../../src/ui/import/importWorkflow';
import { createWorkflow, getWorkflow } from '../../src/store/workflows';
import { describeIteration, IterationBadges, PinnedStepMark } from '../../src/ui/pins/PinMarks';
import { PinSection } from '../../src/ui/pins/PinSection';
import { PinnedNodeBadge, RunPinsProvider } from '../../src/ui/pins/PinsContext';
import { StepPinActions } from '../../src/ui/pins/StepPinActions';
import type { ExecutorApi } from '../../src/worker/api';
import { chain, llm } from '../support/flows';
import { aRun, aStep } from '../unit/store/fixtures';
import { downloads } from './browserFakes';
import { freshDb, renderApp, renderWithExecutor } from './helpers';

const doc = chain('Pinned flow', [llm('draft', 'hi'), llm('polish', '{{steps.draft.output}}')]);

async function setup(executor: Partial<ExecutorApi> = {}) {
  const db = freshDb();
  const record = await createWorkflow(db, doc);
  const pins = async () => readPins((await getWorkflow(db, record.id))!);
  return { db, id: record.id, pins, executor, user: userEvent.setup() };
}

function section(t: Awaited<ReturnType<typeof setup>>, slug = 'draft', topLevel = true) {
  return renderWithExecutor(
    t.db,
    t.executor,
    <PinSection workflowId={t.id} slug={slug} stepType="llm" topLevel={topLevel} />,
  );
}

describe('the step panel: pin a typed output, unpin', () => {
  it.each([
    { typed: '', problem: 'Type the output as JSON' },
    { typed: '{"text": "hi",}', problem: 'Not pinned: this is not valid JSON' },
    { typed: '{"__proto__": {"polluted": true}}', problem: '__proto__' },
  ])('"$typed" is refused with a message naming the problem, and nothing is pinned', async ({ typed, problem }) => {
    const t = await setup();
    section(t);
    await t.user.click(await screen.findByRole('button', { name: 'Type an output…' }));
    const field = screen.getByRole('textbox', { name: 'Output (JSON)' });
    if (typed)
      await t.user.type(
        field,
        typed.replace(/[{[]/g, (c) => c + c),
      );
    await t.user.click(screen.getByRole('button', { name: 'Pin' }));
    expect((await screen.findByRole('alert')).textContent).toContain(problem);
    expect(field.getAttribute('aria-invalid')).toBe('true');
    expect(await t.pins()).toEqual({ kind: 'ok', pins: {} });
  });

  it('a typed output is pinned, shown as pinned, and unpinned', async () => {
    const t = await setup();
    section(t);
    await t.user.click(await screen.findByRole('button', { name: 'Type an output…' }));
    await t.user.type(screen.getByRole('textbox', { name: 'Output (JSON)' }), '{{"text": "typed pin"}');
    await t.user.click(screen.getByRole('button', { name: 'Pin' }));
    const panel = await screen.findByTestId('pin-section');
    await waitFor(() => expect(panel.dataset.pinned).toBe('true'));
    expect(within(panel).getByText('pinned')).toBeTruthy();
    expect(within(panel).getByLabelText('Pinned output value').textContent).toContain('typed pin');
    expect(await t.pins()).toMatchObject({ kind: 'ok', pins: { draft: { output: { text: 'typed pin' } } } });
    await t.user.click(screen.getByRole('button', { name: 'Unpin' }));
    await waitFor(() => expect(panel.dataset.pinned).toBe('false'));
    expect(await t.pins()).toEqual({ kind: 'ok', pins: {} });
  });

  it("pins the last run's output, with that run as its source", async () => {
    const t = await setup();
    await t.db.runs.put(aRun('r1', { workflowId: t.id, status: 'completed' }));
    await t.db.steps.put({ ...aStep('r1', 'draft', 1), status: 'completed', endedAt: 2, output: 'from the run' });
    section(t);
    await t.user.click(await screen.findByRole('button', { name: "Pin the last run's output" }));
    await waitFor(async () =>
      expect(await t.pins()).toMatchObject({
        pins: { draft: { output: 'from the run', source: { kind: 'run', runId: 'r1', stepKey: 'r1:draft@' } } },
      }),
    );
  });

  it('a damaged pins field is shown with what is wrong, and Clear pins mends it', async () => {
    const t = await setup();
    await t.db.workflows.update(t.id, { pins: { draft: { output: 1 } } });
    section(t);
    expect((await screen.findByRole('alert')).textContent).toMatch(/damaged at pins\.draft\.source/);
    await t.user.click(screen.getByRole('button', { name: 'Clear pins' }));
    await waitFor(() => expect(screen.queryByRole('alert')).toBeNull());
    expect(await t.pins()).toEqual({ kind: 'ok', pins: {} });
  });
});

describe('run this step, run to here', () => {
  it('start from the panel with the pins, and show the refusal naming the missing output', async () => {
    const asked: unknown[] = [];
    const t = await setup({
      start: async (request) => {
        asked.push(request);
        if (request.editor?.partial?.kind === 'step-only')
          throw new Error('"polish" needs the output of "draft", but this workflow has no earlier run with that step');
        return 'run-2';
      },
    });
    section(t, 'polish');
    await t.user.click(await screen.findByRole('button', { name: 'Run to here' }));
    await t.user.click(screen.getByRole('button', { name: 'Run this step' }));
    expect((await screen.findByRole('alert')).textContent).toContain('needs the output of "draft"');
    expect(asked).toEqual([
      { workflowId: t.id, input: undefined, editor: { withPins: true, partial: { kind: 'up-to', slug: 'polish' } } },
      {
        workflowId: t.id,
        input: undefined,
        editor: { withPins: true, partial: { kind: 'step-only', slug: 'polish' } },
      },
    ]);
  });

  it('a step inside a loop or branch says why it cannot be run alone', async () => {
    const t = await setup();
    section(t, 'draft', false);
    expect(await screen.findByText(/take a step at the top level/)).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Run this step' })).toBeNull();
  });
});

describe('the step inspector and the run', () => {
  const completed = (runId: string): StepRecord => ({
    ...aStep(runId, 'draft', 1),
    status: 'completed',
    endedAt: 2,
    output: { text: 'seen in a run' },
    branch: 'success',
  });

  it('Pin output takes the inspected step; Run this step builds on the inspected run', async () => {
    const asked: unknown[] = [];
    const t = await setup({ start: async (request) => (asked.push(request), 'run-3') });
    const run = aRun('r7', { workflowId: t.id, status: 'completed' });
    renderWithExecutor(t.db, t.executor, <StepPinActions run={run} step={completed('r7')} onError={() => undefined} />);
    await t.user.click(await screen.findByRole('button', { name: 'Pin output' }));
    expect(screen.queryByTestId('step-pinned')).toBeNull();
    await waitFor(async () =>
      expect(await t.pins()).toMatchObject({
        pins: { draft: { output: { text: 'seen in a run' }, branch: 'success', source: { runId: 'r7' } } },
      }),
    );
    await t.user.click(await screen.findByRole('button', { name: 'Unpin output' }));
    await screen.findByRole('button', { name: 'Pin output' });
    expect(await t.pins()).toEqual({ kind: 'ok', pins: {} });
    await t.user.click(screen.getByRole('button', { name: 'Run this step' }));
    await waitFor(() =>
      expect(asked).toEqual([
        {
          workflowId: t.id,
          input: undefined,
          editor: { withPins: true, partial: { kind: 'step-only', slug: 'draft', inputsFrom: 'r7' } },
        },
      ]),
    );
  });

  it('a pinned step is marked "pinned"; a copied input says where it came from', async () => {
    const t = await setup();
    const pinned = { ...completed('r1'), meta: { pinned: true } };
    const copied = { ...completed('r2'), meta: { copiedFrom: 'r1:draft@' } };
    renderWithExecutor(
      t.db,
      {},
      <>
        <PinnedStepMark step={pinned} />
        <PinnedStepMark step={copied} />
        <PinnedStepMark step={completed('r3')} />
      </>,
    );
    expect(screen.getByTestId('step-pinned').textContent).toBe('pinned');
    expect(screen.getByText('from an earlier run').getAttribute('title')).toContain('r1:draft@');
  });

  it('a run graph marks the steps the run started pinned', async () => {
    const t = await setup();
    renderWithExecutor(
      t.db,
      {},
      <RunPinsProvider run={aRun('r', { pins: { draft: { output: 1 } } })}>
        <span data-testid="draft">
          <PinnedNodeBadge slug="draft" />
        </span>
        <span data-testid="polish">
          <PinnedNodeBadge slug="polish" />
        </span>
      </RunPinsProvider>,
    );
    expect(screen.getByTestId('draft').textContent).toBe('pinned');
    expect(screen.getByTestId('polish').textContent).toBe('');
  });

  it.each([
    [{}, []],
    [{ pins: { a: { output: 1 }, b: { output: 2 } } }, ['2 steps pinned']],
    [{ partial: { kind: 'step-only', slug: 'polish' } }, ['ran only polish']],
    [{ partial: { kind: 'up-to', slug: 'draft', reached: true } }, ['stopped after draft']],
    [{ partial: { kind: 'up-to', slug: 'draft' }, finishedAt: 5 }, ['did not reach draft']],
  ] as const)('the run header says how the run was started: %j', (fields, notes) => {
    expect(describeIteration(aRun('r', fields as never))).toEqual(notes);
  });
});

describe('the runs list', () => {
  it('marks runs started with pins, as Run this step or as Run to here', async () => {
    const t = await setup();
    const runs = [
      aRun('a', { pins: { draft: { output: 1 } } }),
      aRun('b', { partial: { kind: 'step-only', slug: 'polish' } }),
      aRun('c', { partial: { kind: 'up-to', slug: 'draft' } }),
      aRun('d'),
    ];
    renderWithExecutor(
      t.db,
      {},
      <ol>
        {runs.map((run) => (
          <li key={run.id} data-testid={run.id}>
            <IterationBadges run={run} />
          </li>
        ))}
      </ol>,
    );
    expect(runs.map((run) => screen.getByTestId(run.id).textContent)).toEqual([
      '1 pinned',
      'only polish',
      'to draft',
      '',
    ]);
  });
});

describe('pins leave the browser only when asked', () => {
  it('a file exported with its pinned outputs gives them to the imported workflow, not its document', async () => {
    const t = await setup();
    await pinStep(t.db, t.id, 'draft', { output: 'CARRIED', source: { kind: 'typed' } }, 3);
    const file = exportedWorkflow((await getWorkflow(t.db, t.id))!, () => undefined, true);
    const { workflow } = await importWorkflowFile(t.db, file);
    const imported = (await getWorkflow(t.db, workflow.id))!;
    expect(JSON.stringify(imported.doc)).not.toContain('CARRIED');
    expect(readPins(imported)).toEqual({
      kind: 'ok',
      pins: { draft: { output: 'CARRIED', source: { kind: 'typed' }, pinnedAt: 3 } },
    });
  });

  it('Export file asks first (pins off by default); Copy share link never carries them', async () => {
    const db = freshDb();
    const record = await createWorkflow(db, doc);
    await pinStep(db, record.id, 'draft', { output: 'PINNED-VALUE', source: { kind: 'typed' } });
    const app = renderApp(db);
    // A loaded 2-core box: the library's first read may take a while.
    await app.user.click(await screen.findByRole('button', { name: /^Pinned flow/ }, { timeout: 10_000 }));
    await screen.findByRole('textbox', { name: 'Workflow name' }, { timeout: 10_000 });
    await app.user.click(screen.getByRole('button', { name: 'Export file' }));
    const dialog = await screen.findByRole('dialog', { name: 'Export file' });
    const include = within(dialog).getByRole('checkbox', { name: /Include pinned outputs \(draft\)/ });
    expect((include as HTMLInputElement).checked).toBe(false);
    await app.user.click(within(dialog).getByRole('button', { name: 'Export' }));
    await waitFor(() => expect(downloads).toHaveLength(1));
    expect(await downloads[0]!.text).not.toContain('PINNED-VALUE');
    await app.user.click(screen.getByRole('button', { name: 'Export file' }));
    await app.user.click(within(await screen.findByRole('dialog')).getByRole('checkbox'));
    await app.user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Export' }));
    await waitFor(() => expect(downloads).toHaveLength(2));
    expect(JSON.parse(await downloads[1]!.text).pinnedOutputs.draft.output).toBe('PINNED-VALUE');
    await app.user.click(screen.getByRole('button', { name: 'Copy share link' }));
    await screen.findByText(/Link copied/);
    const link = await navigator.clipboard.readText();
    expect(await decodeSharePayload(shareDataFromHash(new URL(link).hash)!)).not.toContain('PINNED-VALUE');
  });
});
