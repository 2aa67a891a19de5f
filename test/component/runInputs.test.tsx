import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { WorkflowFile } from '../../src/schema/workflow';
import { createWorkflow } from '../../src/store/workflows';
import { App } from '../../src/ui/App';
import type { ExecutorApi } from '../../src/worker/api';
import { freshDb, workflowItems } from './helpers';

/** `{{input.customerId}}` is read, but the workflow has no input schema. */
const UNDECLARED: WorkflowFile = {
  workflowConfig: { name: 'Undeclared input' },
  stepsConfig: [
    {
      stepSlug: 'start',
      name: 'Start',
      stepType: 'trigger',
      config: { type: 'manual', data: { customerId: '{{input.customerId}}' } },
      nextSteps: { default: 'note' },
    },
    {
      stepSlug: 'note',
      name: 'Note',
      stepType: 'action',
      config: { action: 'set', values: { id: '{{input.customerId}}' } },
    },
  ],
};

async function openRunDialog() {
  const db = freshDb();
  await createWorkflow(db, structuredClone(UNDECLARED));
  const started: unknown[] = [];
  const start = async (request: { input: unknown }) => (started.push(request.input), 'run-new');
  const executor = new Proxy({ start } as Record<string, unknown>, {
    get: (target, name: string) => target[name] ?? (async () => undefined),
  }) as unknown as ExecutorApi;
  const user = userEvent.setup();
  render(<App db={db} executor={executor} />);
  await waitFor(() => expect(workflowItems()).toHaveLength(1));
  await user.click(within(workflowItems()[0]!).getAllByRole('button')[0]!);
  await user.click(await screen.findByRole('button', { name: /^Run$/ }));
  const dialog = await screen.findByRole('dialog');
  const field = (await within(dialog).findByLabelText(/customerId/)) as HTMLInputElement;
  return { user, dialog, field, started };
}

describe('inputs the workflow reads without declaring them', () => {
  it('are asked for, and starting with one empty warns first, naming the steps that read it', async () => {
    const { user, dialog, started } = await openRunDialog();
    expect(within(dialog).getByText(/Not declared in the workflow's input schema; read by start, note/)).toBeTruthy();
    await user.click(within(dialog).getByRole('button', { name: 'Start run' }));
    const warning = await within(dialog).findByRole('alert');
    expect(warning.textContent).toBe(
      'customerId is empty, but the steps “start”, “note” read it. Fill it in, or start anyway.',
    );
    expect(started).toEqual([]);
    await user.click(within(dialog).getByRole('button', { name: 'Start anyway' }));
    await waitFor(() => expect(started).toEqual([{}]));
  });

  it('start without a warning once filled in', async () => {
    const { user, dialog, field, started } = await openRunDialog();
    await user.type(field, 'cus_002');
    await user.click(within(dialog).getByRole('button', { name: 'Start run' }));
    await waitFor(() => expect(started).toEqual([{ customerId: 'cus_002' }]));
    expect(within(dialog).queryByText(/is empty/)).toBeNull();
  });
});
