import { act, renderHook } from '@testing-library/react';
import { expect, test } from 'vitest';
import { useAutosave } from '../../src/ui/editor/useAutosave';
import { freshDb } from './helpers';

// Each keystroke reports "pending" again; a new handle each time re-rendered the whole workflow view per key.
test('repeated keystrokes keep one autosave handle until the status really changes', async () => {
  const db = freshDb();
  const { result, unmount } = renderHook(() => useAutosave(db, 'w1'));
  act(() => result.current.change('{"a":1}'));
  const pending = result.current;
  expect(pending.status.kind).toBe('pending');
  act(() => pending.change('{"a":12}'));
  act(() => pending.change('{"a":123}'));
  expect(result.current).toBe(pending);
  // The write settles inside the test, so no status arrives after the page is gone.
  await act(() => pending.flush());
  unmount();
});
