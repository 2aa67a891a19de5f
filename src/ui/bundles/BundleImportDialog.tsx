import { useEffect, useState } from 'react';
import { errorMessage } from '../../schema/errorMessage';
import type { BundleCheck, RunBundle } from '../../schema/runBundle';
import { formatBytes } from '../../schema/share';
import { importRunBundle } from '../../store/bundles';
import type { ImportVerdict } from '../../worker/validationClient';
import { Dialog } from '../common/Dialog';
import { useDb } from '../DbContext';
import { useImportCheck } from '../import/ImportCheckContext';
import { clearShareHash } from '../import/importSources';
import { ProblemList } from '../import/ProblemList';
import { formatTime } from '../runs/format';
import { useUi, type PreviewRequest } from '../state';
import './bundles.css';

const SOURCE_LABELS = { file: 'File', drop: 'Dropped file', paste: 'Pasted text', link: 'Share link' } as const;

/**
 * A run bundle from any import source, checked in the import worker before anything is saved. "Open run"
 * stores it as an imported run (read-only, with its workflow in the library) and shows it; Cancel, Escape and
 * a refused bundle leave everything saved as it was.
 */
export function BundleImportDialog({ request }: { request: PreviewRequest & { text: string } }) {
  const db = useDb();
  const closeDialog = useUi((s) => s.closeDialog);
  const select = useUi((s) => s.select);
  const showRun = useUi((s) => s.showRun);
  const showToast = useUi((s) => s.showToast);
  const check = useBundleCheck(request.text);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);

  function close() {
    if (request.source === 'link') clearShareHash();
    closeDialog();
  }

  async function open(bundle: RunBundle) {
    setBusy(true);
    try {
      const { run, workflow } = await importRunBundle(db, bundle);
      close();
      select(workflow.id);
      showRun(run.id);
      showToast({ message: `Opened the run of “${workflow.name}” from a bundle (read-only)`, tone: 'success' });
    } catch (error) {
      setFailure(errorMessage(error));
      setBusy(false);
    }
  }

  const footer = (
    <>
      {check && !check.ok && <span className="muted footer-note">Nothing was opened or saved.</span>}
      <button type="button" className="button" onClick={close}>
        Cancel
      </button>
      <button
        type="button"
        className="button button-primary"
        disabled={!check?.ok || busy}
        onClick={() => check?.ok && void open(check.bundle)}>
        Open run
      </button>
    </>
  );
  return (
    <Dialog label="Open a run bundle" onClose={close} footer={footer} wide>
      <p className="preview-source muted">
        {SOURCE_LABELS[request.source]}
        {(request.source === 'file' || request.source === 'drop') && `: ${request.label}`}
        {request.sizeBytes !== undefined && ` · ${formatBytes(request.sizeBytes)}`} · a run bundle: opening it runs
        nothing and sends no request
      </p>
      {failure && (
        <p className="error-text" role="alert">
          Opening failed: {failure}
        </p>
      )}
      {check === undefined ? (
        <p className="muted" role="status">
          Checking…
        </p>
      ) : check.ok ? (
        <BundleSummary bundle={check.bundle} />
      ) : (
        <ProblemList problems={[check.problem]} />
      )}
    </Dialog>
  );
}

/** What the bundle holds, before it is opened. */
function BundleSummary({ bundle }: { bundle: RunBundle }) {
  const run = bundle.runs[0]!;
  const main = bundle.definitions.find((d) => d.hash === run.workflowHash)!;
  const name = (main.workflow as { workflowConfig: { name: string } }).workflowConfig.name;
  const steps = bundle.steps.filter((s) => s.runId === run.id && s.kind === 'step').length;
  const exportedAt = Date.parse(bundle.exportedAt);
  return (
    <dl className="bundle-summary" aria-label="What the bundle holds">
      <dt>Workflow</dt>
      <dd>{name}</dd>
      <dt>Run</dt>
      <dd>
        {run.status} · {steps} step{steps === 1 ? '' : 's'}
        {bundle.runs.length > 1 && ` · ${bundle.runs.length - 1} subworkflow run(s)`}
      </dd>
      <dt>Recorded</dt>
      <dd>
        {bundle.recording.rounds.length} model answer{bundle.recording.rounds.length === 1 ? '' : 's'},{' '}
        {bundle.messages.length} thread message{bundle.messages.length === 1 ? '' : 's'}
      </dd>
      <dt>Exported</dt>
      <dd>{Number.isNaN(exportedAt) ? bundle.exportedAt : formatTime(exportedAt)}</dd>
    </dl>
  );
}

/** The bundle's check from the import worker (the same one every import goes through); undefined while it runs. */
function useBundleCheck(text: string): BundleCheck | undefined {
  const check = useImportCheck();
  const [answer, setAnswer] = useState<{ of: string; check: BundleCheck }>();
  useEffect(() => {
    let current = true;
    void check(text, { knownWorkflows: [] }).then((verdict) => {
      if (current) setAnswer({ of: text, check: bundleCheckOf(verdict) });
    });
    return () => {
      current = false;
    };
  }, [text, check]);
  return answer?.of === text ? answer.check : undefined;
}

function bundleCheckOf(verdict: ImportVerdict): BundleCheck {
  const refused = (code: string, message: string): BundleCheck => ({
    ok: false,
    problem: { severity: 'error', code, path: '$', segments: [], message },
  });
  switch (verdict.kind) {
    case 'bundle':
      return verdict.check;
    case 'checked':
      return refused('not-a-bundle', 'this is not a run bundle');
    case 'timed-out':
      return refused('check-timeout', `checking this bundle took longer than ${verdict.seconds} s; it was not opened`);
    case 'failed':
      return refused('check-failed', `${verdict.message}; the bundle was not opened`);
  }
}
