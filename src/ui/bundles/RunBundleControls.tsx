import { useLiveQuery } from 'dexie-react-hooks';
import { useState } from 'react';
import type { RunRecord } from '../../engine/records';
import { errorMessage } from '../../schema/errorMessage';
import { RUN_BUNDLE_LIMITS } from '../../schema/runBundle';
import { encodeSharePayload, formatBytes, SHARE_FRAGMENT_KEY } from '../../schema/share';
import { copyText, downloadText } from '../common/clipboard';
import { useDb } from '../DbContext';
import { useExecutor } from '../ExecutorContext';
import { formatTime } from '../runs/format';
import { useUi } from '../state';
import { ReplayDialog } from './ReplayDialog';
import './bundles.css';

/** A link that would be too long to share: its size, and the file offered instead. */
type LinkState =
  { kind: 'none' } | { kind: 'ready'; link: string } | { kind: 'too-large'; chars: number; text: string };

function bundleFileName(run: RunRecord): string {
  const base = run.workflowName.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-|-$/g, '') || 'run';
  return `${base}-run.tabflow-bundle.json`;
}

/** What a replay ran: the bundle's workflow as recorded, or an edited copy of it (Edit prompts & replay). */
function ReplayNote({ run, replayOf }: { run: RunRecord; replayOf: string }) {
  const db = useDb();
  const origin = useLiveQuery(() => db.runs.get(replayOf), [db, replayOf]);
  const edited = origin !== undefined && origin.workflowHash !== run.workflowHash;
  return (
    <p className="bundle-origin" role="note" data-replay={edited ? 'edited' : 'as-recorded'}>
      {edited
        ? 'A replay of a bundle’s run on an edited copy of its workflow: the changed steps and what depends on them ' +
          'ran live; unchanged requests were answered from its recording (“recorded”).'
        : 'A replay of a bundle’s run: unchanged requests were answered from its recording (“recorded”).'}
    </p>
  );
}

/**
 * A finished run's bundle controls: export it as a file or a share link; on a run opened from a bundle, its
 * origin and Replay (as recorded, or with edited prompts). Export happens in the executor, which refuses a
 * bundle holding any stored secret value.
 */
export function RunBundleControls({ run }: { run: RunRecord }) {
  const executor = useExecutor();
  const showToast = useUi((s) => s.showToast);
  const showRun = useUi((s) => s.showRun);
  const [link, setLink] = useState<LinkState>({ kind: 'none' });
  const [editing, setEditing] = useState(false);
  const onError = (error: unknown) => showToast({ message: errorMessage(error), tone: 'error' });

  async function exportFile(text?: string) {
    downloadText(bundleFileName(run), text ?? (await executor.exportRunBundle(run.id)));
    showToast({ message: 'Run bundle downloaded: it holds no API key or secret value', tone: 'success' });
  }

  async function makeLink() {
    const text = await executor.exportRunBundle(run.id);
    const data = await encodeSharePayload(text);
    if (data.length > RUN_BUNDLE_LIMITS.linkChars) return setLink({ kind: 'too-large', chars: data.length, text });
    const url = `${location.href.split('#')[0]}#${SHARE_FRAGMENT_KEY}=${data}`;
    setLink({ kind: 'ready', link: url });
    if (await copyText(url)) showToast({ message: 'Bundle link copied', tone: 'success' });
  }

  async function replay() {
    showRun(await executor.replayRun(run.id));
  }

  return (
    <div className="run-bundle">
      {run.importedFrom && (
        <p className="bundle-origin" role="note">
          Opened from a run bundle exported {formatTime(Date.parse(run.importedFrom.exportedAt))} · read-only. Replay
          answers each unchanged model request from the recording, with no key and no request.
        </p>
      )}
      {run.replayOf && <ReplayNote run={run} replayOf={run.replayOf} />}
      <div className="toolbar" role="toolbar" aria-label="Run bundle">
        {run.importedFrom && (
          <>
            <button
              type="button"
              className="button button-small button-primary"
              onClick={() => void replay().catch(onError)}>
              Replay
            </button>
            <button type="button" className="button button-small" onClick={() => setEditing(true)}>
              Edit prompts &amp; replay…
            </button>
          </>
        )}
        <button type="button" className="button button-small" onClick={() => void exportFile().catch(onError)}>
          Export bundle
        </button>
        <button type="button" className="button button-small" onClick={() => void makeLink().catch(onError)}>
          Bundle link
        </button>
      </div>
      {link.kind === 'ready' && (
        <label className="bundle-link">
          <span className="field-label">Bundle link (opens this run in any browser)</span>
          <input className="input" readOnly value={link.link} onFocus={(e) => e.currentTarget.select()} />
        </label>
      )}
      {link.kind === 'too-large' && (
        <p className="bundle-too-large" role="status">
          This run is too large for a link: it needs {formatBytes(link.chars)} of link data; a link holds{' '}
          {formatBytes(RUN_BUNDLE_LIMITS.linkChars)} at most.{' '}
          <button type="button" className="button button-small" onClick={() => void exportFile(link.text)}>
            Download the file instead
          </button>
        </p>
      )}
      {editing && <ReplayDialog run={run} onClose={() => setEditing(false)} onStarted={(id) => showRun(id)} />}
    </div>
  );
}
