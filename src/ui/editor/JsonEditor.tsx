import type { Diagnostic } from '@codemirror/lint';
import { forceLinting } from '@codemirror/lint';
import { EditorState } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import { useEffect, useImperativeHandle, useRef, useState, type Ref } from 'react';
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
  initialText: string;
  /** Text saved elsewhere (e.g. a rename) to show in place of the current text; `seq` marks each new one. */
  externalText: { text: string; seq: number } | null;
  knownWorkflows: readonly string[];
  onChange(text: string): void;
  onAnalysis(analysis: TextAnalysis): void;
  ref?: Ref<EditorHandle>;
}

export default function JsonEditor({
  initialText,
  externalText,
  knownWorkflows,
  onChange,
  onAnalysis,
  ref,
}: JsonEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const [problems, setProblems] = useState<LocatedProblem[] | null>(null);
  const latest = useRef({ onChange, onAnalysis, knownWorkflows });
  useEffect(() => {
    latest.current = { onChange, onAnalysis, knownWorkflows };
  });

  useEffect(() => {
    const lint = (v: EditorView): Diagnostic[] => {
      const analysis = analyzeText(v.state.doc.toString(), latest.current.knownWorkflows);
      const located = locate(v.state, analysis);
      setProblems(located);
      latest.current.onAnalysis(analysis);
      return located.map(toDiagnostic);
    };
    const extensions = editorExtensions({ lint, onUserChange: (text) => latest.current.onChange(text) });
    const created = new EditorView({
      parent: host.current!,
      state: EditorState.create({ doc: initialText, extensions }),
    });
    view.current = created;
    return () => {
      created.destroy();
      view.current = null;
    };
    /* eslint-disable-next-line react-hooks/exhaustive-deps --
       created once per mount: later text comes from typing or `externalText` */
  }, []);

  useEffect(() => {
    const v = view.current;
    if (!v || !externalText) return;
    const current = v.state.doc.toString();
    if (current !== externalText.text) {
      v.dispatch({ changes: minimalChange(current, externalText.text), annotations: externalChange.of(true) });
    }
  }, [externalText]);

  useEffect(() => {
    if (view.current) forceLinting(view.current);
  }, [knownWorkflows]);

  useImperativeHandle(
    ref,
    () => ({
      format() {
        const v = view.current;
        const analysis = v ? analyzeText(v.state.doc.toString()) : undefined;
        if (!v || analysis?.kind !== 'json') return false;
        const current = v.state.doc.toString();
        const pretty = formatDoc(analysis.value);
        if (pretty !== current) v.dispatch({ changes: minimalChange(current, pretty) });
        return true;
      },
      focus: () => view.current?.focus(),
    }),
    [],
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
