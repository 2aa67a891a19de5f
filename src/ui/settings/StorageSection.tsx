import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { formatBytes } from '../../schema/share';
import { errorMessage } from '../../schema/errorMessage';
import { expiredRuns, runSummaries, type RetentionPolicy, type RunSummary } from '../../store/retention';
import { deleteFinishedRun } from '../../store/runs';
import { writeSetting } from '../../store/settings';
import type { RunUsage, StorageUsage, UsageGroup } from '../../store/storageUsage';
import { useDb } from '../DbContext';
import { useExecutor } from '../ExecutorContext';
import { formatTime, STATUS_LABEL } from '../runs/format';
import { useUi } from '../state';
import { BackupPanel } from './BackupPanel';
import { ClearDataPanel } from './ClearDataPanel';
import { askPersistence, readPersistence, useStorageFigures, type Estimate, type Persistence } from './storageHooks';
import { takeStorageRequest } from './storageRequest';
import { useSetting } from './useSettings';
import './storage.css';

/** Settings → Storage: whether the data is kept, what takes the space, retention, backup, clearing. */
export function StorageSection() {
  const ref = useRef<HTMLElement>(null);
  const { measured, remeasure } = useStorageFigures();
  useEffect(() => {
    // Opened from the storage-full banner: start here, after the dialog has focused its first field.
    if (!takeStorageRequest()) return;
    const frame = requestAnimationFrame(() => {
      ref.current?.scrollIntoView({ block: 'start' });
      ref.current?.querySelector<HTMLElement>('h3')?.focus();
    });
    return () => cancelAnimationFrame(frame);
  }, []);
  return (
    <section ref={ref} className="settings-section storage-section" aria-labelledby="storage-title">
      <h3 id="storage-title" tabIndex={-1}>
        Storage
      </h3>
      <PersistenceLine />
      {measured.status === 'measuring' && <p className="muted">Measuring what takes the space…</p>}
      {measured.status === 'error' && (
        <p className="form-error" role="alert">
          The space could not be measured: {measured.message}
        </p>
      )}
      {measured.status === 'ready' && (
        <>
          <SpaceFigures usage={measured.usage} estimate={measured.estimate} onRemeasure={remeasure} />
          <LargestRuns
            runs={measured.usage.runs}
            onDeleted={() => {
              // The pressed button is gone: focus stays in the dialog (Escape still closes it).
              ref.current?.querySelector<HTMLElement>('h3')?.focus();
              remeasure();
            }}
          />
        </>
      )}
      <RetentionForm onApplied={remeasure} measured={measured.status === 'ready' ? measured.usage : undefined} />
      <BackupPanel />
      <ClearDataPanel />
    </section>
  );
}

const PERSISTENCE_TEXT: Record<Persistence, string> = {
  granted: 'Persistent: the browser keeps this data even when disk space runs low.',
  'not-granted':
    'Not persistent: the browser did not grant it, and may clear this data when disk space runs low. ' +
    'Export a backup now and then (installing the app often gets it granted).',
  'not-asked': 'Not persistent yet: it is asked for when the first workflow or run is saved.',
  unsupported: 'This browser cannot say whether it keeps this data.',
};

function PersistenceLine() {
  const db = useDb();
  const [state, setState] = useState<Persistence>();
  useEffect(() => {
    readPersistence(db).then(setState, () => setState('unsupported'));
  }, [db]);
  if (!state) return null;
  return (
    <p className="storage-persistence" data-persistence={state}>
      {PERSISTENCE_TEXT[state]}{' '}
      {state !== 'granted' && state !== 'unsupported' && (
        <button
          type="button"
          className="button button-small"
          onClick={() => askPersistence(db, true).then(setState, () => undefined)}>
          Ask the browser to keep it
        </button>
      )}
    </p>
  );
}

const GB = 1024 * 1024 * 1024;

/** Space in words: gigabytes past one, else as everywhere else in the app. */
function formatSpace(bytes: number): string {
  return bytes >= GB ? `${(bytes / GB).toFixed(1)} GB` : formatBytes(bytes);
}

