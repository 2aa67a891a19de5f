import { useId, useState, type ReactNode } from 'react';
import type { EvaluatorKind } from '../../schema/experiment';
import { EVALUATOR_KINDS, newEvaluatorDraft, type EvaluatorDraft, type FieldProblem } from './evaluatorDraft';

const MAX_EVALUATORS = 20;

interface EvaluatorsSectionProps {
  evaluators: EvaluatorDraft[];
  /** Per evaluator id, the problems of its fields (shown under each field). */
  problems: ReadonlyMap<string, FieldProblem[]>;
  columns: readonly string[];
  expectedColumn: string;
  onChange(evaluators: EvaluatorDraft[]): void;
}

/** The checks applied to each output: add, remove, and a form per kind with its problems inline. */
export function EvaluatorsSection({ evaluators, problems, columns, expectedColumn, onChange }: EvaluatorsSectionProps) {
  const [kind, setKind] = useState<EvaluatorKind>('equals');
  const [counter, setCounter] = useState(1);
  const kindId = useId();
  const update = (index: number, next: EvaluatorDraft) => onChange(evaluators.map((e, i) => (i === index ? next : e)));
  const add = () => {
    let n = counter;
    while (evaluators.some((e) => e.id === `e${n}`)) n++;
    setCounter(n + 1);
    onChange([...evaluators, newEvaluatorDraft(kind, `e${n}`, expectedColumn)]);
  };
  return (
    <fieldset className="experiment-section">
      <legend className="section-title">Evaluators</legend>
      {evaluators.length === 0 && <p className="muted">No checks: the results show outputs only.</p>}
      <ol className="experiment-cards">
        {evaluators.map((draft, index) => (
          <li key={draft.id} className="experiment-card">
            <EvaluatorForm
              draft={draft}
              problems={problems.get(draft.id) ?? []}
              columns={columns}
              onChange={(next) => update(index, next)}
            />
            <button
              type="button"
              className="button button-small"
              onClick={() => onChange(evaluators.filter((_, i) => i !== index))}>
              Remove {draft.label || 'this check'}
            </button>
          </li>
        ))}
      </ol>
      <div className="field-inline">
        <label htmlFor={kindId}>Check</label>
        <select id={kindId} value={kind} onChange={(e) => setKind(e.target.value as EvaluatorKind)}>
          {EVALUATOR_KINDS.map((k) => (
            <option key={k.kind} value={k.kind}>
              {k.label}
            </option>
          ))}
        </select>
        <button type="button" className="button" disabled={evaluators.length >= MAX_EVALUATORS} onClick={add}>
          Add evaluator
        </button>
      </div>
    </fieldset>
  );
}

interface EvaluatorFormProps {
  draft: EvaluatorDraft;
  problems: FieldProblem[];
  columns: readonly string[];
  onChange(next: EvaluatorDraft): void;
}

