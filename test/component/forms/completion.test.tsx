import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { RunRecord, StepRecord } from '../../../src/engine/records';
import { saveSecret } from '../../../src/store/keyVault';
import { writeSetting } from '../../../src/store/settings';
import { everyStepWorkflow, pathOfSlug } from '../../support/everyStep';
import { changedPaths, freshDb, renderPanel } from './harness';

const options = () =>
  within(screen.getByRole('listbox'))
    .getAllByRole('option')
    .map((o) => o.querySelector('code')!.textContent);

/** The form has read the last run and the stored secret names. */
const formReady = () =>
  waitFor(() => expect(screen.getByTestId('step-form').getAttribute('data-state')).toBe('ready'), { timeout: 10_000 });

function lastRun(
  workflowId: string,
  outputs: Record<string, unknown>,
  {
    id = 'run-last',
    status = 'completed',
    createdAt = 10,
  }: Partial<Pick<RunRecord, 'id' | 'status' | 'createdAt'>> = {},
): { run: RunRecord; steps: StepRecord[] } {
  const run: RunRecord = {
    id,
    workflowHash: 'h',
    workflowName: 'Every step',
    workflowId,
    mode: 'durable',
    input: { customerId: 'c-7' },
    status,
    generation: 0,
    createdAt,
    updatedAt: 10,
    activeMs: 0,
    depth: 0,
    nextSeq: 2,
  };
  const steps = Object.entries(outputs).map(
    ([slug, output], seq) =>
      ({
        kind: 'step',
        key: `${id}:${slug}@`,
        runId: id,
        slug,
        path: '',
        stepType: 'action',
        seq,
        status: 'completed',
        attempts: [],
        interruptions: 0,
        startedAt: 0,
        endedAt: 1,
        output,
      }) as StepRecord,
  );
  return { run, steps };
}

describe('template completion after {{', () => {
  it('offers only the steps that can have run before this one, and inserts with the keyboard', async () => {
    const file = everyStepWorkflow();
    const panel = renderPanel(file, pathOfSlug(file, 'review'));
    const question = screen.getByLabelText(/^Question/) as HTMLTextAreaElement;
    await panel.user.click(question);
    await panel.user.type(question, ' {{{{steps.');
    const offered = options();
    expect(offered).toContain('steps.classify.output');
    expect(offered).toContain('steps.fan.output');
    expect(offered).not.toContain('steps.ping.output');
    expect(offered).not.toContain('steps.child.output');
    expect(offered).not.toContain('steps.review.output');
    expect(offered).not.toContain('steps.line.output');
    expect(question.getAttribute('aria-activedescendant')).toBe(`${question.id}-completions-0`);

    await panel.user.keyboard('{ArrowDown}{Enter}');
    expect(screen.queryByRole('listbox')).toBeNull();
    expect(question.value).toBe(`Approve {{input.customerId}}? {{${offered[1]}}}`);
  });

  it('Ctrl+Space lists every name outside {{ }} and inserts it with its braces', async () => {
    const file = everyStepWorkflow();
    const panel = renderPanel(file, pathOfSlug(file, 'review'));
    const question = screen.getByLabelText(/^Question/) as HTMLTextAreaElement;
    await panel.user.click(question);
    await panel.user.keyboard('{End} {Control>}[Space]{/Control}');
    expect(options()[0]).toBe('input.customerId');
    await panel.user.keyboard('{Enter}');
    expect(question.value).toBe('Approve {{input.customerId}}? {{input.customerId}}');
  });

  it('inside a loop offers loop.item and loop.index; Escape closes the list', async () => {
    const file = everyStepWorkflow();
    const panel = renderPanel(file, pathOfSlug(file, 'tally'));
    const set = screen.getByLabelText(/^Set \(JSON\)/);
    await panel.user.click(set);
    await panel.user.type(set, '{End}{{{{loo');
    expect(options()).toEqual(['loop.item', 'loop.index', 'loop.previous.line.output', 'loop.previous.tally.output']);
    await panel.user.keyboard('{Escape}');
    expect(screen.queryByRole('listbox')).toBeNull();
  });

  it('offers secret names (declared and stored, never values) only in an http request', async () => {
    const db = freshDb();
    await saveSecret(db, 'secret:STORED_ONE', 'sk-value-never-shown', undefined);
    const file = everyStepWorkflow();
    const panel = renderPanel(file, pathOfSlug(file, 'call'), { db });
    await formReady();
    const headers = screen.getByLabelText(/^Headers/);
    await panel.user.click(headers);
    await panel.user.type(headers, '{End}{{{{secr');
    expect(options()).toEqual(['secrets.API_TOKEN', 'secrets.STORED_ONE']);
    expect(document.body.textContent).not.toContain('sk-value-never-shown');
    panel.unmount();

    const review = renderPanel(file, pathOfSlug(file, 'review'), { db });
    await formReady();
    const question = screen.getByLabelText(/^Question/);
    await review.user.click(question);
    await review.user.type(question, '{{{{secr');
    expect(screen.queryByRole('listbox')).toBeNull();
  });

  it("offers the fields of a predecessor's output in the last run", async () => {
    const db = freshDb();
    const { run, steps } = lastRun('wf1', { classify: { label: 'urgent', score: 0.9 } });
    await db.runs.put(run);
    await db.steps.bulkPut(steps);
    const file = everyStepWorkflow();
    const panel = renderPanel(file, pathOfSlug(file, 'review'), { db, workflowId: 'wf1' });
    await formReady();
    const question = screen.getByLabelText(/^Question/);
    await panel.user.click(question);
    await panel.user.type(question, '{{{{steps.classify.output.');
    expect(options()).toEqual(['steps.classify.output.label', 'steps.classify.output.score']);
  });
});

