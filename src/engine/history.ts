import type { Journal } from './journal';
import type { EngineStore } from './store';

const loads = new WeakMap<Journal, Promise<void>>();

/**
 * A resume reads the journal's end (`frontier.ts`); a step that needs the records before it (a resumed loop's
 * earlier iterations, for its output) reads the rest here, once per journal. A record already in memory is as new
 * as the stored one or newer, so it stays.
 */
export function loadHistory(store: EngineStore, journal: Journal, readWhole: boolean): Promise<void> {
  if (readWhole) return Promise.resolve();
  let loading = loads.get(journal);
  if (!loading) {
    loading = store.loadSteps(journal.run.id).then((stored) => {
      for (const record of stored) if (!journal.records.has(record.key)) journal.records.set(record.key, record);
    });
    loads.set(journal, loading);
  }
  return loading;
}
