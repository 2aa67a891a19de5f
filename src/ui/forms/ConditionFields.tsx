import { isObject } from '../../schema/walk';
import { siblingSlugs } from './CommonFields';
import { ProblemList, TextField, useField } from './fields';
import { useStepForm } from './formContext';
import { fieldId } from './path';
import { problemsAt } from './stepProblems';
import { ExpressionField } from './textFields';

/** Rules in order: the first whose expression is true picks its branch; else the default branch. */
export function ConditionFields() {
  const form = useStepForm();
  const rules = Array.isArray(form.step.config && (form.step.config as { rules?: unknown }).rules)
    ? (form.step.config as { rules: unknown[] }).rules
    : [];
  const keys = Object.keys(isObject(form.step.nextSteps) ? form.step.nextSteps : {}).map((value) => ({ value }));
  const base = [...form.stepPath, 'config', 'rules'];
  const addRule = () => form.set(['config', 'rules'], [...rules, { when: 'true', next: keys[0]?.value ?? 'yes' }]);
  return (
    <>
      <fieldset className="form-field" aria-describedby={`${fieldId(base)}-problems`}>
        <legend>Rules</legend>
        {rules.map((_, i) => (
          <div key={i} className="form-rule">
            <ExpressionField
              path={['config', 'rules', i, 'when']}
              label={`Rule ${i + 1}: when`}
              condition
              help="A JSONata expression; true picks this rule."
            />
            <TextField
              path={['config', 'rules', i, 'next']}
              label={`Rule ${i + 1}: branch`}
              options={keys}
              help="A key of this step's next steps."
            />
            <BranchTarget branch={ruleBranch(rules[i])} label={`Rule ${i + 1}: then go to`} />
            <button type="button" onClick={() => form.set(['config', 'rules', i], undefined)}>
              Remove rule {i + 1}
            </button>
          </div>
        ))}
        <button type="button" onClick={addRule}>
          Add rule
        </button>
        <ProblemList
          id={`${fieldId(base)}-problems`}
          problems={problemsAt(form.problems, base).filter((p) => p.segments.length === base.length)}
        />
      </fieldset>
      <TextField
        path={['config', 'default']}
        label="Default branch"
        optional
        options={keys}
        help="Taken when no rule matches; empty: the run follows nextSteps.default."
      />
      <BranchTarget branch={defaultBranch(form.step.config)} label="Otherwise go to" />
    </>
  );
}

function ruleBranch(rule: unknown): string | undefined {
  return isObject(rule) && typeof rule.next === 'string' && rule.next !== '' ? rule.next : undefined;
}

function defaultBranch(config: unknown): string {
  return isObject(config) && typeof config.default === 'string' && config.default !== '' ? config.default : 'default';
}

/** Where a branch key leads: the step's `nextSteps[branch]`, chosen from the steps of the same body. */
function BranchTarget({ branch, label }: { branch: string | undefined; label: string }) {
  const form = useStepForm();
  const field = useField(['nextSteps', branch ?? '']);
  if (branch === undefined) return null;
  const target = typeof field.value === 'string' ? field.value : '';
  const targets = siblingSlugs(form.file, form.stepPath);
  return (
    <div className="form-field">
      <label htmlFor={`${field.id}-target`}>{label}</label>
      <select
        id={`${field.id}-target`}
        value={target}
        onChange={(e) => field.set(e.target.value === '' ? undefined : e.target.value)}>
        <option value="">(not connected)</option>
        {!targets.includes(target) && target !== '' && <option value={target}>{target} (not in this body)</option>}
        {targets.map((slug) => (
          <option key={slug} value={slug}>
            {slug}
          </option>
        ))}
      </select>
    </div>
  );
}
