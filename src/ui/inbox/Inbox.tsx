import { useId, useState } from 'react';
import { errorMessage } from '../../schema/errorMessage';
import { routeHref, workflowRoute } from '../routing/routes';
import { describeWait, WaitBanner } from '../runs/WaitBanner';
import { useNow } from '../common/time';
import { stepKeyOf, stepLabel, type PendingAnswer } from './pendingAnswers';
import { usePendingAnswers } from './useInbox';
import './inbox.css';

/**
 * The approvals inbox (`#/inbox`): every approval, event, host confirmation and budget question that a run of any
 * workflow waits on, each answered here with the run's own control and an optional reason, recorded with the answer.
 */
export function Inbox() {
  const pending = usePendingAnswers();
  return (
    <section className="inbox" aria-labelledby="inbox-title">
      <h2 id="inbox-title">Inbox</h2>
      <p className="muted">
        Approvals, events, host confirmations and budget questions of every workflow&apos;s runs, oldest first.
      </p>
      {pending.status === 'loading' ? (
        <p className="muted">Loading…</p>
      ) : pending.value.length === 0 ? (
        <p className="inbox-empty" role="status">
          Nothing waits for an answer.
        </p>
      ) : (
        <ul className="inbox-list" aria-label="Waiting for an answer">
          {pending.value.map((item) => (
            <InboxItem key={item.id} item={item} />
          ))}
        </ul>
      )}
    </section>
  );
}

function InboxItem({ item }: { item: PendingAnswer }) {
  const { run, wait } = item;
  const now = useNow(1_000);
  const reasonId = useId();
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const stepKey = stepKeyOf(wait.stepKey);
  const runLink = run.workflowId
    ? routeHref(workflowRoute(run.workflowId, { tab: 'runs', runId: run.id, stepKey }))
    : undefined;
  // An event's reason is typed in the event form its control opens, beside the payload.
  const takesReason = wait.kind !== 'event';
  return (
    <li className="inbox-item" data-testid="inbox-item" data-wait-kind={wait.kind} data-run={run.id}>
      <div className="inbox-item-head">
        <strong className="inbox-workflow">{run.workflowName}</strong>
        <span className="muted">
          {' '}
          · step <code>{stepLabel(wait.stepKey)}</code> · waiting for {describeWait(wait, now)}
        </span>
        {runLink && (
          <a className="inbox-run-link" href={runLink}>
            Open the run
          </a>
        )}
      </div>
      {takesReason && (
        <label className="field inbox-reason" htmlFor={reasonId}>
          <span className="field-label">Reason (optional, recorded with the answer)</span>
          <input id={reasonId} type="text" value={note} maxLength={500} onChange={(e) => setNote(e.target.value)} />
        </label>
      )}
      <WaitBanner
        run={run}
        wait={wait}
        note={note.trim() || undefined}
        onError={(failure) => setError(errorMessage(failure))}
      />
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </li>
  );
}
