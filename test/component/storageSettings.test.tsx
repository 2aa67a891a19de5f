import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { TabflowDb } from '../../src/store/db';
import { settingValue } from '../../src/store/settings';
import { StorageSection } from '../../src/ui/settings/StorageSection';
import { aRun, aStep, completed } from '../unit/store/fixtures';
import { freshDb, renderWithExecutor } from './helpers';

const DAY = 24 * 60 * 60 * 1000;

function renderStorage(db: TabflowDb) {
  const executor = {
    applyRetention: vi.fn(async () => ({ deletedRuns: 0, kept: 0 })),
    clearAllData: vi.fn(async () => undefined),
  };
  renderWithExecutor(db, executor, <StorageSection />);
  return executor;
}

async function seeded(): Promise<TabflowDb> {
  const db = freshDb();
  const now = Date.now();
  await db.runs.bulkPut([
    aRun('recent', { status: 'completed', workflowId: 'w', workflowName: 'Digest', createdAt: now }),
    aRun('old', { status: 'completed', workflowId: 'w', workflowName: 'Digest', createdAt: now - 30 * DAY }),
    aRun('live', { status: 'running', workflowId: 'w', workflowName: 'Digest', createdAt: now - 60 * DAY }),
  ]);
  await db.steps.bulkPut([completed(aStep('old', 'a', 0), 'x'.repeat(3_000)), aStep('live', 'a', 0)]);
  return db;
}

describe('Settings → Storage', () => {
  it('shows what takes the space, deletes a finished run there, and says what retention would delete', async () => {
    const user = userEvent.setup();
    const db = await seeded();
    const executor = renderStorage(db);
    const section = screen.getByRole('region', { name: 'Storage' });
    const largest = await within(section).findByRole('list', { name: 'Largest runs' });
    const items = within(largest).getAllByRole('listitem');
    expect(items[0]!.dataset.runId).toBe('old'); // the largest first
    expect(within(section).getByText('Runs and journals (steps, events, threads, messages, definitions)')).toBeTruthy();
    const live = items.find((item) => item.dataset.runId === 'live')!;
    expect(live.textContent).toContain('not finished: cannot be deleted');

    const old = items.find((item) => item.dataset.runId === 'old')!;
    await user.click(within(old).getByRole('button', { name: 'Delete…' }));
    await user.click(within(old).getByRole('button', { name: 'Delete run' }));
    await waitFor(async () => expect(await db.runs.get('old')).toBeUndefined());
    expect(await db.steps.where('runId').equals('old').count()).toBe(0);

    // Left: "recent", the newest, and "live", which never goes: keeping one run per workflow lets none go.
    await user.type(within(section).getByLabelText('Keep the last runs of each workflow'), '1');
    expect(await within(section).findByText('With these rules, 0 finished runs would be deleted now.')).toBeTruthy();
    await user.type(within(section).getByLabelText('Keep runs younger than (days)'), 'soon');
    expect(within(section).getByText('Days must be a whole number from 1 to 36500, or empty')).toBeTruthy();
    await user.clear(within(section).getByLabelText('Keep runs younger than (days)'));
    await user.click(within(section).getByRole('button', { name: 'Save retention' }));
    await waitFor(() => expect(executor.applyRetention).toHaveBeenCalled());
    expect(await settingValue(db, 'retention')).toEqual({ keepLastRuns: 1 });
  });

  it('"Clear all data" needs the word shown typed, and says that keys go too', async () => {
    const user = userEvent.setup();
    const db = freshDb();
    const executor = renderStorage(db);
    await user.click(screen.getByRole('button', { name: 'Clear all data…' }));
    const confirm = screen.getByRole('group', { name: 'Confirm clearing all data' });
    expect(confirm.textContent).toContain('and every API key and secret');
    const clear = within(confirm).getByRole('button', { name: 'Clear all data' });
    await user.type(within(confirm).getByLabelText(/to confirm/), 'eras');
    expect((clear as HTMLButtonElement).disabled).toBe(true);
    await user.click(clear);
    expect(executor.clearAllData).not.toHaveBeenCalled();
    await user.click(within(confirm).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('group', { name: 'Confirm clearing all data' })).toBeNull();
  });
});
