import { autocompletion, closeBrackets, closeBracketsKeymap, completionKeymap } from '@codemirror/autocomplete';
import { workflowJsonSchema } from '../../schema/jsonSchema';
import { schemaCompletionSource } from './schemaCompletion';
import { defaultKeymap } from '@codemirror/commands';
import { json } from '@codemirror/lang-json';
import {
  bracketMatching,
  defaultHighlightStyle,
  foldGutter,
  foldKeymap,
  indentOnInput,
  syntaxHighlighting,
} from '@codemirror/language';
import { lintGutter, lintKeymap, linter, type Diagnostic } from '@codemirror/lint';
import { highlightSelectionMatches, search, searchKeymap } from '@codemirror/search';
import { Annotation, EditorState, type Extension } from '@codemirror/state';
import {
  EditorView,
  drawSelection,
  dropCursor,
  highlightActiveLine,
  highlightActiveLineGutter,
  highlightSpecialChars,
  keymap,
  lineNumbers,
} from '@codemirror/view';

/** Marks a change that did not come from typing (a rename elsewhere): it must not be saved again. */
export const externalChange = Annotation.define<boolean>();

export const LINT_DELAY_MS = 300;

interface SetupOptions {
  lint(view: EditorView): Diagnostic[];
  onUserChange(text: string): void;
  /** Undo and redo belong to the document session (one history for every view), not to CodeMirror. */
  onUndo(): void;
  onRedo(): void;
}

/**
 * The editor's extensions: a hand-picked "basic setup" for JSON. Tab is left to move focus (no
 * indent-with-Tab), so the editor never traps keyboard users.
 */
export function editorExtensions({ lint, onUserChange, onUndo, onRedo }: SetupOptions): Extension[] {
  return [
    lineNumbers(),
    highlightActiveLineGutter(),
    highlightSpecialChars(),
    foldGutter(),
    drawSelection(),
    dropCursor(),
    EditorState.allowMultipleSelections.of(true),
    indentOnInput(),
    syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
    bracketMatching(),
    closeBrackets(),
    highlightActiveLine(),
    highlightSelectionMatches(),
    search({ top: true }),
    json(),
    // Completion follows the same JSON Schema the app publishes at /workflow.schema.json.
    autocompletion({ override: [schemaCompletionSource(workflowJsonSchema())] }),
    linter(lint, { delay: LINT_DELAY_MS }),
    lintGutter(),
    EditorView.lineWrapping,
    EditorView.contentAttributes.of({ 'aria-label': 'Workflow JSON' }),
    keymap.of([
      { key: 'Mod-z', run: () => (onUndo(), true), preventDefault: true },
      { key: 'Mod-Shift-z', run: () => (onRedo(), true), preventDefault: true },
      { key: 'Mod-y', run: () => (onRedo(), true), preventDefault: true },
      ...closeBracketsKeymap,
      ...completionKeymap,
      ...defaultKeymap,
      ...searchKeymap,
      ...foldKeymap,
      ...lintKeymap,
    ]),
    EditorView.updateListener.of((update) => {
      if (!update.docChanged) return;
      if (update.transactions.every((tr) => tr.annotation(externalChange))) return;
      onUserChange(update.state.doc.toString());
    }),
  ];
}

/** The smallest change turning the editor's text into `text`, so the cursor keeps its place. */
export function minimalChange(current: string, text: string): { from: number; to: number; insert: string } {
  let start = 0;
  const max = Math.min(current.length, text.length);
  while (start < max && current[start] === text[start]) start++;
  let end = 0;
  while (end < max - start && current[current.length - 1 - end] === text[text.length - 1 - end]) end++;
  return { from: start, to: current.length - end, insert: text.slice(start, text.length - end) };
}
