import { useEffect, useRef, useState } from 'react';
import { useLiveQuery } from 'dexie-react-hooks';
import Dexie from 'dexie';
import type { RunRecord, StepRecord } from '../../engine/records';
import { useDb } from '../DbContext';
import { runTotals, type RunTotals } from '../runs/cost';
import { indexPrimaryKeys } from './indexKeys';
import { outlineJournal, type JournalOutline } from './journalOutline';

/**
 * A run's journal read a window at a time (Dexie liveQuery: live in every tab, no polling). The outline is
 * the `[runId+seq]` index's keys only; records are read for the rows on screen, and the run's totals a
 * chunk at a time, once per finished step.
 */

const journalRange = (db: ReturnType<typeof useDb>, runId: string) =>
  db.steps.where('[runId+seq]').between([runId, Dexie.minKey], [runId, Dexie.maxKey]);

/** The run's rows and effects by key (undefined while loading; `enabled: false` reads nothing). */
export function useJournalOutline(runId: string, enabled = true): JournalOutline | undefined {
  const db = useDb();
  return useLiveQuery(async () => {
    if (!enabled) return undefined;
    // The count subscribes to the run's range (and to deletions); the keys are read without Dexie's notes.
    await journalRange(db, runId).count();
    const range = IDBKeyRange.bound([runId, -Infinity], [runId, Infinity]);
    return outlineJournal(await indexPrimaryKeys(db, 'steps', '[runId+seq]', range));
  }, [db, runId, enabled]);
}

export interface JournalWindow {
  /** Records of the window's rows and of their effects, by key. */
  records: ReadonlyMap<string, StepRecord>;
  effectsOf(stepKey: string): StepRecord[];
}

/**
 * Rows `from`..`to` (exclusive) of the outline: the `[runId+seq]` range from the first row's position to the
 * last's (their effects recorded in between come with it), plus the rows' effects recorded outside it.
 */
export function useJournalWindow(
  runId: string,
  outline: JournalOutline | undefined,
  from: number,
  to: number,
): JournalWindow | undefined {
  const db = useDb();
  const rows = outline?.rows.slice(from, to) ?? [];
  const low = rows[0]?.position;
  const high = rows[rows.length - 1]?.position;
  const outside: string[] = [];
  for (const row of rows)
    for (const effect of outline?.effects.get(row.key) ?? [])
      if (effect.position < low! || effect.position > high!) outside.push(effect.key);
  const outsideKeys = outside.join('\n');
  const records = useLiveQuery(async () => {
    if (low === undefined || high === undefined) return new Map<string, StepRecord>();
    const [inRange, effects] = await Promise.all([
      journalRange(db, runId)
        .offset(low)
        .limit(high - low + 1)
        .toArray(),
      outsideKeys ? db.steps.bulkGet(outsideKeys.split('\n')) : Promise.resolve([]),
    ]);
    // A record written or deleted since the outline was read shifts positions: rows are matched by key, and
    // the outline's next read (it changed too) asks again.
    const byKey = new Map<string, StepRecord>();
    for (const record of [...inRange, ...effects]) if (record) byKey.set(record.key, record);
    return byKey;
  }, [db, runId, low, high, outsideKeys]);
  if (!records || !outline) return undefined;
  return {
    records,
    effectsOf: (stepKey) => (outline.effects.get(stepKey) ?? []).flatMap((effect) => records.get(effect.key) ?? []),
  };
}

/** Records are read this many at a time: each chunk is a short task of its own. */
const TOTALS_CHUNK = 400;
const FINAL_STATUSES: ReadonlySet<StepRecord['status']> = new Set(['completed', 'failed', 'cancelled']);

/**
 * Tokens and cost over the run's steps. A finished step's record no longer changes but by a restart (which
 * deletes and records it again): it is read once and kept until `restartedAt` moves; each change of the
 * journal reads only the steps not finished yet.
 */
export function useRunTotals(outline: JournalOutline | undefined, restartedAt?: number): RunTotals | undefined {
  const db = useDb();
  /** step key → its record if it is an LLM step that counts, else null (finished steps only). */
  const finished = useRef({ restartedAt, records: new Map<string, StepRecord | null>() });
  const [totals, setTotals] = useState<RunTotals>();
  useEffect(() => {
    if (!outline) return;
    if (finished.current.restartedAt !== restartedAt) finished.current = { restartedAt, records: new Map() };
    const cache = finished.current.records;
    let live = true;
    void (async () => {
      const toRead = outline.rows.filter((row) => !cache.has(row.key));
      const unfinished: StepRecord[] = [];
      for (let i = 0; i < toRead.length && live; i += TOTALS_CHUNK) {
        const chunk = toRead.slice(i, i + TOTALS_CHUNK);
        for (const record of await db.steps.bulkGet(chunk.map((row) => row.key))) {
          if (!record) continue;
          if (FINAL_STATUSES.has(record.status)) cache.set(record.key, counts(record) ? record : null);
          else if (counts(record)) unfinished.push(record);
        }
      }
      if (!live) return;
      const current = new Set(outline.rows.map((row) => row.key));
      for (const key of cache.keys()) if (!current.has(key)) cache.delete(key);
      const counted = [...cache.values()].filter((record): record is StepRecord => record !== null);
      setTotals(runTotals([...counted, ...unfinished]));
    })();
    return () => {
      live = false;
    };
  }, [db, outline, restartedAt]);
  return outline ? totals : undefined;
}

/** Only top-level LLM steps with usage count (`runTotals`' rule): the rest need not be kept. */
const counts = (record: StepRecord) => record.stepType === 'llm' && record.parentKey === undefined && !!record.meta;

/**
 * The step a run failed on for want of a key (its error links to the provider's settings). The failing
 * step is among the last recorded, so rows are read from the end, a chunk at a time, until it is found.
 */
export function useAuthFailedStep(run: RunRecord, outline: JournalOutline | undefined): StepRecord | undefined {
  const db = useDb();
  const wanted = run.error?.category === 'auth' ? outline : undefined;
  return useLiveQuery(async () => {
    if (!wanted) return undefined;
    for (let end = wanted.rows.length; end > 0; end -= TOTALS_CHUNK) {
      const chunk = wanted.rows.slice(Math.max(0, end - TOTALS_CHUNK), end);
      const records = await db.steps.bulkGet(chunk.map((row) => row.key));
      const found = records.findLast((record) => record?.error?.category === 'auth');
      if (found) return found;
    }
    return undefined;
  }, [db, wanted]);
}