function EvaluatorForm({ draft, problems, columns, onChange }: EvaluatorFormProps) {
  const set = (patch: Partial<EvaluatorDraft>) => onChange({ ...draft, ...patch });
  const field = (name: string, label: string, control: (id: string, describedBy: string | undefined) => ReactNode) => (
    <Field name={name} label={label} problems={problems} control={control} />
  );
  const text = (name: keyof EvaluatorDraft & string, label: string, multiline = false, problemField: string = name) =>
    field(problemField, label, (id, describedBy) => {
      const common = {
        id,
        value: String(draft[name]),
        'aria-describedby': describedBy,
        'aria-invalid': describedBy ? true : undefined,
        onChange: (e: { target: { value: string } }) => set({ [name]: e.target.value }),
      };
      return multiline ? <textarea rows={4} {...common} /> : <input {...common} />;
    });
  const kindLabel = EVALUATOR_KINDS.find((k) => k.kind === draft.kind)?.label;
  return (
    <div className="experiment-form-grid" role="group" aria-label={`Evaluator: ${draft.label || kindLabel}`}>
      <span className="muted experiment-kind">{kindLabel}</span>
      {text('label', 'Name')}
      {draft.kind !== 'jsonata' && draft.kind !== 'llm-judge' && text('path', 'Output path (empty: all of it)')}
      {draft.kind === 'json-schema' && text('schemaText', 'JSON Schema', true, 'schema')}
      {(draft.kind === 'equals' || draft.kind === 'contains') && (
        <ExpectedFields draft={draft} columns={columns} set={set} field={field} optional={false} />
      )}
      {draft.kind === 'contains' && (
        <Check label="Case-sensitive" checked={draft.caseSensitive} onChange={(v) => set({ caseSensitive: v })} />
      )}
      {draft.kind === 'regex' && text('pattern', 'Pattern (RE2)')}
      {draft.kind === 'regex' && (
        <Check label="Ignore case" checked={draft.caseInsensitive} onChange={(v) => set({ caseInsensitive: v })} />
      )}
      {draft.kind === 'jsonata' && text('expression', 'JSONata over input, output, expected', true)}
      {(draft.kind === 'jsonata' || draft.kind === 'llm-judge') && (
        <ExpectedFields draft={draft} columns={columns} set={set} field={field} optional />
      )}
      {draft.kind === 'llm-judge' && text('prompt', 'Judge prompt (answers pass/fail and a reason)', true)}
      {draft.kind === 'llm-judge' && text('judgeProvider', 'Judge provider')}
      {draft.kind === 'llm-judge' && text('judgeModel', 'Judge model')}
    </div>
  );
}

type FieldFn = (name: string, label: string, control: (id: string, describedBy?: string) => ReactNode) => ReactNode;

function ExpectedFields(props: {
  draft: EvaluatorDraft;
  columns: readonly string[];
  set(patch: Partial<EvaluatorDraft>): void;
  field: FieldFn;
  /** Jsonata and judges may go without an expected value. */
  optional: boolean;
}) {
  const { draft, columns, set, field, optional } = props;
  return (
    <>
      {field('expectedFrom', 'Expected value from', (id) => (
        <select
          id={id}
          value={draft.expectedFrom}
          onChange={(e) => set({ expectedFrom: e.target.value as EvaluatorDraft['expectedFrom'] })}>
          {optional && <option value="none">None</option>}
          <option value="value">A value typed here</option>
          <option value="column">A column of each row</option>
        </select>
      ))}
      {draft.expectedFrom === 'none'
        ? null
        : draft.expectedFrom === 'value'
          ? field('expected', 'Expected (JSON or text)', (id, describedBy) => (
              <input
                id={id}
                value={draft.expectedText}
                aria-describedby={describedBy}
                onChange={(e) => set({ expectedText: e.target.value })}
              />
            ))
          : field('expected', 'Expected column', (id, describedBy) => (
              <select
                id={id}
                value={draft.expectedColumn}
                aria-describedby={describedBy}
                aria-invalid={describedBy ? true : undefined}
                onChange={(e) => set({ expectedColumn: e.target.value })}>
                <option value="">Choose a column…</option>
                {columns.map((c) => (
                  <option key={c} value={c}>
                    {c}
                  </option>
                ))}
              </select>
            ))}
    </>
  );
}

function Field(props: {
  name: string;
  label: string;
  problems: FieldProblem[];
  control: (id: string, describedBy: string | undefined) => ReactNode;
}) {
  const id = useId();
  const mine = props.problems.filter((p) => p.field === props.name);
  const describedBy = mine.length > 0 ? `${id}-problem` : undefined;
  return (
    <>
      <label htmlFor={id}>{props.label}</label>
      <div>
        {props.control(id, describedBy)}
        {mine.length > 0 && (
          <p id={`${id}-problem`} className="error-text experiment-field-problem">
            {mine.map((p) => p.message).join('; ')}
          </p>
        )}
      </div>
    </>
  );
}

function Check({ label, checked, onChange }: { label: string; checked: boolean; onChange(value: boolean): void }) {
  return (
    <label className="field-inline experiment-check">
      <input type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} />
      {label}
    </label>
  );
}
