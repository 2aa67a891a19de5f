/**
 * A run's journal as rows, from its keys alone (no record is read to know what a row is): the records in
 * recording order, each either a workflow step (a row of the step list) or an effect inside one.
 */

/** A record's place in the journal: its key and its position in the `[runId+seq]` index (0 = the first). */
export interface JournalEntry {
  key: string;
  position: number;
}

export interface JournalOutline {
  /** Top-level rows of the step list, in recording order. */
  rows: readonly JournalEntry[];
  /** Each step's effect records (model rounds, tool calls), by the step's key. */
  effects: ReadonlyMap<string, readonly JournalEntry[]>;
}

/**
 * An effect's key is its step's key, a slash and its name (`…@path/r2`, `…@path/r2/tool0`), and a step is
 * recorded before its effects: a key whose prefix up to a slash is an earlier step's key is that step's
 * effect. A step's own path never makes its key extend another step's key: paths hold `[i]` or `.branch`
 * segments of enclosing containers, and a container and what it holds have different slugs.
 */
export function outlineJournal(keys: readonly string[]): JournalOutline {
  const rows: JournalEntry[] = [];
  const effects = new Map<string, JournalEntry[]>();
  const steps = new Set<string>();
  keys.forEach((key, position) => {
    const entry = { key, position };
    const owner = ownerStep(key, steps);
    if (owner === undefined) {
      steps.add(key);
      rows.push(entry);
    } else {
      let list = effects.get(owner);
      if (!list) effects.set(owner, (list = []));
      list.push(entry);
    }
  });
  return { rows, effects };
}

/** The step whose effect `key` is, if any: the shortest prefix ending before a slash that is a step. */
function ownerStep(key: string, steps: ReadonlySet<string>): string | undefined {
  for (let cut = key.indexOf('/'); cut !== -1; cut = key.indexOf('/', cut + 1)) {
    const prefix = key.slice(0, cut);
    if (steps.has(prefix)) return prefix;
  }
  return undefined;
}

/** Rows are read a page at a time: scrolling within a page asks for nothing new. */
export const WINDOW_PAGE_ROWS = 50;

/** The pages (first row, row after the last) that cover rows `first`..`last` with a page to spare each side. */
export function windowPages(first: number, last: number, rowCount: number): { from: number; to: number } {
  if (rowCount === 0) return { from: 0, to: 0 };
  const from = Math.max(0, (Math.floor(first / WINDOW_PAGE_ROWS) - 1) * WINDOW_PAGE_ROWS);
  const to = Math.min(rowCount, (Math.floor(last / WINDOW_PAGE_ROWS) + 2) * WINDOW_PAGE_ROWS);
  return { from, to };
}
