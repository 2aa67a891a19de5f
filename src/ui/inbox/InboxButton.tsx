import { routeHref } from '../routing/routes';
import { usePendingAnswers } from './useInbox';
import './inbox.css';

/** The header's way to the approvals inbox, with how many questions wait there. */
export function InboxButton() {
  const pending = usePendingAnswers();
  const count = pending.status === 'ready' ? pending.value.length : 0;
  return (
    <a className="button button-dark inbox-button" href={routeHref({ screen: 'inbox' })}>
      Inbox
      {count > 0 && (
        <>
          {' '}
          <span className="inbox-count" data-testid="inbox-count">
            {count}
          </span>
          <span className="visually-hidden"> waiting for an answer</span>
        </>
      )}
    </a>
  );
}