const GROUP_LABELS: Record<UsageGroup, string> = {
  workflows: 'Workflows and their versions',
  runs: 'Runs and journals (steps, events, threads, messages, definitions)',
  tables: 'Local tables',
  other: 'Settings and keys',
};

function SpaceFigures({
  usage,
  estimate,
  onRemeasure,
}: {
  usage: StorageUsage;
  estimate: Estimate;
  onRemeasure(): void;
}) {
  const share = estimate && estimate.quota > 0 ? Math.round((estimate.usage / estimate.quota) * 1000) / 10 : undefined;
  return (
    <div className="storage-figures">
      <p data-storage-used={estimate?.usage}>
        {estimate
          ? `Used ${formatSpace(estimate.usage)} of ${formatSpace(estimate.quota)} available to this site` +
            (share === undefined ? '' : ` (${share}%).`)
          : 'This browser does not say how much space is used or available.'}{' '}
        <button type="button" className="button button-small" onClick={onRemeasure}>
          Measure again
        </button>
      </p>
      <table className="storage-table" aria-label="What takes the space">
        <thead>
          <tr>
            <th scope="col">What</th>
            <th scope="col">Records</th>
            <th scope="col">Size (about)</th>
          </tr>
        </thead>
        <tbody>
          {(Object.keys(GROUP_LABELS) as UsageGroup[]).map((group) => {
            const tables = usage.tables.filter((t) => t.group === group);
            return <GroupRows key={group} label={GROUP_LABELS[group]} bytes={usage.groups[group]} tables={tables} />;
          })}
        </tbody>
      </table>
      <p className="field-hint muted">
        Sizes are estimated from each record's JSON; the browser's own figure above includes its overhead and
        compression.
      </p>
    </div>
  );
}

function GroupRows({ label, bytes, tables }: { label: string; bytes: number; tables: StorageUsage['tables'] }) {
  const records = tables.reduce((sum, t) => sum + t.records, 0);
  return (
    <>
      <tr className="storage-group" data-group={label}>
        <th scope="row">{label}</th>
        <td>{records}</td>
        <td>about {formatBytes(bytes)}</td>
      </tr>
      {tables.map((t) => (
        <tr key={t.table} className="storage-table-row" data-table={t.table}>
          <td>{t.table}</td>
          <td>{t.records}</td>
          <td>about {formatBytes(t.bytes)}</td>
        </tr>
      ))}
    </>
  );
}

function LargestRuns({ runs, onDeleted }: { runs: RunUsage[]; onDeleted(): void }) {
  if (runs.length === 0) return null;
  return (
    <div className="storage-runs">
      <h4>Largest runs (with their journals and subworkflow runs)</h4>
      <ul aria-label="Largest runs">
        {runs.map((run) => (
          <LargestRun key={run.runId} run={run} onDeleted={onDeleted} />
        ))}
      </ul>
    </div>
  );
}

function LargestRun({ run, onDeleted }: { run: RunUsage; onDeleted(): void }) {
  const db = useDb();
  const showToast = useUi((s) => s.showToast);
  const [confirming, setConfirming] = useState(false);
  const remove = () =>
    deleteFinishedRun(db, run.runId).then(
      ({ runs, steps }) => {
        showToast({ message: `Deleted ${runs} run${runs === 1 ? '' : 's'} with ${steps} step records` });
        onDeleted();
      },
      (error: unknown) => showToast({ message: errorMessage(error), tone: 'error' }),
    );
  return (
    <li className="storage-run" data-run-id={run.runId}>
      <span className="storage-run-name">{run.workflowName}</span>
      <span className="muted">
        {STATUS_LABEL[run.status]} · started {formatTime(run.createdAt)} · about {formatBytes(run.bytes)}
      </span>
      {!run.finished ? (
        <span className="muted">(not finished: cannot be deleted)</span>
      ) : confirming ? (
        <span role="group" aria-label={`Confirm deleting the run of ${run.workflowName}`}>
          <button type="button" className="button button-small button-danger" onClick={() => void remove()}>
            Delete run
          </button>{' '}
          <button type="button" className="button button-small" onClick={() => setConfirming(false)}>
            Keep
          </button>
        </span>
      ) : (
        <button type="button" className="button button-small" onClick={() => setConfirming(true)}>
          Delete…
        </button>
      )}
    </li>
  );
}

