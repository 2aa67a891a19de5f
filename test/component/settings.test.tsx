import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_MAX_PARALLELISM } from '../../src/schema/limits';
import type { TabflowDb } from '../../src/store/db';
import { DbProvider } from '../../src/ui/DbContext';
import { ExecutorProvider } from '../../src/ui/ExecutorContext';
import { SettingsDialog } from '../../src/ui/settings/SettingsDialog';
import { UiStoreProvider } from '../../src/ui/state';
import type { ExecutorApi } from '../../src/worker/api';
import { freshDb } from './helpers';

/** The Settings dialog over its own database, with an executor that only answers what the dialog asks. */
function renderSettings(db: TabflowDb) {
  const executor = {
    keysState: vi.fn(async () => ({ passphrase: false, unlocked: false, names: [] })),
    applySettings: vi.fn(async () => undefined),
    saveSecret: vi.fn(async () => undefined),
  };
  render(
    <DbProvider db={db}>
      <UiStoreProvider>
        <ExecutorProvider executor={executor as unknown as ExecutorApi}>
          <SettingsDialog />
        </ExecutorProvider>
      </UiStoreProvider>
    </DbProvider>,
  );
  return executor;
}

describe('settings dialog', () => {
  it('damaged stored settings show their defaults and say what is wrong, instead of breaking the dialog', async () => {
    const db = freshDb();
    await db.settings.bulkPut([
      { key: 'providers', value: 'not an object' },
      { key: 'maxParallelism', value: 'eight' },
      { key: 'keyVault', value: { salt: 1 } },
    ]);
    renderSettings(db);
    const providers = await screen.findByRole('region', { name: 'Model providers' });
    expect(within(providers).getByRole('status').textContent).toContain(
      'The saved setting "providers" is not valid ($: ',
    );
    expect(within(providers).getByText(/None yet: LLM steps run on the offline demo model/)).toBeTruthy();
    const execution = screen.getByRole('form', { name: 'Execution' });
    expect((await within(execution).findByRole('status')).textContent).toContain(
      'The saved setting "maxParallelism" is not valid',
    );
    expect(within(execution).getByRole('spinbutton')).toHaveProperty('value', String(DEFAULT_MAX_PARALLELISM));
    const keys = await screen.findByRole('region', { name: 'Keys' });
    expect((await within(keys).findByRole('status')).textContent).toContain(
      'The saved setting "keyVault" is not valid ($.salt: ',
    );
  });

  it('saving steps in flight replaces a damaged value and tells the executor', async () => {
    const db = freshDb();
    await db.settings.put({ key: 'maxParallelism', value: -3 });
    const executor = renderSettings(db);
    const execution = await screen.findByRole('form', { name: 'Execution' });
    await within(execution).findByRole('status');
    const field = within(execution).getByRole('spinbutton');
    await userEvent.clear(field);
    await userEvent.type(field, '6');
    await userEvent.click(within(execution).getByRole('button', { name: 'Save execution settings' }));
    await waitFor(() => expect(executor.applySettings).toHaveBeenCalled());
    expect((await db.settings.get('maxParallelism'))?.value).toBe(6);
    await waitFor(() => expect(within(execution).queryByRole('status')).toBeNull());
  });
});
