import type { Engine } from '../engine/engine';
import {
  backupTables,
  clearAllData,
  previewRestore,
  restoreBackup,
  type RestoreMode,
  type RestorePreview,
} from '../store/backup';
import { checkBackupFile, type BackupCheck } from '../store/backupFormat';
import type { TabflowDb } from '../store/db';
import { applyRetention, type RetentionResult } from '../store/retention';
import { errorMessage } from '../schema/errorMessage';
import { DATA_CLEARED_CHANNEL } from './api';

/** The executor's storage commands: restore a backup (and resume its runs), clear everything, retention. */

/** How long a replace or a clear waits for the runs being driven to stop writing. */
const STOP_WAIT_MS = 10_000;

/** Retention runs this long after a run change (every change in that time is covered by the same pass). */
export const RETENTION_DELAY_MS = 2_000;

/** A backup file checked: what restoring it would change, or what is wrong with it. */
export type BackupPreview = { ok: true; preview: RestorePreview } | { ok: false; message: string };

export interface StorageCommands {
  /**
   * Checks a backup file and says what restoring it would change. The file is read and parsed here, in the
   * executor's worker, never in a page: a large one never holds the UI.
   */
  previewBackup(file: Blob, mode: RestoreMode): Promise<BackupPreview>;
  /** Checks the file again and restores it; the restored runs that had not finished resume here at once. */
  restoreBackup(file: Blob, mode: RestoreMode): Promise<RestorePreview>;
  clearAllData(): Promise<void>;
  applyRetention(): Promise<RetentionResult>;
}

/** Stops driving every run and waits (bounded) until none is writing any more. */
async function stopDriving(engine: Engine): Promise<void> {
  engine.shutdown();
  await Promise.race([engine.idle(), new Promise((resolve) => setTimeout(resolve, STOP_WAIT_MS))]);
}

/** The experiments' side of a restore: batches restored running go on (`BatchScheduler.resumeAll`). */
export interface RestoredBatches {
  resumeAll(): Promise<void>;
}

export function storageCommands(
  engine: Engine,
  db: TabflowDb,
  now: () => number = Date.now,
  batches?: RestoredBatches,
): StorageCommands {
  const check = (file: Blob): Promise<BackupCheck> => checkBackupFile(file, backupTables(db), db.verno);
  return {
    async previewBackup(file, mode) {
      const checked = await check(file);
      return checked.ok ? { ok: true, preview: await previewRestore(db, checked.backup, mode) } : checked;
    },
    async restoreBackup(file, mode) {
      const checked = await check(file);
      if (!checked.ok) throw new Error(`the backup cannot be restored: ${checked.message}`);
      // A replace removes runs this engine may be driving: none may write into what is restored.
      if (mode === 'replace') await stopDriving(engine);
      try {
        return await restoreBackup(db, checked.backup, mode);
      } finally {
        // Restored runs that were mid-flight continue here, now (and runs a replace stopped, if they stayed).
        engine
          .resumeAll()
          .catch((error: unknown) => console.error('Tabflow: resuming runs failed:', errorMessage(error)));
        // A batch restored running (by a replace, or brought by a merge) starts its next cells without a reload.
        batches
          ?.resumeAll()
          .catch((error: unknown) => console.error('Tabflow: resuming experiments failed:', errorMessage(error)));
      }
    },
    async clearAllData() {
      await stopDriving(engine);
      await clearAllData(db);
      const channel = new BroadcastChannel(DATA_CLEARED_CHANNEL);
      channel.postMessage('cleared');
      channel.close();
    },
    applyRetention: () => applyRetention(db, now()),
  };
}

/**
 * Applies retention soon after runs change (a run finishing among them) and once at start-up: only the
 * executing tab calls it. While retention is off each pass reads one setting and stops.
 */
export function retentionScheduler(db: TabflowDb, now: () => number = Date.now): { soon(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return {
    // Called on every journal change: a pass already scheduled covers this change too (no timer churn per step).
    soon() {
      if (timer !== undefined) return;
      timer = setTimeout(() => {
        timer = undefined;
        applyRetention(db, now()).catch((error: unknown) =>
          console.warn('Tabflow: applying retention failed:', errorMessage(error)),
        );
      }, RETENTION_DELAY_MS);
    },
  };
}
