import { useId, useState, type FormEvent } from 'react';
import { errorMessage } from '../../schema/errorMessage';
import { parseJsonText } from '../../schema/jsonText';

/** Steps whose outcome picks a branch by name: their pin may say which one to follow. */
const BRANCHING_TYPES: ReadonlySet<string> = new Set(['condition', 'approval']);

export type TypedPin = { ok: true; output: unknown } | { ok: false; problem: string };

/** A typed output, checked as any JSON the app reads (size, depth, `__proto__`); the problem says where. */
export function parseTypedPin(text: string): TypedPin {
  if (text.trim() === '') return { ok: false, problem: 'Type the output as JSON: "text in quotes", 42, {"a": 1}…' };
  const parsed = parseJsonText(text);
  if (parsed.ok) return { ok: true, output: parsed.value };
  const problem = parsed.problems[0]!;
  const at = problem.path !== '$' && problem.path !== '' ? ` (at ${problem.path})` : '';
  return { ok: false, problem: `Not pinned: ${problem.message}${at}` };
}

interface PinEditorProps {
  initial: unknown;
  initialBranch: string | undefined;
  stepType: string;
  onPin(output: unknown, branch: string | undefined): Promise<void>;
  onCancel(): void;
}

/** The JSON field of a typed pin, validated on Pin with a message naming the problem. */
export function PinEditor({ initial, initialBranch, stepType, onPin, onCancel }: PinEditorProps) {
  const [text, setText] = useState(() => (initial === undefined ? '' : JSON.stringify(initial, null, 2)));
  const [branch, setBranch] = useState(initialBranch ?? '');
  const [problem, setProblem] = useState<string | null>(null);
  const problemId = useId();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const typed = parseTypedPin(text);
    if (!typed.ok) return setProblem(typed.problem);
    setProblem(null);
    onPin(typed.output, branch.trim() || undefined).catch((failure: unknown) => setProblem(errorMessage(failure)));
  };
  return (
    <form className="pin-editor" onSubmit={submit} aria-label="Type a pinned output">
      <label className="field">
        <span className="field-label">Output (JSON)</span>
        <textarea
          rows={6}
          value={text}
          spellCheck={false}
          aria-invalid={problem ? true : undefined}
          aria-describedby={problem ? problemId : undefined}
          onChange={(e) => setText(e.target.value)}
        />
      </label>
      {BRANCHING_TYPES.has(stepType) && (
        <label className="field">
          <span className="field-label">Branch to follow (its nextSteps key; empty: success)</span>
          <input value={branch} onChange={(e) => setBranch(e.target.value)} />
        </label>
      )}
      {problem && (
        <p className="form-error" role="alert" id={problemId}>
          {problem}
        </p>
      )}
      <div className="pin-actions">
        <button type="submit" className="button button-small button-primary">
          Pin
        </button>
        <button type="button" className="button button-small" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
