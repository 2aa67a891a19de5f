import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { TabflowDb } from '../../src/store/db';
import { providerKeyName } from '../../src/store/keyVault';
import { settingValue, writeSetting } from '../../src/store/settings';
import { DbProvider } from '../../src/ui/DbContext';
import { ExecutorProvider } from '../../src/ui/ExecutorContext';
import { SettingsDialog } from '../../src/ui/settings/SettingsDialog';
import { createUiStore, UiStoreProvider } from '../../src/ui/state';
import type { ExecutorApi } from '../../src/worker/api';
import { freshDb } from './helpers';

/** Settings over its own database, with an executor holding keys by name as the real one does. */
function renderSettings(db: TabflowDb, names: string[] = [], openAt?: string) {
  const keys = new Set(names);
  const executor = {
    keysState: vi.fn(async () => ({ passphrase: false, unlocked: false, names: [...keys] })),
    applySettings: vi.fn(async () => undefined),
    saveSecret: vi.fn(async (name: string, value: string) => void (value ? keys.add(name) : keys.delete(name))),
    forgetAllKeys: vi.fn(async () => keys.clear()),
    testProvider: vi.fn(async () => ({ ok: true, message: 'connected' })),
  };
  const store = createUiStore();
  store.getState().openDialog(openAt === undefined ? { kind: 'settings' } : { kind: 'settings', provider: openAt });
  const onClose = vi.spyOn(store.getState(), 'closeDialog');
  render(
    <DbProvider db={db}>
      <UiStoreProvider store={store}>
        <ExecutorProvider executor={executor as unknown as ExecutorApi}>
          <SettingsDialog />
        </ExecutorProvider>
      </UiStoreProvider>
    </DbProvider>,
  );
  return { executor, onClose };
}

const LOCAL = { id: 'p1', name: 'Local server', kind: 'openai-compatible' as const, baseUrl: 'http://127.0.0.1:9/v1' };

describe('settings: providers and keys', () => {
  it('after "Forget all keys" the providers say "no key", not "key saved"', async () => {
    const db = freshDb();
    await writeSetting(db, 'providers', { providers: [LOCAL], defaultProviderId: 'p1' });
    renderSettings(db, [providerKeyName('p1')]);
    const providers = await screen.findByRole('region', { name: 'Model providers' });
    await within(providers).findByText(/key saved/);
    const keys = screen.getByRole('region', { name: 'Keys' });
    await userEvent.click(within(keys).getByRole('button', { name: 'Forget all keys' }));
    await userEvent.click(within(keys).getByRole('button', { name: 'Forget them' }));
    await within(providers).findByText(/no key/);
    expect(within(providers).queryByText(/key saved/)).toBeNull();
    // The confirmation went away with the focused button: focus stays in Settings.
    expect(document.activeElement).toBe(within(keys).getByLabelText('New passphrase'));
  });

  it('after "Save provider" focus stays in Settings, on the saved entry, and Escape still closes it', async () => {
    const db = freshDb();
    const { onClose } = renderSettings(db);
    const providers = await screen.findByRole('region', { name: 'Model providers' });
    await userEvent.click(within(providers).getByRole('button', { name: 'Add provider' }));
    const form = within(providers).getByRole('form', { name: 'Provider' });
    await userEvent.type(within(form).getByLabelText('Name'), 'Local server');
    await userEvent.type(within(form).getByLabelText('Base URL'), 'http://127.0.0.1:9/v1');
    await userEvent.click(within(form).getByRole('button', { name: 'Save provider' }));
    const item = await waitFor(() => {
      const found = providers.querySelector<HTMLElement>('[data-provider-name="Local server"]');
      if (!found) throw new Error('not saved yet');
      return found;
    });
    await waitFor(() =>
      expect(document.activeElement).toBe(within(item).getByRole('button', { name: 'Test connection' })),
    );
    expect(screen.getByRole('dialog', { name: 'Settings' }).contains(document.activeElement)).toBe(true);
    await userEvent.keyboard('{Escape}');
    expect(onClose).toHaveBeenCalled();
  });

  it('opened from a run that failed on its key, Settings opens that provider with its key field focused', async () => {
    const db = freshDb();
    await writeSetting(db, 'providers', { providers: [LOCAL, { ...LOCAL, id: 'p2', name: 'Other' }] });
    renderSettings(db, [], 'local server');
    const form = await screen.findByRole('form', { name: 'Provider' });
    expect(within(form).getByLabelText<HTMLInputElement>('Name').value).toBe('Local server');
    await waitFor(() => expect(document.activeElement).toBe(within(form).getByLabelText('API key')));
  });

  it('sets a price per model in Settings, refusing one that is not a number', async () => {
    const db = freshDb();
    renderSettings(db);
    const prices = await screen.findByRole('region', { name: 'Model prices' });
    await userEvent.type(within(prices).getByLabelText('Model'), 'llama3.2');
    await userEvent.type(within(prices).getByLabelText('Input price, $ per 1M tokens'), 'cheap');
    await userEvent.type(within(prices).getByLabelText('Output price, $ per 1M tokens'), '0.8');
    await userEvent.click(within(prices).getByRole('button', { name: 'Save price' }));
    expect(within(prices).getByRole('alert').textContent).toBe(
      'The input price must be a number of dollars, 0 or more',
    );
    await userEvent.clear(within(prices).getByLabelText('Input price, $ per 1M tokens'));
    await userEvent.type(within(prices).getByLabelText('Input price, $ per 1M tokens'), '0.2');
    await userEvent.click(within(prices).getByRole('button', { name: 'Save price' }));
    await waitFor(async () =>
      expect(await settingValue(db, 'modelPrices')).toEqual({ 'llama3.2': { inputPer1M: 0.2, outputPer1M: 0.8 } }),
    );
    await within(prices).findByText('llama3.2');
  });
});