/** "" = off; else a whole number in range, or the message saying what is wrong. */
function parseLimit(text: string, label: string, max: number): number | undefined | string {
  if (text.trim() === '') return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > max) return `${label} must be a whole number from 1 to ${max}, or empty`;
  return n;
}

/** `measured`: the latest figures; each new measurement (after a deletion, say) reads the runs again. */
function RetentionForm({ onApplied, measured }: { onApplied(): void; measured: StorageUsage | undefined }) {
  const db = useDb();
  const executor = useExecutor();
  const showToast = useUi((s) => s.showToast);
  const stored = useSetting('retention');
  const [runs, setRuns] = useState<string>();
  const [days, setDays] = useState<string>();
  // Every run's summary and when it was read: what the rules typed so far would delete.
  const [summaries, setSummaries] = useState<{ runs: RunSummary[]; at: number }>();
  const readSummaries = useCallback(
    () =>
      runSummaries(db).then(
        (runs) => setSummaries({ runs, at: Date.now() }),
        () => setSummaries(undefined),
      ),
    [db],
  );
  useEffect(() => void readSummaries(), [readSummaries, measured]);
  const runsText = runs ?? String(stored?.value.keepLastRuns ?? '');
  const daysText = days ?? String(stored?.value.keepDays ?? '');
  const keepLastRuns = parseLimit(runsText, 'Runs kept per workflow', 100_000);
  const keepDays = parseLimit(daysText, 'Days', 36_500);
  const problem = [keepLastRuns, keepDays].find((v): v is string => typeof v === 'string');
  const policy: RetentionPolicy = {};
  if (typeof keepLastRuns === 'number') policy.keepLastRuns = keepLastRuns;
  if (typeof keepDays === 'number') policy.keepDays = keepDays;
  const wouldGo = summaries && !problem ? expiredRuns(summaries.runs, policy, summaries.at).length : undefined;

  async function save(event: FormEvent) {
    event.preventDefault();
    if (problem) return showToast({ message: problem, tone: 'error' });
    try {
      await writeSetting(db, 'retention', policy);
      const { deletedRuns } = await executor.applyRetention();
      showToast({ message: `Retention saved; ${deletedRuns} run${deletedRuns === 1 ? '' : 's'} deleted now` });
      await readSummaries();
      onApplied();
    } catch (error) {
      showToast({ message: errorMessage(error), tone: 'error' });
    }
  }

  return (
    <form className="run-form storage-retention" aria-label="Retention" onSubmit={(e) => void save(e)}>
      <h4>Retention</h4>
      <p className="field-hint muted">
        Finished runs are deleted automatically unless a rule keeps them (leave both empty to keep every run). A run
        that has not finished, or whose subworkflow run has not, is never deleted.
      </p>
      <div className="storage-retention-fields">
        <label className="field">
          <span className="field-label">Keep the last runs of each workflow</span>
          <input inputMode="numeric" value={runsText} placeholder="all" onChange={(e) => setRuns(e.target.value)} />
        </label>
        <label className="field">
          <span className="field-label">Keep runs younger than (days)</span>
          <input inputMode="numeric" value={daysText} placeholder="any age" onChange={(e) => setDays(e.target.value)} />
        </label>
      </div>
      {stored?.problem && <span className="form-error">{stored.problem}</span>}
      {problem && <span className="form-error">{problem}</span>}
      {wouldGo !== undefined && (
        <p className="muted" data-retention-would-delete={wouldGo}>
          {policy.keepDays === undefined && policy.keepLastRuns === undefined
            ? 'Off: every run is kept.'
            : `With these rules, ${wouldGo} finished run${wouldGo === 1 ? '' : 's'} would be deleted now.`}
        </p>
      )}
      <div className="dialog-actions">
        <button type="submit" className="button">
          Save retention
        </button>
      </div>
    </form>
  );
}
