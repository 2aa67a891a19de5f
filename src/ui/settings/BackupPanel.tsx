import { useRef, useState, type ChangeEvent } from 'react';
import { formatBytes } from '../../schema/share';
import { errorMessage } from '../../schema/errorMessage';
import { exportBackup, RECORD_VERDICTS, type RestoreMode, type RestorePreview } from '../../store/backup';
import { BACKUP_NOTICE } from '../../store/backupFormat';
import { downloadBlob } from '../common/clipboard';
import { useDb } from '../DbContext';
import { useExecutor } from '../ExecutorContext';
import { useUi } from '../state';

/**
 * Export everything / Restore: the file is checked, then previewed, and only then merged or replaced. The file
 * goes to the executing tab's worker as it is (a Blob, not copied): it is read and parsed there, never here.
 */

type Restore =
  | { step: 'idle' }
  | { step: 'checking'; fileName: string }
  | { step: 'refused'; fileName: string; message: string }
  | { step: 'preview'; fileName: string; file: Blob; mode: RestoreMode; preview: RestorePreview | undefined }
  | { step: 'restoring'; fileName: string };

function backupFileName(now: Date): string {
  return `tabflow-backup-${now.toISOString().slice(0, 19).replace(/[T:]/g, '-')}.json`;
}

export function BackupPanel() {
  const db = useDb();
  const executor = useExecutor();
  const showToast = useUi((s) => s.showToast);
  const input = useRef<HTMLInputElement>(null);
  const [exporting, setExporting] = useState(false);
  const [restore, setRestore] = useState<Restore>({ step: 'idle' });

  async function exportEverything() {
    setExporting(true);
    try {
      const now = new Date();
      const blob = await exportBackup(db, now);
      downloadBlob(backupFileName(now), blob);
      showToast({ message: `Backup exported (${formatBytes(blob.size)}): no API keys or secret values in it` });
    } catch (error) {
      showToast({ message: `The backup could not be made: ${errorMessage(error)}`, tone: 'error' });
    } finally {
      setExporting(false);
    }
  }

  async function showPreview(fileName: string, file: Blob, mode: RestoreMode) {
    setRestore((now) =>
      now.step === 'preview' ? { ...now, mode, preview: undefined } : { step: 'checking', fileName },
    );
    try {
      const answer = await executor.previewBackup(file, mode);
      if (!answer.ok) return setRestore({ step: 'refused', fileName, message: answer.message });
      setRestore((now) =>
        now.step === 'restoring' || (now.step === 'preview' && now.mode !== mode)
          ? now
          : { step: 'preview', fileName, file, mode, preview: answer.preview },
      );
    } catch (error) {
      setRestore({ step: 'refused', fileName, message: errorMessage(error) });
    }
  }

  function chooseFile(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (file) void showPreview(file.name, file, 'merge');
  }

  async function restoreNow(file: Blob, mode: RestoreMode, fileName: string) {
    setRestore({ step: 'restoring', fileName });
    try {
      const done = await executor.restoreBackup(file, mode);
      const written = done.tables.reduce((sum, t) => sum + t.written, 0);
      const resuming = done.unfinishedRuns.length;
      showToast({
        message:
          `Restored ${written} record${written === 1 ? '' : 's'} from ${fileName}` +
          (resuming > 0 ? `; ${resuming} unfinished run${resuming === 1 ? '' : 's'} resumed` : ''),
        tone: 'success',
      });
      setRestore({ step: 'idle' });
    } catch (error) {
      setRestore({ step: 'refused', fileName, message: errorMessage(error) });
    }
  }

  return (
    <div className="storage-backup" role="group" aria-label="Backup">
      <h4>Backup</h4>
      <p className="field-hint muted">{BACKUP_NOTICE}</p>
      <div className="toolbar">
        <button type="button" className="button" disabled={exporting} onClick={() => void exportEverything()}>
          {exporting ? 'Exporting…' : 'Export everything'}
        </button>
        <button type="button" className="button" onClick={() => input.current?.click()}>
          Restore from a backup…
        </button>
        <input
          ref={input}
          type="file"
          accept=".json,application/json"
          hidden
          aria-label="Backup file to restore"
          onChange={chooseFile}
        />
      </div>
      {restore.step === 'checking' && <p className="muted">Checking {restore.fileName}…</p>}
      {restore.step === 'restoring' && <p className="muted">Restoring {restore.fileName}…</p>}
      {restore.step === 'refused' && (
        <p className="form-error" role="alert" data-restore-refused>
          {restore.fileName} cannot be restored: {restore.message}
        </p>
      )}
      {restore.step === 'preview' && (
        <RestorePreviewPanel
          fileName={restore.fileName}
          mode={restore.mode}
          preview={restore.preview}
          onMode={(mode) => void showPreview(restore.fileName, restore.file, mode)}
          onRestore={() => void restoreNow(restore.file, restore.mode, restore.fileName)}
          onCancel={() => setRestore({ step: 'idle' })}
        />
      )}
    </div>
  );
}

