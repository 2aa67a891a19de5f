import { useId, useSyncExternalStore } from 'react';
import { currentThemeChoice, isThemeChoice, setThemeChoice, subscribeTheme, type ThemeChoice } from './theme';

const LABELS: Record<ThemeChoice, string> = { system: 'System', light: 'Light', dark: 'Dark' };

/** System / Light / Dark, in the header. The change applies at once, in every open tab. */
export function ThemeSwitch() {
  const choice = useSyncExternalStore(subscribeTheme, currentThemeChoice);
  const id = useId();
  return (
    <span className="theme-switch">
      <label htmlFor={id} className="theme-switch-label">
        Theme
      </label>
      <select
        id={id}
        className="theme-select"
        value={choice}
        onChange={(e) => isThemeChoice(e.target.value) && setThemeChoice(e.target.value)}>
        {Object.entries(LABELS).map(([value, label]) => (
          <option key={value} value={value}>
            {label}
          </option>
        ))}
      </select>
    </span>
  );
}
