import type { ReactNode } from 'react';
import { LIBRARY, routeHref } from './routes';
import './routing.css';

interface NotFoundProps {
  /** What the address names, in words: "This workflow", "This run"… */
  title: string;
  /** Why it is not shown. */
  detail: ReactNode;
  /** Nearer ways out than home (e.g. "Show the whole run"). */
  children?: ReactNode;
}

/** An address to something that is not (or no longer) there: says so, and always offers the way home. */
export function NotFound({ title, detail, children }: NotFoundProps) {
  return (
    <section className="not-found" role="status" aria-label={title} data-testid="not-found">
      <h2 className="not-found-title">{title}</h2>
      <p className="not-found-detail">{detail}</p>
      <div className="not-found-actions">
        {children}
        <a className="button" href={routeHref(LIBRARY)}>
          Go to the library
        </a>
      </div>
    </section>
  );
}

/** The main area for an address that names no screen at all. */
export function MalformedAddress({ address, problem }: { address: string; problem: string }) {
  return (
    <NotFound
      title="This address leads nowhere"
      detail={
        <>
          Tabflow cannot open <code className="not-found-address">#{address}</code>: {problem}.
        </>
      }
    />
  );
}
