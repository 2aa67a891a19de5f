import type { EventRecord } from '../../engine/records';
import { formatTime } from '../runs/format';
import { useRunEvents } from '../runs/useRuns';
import { stepLabel } from './pendingAnswers';
import './inbox.css';

/** "Approved", "Refused", "Continue": what an answer said, read from its payload (the engine's own shapes). */
function answerWord(payload: unknown): string {
  const fields = (payload ?? {}) as { approved?: unknown; decision?: unknown };
  if (fields.decision === 'continue') return 'Continued over the budget';
  if (fields.approved === true) return 'Approved';
  if (fields.approved === false) return 'Refused';
  return 'Sent';
}

/** The reasons given with this run's answers (from the inbox or the run's own controls), as recorded. */
export function RunAnswers({ runId }: { runId: string }) {
  const events = useRunEvents(runId);
  if (events.status === 'loading') return null;
  const reasoned = events.value.filter((event): event is EventRecord & { note: string } => event.note !== undefined);
  if (reasoned.length === 0) return null;
  return (
    <section className="run-answers" aria-label="Answers and their reasons">
      <h3>Answers</h3>
      <ul>
        {reasoned.map((event) => (
          <li key={event.id} data-testid="run-answer">
            {answerWord(event.payload)}
            {event.consumedBy && (
              <>
                {' '}
                at <code>{stepLabel(event.consumedBy)}</code>
              </>
            )}{' '}
            <span className="muted">({formatTime(event.sentAt)})</span> — reason: {event.note}
          </li>
        ))}
      </ul>
    </section>
  );
}
