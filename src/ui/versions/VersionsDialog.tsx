import { useState, type FormEvent, type KeyboardEvent } from 'react';
import type { VersionRecord } from '../../store/db';
import { nameVersion } from '../../store/versions';
import { restoreVersion } from '../../store/workflows';
import { errorMessage } from '../../schema/errorMessage';
import { Dialog } from '../common/Dialog';
import { formatRelative, useNow } from '../common/time';
import { useDb } from '../DbContext';
import { useWorkflowRecord } from '../library/useLibrary';
import { useUi } from '../state';
import { useVersions } from './useVersions';
import { VersionDiff } from './VersionDiff';
import './versions.css';

const ORIGIN_LABELS: Record<VersionRecord['origin'], string | undefined> = {
  edit: undefined,
  import: 'created',
  restore: 'restored',
  'conflict-copy': 'kept over another tab',
};

const versionLabel = (version: VersionRecord) =>
  version.name ? `version ${version.seq} “${version.name}”` : `version ${version.seq}`;

/** The versions of one workflow: list, name, restore, and a diff of any two picked. */
export function VersionsDialog({ workflowId, versionId }: { workflowId: string; versionId?: string }) {
  const closeDialog = useUi((s) => s.closeDialog);
  const record = useWorkflowRecord(workflowId);
  const versions = useVersions(workflowId);
  const name = record.status === 'ready' ? record.record.name : 'workflow';
  return (
    <Dialog label={`Versions of ${name}`} onClose={closeDialog} wide>
      {versions.status === 'loading' ? (
        <p className="muted">Loading versions…</p>
      ) : versions.value.length === 0 ? (
        <p className="muted">This workflow has no versions yet.</p>
      ) : (
        <VersionsPanel versions={versions.value} focusId={versionId} />
      )}
    </Dialog>
  );
}

function initialPicks(versions: VersionRecord[], focusId: string | undefined): string[] {
  const [newest, previous] = versions;
  const focus = versions.find((v) => v.id === focusId);
  if (focus && focus.id !== newest!.id) return [focus.id, newest!.id];
  return previous ? [previous.id, newest!.id] : [newest!.id];
}

function VersionsPanel({ versions, focusId }: { versions: VersionRecord[]; focusId?: string }) {
  const [picked, setPicked] = useState(() => initialPicks(versions, focusId));
  // Picking a third version lets go of the one picked first: two are always compared.
  const toggle = (id: string) =>
    setPicked((current) => (current.includes(id) ? current.filter((p) => p !== id) : [...current, id].slice(-2)));
  const compared = versions.filter((v) => picked.includes(v.id)).sort((a, b) => a.seq - b.seq);
  const newestId = versions[0]!.id;
  const labelOf = (v: VersionRecord) => `${versionLabel(v)}${v.id === newestId ? ' (current)' : ''}`;
  return (
    <div className="versions-panel">
      <ol className="versions-list" aria-label="Versions, newest first">
        {versions.map((version) => (
          <VersionRow
            key={version.id}
            version={version}
            current={version.id === newestId}
            picked={picked.includes(version.id)}
            focused={version.id === focusId}
            onToggle={() => toggle(version.id)}
          />
        ))}
      </ol>
      <div className="versions-diff-area">
        {compared.length === 2 ? (
          <VersionDiff
            before={compared[0]!.doc}
            after={compared[1]!.doc}
            beforeLabel={labelOf(compared[0]!)}
            afterLabel={labelOf(compared[1]!)}
          />
        ) : (
          <p className="muted">Pick two versions (the Compare boxes) to see what changed between them.</p>
        )}
      </div>
    </div>
  );
}

interface VersionRowProps {
  version: VersionRecord;
  current: boolean;
  picked: boolean;
  focused: boolean;
  onToggle(): void;
}

function VersionRow({ version, current, picked, focused, onToggle }: VersionRowProps) {
  const db = useDb();
  const showToast = useUi((s) => s.showToast);
  const now = useNow();
  const [naming, setNaming] = useState(false);
  const origin = ORIGIN_LABELS[version.origin];
  const fail = (error: unknown) => showToast({ message: errorMessage(error), tone: 'error' });
  const restore = () =>
    restoreVersion(db, version.id).then(
      () => showToast({ message: `Restored version ${version.seq} as the newest version`, tone: 'success' }),
      fail,
    );
  return (
    <li
      className={`version-row${picked ? ' version-picked' : ''}${focused ? ' version-focused' : ''}`}
      data-version-seq={version.seq}
      aria-current={current ? 'true' : undefined}>
      <label className="version-compare">
        <input type="checkbox" checked={picked} onChange={onToggle} />
        <span className="visually-hidden">Compare version {version.seq}</span>
      </label>
      <div className="version-main">
        <div className="version-heading">
          <strong>Version {version.seq}</strong>
          {version.name && <span className="version-name">{version.name}</span>}
          {current && <span className="version-badge">current</span>}
          {origin && <span className="version-badge version-origin">{origin}</span>}
          <time className="muted" dateTime={new Date(version.createdAt).toISOString()}>
            {formatRelative(version.updatedAt, now)}
          </time>
        </div>
        <p className="version-summary">{version.summary}</p>
        {naming && <NameForm version={version} onDone={() => setNaming(false)} onError={fail} />}
      </div>
      <div className="version-actions">
        {!naming && (
          <button type="button" className="button button-small" onClick={() => setNaming(true)}>
            {version.name ? 'Rename' : 'Name'}
            <span className="visually-hidden"> version {version.seq}</span>
          </button>
        )}
        {!current && (
          <button type="button" className="button button-small" onClick={() => void restore()}>
            Restore<span className="visually-hidden"> version {version.seq}</span>
          </button>
        )}
      </div>
    </li>
  );
}

function NameForm({
  version,
  onDone,
  onError,
}: {
  version: VersionRecord;
  onDone(): void;
  onError(error: unknown): void;
}) {
  const db = useDb();
  const [value, setValue] = useState(version.name ?? '');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    nameVersion(db, version.id, value).then(onDone, onError);
  };
  // Escape leaves the name as it was, and only the form: the dialog stays open.
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key !== 'Escape') return;
    event.stopPropagation();
    onDone();
  };
  return (
    <form className="version-name-form" onSubmit={submit} onKeyDown={onKeyDown}>
      <label>
        <span className="visually-hidden">Name of version {version.seq}</span>
        <input
          value={value}
          maxLength={200}
          placeholder="e.g. Before the pricing change"
          onChange={(e) => setValue(e.target.value)}
          autoFocus
        />
      </label>
      <button type="submit" className="button button-small button-primary">
        Save name
      </button>
      <button type="button" className="button button-small" onClick={onDone}>
        Cancel
      </button>
    </form>
  );
}
