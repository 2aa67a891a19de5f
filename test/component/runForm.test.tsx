import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { seedDemoData, DEMO_CUSTOMERS } from '../../src/store/demoData';
import type { TabflowDb } from '../../src/store/db';
import { App } from '../../src/ui/App';
import type { ExecutorApi } from '../../src/worker/api';
import { aRun } from '../unit/store/fixtures';
import { freshDb, templateUseButton } from './helpers';

/** The app with an executor that only records what it was asked to start. */
function renderWithExecutor(db: TabflowDb) {
  const started: Array<{ workflowId: string; input: unknown }> = [];
  const start = async (request: { workflowId: string; input: unknown }) => (started.push(request), 'run-new');
  // Every other command (the role asked at boot, …) answers nothing.
  const executor = new Proxy({ start } as Record<string, unknown>, {
    get: (target, name: string) => target[name] ?? (async () => undefined),
  }) as unknown as ExecutorApi;
  const user = userEvent.setup();
  render(<App db={db} executor={executor} />);
  return { user, started };
}

async function openRunForm(user: ReturnType<typeof userEvent.setup>) {
  await screen.findByRole('textbox', { name: 'Workflow name' });
  await user.click(screen.getByRole('button', { name: /^Run$/ }));
  const dialog = await screen.findByRole('dialog');
  return { dialog, field: (await within(dialog).findByLabelText(/customerId/)) as HTMLInputElement };
}

describe('the run form', () => {
  it("offers the local customers' ids for a customerId input, with their names", async () => {
    const db = freshDb();
    await seedDemoData(db);
    const { user, started } = renderWithExecutor(db);
    await user.click(templateUseButton('single-customer-status'));
    const { dialog, field } = await openRunForm(user);
    await waitFor(() => expect(document.activeElement).toBe(field));
    const options = [...dialog.querySelectorAll('datalist option')].map((o) => [
      o.getAttribute('value'),
      o.textContent,
    ]);
    expect(options).toEqual(DEMO_CUSTOMERS.map((c) => [c.id, c.name]));
    expect(within(dialog).getByText(/ids in your local table “customers”/)).toBeTruthy();
    expect(within(dialog).queryByText(/from the last run/)).toBeNull();
    await user.type(field, 'cus_003');
    await user.click(within(dialog).getByRole('button', { name: 'Start run' }));
    await waitFor(() => expect(started.map((s) => s.input)).toEqual([{ customerId: 'cus_003' }]));
  });

  it("starts from the last run's input, which the user may change", async () => {
    const db = freshDb();
    const { user, started } = renderWithExecutor(db);
    await user.click(templateUseButton('single-customer-status'));
    await screen.findByRole('textbox', { name: 'Workflow name' });
    const workflowId = (await db.workflows.toArray())[0]!.id;
    await db.runs.bulkPut([
      aRun('older', { workflowId, createdAt: 1_000, input: { customerId: 'cus_001' } }),
      aRun('newer', { workflowId, createdAt: 2_000, input: { customerId: 'cus_004' } }),
    ]);
    const { dialog, field } = await openRunForm(user);
    expect(field.value).toBe('cus_004');
    expect(within(dialog).getByText(/filled in from the last run/i)).toBeTruthy();
    await user.clear(field);
    await user.type(field, 'cus_005');
    await user.click(within(dialog).getByRole('button', { name: 'Start run' }));
    await waitFor(() => expect(started.map((s) => s.input)).toEqual([{ customerId: 'cus_005' }]));
  });
});
