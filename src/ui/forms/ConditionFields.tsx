import { isObject } from '../../schema/walk';
import { ProblemList, TextField } from './fields';
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
    </>
  );
}
