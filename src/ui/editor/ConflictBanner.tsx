import { useMemo, useState } from 'react';
import type { WorkflowRecord } from '../../store/db';
import { analyzeText, formatDoc } from './analysis';
import { useDocumentSession } from '../document/DocumentProvider';
import { VersionDiff } from '../versions/VersionDiff';
import type { AutosaveHandle } from './useAutosave';
import './conflict.css';

/** Their side of a conflict as the editor would show it: their draft text, else their document. */
function theirText(theirs: WorkflowRecord): string {
  return theirs.draftText ?? formatDoc(theirs.doc);
}

/**
 * Another tab saved this workflow while this tab had unsaved edits. Nothing is written until the
 * user chooses: take theirs (this tab's edits are dropped), keep mine (saved on top, as a version of
 * its own; theirs stays in the history), or see both side by side first.
 */
export function ConflictBanner({ autosave }: { autosave: AutosaveHandle }) {
  const session = useDocumentSession();
  const [comparing, setComparing] = useState(false);
  const status = autosave.status;
  if (status.kind !== 'conflict') return null;
  const takeTheirs = () => {
    session.replaceFromStore(theirText(status.theirs));
    void autosave.resolve('theirs');
  };
  return (
    <div className="conflict-banner" role="alert" aria-label="Changed in another tab">
      <p>
        <strong>Changed in another tab.</strong> This workflow was saved elsewhere while you had unsaved edits here.
        Your edits are kept in this tab until you choose.
      </p>
      <div className="conflict-actions">
        <button type="button" className="button button-small" onClick={takeTheirs}>
          Take theirs
        </button>
        <button
          type="button"
          className="button button-small button-primary"
          onClick={() => void autosave.resolve('mine')}>
          Keep mine
        </button>
        <button
          type="button"
          className="button button-small"
          aria-expanded={comparing}
          onClick={() => setComparing((open) => !open)}>
          {comparing ? 'Hide both' : 'See both'}
        </button>
      </div>
      {comparing && <BothSides theirs={status.theirs} mine={status.mine} />}
    </div>
  );
}

function BothSides({ theirs, mine }: { theirs: WorkflowRecord; mine: string }) {
  const mineFile = useMemo(() => {
    const analysis = analyzeText(mine);
    return analysis.kind === 'json' ? analysis.file : undefined;
  }, [mine]);
  if (theirs.draftText === undefined && mineFile) {
    return <VersionDiff before={theirs.doc} after={mineFile} beforeLabel="theirs" afterLabel="yours" />;
  }
  // One side is not a workflow yet (a draft): the two texts, side by side.
  return (
    <div className="conflict-texts">
      <section aria-label="Their text">
        <h4>Theirs</h4>
        <pre>{theirText(theirs)}</pre>
      </section>
      <section aria-label="Your text">
        <h4>Yours</h4>
        <pre>{mine}</pre>
      </section>
    </div>
  );
}
