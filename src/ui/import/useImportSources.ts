import { useCallback, useEffect, useRef, useState, type ChangeEvent } from 'react';
import { shareDataFromHash } from '../../schema/share';
import { isEditableTarget } from '../shortcuts';
import type { StoreApi } from 'zustand';
import { useUiStore, type PreviewRequest, type UiState } from '../state';
import { pastedImport, readImportFile, readShareData } from './importSources';

/**
 * Wires every import source to the preview dialog: share links in the address bar (on load and on
 * hashchange), files dropped anywhere, Ctrl/Cmd+V outside text fields, and the file picker.
 */
export function useImportSources() {
  const store = useUiStore();
  const fileInput = useRef<HTMLInputElement>(null);
  const preview = useCallback(
    (request: PreviewRequest | null) => request && store.getState().openDialog({ kind: 'preview', request }),
    [store],
  );

  useShareLinks(preview);
  usePasteImport(preview, store);
  const dragging = useFileDrop(preview);

  const openFilePicker = useCallback(() => fileInput.current?.click(), []);
  const onFileChosen = useCallback(
    async (event: ChangeEvent<HTMLInputElement>) => {
      const file = event.target.files?.[0];
      event.target.value = '';
      if (file) preview(await readImportFile(file, 'file'));
    },
    [preview],
  );

  return { fileInput, openFilePicker, onFileChosen, dragging };
}

type Preview = (request: PreviewRequest | null) => void;

function useShareLinks(preview: Preview) {
  useEffect(() => {
    let active = true;
    const check = async () => {
      const data = shareDataFromHash(location.hash);
      if (data === null) return;
      const request = await readShareData(data);
      if (active) preview(request);
    };
    void check();
    window.addEventListener('hashchange', check);
    return () => {
      active = false;
      window.removeEventListener('hashchange', check);
    };
  }, [preview]);
}

function usePasteImport(preview: Preview, store: StoreApi<UiState>) {
  useEffect(() => {
    const onPaste = async (event: ClipboardEvent) => {
      // Text fields keep their paste; a dialog that is open keeps the keyboard.
      if (isEditableTarget(event.target) || store.getState().dialog.kind !== 'none') return;
      const text = event.clipboardData?.getData('text/plain') ?? '';
      const request = await pastedImport(text);
      if (request) preview(request);
    };
    document.addEventListener('paste', onPaste);
    return () => document.removeEventListener('paste', onPaste);
  }, [preview, store]);
}

function useFileDrop(preview: Preview): boolean {
  const [dragging, setDragging] = useState(false);
  useEffect(() => {
    let depth = 0;
    const hasFiles = (e: DragEvent) => e.dataTransfer?.types.includes('Files') ?? false;
    const onEnter = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      depth++;
      setDragging(true);
    };
    const onOver = (e: DragEvent) => {
      if (hasFiles(e)) e.preventDefault();
    };
    const onLeave = (e: DragEvent) => {
      if (hasFiles(e) && --depth <= 0) {
        depth = 0;
        setDragging(false);
      }
    };
    const onDrop = async (e: DragEvent) => {
      depth = 0;
      setDragging(false);
      // A drop zone of its own (an experiment's rows file) takes the file: it is not a workflow.
      if (e.target instanceof Element && e.target.closest('[data-drop-zone]')) return;
      const file = e.dataTransfer?.files[0];
      if (!file) return;
      e.preventDefault();
      preview(await readImportFile(file, 'drop'));
    };
    const listeners = { dragenter: onEnter, dragover: onOver, dragleave: onLeave, drop: onDrop } as const;
    for (const [type, fn] of Object.entries(listeners)) window.addEventListener(type, fn as EventListener);
    return () => {
      for (const [type, fn] of Object.entries(listeners)) window.removeEventListener(type, fn as EventListener);
    };
  }, [preview]);
  return dragging;
}
