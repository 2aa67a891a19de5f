import type { Diagnostic } from '@codemirror/lint';
import { forceLinting } from '@codemirror/lint';
import { EditorState } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import { useEffect, useImperativeHandle, useRef, useState, type Ref } from 'react';
import type { DocumentSession } from '../document/session';
import { analyzeText, formatDoc, type TextAnalysis } from './analysis';
import { editorExtensions, externalChange, minimalChange } from './editorSetup';
import { rangeOfPath } from './pathRange';
import { ProblemsPanel, type LocatedProblem } from './ProblemsPanel';

/** The CodeMirror side of the JSON editor. Loaded lazily: nothing outside this folder imports it statically. */

export interface EditorHandle {
  /** Pretty-prints the text; false (and no change) when it does not parse. */
  format(): boolean;
  focus(): void;
}

export interface JsonEditorProps {
  /** The open document: typing goes to it, and its changes from other views (graph, forms, undo) show here. */
  session: DocumentSession;
  knownWorkflows: readonly string[];
  onAnalysis(analysis: TextAnalysis): void;
  ref?: Ref<EditorHandle>;
}

/** Typing close together is one undo step. */
const TYPING_GROUP = 'json-typing';

export default function JsonEditor({ session, knownWorkflows, onAnalysis, ref }: JsonEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const [problems, setProblems] = useState<LocatedProblem[] | null>(null);
  const latest = useRef({ onAnalysis, knownWorkflows });
  useEffect(() => {
    latest.current = { onAnalysis, knownWorkflows };
  });

  useEffect(() => {
    const lint = (v: EditorView): Diagnostic[] => {
      const analysis = analyzeText(v.state.doc.toString(), latest.current.knownWorkflows);
      const located = locate(v.state, analysis);
      setProblems(located);
      latest.current.onAnalysis(analysis);
      return located.map(toDiagnostic);
    };
    const extensions = editorExtensions({
      lint,
      onUserChange: (text) => session.applyText(text, { group: TYPING_GROUP }),
      onUndo: () => session.undo(),
      onRedo: () => session.redo(),
    });
    const created = new EditorView({
      parent: host.current!,
      state: EditorState.create({ doc: session.getSnapshot().text, extensions }),
    });
    view.current = created;
    const unsubscribe = followSession(session, created);
    return () => {
      unsubscribe();
      created.destroy();
      view.current = null;
    };
  }, [session]);

  useEffect(() => {
    if (view.current) forceLinting(view.current);
  }, [knownWorkflows]);

  useImperativeHandle(
    ref,
    () => ({
      format() {
        const analysis = analyzeText(session.getSnapshot().text);
        if (analysis.kind !== 'json') return false;
        // Through the session: formatting is an undo step of its own, not part of a typing burst.
        session.applyText(formatDoc(analysis.value));
        return true;
      },
      focus: () => view.current?.focus(),
    }),
    [session],
  );

  function reveal(item: LocatedProblem) {
    const v = view.current;
    if (!v) return;
    v.dispatch({
      selection: { anchor: item.from, head: item.to },
      effects: EditorView.scrollIntoView(item.from, { y: 'center' }),
    });
    v.focus();
  }

  return (
    <div className="editor-stack">
      <div className="json-editor" data-testid="json-editor" ref={host} />
      <ProblemsPanel items={problems} onSelect={reveal} />
    </div>
  );
}

/**
 * Every other view's change (graph, form, undo, a save elsewhere) arrives as the smallest edit, so
 * the cursor keeps its place; it is marked so it is not reported back as typing. While the editor
 * is hidden (another tab shows) changes wait until it is seen again: a hidden CodeMirror still
 * measures every change, a cost each keystroke in a form would pay.
 */
function followSession(session: DocumentSession, view: EditorView): () => void {
  const sync = () => {
    const next = session.getSnapshot().text;
    const current = view.state.doc.toString();
    if (current !== next)
      view.dispatch({ changes: minimalChange(current, next), annotations: externalChange.of(true) });
  };
  // Without IntersectionObserver (tests' DOM) there is no reveal to wait for: follow at once.
  const canWait = typeof IntersectionObserver !== 'undefined';
  let stale = false;
  const observer = canWait
    ? new IntersectionObserver((entries) => {
        if (!stale || !entries.some((e) => e.isIntersecting)) return;
        stale = false;
        sync();
      })
    : undefined;
  observer?.observe(view.dom);
  const unsubscribe = session.subscribe(() => {
    if (canWait && view.dom.closest('[hidden]') !== null) stale = true;
    else sync();
  });
  return () => {
    unsubscribe();
    observer?.disconnect();
  };
}

function locate(state: EditorState, analysis: TextAnalysis): LocatedProblem[] {
  if (analysis.kind === 'syntax') {
    const from = Math.min(analysis.offset, state.doc.length);
    return analysis.problems.map((problem) => ({ problem, from, to: Math.min(from + 1, state.doc.length) }));
  }
  return analysis.problems.map((problem) => ({ problem, ...rangeOfPath(state, problem.segments) }));
}

function toDiagnostic({ problem, from, to }: LocatedProblem): Diagnostic {
  const where = problem.slug ? `${problem.path} · step ${problem.slug}` : problem.path;
  return { from, to, severity: problem.severity, message: problem.message, source: where };
}
