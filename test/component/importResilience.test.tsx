import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { buildShareLink } from '../../src/schema/share';
import { TEMPLATES } from '../../src/templates';
import { App } from '../../src/ui/App';
import type { CheckImport } from '../../src/worker/validationClient';
import { unreachableSteps } from '../support/hostileImports';
import { freshDb, libraryNames, renderApp, templateUseButton } from './helpers';

/** Parts of the app made to throw on demand, standing in for any bug a hostile file could reach. */
const broken = vi.hoisted(() => ({ summary: false, welcome: false }));

vi.mock('../../src/ui/import/PreviewSummary', async (original) => {
  const real = await original<typeof import('../../src/ui/import/PreviewSummary')>();
  return {
    PreviewSummary: (props: Parameters<typeof real.PreviewSummary>[0]) => {
      if (broken.summary) throw new RangeError('Maximum call stack size exceeded');
      return real.PreviewSummary(props);
    },
  };
});

vi.mock('../../src/ui/library/Welcome', async (original) => {
  const real = await original<typeof import('../../src/ui/library/Welcome')>();
  return {
    Welcome: (props: Parameters<typeof real.Welcome>[0]) => {
      if (broken.welcome) throw new Error('welcome exploded');
      return real.Welcome(props);
    },
  };
});

const TEMPLATE = TEMPLATES[0]!;

afterEach(() => {
  broken.summary = false;
  broken.welcome = false;
  vi.restoreAllMocks();
});

async function openShareLink(text: string) {
  const link = await buildShareLink(text, 'http://localhost:3000/');
  history.replaceState(null, '', `/${link.slice(link.indexOf('#'))}`);
}

async function pasteAndPreview(user: ReturnType<typeof userEvent.setup>, text: string) {
  await user.click(screen.getByRole('button', { name: 'Paste JSON' }));
  const paste = screen.getByRole('dialog', { name: 'Paste JSON' });
  fireEvent.change(within(paste).getByRole('textbox'), { target: { value: text } });
  await user.click(within(paste).getByRole('button', { name: 'Preview import' }));
  return screen.findByRole('dialog', { name: 'Import preview' });
}

describe('the app survives a throw anywhere (issue 18)', () => {
  test('a preview that throws shows what failed, keeps the app up and forgets the share link', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    broken.summary = true;
    await openShareLink(JSON.stringify(TEMPLATE.doc));
    const app = renderApp();

    const failed = await screen.findByRole('dialog', { name: 'The import preview failed' });
    expect(within(failed).getByRole('alert').textContent).toBe(
      'The import preview failed: RangeError: Maximum call stack size exceeded',
    );
    expect(within(failed).getByRole('button', { name: 'Reload' })).toBeTruthy();
    expect(location.hash).toBe('');
    // Everything around the dialog is still there and working.
    expect(screen.getByRole('navigation', { name: 'Library' })).toBeTruthy();
    await app.user.click(within(failed).getByRole('button', { name: 'Dismiss' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(await libraryNames(app.db)).toEqual([]);

    // "After a reload": the link is gone from the address bar, so nothing fails again.
    broken.summary = false;
    app.remount();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(screen.getByRole('navigation', { name: 'Library' })).toBeTruthy();
  });

  test(
    'a throw in the main area leaves the header and library working, ' + 'and opening a workflow tries again',
    async () => {
      vi.spyOn(console, 'error').mockImplementation(() => undefined);
      broken.welcome = true;
      const app = renderApp();
      const failed = await screen.findByRole('region', { name: 'The start page failed' });
      expect(within(failed).getByRole('alert').textContent).toMatch(/welcome exploded/);
      await app.user.click(templateUseButton(TEMPLATE.id));
      expect(await screen.findByRole('textbox', { name: 'Workflow name' })).toBeTruthy();
      expect(screen.queryByRole('region', { name: 'The start page failed' })).toBeNull();
    },
  );
});

describe('the import preview while and after the file is checked', () => {
  test('shows "Checking…" until the check answers, and nothing can be imported meanwhile', async () => {
    const pending: CheckImport = () => new Promise(() => undefined);
    const db = freshDb();
    const user = userEvent.setup();
    render(<App db={db} checkImport={pending} />);
    const dialog = await pasteAndPreview(user, JSON.stringify(TEMPLATE.doc));
    expect(within(dialog).getByRole('status').textContent).toBe('Checking…');
    expect((within(dialog).getByRole('button', { name: 'Import' }) as HTMLButtonElement).disabled).toBe(true);
  });

  test('a check that overruns its time is reported, and nothing is imported', async () => {
    const late: CheckImport = async () => ({ kind: 'timed-out', seconds: 15 });
    const db = freshDb();
    const user = userEvent.setup();
    render(<App db={db} checkImport={late} />);
    const dialog = await pasteAndPreview(user, JSON.stringify(TEMPLATE.doc));
    expect(
      await within(dialog).findByText('checking this file took longer than 15 s; it was not imported'),
    ).toBeTruthy();
    expect((within(dialog).getByRole('button', { name: 'Import' }) as HTMLButtonElement).disabled).toBe(true);
    expect(await libraryNames(db)).toEqual([]);
  });

  test('19,999 warnings show as a short list with the total and one "and N more" row', async () => {
    const app = renderApp();
    const dialog = await pasteAndPreview(app.user, unreachableSteps());
    const problems = await within(dialog).findByRole('region', { name: 'Validation problems' }, { timeout: 10_000 });
    expect(within(problems).getByRole('heading').textContent).toBe('No errors, 19,999 warnings');
    const rows = within(problems).getAllByRole('listitem');
    expect(rows.length).toBeLessThanOrEqual(30);
    expect(rows.at(-1)!.textContent).toMatch(/and 19,974 more problems of this kind \(unreachable\)/);
    await app.user.click(within(dialog).getByRole('button', { name: 'Import' }));
    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'Import preview' })).toBeNull(), {
      timeout: 10_000,
    });
    expect(await libraryNames(app.db)).toEqual(['Hostile']);
  }, 30_000);
});
