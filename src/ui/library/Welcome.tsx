import { TEMPLATES } from '../../templates';

/** The main area when no workflow is open: what Tabflow is, and where to start. */
export function Welcome({ onImport, onPaste }: { onImport(): void; onPaste(): void }) {
  return (
    <section className="welcome" aria-labelledby="welcome-title">
      <h2 id="welcome-title">Durable LLM workflows, right in this tab</h2>
      <p>
        Tabflow runs multi-step workflows of model calls, tools, waits and approvals entirely in your browser, with no
        server. Every finished step is saved as it happens, so a reload or a closed tab picks up exactly where it left
        off.
      </p>
      <div className="welcome-start">
        <p className="welcome-pointer">
          <span aria-hidden>←</span> Start with one of the {TEMPLATES.length} <strong>templates</strong> on the left:
          “Use template” puts an editable copy in your library.
        </p>
        <p className="muted">
          Or bring your own:{' '}
          <button type="button" className="link-button" onClick={onImport}>
            import a file
          </button>
          ,{' '}
          <button type="button" className="link-button" onClick={onPaste}>
            paste JSON
          </button>
          , drop a file anywhere on this page, or open a share link.
        </p>
      </div>
    </section>
  );
}
