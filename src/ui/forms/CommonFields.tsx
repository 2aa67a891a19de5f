import { useState } from 'react';
import { allowedBranchKeys } from '../../schema/validateGraph';
import { isObject, type StepSite } from '../../schema/walk';
import { BooleanField, FieldFrame, NumberField, ProblemList, TextField, useField } from './fields';
import { fieldGroup, useStepForm } from './formContext';
import { fieldId, getAt, type JsonPath } from './path';
import { renameSlug, slugProblem } from './renameSlug';
import { problemsAt } from './stepProblems';
import { useDraft } from './useDraft';

/** What names every step: shown first on its form. */
export function IdentityFields() {
  return (
    <>
      <TextField path={['name']} label="Name" help="Shown on the canvas and in runs." />
      <SlugField />
    </>
  );
}

/** What every step has after its own fields: where it goes next, retries and its time limit. */
export function CommonFields() {
  return (
    <>
      <NextStepsField />
      <details className="form-section">
        <summary>Retries and time limit</summary>
        <NumberField
          path={['timeoutMs']}
          label="Time limit per attempt"
          unit="ms"
          optional
          integer
          help="Without it each network effect has its default (30 s per request, 5 min per model round)."
        />
        <NumberField
          path={['retryPolicy', 'maxRetries']}
          label="Retries"
          optional
          integer
          help="Overrides the workflow's retry policy (default: 2 retries)."
        />
        <NumberField path={['retryPolicy', 'backoffMs']} label="First backoff" unit="ms" optional integer />
        <NumberField path={['retryPolicy', 'exponentialBase']} label="Backoff multiplier" optional help="Default 2." />
        <NumberField path={['retryPolicy', 'maxBackoffMs']} label="Longest backoff" unit="ms" optional integer />
        <BooleanField
          path={['retryPolicy', 'jitter']}
          label="Random spread on each delay"
          defaultLabel="Default (yes)"
        />
        <NumberField path={['order']} label="Order" optional help="Display order only; the graph decides what runs." />
      </details>
    </>
  );
}

/** The slug is renamed on Enter or when the field loses focus, with every reference to it. */
function SlugField() {
  const form = useStepForm();
  const field = useField(['stepSlug']);
  const external = typeof field.value === 'string' ? field.value : '';
  const [draft, setDraft] = useDraft(external);
  // Checked as the user types, so a taken or malformed slug is named before it is committed.
  const ownError = draft === external ? undefined : slugProblem(form.file, form.stepPath, draft);
  const commit = () => {
    if (draft === external || ownError !== undefined) return;
    form.replace(renameSlug(form.file, form.stepPath, draft), fieldGroup([...form.stepPath, 'stepSlug']));
  };
  return (
    <FieldFrame
      field={{ ...field, invalid: field.invalid || ownError !== undefined }}
      label="Slug"
      ownError={ownError}
      help={
        "The step's id in templates ({{steps.<slug>.output}}). " +
        'Renaming updates the steps that point to it and its references.'
      }>
      <input
        id={field.id}
        type="text"
        value={draft}
        spellCheck={false}
        aria-describedby={field.describedBy}
        aria-invalid={field.invalid || ownError !== undefined || undefined}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === 'Enter') commit();
          if (e.key === 'Escape') setDraft(external);
        }}
      />
    </FieldFrame>
  );
}

/** One row per branch key: where the run goes on that outcome. */
function NextStepsField() {
  const form = useStepForm();
  const next = isObject(form.step.nextSteps) ? form.step.nextSteps : {};
  const targets = siblingSlugs(form.file, form.stepPath);
  const keys = [...allowedBranchKeys({ raw: form.step, stepType: String(form.step.stepType) } as StepSite)];
  const unused = keys.filter((k) => !Object.hasOwn(next, k));
  const [adding, setAdding] = useState('');
  const base = [...form.stepPath, 'nextSteps'];
  const id = fieldId(base);
  const add = () => {
    const key = adding.trim() || unused[0];
    if (!key || Object.hasOwn(next, key) || targets.length === 0) return;
    form.set(['nextSteps', key], targets[0]);
    setAdding('');
  };
  return (
    <fieldset className="form-field form-next" aria-describedby={`${id}-help ${id}-problems`}>
      <legend>Next steps</legend>
      <p id={`${id}-help`} className="form-help">
        Where the run goes on each outcome ({keys.slice(0, 6).join(', ')}…). Targets are steps of the same body.
      </p>
      {Object.entries(next).map(([key, target]) => (
        <NextStepRow key={key} branch={key} target={typeof target === 'string' ? target : ''} targets={targets} />
      ))}
      <div className="form-row">
        <label htmlFor={`${id}-new`}>New branch</label>
        <input
          id={`${id}-new`}
          type="text"
          list={`${id}-keys`}
          value={adding}
          placeholder={unused[0] ?? 'branch key'}
          onChange={(e) => setAdding(e.target.value)}
        />
        <datalist id={`${id}-keys`}>
          {unused.map((k) => (
            <option key={k} value={k} />
          ))}
        </datalist>
        <button type="button" onClick={add} disabled={targets.length === 0}>
          Add
        </button>
      </div>
      <ProblemList
        id={`${id}-problems`}
        problems={problemsAt(form.problems, base).filter((p) => p.segments.length === base.length)}
      />
    </fieldset>
  );
}

function NextStepRow({ branch, target, targets }: { branch: string; target: string; targets: string[] }) {
  const form = useStepForm();
  const field = useField(['nextSteps', branch]);
  const options = targets.includes(target) || target === '' ? targets : [target, ...targets];
  return (
    <div className="form-row">
      <label htmlFor={field.id}>
        on <code>{branch}</code> go to
      </label>
      <select
        id={field.id}
        value={target}
        aria-describedby={`${field.id}-problems`}
        aria-invalid={field.invalid || undefined}
        onChange={(e) => field.set(e.target.value)}>
        {options.map((slug) => (
          <option key={slug} value={slug}>
            {targets.includes(slug) ? slug : `${slug} (not in this body)`}
          </option>
        ))}
      </select>
      <button
        type="button"
        aria-label={`Remove branch ${branch}`}
        onClick={() => form.set(['nextSteps', branch], undefined)}>
        Remove
      </button>
      <ProblemList id={`${field.id}-problems`} problems={field.problems} />
    </div>
  );
}

/** The other steps of the step's own body: read from its list alone (this runs on every keystroke). */
export function siblingSlugs(file: unknown, stepPath: JsonPath): string[] {
  const list = getAt(file, stepPath.slice(0, -1));
  const self = stepPath[stepPath.length - 1];
  if (!Array.isArray(list)) return [];
  return list.flatMap((step: unknown, i) =>
    i !== self && isObject(step) && typeof step.stepSlug === 'string' ? [step.stepSlug] : [],
  );
}
