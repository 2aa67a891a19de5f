import { LIMITS } from '../../schema/limits';
import { isObject } from '../../schema/walk';
import { useState } from 'react';
import { SLUG_PATTERN } from '../../schema/steps';
import { allSlugs, slugMaker } from '../graph/edits';
import { defaultStep } from '../graph/stepDefaults';
import { NumberField, ProblemList, SelectField } from './fields';
import { fieldGroup, useStepForm } from './formContext';
import { fieldId, getAt, setAt } from './path';
import { problemsAt } from './stepProblems';
import { useDraft } from './useDraft';
import { ExpressionField, JsonField, TemplateField } from './textFields';

/** Loops run their body for each item of a list, or while an expression holds. */
export function LoopFields() {
  const form = useStepForm();
  const config = isObject(form.step.config) ? form.step.config : {};
  const mode = config.while !== undefined && config.forEach === undefined ? 'while' : 'forEach';
  const setMode = (next: string) => {
    if (next === mode) return;
    const { forEach: _forEach, while: _while, ...rest } = config;
    void _forEach;
    void _while;
    form.set(
      ['config'],
      next === 'while' ? { ...rest, while: 'loop.index < 3' } : { ...rest, forEach: '{{input.items}}' },
    );
  };
  const steps = Array.isArray(config.steps) ? config.steps.length : 0;
  return (
    <>
      <LoopModeField mode={mode} onChange={setMode} />
      {mode === 'forEach' ? (
        Array.isArray(config.forEach) ? (
          <JsonField path={['config', 'forEach']} label="Items (JSON list)" expect="array" />
        ) : (
          <TemplateField
            path={['config', 'forEach']}
            label="Items"
            rows={1}
            help="A template that gives a list, e.g. {{steps.fetch.output.rows}}."
          />
        )
      ) : (
        <ExpressionField
          path={['config', 'while']}
          label="While"
          condition
          loopOwn
          help="JSONata, checked before each round; loop.index counts rounds from 0."
        />
      )}
      <NumberField
        path={['config', 'concurrency']}
        label="Items at once"
        optional
        integer
        help={`1 to ${LIMITS.concurrency}; default 1 (one after another).`}
      />
      <NumberField
        path={['config', 'maxIterations']}
        label="Most rounds"
        optional
        integer
        help={`At most ${LIMITS.maxIterations.toLocaleString('en-US')}.`}
      />
      <p className="form-help">
        The body holds {steps} step{steps === 1 ? '' : 's'}; add and link them on the canvas.
      </p>
    </>
  );
}

function LoopModeField({ mode, onChange }: { mode: 'forEach' | 'while'; onChange(next: string): void }) {
  const form = useStepForm();
  return (
    <fieldset className="form-field">
      <legend>Repeat</legend>
      {(['forEach', 'while'] as const).map((value) => (
        <label key={value} className="form-check">
          <input
            type="radio"
            name={`${form.stepPath.join('-')}-mode`}
            value={value}
            checked={mode === value}
            onChange={() => onChange(value)}
          />
          {value === 'forEach' ? 'For each item of a list' : 'While an expression is true'}
        </label>
      ))}
    </fieldset>
  );
}

/** Parallel runs every branch at once and continues when all (or the first) finish. */
export function ParallelFields() {
  const form = useStepForm();
  const config = isObject(form.step.config) ? form.step.config : {};
  const branches = isObject(config.branches) ? config.branches : {};
  const names = Object.keys(branches);
  const add = () => {
    const fresh = slugMaker(allSlugs(form.file));
    let n = names.length + 1;
    while (names.includes(`branch_${n}`)) n++;
    const name = `branch_${n}`;
    const step = defaultStep('action', fresh(`${name}_step`), fresh);
    form.set(['config', 'branches', name], [step]);
  };
  return (
    <>
      <SelectField
        path={['config', 'join']}
        label="Continue when"
        unset="All branches finish (default)"
        options={[
          { value: 'all', label: 'All branches finish' },
          { value: 'any', label: 'The first branch finishes' },
        ]}
      />
      <fieldset className="form-field">
        <legend>Branches</legend>
        {names.map((name) => (
          <BranchRow
            key={name}
            name={name}
            names={names}
            size={Array.isArray(branches[name]) ? branches[name].length : 0}
          />
        ))}
        <button type="button" onClick={add}>
          Add branch
        </button>
        <p className="form-help">A new branch starts with one step; add more on the canvas.</p>
      </fieldset>
    </>
  );
}

/** A branch's name (renamed on Enter or blur, keeping its place) and its removal. */
function BranchRow({ name, names, size }: { name: string; names: string[]; size: number }) {
  const form = useStepForm();
  const [draft, setDraft] = useDraft(name);
  const [ownError, setOwnError] = useState<string>();
  const branchesPath = [...form.stepPath, 'config', 'branches'];
  const id = `${fieldId([...branchesPath, name])}-name`;
  const commit = () => {
    if (draft === name) return setOwnError(undefined);
    const problem = !SLUG_PATTERN.test(draft)
      ? 'a branch name follows the slug rules: a letter or _ first, then letters, digits, _ or -'
      : names.includes(draft)
        ? `there is already a branch "${draft}"`
        : undefined;
    setOwnError(problem);
    if (problem) return;
    const branches = getAt(form.file, branchesPath) as Record<string, unknown>;
    const renamed = Object.fromEntries(Object.entries(branches).map(([k, v]) => [k === name ? draft : k, v]));
    form.replace(setAt(form.file, branchesPath, renamed), fieldGroup(branchesPath));
  };
  return (
    <div className="form-row">
      <label htmlFor={id}>Branch</label>
      <input
        id={id}
        type="text"
        value={draft}
        aria-invalid={ownError !== undefined || undefined}
        aria-describedby={`${id}-problems`}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => e.key === 'Enter' && commit()}
      />
      <span className="form-help">
        {size} step{size === 1 ? '' : 's'}
      </span>
      <button
        type="button"
        disabled={names.length <= 1}
        aria-label={`Remove branch ${name} and its steps`}
        onClick={() => form.set(['config', 'branches', name], undefined)}>
        Remove
      </button>
      <ProblemList
        id={`${id}-problems`}
        problems={problemsAt(form.problems, [...branchesPath, name]).filter(
          (p) => p.segments.length === branchesPath.length + 1,
        )}
        ownError={ownError}
      />
    </div>
  );
}
