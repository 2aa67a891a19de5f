import { fireEvent, screen, waitFor } from '@testing-library/react';
import { describe, expect, test } from 'vitest';
import { SHORTCUTS, displayKeys } from '../../src/ui/shortcuts';
import { renderApp } from './helpers';

describe('keyboard shortcuts', () => {
  test(
    '"?" outside a text field opens the shortcuts dialog, ' + 'which lists every shortcut; Escape closes it',
    async () => {
      const { user } = renderApp();
      await user.keyboard('?');
      const dialog = await screen.findByRole('dialog', { name: 'Keyboard shortcuts' });
      for (const s of SHORTCUTS) expect(dialog.textContent).toContain(displayKeys(s.keys));
      await user.keyboard('{Escape}');
      await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    },
  );

  test('"?" typed into a text field is just a character', async () => {
    const { user } = renderApp();
    await user.click(screen.getByRole('button', { name: 'Paste JSON' }));
    await user.keyboard('?');
    expect(screen.queryByRole('dialog', { name: 'Keyboard shortcuts' })).toBeNull();
    expect((screen.getByRole('textbox') as HTMLTextAreaElement).value).toBe('?');
  });

  test('Mod+Shift+V opens the paste dialog with focus in its text area', async () => {
    renderApp();
    fireEvent.keyDown(document.body, { key: 'V', ctrlKey: true, shiftKey: true });
    await screen.findByRole('dialog', { name: 'Paste JSON' });
    expect(document.activeElement).toBe(screen.getByRole('textbox'));
  });

  test('Tab stays inside an open dialog', async () => {
    const { user } = renderApp();
    await user.click(screen.getByRole('button', { name: 'Paste JSON' }));
    const dialog = screen.getByRole('dialog', { name: 'Paste JSON' });
    for (let i = 0; i < 6; i++) {
      await user.tab();
      expect(dialog.contains(document.activeElement)).toBe(true);
    }
  });
});
