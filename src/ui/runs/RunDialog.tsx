import { useId, useState, type FormEvent } from 'react';
import type { WorkflowRecord } from '../../store/db';
import { Dialog } from '../common/Dialog';
import { useExecutor } from '../ExecutorContext';
import { useUi } from '../state';
import { buildInput, describeEmptyFields, emptyUsedFields, inputFields, type InputField } from './runInputs';
import { formValueOf, useRunFormHints, type RunFormHints, type Suggestions } from './useRunFormHints';
import { errorMessage } from '../../schema/errorMessage';
import { RunFormPinsNote } from '../pins/PinMarks';
import { BudgetFields, EMPTY_BUDGET, parseBudget } from './BudgetFields';

/** The run form: one field per input (`{{input.customerId}}` → "customerId"), then start. */
export function RunDialog({ record }: { record: WorkflowRecord }) {
  const closeDialog = useUi((s) => s.closeDialog);
  const [fields] = useState(() => inputFields(record.doc));
  const hints = useRunFormHints(record.id, fields);
  return (
    <Dialog label={`Run ${record.name}`} onClose={closeDialog}>
      {/* The form starts from the hints, so it waits for them (one local read). */}
      {hints ? <RunForm record={record} fields={fields} hints={hints} /> : <p className="muted">Loading…</p>}
    </Dialog>
  );
}

function RunForm({ record, fields, hints }: { record: WorkflowRecord; fields: InputField[]; hints: RunFormHints }) {
  const executor = useExecutor();
  const closeDialog = useUi((s) => s.closeDialog);
  const showRun = useUi((s) => s.showRun);
  const [values, setValues] = useState<Record<string, string>>(() =>
    Object.fromEntries(fields.map((f) => [f.name, formValueOf(f, hints.lastInput?.[f.name]) ?? f.initial])),
  );
  const [fromLastRun] = useState(() => fields.some((f) => hints.lastInput?.[f.name] !== undefined));
  const [direct, setDirect] = useState(false);
  const [budgetDraft, setBudgetDraft] = useState(EMPTY_BUDGET);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // Set once the user saw which inputs are empty and chose to start anyway; any edit clears it.
  const [emptyWarned, setEmptyWarned] = useState<string | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const built = buildInput(fields, values);
    if (!built.ok) return setError(built.error);
    const budget = parseBudget(budgetDraft);
    if (!budget.ok) return setError(budget.error);
    const empty = emptyUsedFields(fields, values);
    if (empty.length > 0 && emptyWarned === null) {
      setError(null);
      return setEmptyWarned(describeEmptyFields(empty));
    }
    setBusy(true);
    setError(null);
    try {
      const runId = await executor.start({
        workflowId: record.id,
        input: built.input,
        mode: direct ? 'direct' : 'durable',
        editor: { withPins: true },
        ...(budget.budget ? { budget: budget.budget } : {}),
      });
      closeDialog();
      showRun(runId);
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  }

  const set = (name: string, value: string) => {
    setEmptyWarned(null);
    setValues({ ...values, [name]: value });
  };
  return (
    <form className="run-form" onSubmit={(e) => void submit(e)}>
      {fields.length === 0 && <p className="muted">This workflow takes no input.</p>}
      {fromLastRun && <p className="muted run-form-note">Filled in from the last run.</p>}
      <RunFormPinsNote workflowId={record.id} />
      {fields.map((field) => (
        <label key={field.name} className="field">
          <span className="field-label">
            {field.name}
            {field.required ? ' *' : ''}
          </span>
          {field.kind === 'boolean' ? (
            <input
              type="checkbox"
              checked={values[field.name] === 'true'}
              onChange={(e) => set(field.name, String(e.target.checked))}
            />
          ) : field.kind === 'json' ? (
            <textarea rows={4} value={values[field.name]} onChange={(e) => set(field.name, e.target.value)} />
          ) : (
            <TextInput
              field={field}
              value={values[field.name] ?? ''}
              suggestions={hints.suggestions[field.name]}
              autoFocus={field === fields[0]}
              onChange={(v) => set(field.name, v)}
            />
          )}
          {field.description && <span className="field-hint muted">{field.description}</span>}
          {!field.declared && (
            <span className="field-hint muted">
              Not declared in the workflow&apos;s input schema; read by {field.usedBy.join(', ')}.
            </span>
          )}
          {!field.description && hints.suggestions[field.name] && (
            <span className="field-hint muted">
              Pick one of the ids in your local table “{hints.suggestions[field.name]!.table}”, or type any value.
            </span>
          )}
        </label>
      ))}
      <BudgetFields doc={record.doc} draft={budgetDraft} onChange={setBudgetDraft} />
      <label className="field-inline">
        <input type="checkbox" checked={direct} onChange={(e) => setDirect(e.target.checked)} />
        <span>Direct mode — not durable: no checkpoints, a reload ends the run (quick iteration)</span>
      </label>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {emptyWarned && (
        <p className="form-warning" role="alert">
          {emptyWarned} Fill it in, or start anyway.
        </p>
      )}
      <div className="dialog-actions">
        <button type="button" className="button" onClick={closeDialog}>
          Cancel
        </button>
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? 'Starting…' : emptyWarned ? 'Start anyway' : 'Start run'}
        </button>
      </div>
    </form>
  );
}

/** A text or number field; ids of a matching local table are offered as you type. */
function TextInput({
  field,
  value,
  suggestions,
  autoFocus,
  onChange,
}: {
  field: InputField;
  value: string;
  suggestions: Suggestions | undefined;
  autoFocus: boolean;
  onChange(value: string): void;
}) {
  const listId = useId();
  return (
    <>
      {/* The form mounts after the dialog took focus: the first field takes it from there. */}
      <input
        type={field.kind === 'number' ? 'number' : 'text'}
        value={value}
        autoFocus={autoFocus}
        data-autofocus={autoFocus ? '' : undefined}
        list={suggestions ? listId : undefined}
        onChange={(e) => onChange(e.target.value)}
      />
      {suggestions && (
        <datalist id={listId} data-testid={`suggestions-${field.name}`}>
          {suggestions.options.map((s) => (
            <option key={s.value} value={s.value}>
              {s.label}
            </option>
          ))}
        </datalist>
      )}
    </>
  );
}
