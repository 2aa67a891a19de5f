import { useEffect, useState } from 'react';
import type { ImportPreview } from '../../schema/importer';
import type { ImportVerdict } from '../../worker/validationClient';
import { formatBytes } from '../../schema/share';
import { Dialog } from '../common/Dialog';
import { useDb } from '../DbContext';
import { ProblemList } from './ProblemList';
import { useUi, type PreviewRequest } from '../state';
import { PreviewSummary } from './PreviewSummary';
import { clearShareHash } from './importSources';
import { useImportCheck } from './ImportCheckContext';
import { importWorkflowDraft, importWorkflowFile } from './importWorkflow';
import { errorMessage } from '../../schema/errorMessage';
import { looksLikeRunBundle } from '../../schema/runBundle';
import { BundleImportDialog } from '../bundles/BundleImportDialog';

const SOURCE_LABELS = { file: 'File', drop: 'Dropped file', paste: 'Pasted JSON', link: 'Share link' } as const;

interface ImportPreviewDialogProps {
  request: PreviewRequest;
  knownWorkflows: readonly string[];
}

/**
 * Everything an import would bring in, before anything is saved. The text is checked off the main
 * thread ("Checking…" meanwhile). Only "Import" writes; Cancel, Escape and errors leave the library
 * exactly as it was.
 */
export function ImportPreviewDialog(props: ImportPreviewDialogProps) {
  // Routed by content: a run bundle opens as a run, whichever of the four sources brought it.
  const { request } = props;
  if (!('error' in request) && looksLikeRunBundle(request.text)) return <BundleImportDialog request={request} />;
  return <WorkflowImportDialog {...props} />;
}

function WorkflowImportDialog({ request, knownWorkflows }: ImportPreviewDialogProps) {
  const db = useDb();
  const closeDialog = useUi((s) => s.closeDialog);
  const select = useUi((s) => s.select);
  const showToast = useUi((s) => s.showToast);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const preview = useVerdict(request, knownWorkflows);

  function close() {
    if (request.source === 'link') clearShareHash();
    closeDialog();
  }

  async function write(save: () => Promise<string>) {
    setBusy(true);
    try {
      const message = await save();
      close();
      showToast({ message, tone: 'success' });
    } catch (error) {
      setFailure(errorMessage(error));
      setBusy(false);
    }
  }

  async function runImport() {
    if (!preview?.ok || !preview.file) return;
    const file = preview.file;
    await write(async () => {
      const { workflow, added } = await importWorkflowFile(db, file);
      select(workflow.id);
      const extra = added.length ? ` and ${added.length} subworkflow${added.length === 1 ? '' : 's'}` : '';
      const converted = preview.syntax === 'relaxed' ? ' (converted from relaxed JSON)' : '';
      return `Imported “${workflow.name}”${extra}${converted}`;
    });
  }

  async function importDraft() {
    const draft = preview?.draft;
    if (!draft) return;
    await write(async () => {
      const workflow = await importWorkflowDraft(db, draft);
      select(workflow.id);
      return `Imported “${workflow.name}” as a draft: fix the problems in the editor before running it`;
    });
  }

  const footer = (
    <>
      {preview && !preview.ok && (
        <span className="muted footer-note">
          {preview.draft
            ? 'It can be imported as a draft, to fix in the editor; it cannot run until then.'
            : 'Nothing can be imported until the errors are fixed.'}
        </span>
      )}
      <button type="button" className="button" onClick={close}>
        Cancel
      </button>
      {preview?.draft && (
        <button type="button" className="button" onClick={() => void importDraft()} disabled={busy}>
          Import as draft
        </button>
      )}
      <button
        type="button"
        className="button button-primary"
        onClick={() => void runImport()}
        disabled={!preview?.ok || busy}>
        Import
      </button>
    </>
  );

  return (
    <Dialog label="Import preview" onClose={close} footer={footer} wide>
      <p className="preview-source muted">
        {SOURCE_LABELS[request.source]}
        {request.source !== 'paste' && request.source !== 'link' && `: ${request.label}`}
        {request.sizeBytes !== undefined && ` · ${formatBytes(request.sizeBytes)}`}
        {request.source === 'link' && ' · opening a link never imports or runs anything by itself'}
      </p>
      {failure && (
        <p className="error-text" role="alert">
          Import failed: {failure}
        </p>
      )}
      {preview === undefined ? (
        <p className="muted" role="status">
          Checking…
        </p>
      ) : (
        <>
          {preview.syntax === 'relaxed' && (
            <p className="preview-converted" role="note">
              Converted from relaxed JSON (a JavaScript object: unquoted keys, single quotes, comments or trailing
              commas). It is saved as standard JSON.
            </p>
          )}
          {preview.summary && <PreviewSummary summary={preview.summary} migrated={preview.migrated} />}
          <ProblemList problems={preview.problems} />
        </>
      )}
    </Dialog>
  );
}

/** The preview of a request once its check has answered; undefined while it runs. */
function useVerdict(request: PreviewRequest, knownWorkflows: readonly string[]): ImportPreview | undefined {
  const check = useImportCheck();
  const [verdict, setVerdict] = useState<{ of: PreviewRequest; preview: ImportPreview }>();
  // Keyed by content: a library re-read with the same names must not check the file again.
  const namesKey = JSON.stringify(knownWorkflows);
  useEffect(() => {
    if ('error' in request) return;
    let current = true;
    void check(request.text, { knownWorkflows: JSON.parse(namesKey) as string[] }).then(
      (answer) => current && setVerdict({ of: request, preview: previewOfVerdict(answer) }),
    );
    return () => {
      current = false;
    };
  }, [request, namesKey, check]);
  if ('error' in request) return refused('unreadable', request.error);
  return verdict?.of === request ? verdict.preview : undefined;
}

function previewOfVerdict(verdict: ImportVerdict): ImportPreview {
  switch (verdict.kind) {
    case 'checked':
      return verdict.preview;
    case 'bundle':
      return refused('run-bundle', 'this is a run bundle: it opens as a run, not as a workflow');
    case 'timed-out':
      return refused('check-timeout', `checking this file took longer than ${verdict.seconds} s; it was not imported`);
    case 'failed':
      return refused('check-failed', `${verdict.message}; the file was not imported`);
  }
}

function refused(code: string, message: string): ImportPreview {
  const problem = { severity: 'error' as const, code, path: '$', segments: [], message };
  return {
    ok: false,
    file: undefined,
    summary: undefined,
    problems: [problem],
    migrated: [],
    syntax: undefined,
    draft: undefined,
  };
}
