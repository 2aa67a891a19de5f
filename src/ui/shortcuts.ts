import { useEffect, useRef } from 'react';
import { useUiStore } from './state';

/**
 * Every keyboard shortcut, defined once: the help dialog renders this table and the README copies
 * it. Entries with an `id` are bound with `useShortcut`; the others are handled by CodeMirror or dialogs.
 */
export interface Shortcut {
  id?: ShortcutId;
  keys: string;
  description: string;
  /** Only when focus is not in a text field (there the keys keep their usual meaning). */
  outsideText?: boolean;
}

export type ShortcutId = 'importFile' | 'pasteJson' | 'save' | 'format' | 'exportFile' | 'copyShareLink' | 'help';

export const SHORTCUTS: readonly Shortcut[] = [
  { id: 'importFile', keys: 'Mod+O', description: 'Import a workflow file' },
  { id: 'pasteJson', keys: 'Mod+Shift+V', description: 'Open the "Paste JSON" dialog', outsideText: true },
  { keys: 'Mod+V', description: 'Outside text fields: import workflow JSON from the clipboard' },
  { id: 'save', keys: 'Mod+S', description: 'Save now (edits also save by themselves)' },
  { id: 'format', keys: 'Mod+Shift+F', description: 'Format the JSON' },
  { id: 'exportFile', keys: 'Mod+Shift+E', description: 'Export the open workflow as a file' },
  { id: 'copyShareLink', keys: 'Mod+Shift+L', description: 'Copy a share link to the open workflow' },
  { keys: 'Mod+F', description: 'Search in the JSON editor' },
  { keys: 'Mod+Z / Mod+Shift+Z', description: 'Undo / redo an edit of the workflow (graph, forms or JSON)' },
  { keys: 'Arrows / Enter', description: "In the graph: select the nearest step that way / open the step's form" },
  { keys: 'Delete / Mod+D', description: 'In the graph: delete / duplicate the selection (Mod+C, Mod+V: copy, paste)' },
  { id: 'help', keys: '?', description: 'Show these keyboard shortcuts', outsideText: true },
  { keys: 'Escape', description: "Close a dialog, or a run's step panel (focus returns to what opened it)" },
];

export function isMacPlatform(): boolean {
  return typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);
}

/** "Mod+Shift+L" → "Ctrl+Shift+L", or "⌘⇧L" on a Mac. */
export function displayKeys(keys: string, mac = isMacPlatform()): string {
  if (!mac) return keys.replace(/Mod/g, 'Ctrl');
  return keys
    .replace(/Mod\+/g, '⌘')
    .replace(/Shift\+/g, '⇧')
    .replace(/Alt\+/g, '⌥');
}

export function matchesKeys(event: KeyboardEvent, keys: string, mac = isMacPlatform()): boolean {
  const parts = keys.split('+');
  const key = parts[parts.length - 1]!;
  const mods = new Set(parts.slice(0, -1));
  const mod = mac ? event.metaKey : event.ctrlKey;
  const other = mac ? event.ctrlKey : event.metaKey;
  if (mod !== mods.has('Mod') || other || event.altKey !== mods.has('Alt')) return false;
  // Shift is part of typing symbols like "?", so it only counts for letter keys.
  const isLetter = /^[a-z]$/i.test(key);
  if (isLetter && event.shiftKey !== mods.has('Shift')) return false;
  return event.key.toLowerCase() === key.toLowerCase();
}

export function isEditableTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || target.closest('input, textarea, select, [contenteditable="true"]') !== null;
}

/**
 * Binds one shortcut of the table to a handler while the component is mounted. Shortcuts are
 * ignored while a dialog is open: the dialog owns the keyboard then.
 */
export function useShortcut(id: ShortcutId, handler: () => void, enabled = true): void {
  const store = useUiStore();
  const latest = useRef(handler);
  useEffect(() => {
    latest.current = handler;
  });
  useEffect(() => {
    const shortcut = SHORTCUTS.find((s) => s.id === id);
    if (!enabled || !shortcut) return;
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || store.getState().dialog.kind !== 'none') return;
      if (shortcut.outsideText && isEditableTarget(event.target)) return;
      if (!matchesKeys(event, shortcut.keys)) return;
      event.preventDefault();
      latest.current();
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [id, enabled, store]);
}
