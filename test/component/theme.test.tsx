import { screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveTheme, startTheme, storedThemeChoice, THEME_STORAGE_KEY } from '../../src/ui/theme/theme';
import { freshDb, renderApp } from './helpers';

afterEach(() => localStorage.removeItem(THEME_STORAGE_KEY));

describe('the theme', () => {
  it('follows the system unless a choice is stored; a damaged stored value means "system"', () => {
    expect(resolveTheme('system', true)).toBe('dark');
    expect(resolveTheme('system', false)).toBe('light');
    expect(resolveTheme('light', true)).toBe('light');
    localStorage.setItem(THEME_STORAGE_KEY, 'purple');
    expect(storedThemeChoice()).toBe('system');
    localStorage.setItem(THEME_STORAGE_KEY, 'dark');
    expect(storedThemeChoice()).toBe('dark');
  });

  it('is applied to the document at start, from the stored choice', () => {
    localStorage.setItem(THEME_STORAGE_KEY, 'dark');
    startTheme();
    expect(document.documentElement.dataset.theme).toBe('dark');
    expect(document.documentElement.dataset.themeChoice).toBe('dark');
  });

  it('the header switch applies a choice at once and keeps it for the next visit', async () => {
    const app = renderApp(freshDb());
    const select = (await screen.findByLabelText('Theme')) as HTMLSelectElement;
    await app.user.selectOptions(select, 'light');
    expect(document.documentElement.dataset.theme).toBe('light');
    expect(localStorage.getItem(THEME_STORAGE_KEY)).toBe('light');
    await app.user.selectOptions(select, 'dark');
    expect(document.documentElement.dataset.themeChoice).toBe('dark');
    expect(storedThemeChoice()).toBe('dark');
  });
});
