import { useId, type ReactNode } from 'react';
import type { Problem } from '../../schema/problems';
import { getAt, fieldId, type JsonPath } from './path';
import { problemsAt } from './stepProblems';
import { useDraft, useDraftError } from './useDraft';
import { useStepForm } from './formContext';

/** Labelled form controls bound to one JSON path of the step; each shows the problems at its path. */

export interface FieldProps {
  /** Path relative to the step, e.g. `['config', 'llmNode', 'model']`. */
  path: JsonPath;
  label: string;
  help?: ReactNode;
  /** An optional field's empty value removes its key. */
  optional?: boolean;
  /** `path` is from the file's root (a workflow setting shown on a step's form). */
  absolute?: boolean;
}

export interface BoundField {
  id: string;
  value: unknown;
  problems: Problem[];
  describedBy: string;
  invalid: boolean;
  set(value: unknown): void;
}

export function useField(path: JsonPath, ownError?: string, fromRoot = false): BoundField {
  const form = useStepForm();
  const absolute = fromRoot ? path : [...form.stepPath, ...path];
  const problems = problemsAt(fromRoot ? form.allProblems : form.problems, absolute);
  const id = fieldId(absolute);
  return {
    id,
    value: getAt(form.file, absolute),
    problems,
    describedBy: `${id}-help ${id}-problems`,
    invalid: ownError !== undefined || problems.some((p) => p.severity === 'error'),
    set: (value) => form.setAbsolute(absolute, value),
  };
}

export function FieldFrame(props: {
  field: BoundField;
  label: string;
  help?: ReactNode;
  ownError?: string;
  children: ReactNode;
  after?: ReactNode;
}) {
  const { field, label, help, ownError, children, after } = props;
  return (
    <div className="form-field">
      <label htmlFor={field.id}>{label}</label>
      {children}
      <p id={`${field.id}-help`} className="form-help">
        {help}
      </p>
      {after}
      <ProblemList id={`${field.id}-problems`} problems={field.problems} ownError={ownError} />
    </div>
  );
}

export function ProblemList({ id, problems, ownError }: { id: string; problems: Problem[]; ownError?: string }) {
  return (
    <ul id={id} className="form-problems" aria-live="polite">
      {ownError !== undefined && <li className="form-problem form-problem-error">{ownError}</li>}
      {problems.map((p, i) => (
        <li key={`${p.path}-${p.code}-${i}`} className={`form-problem form-problem-${p.severity}`}>
          {p.message}
        </li>
      ))}
    </ul>
  );
}

/** A one-line text; `options` become suggestions (a datalist) without limiting what may be typed. */
export function TextField(
  props: FieldProps & { options?: readonly { value: string; detail?: string }[]; placeholder?: string },
) {
  const field = useField(props.path);
  const external = typeof field.value === 'string' ? field.value : '';
  const [draft, setDraft] = useDraft(external);
  const listId = useId();
  return (
    <FieldFrame field={field} label={props.label} help={props.help}>
      <input
        id={field.id}
        type="text"
        value={draft}
        placeholder={props.placeholder}
        list={props.options ? listId : undefined}
        aria-describedby={field.describedBy}
        aria-invalid={field.invalid || undefined}
        onChange={(e) => {
          setDraft(e.target.value);
          field.set(e.target.value === '' && props.optional ? undefined : e.target.value);
        }}
      />
      {props.options && (
        <datalist id={listId}>
          {props.options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.detail}
            </option>
          ))}
        </datalist>
      )}
    </FieldFrame>
  );
}

/** A number; an empty optional field removes its key, a text that is not a number is not written. */
export function NumberField(props: FieldProps & { integer?: boolean; unit?: string }) {
  const bound = useField(props.path);
  const external = typeof bound.value === 'number' ? String(bound.value) : '';
  const [draft, setDraft] = useDraft(external, (d) => (d.trim() === '' ? '' : String(Number(d))));
  const [ownError, setOwnError] = useDraftError(draft);
  const field = ownError === undefined ? bound : { ...bound, invalid: true };
  const onChange = (text: string) => {
    setDraft(text);
    if (text.trim() === '') {
      setOwnError(text, props.optional ? undefined : `${props.label} is required`);
      if (props.optional) field.set(undefined);
      return;
    }
    const value = Number(text);
    setOwnError(text, Number.isFinite(value) ? undefined : `"${text}" is not a number`);
    if (Number.isFinite(value)) field.set(value);
  };
  return (
    <FieldFrame
      field={field}
      label={props.unit ? `${props.label} (${props.unit})` : props.label}
      help={props.help}
      ownError={ownError}>
      <input
        id={field.id}
        type="text"
        inputMode={props.integer ? 'numeric' : 'decimal'}
        value={draft}
        aria-describedby={field.describedBy}
        aria-invalid={field.invalid || undefined}
        onChange={(e) => onChange(e.target.value)}
      />
    </FieldFrame>
  );
}

export interface SelectOption {
  value: string;
  label: string;
}

/** A choice; `unset` adds a first option that removes the key (its label says what the default is). */
export function SelectField(props: FieldProps & { options: readonly SelectOption[]; unset?: string }) {
  const field = useField(props.path);
  const current = typeof field.value === 'string' ? field.value : '';
  const known = props.options.some((o) => o.value === current);
  return (
    <FieldFrame field={field} label={props.label} help={props.help}>
      <select
        id={field.id}
        value={current}
        aria-describedby={field.describedBy}
        aria-invalid={field.invalid || undefined}
        onChange={(e) => field.set(e.target.value === '' && props.unset !== undefined ? undefined : e.target.value)}>
        {props.unset !== undefined && <option value="">{props.unset}</option>}
        {!known && current !== '' && <option value={current}>{current} (unknown)</option>}
        {props.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </FieldFrame>
  );
}

/** An optional yes/no: unset (the default, named), yes or no — so a stored `false` stays `false`. */
export function BooleanField(props: FieldProps & { defaultLabel: string }) {
  const field = useField(props.path);
  const current = field.value === true ? 'yes' : field.value === false ? 'no' : '';
  return (
    <FieldFrame field={field} label={props.label} help={props.help}>
      <select
        id={field.id}
        value={current}
        aria-describedby={field.describedBy}
        onChange={(e) => field.set(e.target.value === '' ? undefined : e.target.value === 'yes')}>
        <option value="">{props.defaultLabel}</option>
        <option value="yes">Yes</option>
        <option value="no">No</option>
      </select>
    </FieldFrame>
  );
}
