import { useLiveQuery } from 'dexie-react-hooks';
import { useCallback, useEffect, useState } from 'react';
import type { TabflowDb } from '../../store/db';
import { settingValue, writeSetting } from '../../store/settings';
import { measureStorage, type StorageUsage } from '../../store/storageUsage';
import { errorMessage } from '../../schema/errorMessage';
import { DATA_CLEARED_CHANNEL } from '../../worker/api';
import { useDb } from '../DbContext';

/** Whether the browser keeps this site's data when space runs low (`navigator.storage.persist()`). */
export type Persistence = 'unsupported' | 'granted' | 'not-granted' | 'not-asked';

function storageManager(): StorageManager | undefined {
  return typeof navigator !== 'undefined' ? navigator.storage : undefined;
}

export async function readPersistence(db: TabflowDb): Promise<Persistence> {
  const storage = storageManager();
  if (!storage?.persisted) return 'unsupported';
  if (await storage.persisted()) return 'granted';
  return (await settingValue(db, 'storagePersistence')) ? 'not-granted' : 'not-asked';
}

/**
 * Asks the browser to keep this site's data. Asked once by itself (Firefox shows a prompt each time), the
 * first time a workflow or run is saved; `again` is the user asking from Settings.
 */
export async function askPersistence(db: TabflowDb, again = false): Promise<Persistence> {
  const storage = storageManager();
  if (!storage?.persist) return 'unsupported';
  if (await storage.persisted()) return 'granted';
  if (!again && (await settingValue(db, 'storagePersistence'))) return 'not-granted';
  const granted = await storage.persist();
  await writeSetting(db, 'storagePersistence', { askedAt: Date.now(), granted });
  return granted ? 'granted' : 'not-granted';
}

/** The address of the first screen (no route): where every tab goes once all data was cleared. */
export function firstVisitAddress(): string {
  return `${location.pathname}${location.search}`;
}

/**
 * Mounted once by the app: asks for persistent storage when the first workflow or run is saved, and takes
 * this tab back to the first screen when the executing tab has cleared all data.
 */
export function useStorageKeeping(): void {
  const db = useDb();
  const saved = useLiveQuery(async () => (await db.workflows.count()) > 0 || (await db.runs.count()) > 0, [db]);
  useEffect(() => {
    if (saved) askPersistence(db).catch(() => undefined);
  }, [saved, db]);
  useEffect(() => {
    if (typeof BroadcastChannel === 'undefined') return;
    const channel = new BroadcastChannel(DATA_CLEARED_CHANNEL);
    channel.onmessage = () => location.replace(firstVisitAddress());
    return () => channel.close();
  }, []);
}

export type Estimate = { usage: number; quota: number } | undefined;

/** What the browser says this site uses and may use (undefined where it cannot say). */
export async function readEstimate(): Promise<Estimate> {
  const estimate = await storageManager()?.estimate?.();
  if (!estimate || estimate.usage === undefined || estimate.quota === undefined) return undefined;
  return { usage: estimate.usage, quota: estimate.quota };
}

export type Measured =
  | { status: 'measuring' }
  | { status: 'ready'; usage: StorageUsage; estimate: Estimate }
  | { status: 'error'; message: string };

/**
 * The space figures, measured when Settings opens and on `remeasure()`: the tables are walked a chunk at a
 * time, so a huge database only makes the figures arrive later, never holds the page.
 */
export function useStorageFigures(): { measured: Measured; remeasure(): void } {
  const db = useDb();
  const [measured, setMeasured] = useState<Measured>({ status: 'measuring' });
  const [round, setRound] = useState(0);
  useEffect(() => {
    const controller = new AbortController();
    Promise.all([measureStorage(db, controller.signal), readEstimate().catch(() => undefined)]).then(
      ([usage, estimate]) => setMeasured({ status: 'ready', usage, estimate }),
      (error: unknown) => {
        if (!controller.signal.aborted) setMeasured({ status: 'error', message: errorMessage(error) });
      },
    );
    return () => controller.abort();
  }, [db, round]);
  const remeasure = useCallback(() => {
    setMeasured({ status: 'measuring' });
    setRound((n) => n + 1);
  }, []);
  return { measured, remeasure };
}
