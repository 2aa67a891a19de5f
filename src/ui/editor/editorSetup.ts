import { autocompletion, closeBrackets, closeBracketsKeymap, completionKeymap } from '@codemirror/autocomplete';
import { workflowJsonSchema } from '../../schema/jsonSchema';
import { schemaCompletionSource } from './schemaCompletion';
import { defaultKeymap } from '@codemirror/commands';
import { json } from '@codemirror/lang-json';
import {
  bracketMatching,
  defaultHighlightStyle,
  HighlightStyle,
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
    syntaxHighlighting(paletteHighlightStyle),
    paletteTheme,
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
    // An explicit tabindex: the content is in the tab order anyway (contenteditable), and saying so lets
    // checkers see that the scroll area around it can be reached by keyboard (axe scrollable-region-focusable).
    EditorView.contentAttributes.of({ 'aria-label': 'Workflow JSON', tabindex: '0' }),
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

/**
 * CodeMirror's default highlighting with each colour swapped for a palette variable of styles.css,
 * so the JSON follows the light and dark themes with readable contrast in both.
 */
const SYNTAX_COLOURS: Record<string, string> = {
  '#708': 'var(--syntax-keyword)',
  '#219': 'var(--syntax-keyword)',
  '#164': 'var(--syntax-number)',
  '#a11': 'var(--syntax-string)',
  '#e40': 'var(--syntax-number)',
  '#00f': 'var(--syntax-property)',
  '#00c': 'var(--syntax-property)',
  '#30a': 'var(--syntax-property)',
  '#940': 'var(--text-muted)',
  '#f00': 'var(--error)',
};

const paletteHighlightStyle = HighlightStyle.define(
  defaultHighlightStyle.specs.map((spec) => {
    const colour = typeof spec.color === 'string' ? SYNTAX_COLOURS[spec.color] : undefined;
    return colour ? { ...spec, color: colour } : { ...spec, color: 'var(--neutral-text)' };
  }),
);

/** Cursor, selection, panels and tooltips in palette colours (CodeMirror's base theme is light only). */
const paletteTheme = EditorView.theme({
  '&': { color: 'var(--text)', backgroundColor: 'var(--surface)' },
  '.cm-content': { caretColor: 'var(--text)' },
  '.cm-cursor, .cm-dropCursor': { borderLeftColor: 'var(--text)' },
  '&.cm-focused > .cm-scroller > .cm-selectionLayer .cm-selectionBackground, .cm-selectionBackground': {
    backgroundColor: 'var(--editor-selection)',
  },
  '.cm-panels': { backgroundColor: 'var(--surface-2)', color: 'var(--text)' },
  '.cm-panels.cm-panels-top': { borderBottom: '1px solid var(--border-strong)' },
  '.cm-textfield': { backgroundColor: 'var(--surface)', color: 'var(--text)', borderColor: 'var(--border-strong)' },
  '.cm-button': { backgroundImage: 'none', backgroundColor: 'var(--surface)', color: 'var(--text)' },
  '.cm-tooltip': { backgroundColor: 'var(--surface)', color: 'var(--text)', borderColor: 'var(--border-strong)' },
  '.cm-tooltip-autocomplete > ul > li[aria-selected]': {
    backgroundColor: 'var(--accent)',
    color: 'var(--on-accent)',
  },
  '.cm-matchingBracket, &.cm-focused .cm-matchingBracket': { backgroundColor: 'var(--accent-soft)' },
  '.cm-searchMatch': { backgroundColor: 'var(--warn-soft)', outline: '1px solid var(--warn-border)' },
  '.cm-selectionMatch': { backgroundColor: 'var(--info-soft)' },
  '.cm-foldPlaceholder': { backgroundColor: 'var(--neutral-soft)', color: 'var(--neutral-text)' },
});

/** The smallest change turning the editor's text into `text`, so the cursor keeps its place. */
export function minimalChange(current: string, text: string): { from: number; to: number; insert: string } {
  let start = 0;
  const max = Math.min(current.length, text.length);
  while (start < max && current[start] === text[start]) start++;
  let end = 0;
  while (end < max - start && current[current.length - 1 - end] === text[text.length - 1 - end]) end++;
  return { from: start, to: current.length - end, insert: text.slice(start, text.length - end) };
}