function ModeOption(props: {
  value: RestoreMode;
  mode: RestoreMode;
  onMode(mode: RestoreMode): void;
  children: string;
}) {
  return (
    <label>
      <input
        type="radio"
        name="restore-mode"
        checked={props.mode === props.value}
        onChange={() => props.onMode(props.value)}
      />{' '}
      {props.children}
    </label>
  );
}

const VERDICT_LABELS = { new: 'new', newer: 'newer', older: 'older', identical: 'identical', differs: 'differs' };

function RestorePreviewPanel(props: {
  fileName: string;
  mode: RestoreMode;
  preview: RestorePreview | undefined;
  onMode(mode: RestoreMode): void;
  onRestore(): void;
  onCancel(): void;
}) {
  const { preview, mode } = props;
  const shown = preview?.tables.filter((t) => t.inBackup > 0 || (mode === 'replace' && t.local > 0)) ?? [];
  return (
    <div className="restore-preview" role="region" aria-label="Restore preview">
      <p>
        <strong>{props.fileName}</strong>
        {preview && <span className="muted"> · made {preview.exportedAt}</span>}
      </p>
      <fieldset className="restore-modes">
        <legend>How to restore</legend>
        <ModeOption value="merge" mode={mode} onMode={props.onMode}>
          Merge: add what is new; where both have a record, the newer one wins
        </ModeOption>
        <ModeOption value="replace" mode={mode} onMode={props.onMode}>
          Replace: remove every workflow, run and table here first (API keys stay)
        </ModeOption>
      </fieldset>
      {!preview ? (
        <p className="muted">Comparing with what is here…</p>
      ) : (
        <table className="storage-table" aria-label="What the restore would change">
          <thead>
            <tr>
              <th scope="col">Table</th>
              <th scope="col">In the file</th>
              <th scope="col">Here now</th>
              {RECORD_VERDICTS.map((v) => (
                <th key={v} scope="col">
                  {VERDICT_LABELS[v]}
                </th>
              ))}
              <th scope="col">Written</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((t) => (
              <tr key={t.table} data-table={t.table}>
                <th scope="row">{t.table}</th>
                <td>{t.inBackup}</td>
                <td>{t.local}</td>
                {RECORD_VERDICTS.map((v) => (
                  <td key={v} data-verdict={v}>
                    {t.verdicts[v]}
                  </td>
                ))}
                <td data-written>
                  {t.written}
                  {t.keptLive > 0 ? ` (${t.keptLive} kept: still running here)` : ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {preview && preview.unfinishedRuns.length > 0 && (
        <p className="muted">
          {preview.unfinishedRuns.length} run{preview.unfinishedRuns.length === 1 ? '' : 's'} of the file had not
          finished: {preview.unfinishedRuns.length === 1 ? 'it resumes' : 'they resume'} here once restored.
        </p>
      )}
      <p className="field-hint muted">
        Merge keeps the copy here where the file's is older or differs without a date. Keys and secrets are never
        restored: enter them again in Model providers.
      </p>
      <div className="dialog-actions">
        <button type="button" className="button" onClick={props.onCancel}>
          Cancel
        </button>
        <button
          type="button"
          className={mode === 'replace' ? 'button button-danger' : 'button button-primary'}
          disabled={!preview}
          onClick={props.onRestore}>
          {mode === 'replace' ? 'Replace everything' : 'Merge into this browser'}
        </button>
      </div>
    </div>
  );
}
