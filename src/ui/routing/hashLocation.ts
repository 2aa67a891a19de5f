import { navigate } from 'wouter/use-hash-location';

/** The store's view of the address bar: the page's is the hash (`hashLocation`); a test may pass another. */
export interface LocationPort {
  /** The current hash path, e.g. `#/w/abc/json` (with or without `#`). */
  path(): string;
  /** The screen a dialog address was opened over, saved with its history entry (null for a pasted address). */
  returnTo(): string | null;
  navigate(path: string, options: { replace: boolean; returnTo?: string }): void;
  back(): void;
}

/** Kept in `history.state` of a dialog address we pushed: where closing it goes back to. */
const RETURN_KEY = 'tabflowReturnTo';

/** Hash routes through wouter's hash location: it pushes the entry and announces it with `hashchange`. */
export const hashLocation: LocationPort = {
  path: () => window.location.hash,
  returnTo: () => {
    const state: unknown = window.history.state;
    const value = state && typeof state === 'object' ? (state as Record<string, unknown>)[RETURN_KEY] : undefined;
    return typeof value === 'string' ? value : null;
  },
  navigate: (path, { replace, returnTo }) =>
    navigate(path, { replace, state: returnTo === undefined ? null : { [RETURN_KEY]: returnTo } }),
  back: () => window.history.back(),
};
