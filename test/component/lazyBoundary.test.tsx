import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ErrorBoundary } from '../../src/ui/common/ErrorBoundary';
import { LazyBoundary, lazyChunk } from '../../src/ui/common/LazyBoundary';

function Greeting({ name }: { name: string }) {
  return <p>Hello {name}</p>;
}

describe('LazyBoundary: a lazy part whose download fails', () => {
  it('says it could not load, and Retry imports the module again and shows it', async () => {
    let online = false;
    const load = vi.fn(async () => {
      if (!online) throw new TypeError('Failed to fetch dynamically imported module: /assets/Greeting.js');
      return { default: Greeting };
    });
    const LazyGreeting = lazyChunk(load);
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    render(
      <ErrorBoundary label="The page">
        <p>Around it</p>
        <LazyBoundary label="the greeting" fallback={<p>Loading…</p>}>
          <LazyGreeting name="Ada" />
        </LazyBoundary>
      </ErrorBoundary>,
    );
    expect((await screen.findByRole('alert')).textContent).toContain('Couldn’t load this part (the greeting)');
    expect(screen.getByText('Around it')).toBeTruthy();
    const failedLoads = load.mock.calls.length;
    // Offline, nothing asks again by itself: only Retry does.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(load.mock.calls.length).toBe(failedLoads);
    online = true;
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByText('Hello Ada')).toBeTruthy();
    expect(load.mock.calls.length).toBe(failedLoads + 1);
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('leaves an error of the loaded part itself to the enclosing boundary', async () => {
    function Broken(): never {
      throw new Error('the part broke while rendering');
    }
    const LazyBroken = lazyChunk(async () => ({ default: Broken }));
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    render(
      <ErrorBoundary label="The page">
        <LazyBoundary label="the broken part" fallback={<p>Loading…</p>}>
          <LazyBroken />
        </LazyBoundary>
      </ErrorBoundary>,
    );
    expect((await screen.findByRole('alert')).textContent).toContain(
      'The page failed: Error: the part broke while rendering',
    );
    expect(screen.queryByRole('button', { name: 'Retry' })).toBeNull();
  });
});
