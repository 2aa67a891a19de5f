import type { RunRecord } from '../../engine/records';
import { useUi } from '../state';
import { useCurrentVersion, useRunVersion, useUnfinishedRunVersions } from './useVersions';
import './versions.css';

/** "ran version 7" in a run's header: opens the versions of its workflow at that version. */
export function RunVersionLink({ run }: { run: RunRecord }) {
  const openDialog = useUi((s) => s.openDialog);
  const version = useRunVersion(run);
  if (version.status === 'loading' || run.workflowId === undefined) return null;
  const workflowId = run.workflowId;
  // A bundle's run and its replays say where their definition came from themselves (`bundles/RunBundleControls`).
  if (!version.value)
    return run.importedFrom || run.replayOf ? null : (
      <span className="muted">ran a definition from before version history</span>
    );
  const { id, seq } = version.value;
  return (
    <button
      type="button"
      className="link-button run-version-link"
      onClick={() => openDialog({ kind: 'versions', workflowId, versionId: id })}>
      ran version {seq}
    </button>
  );
}

/**
 * Said in the editor while a run is in flight on another version than the open one: a run keeps
 * the definition it started with, whatever is edited meanwhile.
 */
export function RunningVersionNote({ workflowId }: { workflowId: string }) {
  const openDialog = useUi((s) => s.openDialog);
  const current = useCurrentVersion(workflowId);
  const runs = useUnfinishedRunVersions(workflowId);
  if (current.status === 'loading' || !current.value) return null;
  const { id: currentId, seq: currentSeq } = current.value;
  const others = runs.filter((run) => run.version?.id !== currentId);
  if (others.length === 0) return null;
  const seqs = [...new Set(others.map((run) => run.version?.seq))].sort((a, b) => (a ?? 0) - (b ?? 0));
  const named = seqs.map((seq) => (seq === undefined ? 'an earlier definition' : `version ${seq}`)).join(', ');
  const first = others.find((run) => run.version)?.version;
  return (
    <p className="running-version-note" role="note">
      {others.length === 1 ? 'A run is still running ' : `${others.length} runs are still running `}
      {named}; you are editing version {currentSeq}. Runs keep the version they started with.
      {first && (
        <button
          type="button"
          className="link-button"
          onClick={() => openDialog({ kind: 'versions', workflowId, versionId: first.id })}>
          Compare
        </button>
      )}
    </p>
  );
}
