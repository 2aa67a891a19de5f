import { exportFileName, exportText, type WorkflowLookup } from '../../schema/exporter';
import { exportedWorkflow } from '../../store/pins';
import { buildShareLink } from '../../schema/share';
import { deleteWorkflow, duplicateWorkflow, getWorkflow, renameWorkflow, restoreWorkflow } from '../../store/workflows';
import { copyText, downloadText } from '../common/clipboard';
import { useDb } from '../DbContext';
import type { AutosaveHandle } from '../editor/useAutosave';
import { useUiStore } from '../state';

/** Links longer than this get cut by some chat apps and mail clients. */
export const LONG_LINK_CHARS = 8_000;
/** Undo stays offered longer than a plain confirmation. */
const UNDO_TOAST_MS = 10_000;

/**
 * The toolbar's commands for one workflow. Each flushes the editor first, so it acts on what the
 * person sees, and reads the record fresh rather than trusting a render-time copy.
 */
export function useWorkflowActions(id: string, autosave: AutosaveHandle, lookup: WorkflowLookup) {
  const db = useDb();
  const store = useUiStore();
  const toast = store.getState().showToast;

  async function current() {
    await autosave.flush();
    const record = await getWorkflow(db, id);
    if (!record || record.deletedAt !== undefined) throw new Error('That workflow no longer exists.');
    return record;
  }

  /** Pinned outputs go only into an exported file, and only when asked: never into a copy or a share link. */
  async function exportedText(withPins = false) {
    const record = await current();
    return { record, text: exportText(exportedWorkflow(record, lookup, withPins)) };
  }

  const draftNote = (hasDraft: boolean) =>
    hasDraft ? ' (the last valid version: the draft in the editor is not included)' : '';

  return {
    async rename(name: string) {
      await autosave.flush();
      await renameWorkflow(db, id, name);
    },
    async duplicate() {
      const copy = await duplicateWorkflow(db, (await current()).id);
      store.getState().select(copy.id);
      toast({ message: `Duplicated as “${copy.name}”`, tone: 'success' });
    },
    async remove() {
      const record = await current();
      await deleteWorkflow(db, id);
      store.getState().select(null);
      toast({
        message: `Deleted “${record.name}”`,
        durationMs: UNDO_TOAST_MS,
        action: {
          label: 'Undo',
          run: () => void restoreWorkflow(db, id).then(() => store.getState().select(id)),
        },
      });
    },
    async exportFile(withPins = false) {
      const { record, text } = await exportedText(withPins);
      const fileName = exportFileName(record.name);
      downloadText(fileName, text);
      toast({ message: `Exported ${fileName}${draftNote(record.draftText !== undefined)}`, tone: 'success' });
    },
    async copyJson() {
      const { record, text } = await exportedText();
      const copied = await copyText(text);
      toast(
        copied
          ? { message: `JSON copied${draftNote(record.draftText !== undefined)}`, tone: 'success' }
          : { message: 'The browser did not allow copying. Use "Export file" instead.', tone: 'error' },
      );
    },
    async copyShareLink() {
      const { text } = await exportedText();
      const link = await buildShareLink(text, location.href);
      const copied = await copyText(link);
      if (!copied)
        return toast({ message: 'The browser did not allow copying. Use "Export file" instead.', tone: 'error' });
      const size = `${link.length.toLocaleString('en-US')} characters`;
      return link.length > LONG_LINK_CHARS
        ? toast({
            message:
              `Link copied (${size}). Some chat apps cut links over 8,000 characters; ` +
              'if it arrives broken, send the file instead.',
            tone: 'warning',
            durationMs: UNDO_TOAST_MS,
          })
        : toast({ message: `Link copied (${size})`, tone: 'success' });
    },
  };
}
