/**
 * The colour theme: follow the system (the default), or always light, or always dark. The choice is
 * kept in localStorage, read synchronously so the entry module applies it before React renders;
 * the palette itself is in styles.css (`light-dark()` over `color-scheme`), so with no choice stored
 * the system's preference holds from the very first paint, before any script runs.
 */
export const THEME_CHOICES = ['system', 'light', 'dark'] as const;
export type ThemeChoice = (typeof THEME_CHOICES)[number];
export type ResolvedTheme = 'light' | 'dark';

export const THEME_STORAGE_KEY = 'tabflow.theme';
const DARK_QUERY = '(prefers-color-scheme: dark)';

export function isThemeChoice(value: unknown): value is ThemeChoice {
  return typeof value === 'string' && (THEME_CHOICES as readonly string[]).includes(value);
}

/** The stored choice; anything else (nothing stored, a damaged value, storage refused) is "system". */
export function storedThemeChoice(): ThemeChoice {
  try {
    const value = localStorage.getItem(THEME_STORAGE_KEY);
    return isThemeChoice(value) ? value : 'system';
  } catch {
    return 'system';
  }
}

export function resolveTheme(choice: ThemeChoice, systemPrefersDark: boolean): ResolvedTheme {
  if (choice === 'system') return systemPrefersDark ? 'dark' : 'light';
  return choice;
}

function systemPrefersDark(): boolean {
  return typeof matchMedia === 'function' && matchMedia(DARK_QUERY).matches;
}

/** `data-theme-choice` pins `color-scheme` in styles.css; `data-theme` says which palette shows. */
function applyToDocument(choice: ThemeChoice): void {
  const root = document.documentElement;
  root.dataset.theme = resolveTheme(choice, systemPrefersDark());
  root.dataset.themeChoice = choice;
}

const listeners = new Set<() => void>();
let current: ThemeChoice = 'system';

/** Applies the stored choice now and follows the system's preference while the choice is "system". */
export function startTheme(): void {
  current = storedThemeChoice();
  applyToDocument(current);
  if (typeof matchMedia !== 'function') return;
  matchMedia(DARK_QUERY).addEventListener('change', () => {
    applyToDocument(current);
    listeners.forEach((notify) => notify());
  });
  // Another tab changed the choice: follow it here too.
  window.addEventListener('storage', (event: StorageEvent) => {
    if (event.key !== THEME_STORAGE_KEY) return;
    current = storedThemeChoice();
    applyToDocument(current);
    listeners.forEach((notify) => notify());
  });
}

export function setThemeChoice(choice: ThemeChoice): void {
  current = choice;
  try {
    localStorage.setItem(THEME_STORAGE_KEY, choice);
  } catch {
    // Storage refused (private mode, quota): the choice holds for this page only.
  }
  applyToDocument(choice);
  listeners.forEach((notify) => notify());
}

export function currentThemeChoice(): ThemeChoice {
  return current;
}

export function subscribeTheme(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