describe('model and tool fields', () => {
  it("offers the configured providers' models and aliases, and the demo model", async () => {
    const db = freshDb();
    await writeSetting(db, 'providers', {
      providers: [
        {
          id: 'p1',
          name: 'Local',
          kind: 'openai-compatible',
          baseUrl: 'http://localhost:11434/v1',
          defaultModel: 'llama3.2',
          aliases: { 'gpt-4o-mini': 'qwen2.5' },
        },
      ],
    });
    const file = everyStepWorkflow();
    renderPanel(file, pathOfSlug(file, 'classify'), { db });
    const model = screen.getByLabelText(/^Model/) as HTMLInputElement;
    const list = () =>
      [...document.getElementById(model.getAttribute('list')!)!.querySelectorAll('option')].map((o) => o.value);
    await waitFor(() => expect(list()).toEqual(['llama3.2', 'gpt-4o-mini', 'qwen2.5', 'demo']));
    const provider = screen.getByLabelText('Provider') as HTMLInputElement;
    const providers = [...document.getElementById(provider.getAttribute('list')!)!.querySelectorAll('option')];
    expect(providers.map((o) => o.value)).toEqual(['Local', 'demo']);
  });
});

describe('JSONata preview', () => {
  it('switching a loop to while writes the while and drops forEach; the while previews its first round', async () => {
    const file = everyStepWorkflow();
    const loopPath = pathOfSlug(file, 'each');
    const panel = renderPanel(file, loopPath);
    fireEvent.click(screen.getByLabelText('While an expression is true'));
    expect(changedPaths(file, panel.current())).toEqual([
      [...loopPath, 'config', 'forEach'],
      [...loopPath, 'config', 'while'],
    ]);
    const preview = await screen.findByText(/Evaluates to/, {}, { timeout: 10_000 });
    expect(preview.textContent).toBe('Evaluates to true — the rule matches (no finished run yet: empty data)');
    const when = screen.getByLabelText('While');
    await panel.user.click(when);
    await panel.user.type(when, '{End} and loop.pre');
    expect(options()).toEqual(['loop.previous.line.output', 'loop.previous.tally.output']);
  });

  it("evaluates against the last run's data, and shows an error clearly", async () => {
    const db = freshDb();
    const { run, steps } = lastRun('wf1', { classify: { label: 'urgent' }, ping: { label: 'never seen' } });
    await db.runs.put(run);
    await db.steps.bulkPut(steps);
    // A newer run still in flight is not what the preview reads: its data is not complete.
    const running = lastRun(
      'wf1',
      { classify: { label: 'calm' } },
      { id: 'run-live', status: 'running', createdAt: 20 },
    );
    await db.runs.put(running.run);
    await db.steps.bulkPut(running.steps);
    const file = everyStepWorkflow();
    renderPanel(file, pathOfSlug(file, 'route'), { db, workflowId: 'wf1' });
    const preview = await screen.findByText(/Evaluates to/, {}, { timeout: 10_000 });
    expect(preview.textContent).toBe('Evaluates to true — the rule matches (the last finished run)');

    const when = screen.getByLabelText(/^Rule 1: when/);
    fireEvent.change(when, { target: { value: 'input.customerId & "/" & steps.ping.output.label' } });
    await screen.findByText('"c-7/"', {}, { timeout: 10_000 });

    fireEvent.change(when, { target: { value: 'steps.classify.output.label =' } });
    const error = await screen.findByText(/^Error:/, {}, { timeout: 10_000 });
    expect(error.className).toContain('form-preview-error');
    expect(error.textContent!.length).toBeGreaterThan('Error: '.length);
  });
});
