import { act, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ExecutorProvider } from '../../src/ui/ExecutorContext';
import { UpdateBanner } from '../../src/ui/pwa/UpdateBanner';
import { UpdateController } from '../../src/ui/pwa/updates';
import type { ExecutorApi } from '../../src/worker/api';

/** A promise the test settles, to stand for a step commit still in flight. */
function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('UpdateBanner: a new version waits for the person and for step commits', () => {
  it('offers Reload, and reloads only after the commits in flight have finished', async () => {
    const order: string[] = [];
    const commit = deferred();
    const executor = {
      holdWritesForReload: vi.fn(async () => {
        order.push('hold writes');
        await commit.promise;
        order.push('writes settled');
      }),
    } as unknown as ExecutorApi;
    const updates = new UpdateController();
    const reload = vi.fn(() => order.push('reload'));
    render(
      <ExecutorProvider executor={executor}>
        <UpdateBanner updates={updates} />
      </ExecutorProvider>,
    );
    expect(screen.queryByRole('status', { name: 'New version' })).toBeNull();

    act(() => updates.offer({ takeOver: async () => void order.push('take over'), reload }));
    const banner = screen.getByRole('status', { name: 'New version' });
    expect(banner.textContent).toContain('A new version is ready.');
    expect(reload).not.toHaveBeenCalled();

    await userEvent.click(screen.getByRole('button', { name: 'Reload' }));
    expect(banner.textContent).toContain('once running steps have saved');
    expect((screen.getByRole('button', { name: 'Reload' }) as HTMLButtonElement).disabled).toBe(true);
    expect(reload).not.toHaveBeenCalled();

    await act(async () => commit.resolve());
    expect(order).toEqual(['hold writes', 'writes settled', 'take over', 'reload']);
  });

  it('says so when the new version cannot take over, and Reload can be pressed again', async () => {
    const executor = { holdWritesForReload: async () => undefined } as unknown as ExecutorApi;
    const updates = new UpdateController();
    render(
      <ExecutorProvider executor={executor}>
        <UpdateBanner updates={updates} />
      </ExecutorProvider>,
    );
    act(() =>
      updates.offer({
        takeOver: () => Promise.reject(new Error('the service worker went away')),
        reload: () => undefined,
      }),
    );
    await userEvent.click(screen.getByRole('button', { name: 'Reload' }));
    expect(screen.getByRole('status', { name: 'New version' }).textContent).toContain(
      'The new version could not be loaded: the service worker went away',
    );
    expect((screen.getByRole('button', { name: 'Reload' }) as HTMLButtonElement).disabled).toBe(false);
  });
});
