/**
 * Undo history over whole document texts (`T`: the session keeps them unformatted until read). An
 * edit with the same group key as the one before, within `windowMs` of it, replaces the present
 * instead of adding a step, so a drag or a typing burst undoes at once.
 */
export interface History<T> {
  record(text: T, group: string | undefined, at: number): void;
  /** The text to show after undoing, or undefined when there is nothing to undo. */
  undo(): T | undefined;
  redo(): T | undefined;
  canUndo(): boolean;
  canRedo(): boolean;
}

export function createHistory<T>(initial: T, { limit, windowMs }: { limit: number; windowMs: number }): History<T> {
  const past: T[] = [];
  const future: T[] = [];
  let present = initial;
  // The burst the present belongs to; undo and redo end it, so the next edit is a step of its own.
  let burst: { group: string; at: number } | undefined;

  /** Moves the present onto `to` and takes the next text from `from` (undo: past → future). */
  function step(from: T[], to: T[]): T | undefined {
    const next = from.pop();
    if (next === undefined) return undefined;
    to.push(present);
    present = next;
    burst = undefined;
    return present;
  }

  return {
    record(text, group, at) {
      const continues = group !== undefined && burst?.group === group && at - burst.at <= windowMs;
      if (!continues) {
        past.push(present);
        if (past.length > limit) past.shift();
      }
      present = text;
      future.length = 0;
      burst = group === undefined ? undefined : { group, at };
    },
    undo: () => step(past, future),
    redo: () => step(future, past),
    canUndo: () => past.length > 0,
    canRedo: () => future.length > 0,
  };
}
