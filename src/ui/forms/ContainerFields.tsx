import { LIMITS } from '../../schema/limits';
import { isObject } from '../../schema/walk';
import { NumberField, SelectField } from './fields';
import { useStepForm } from './formContext';
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
      <fieldset className="form-field">
        <legend>Repeat</legend>
        {(['forEach', 'while'] as const).map((value) => (
          <label key={value} className="form-check">
            <input
              type="radio"
              name={`${form.stepPath.join('-')}-mode`}
              value={value}
              checked={mode === value}
              onChange={() => setMode(value)}
            />
            {value === 'forEach' ? 'For each item of a list' : 'While an expression is true'}
          </label>
        ))}
      </fieldset>
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

/** Parallel runs every branch at once and continues when all (or the first) finish. */
export function ParallelFields() {
  const form = useStepForm();
  const config = isObject(form.step.config) ? form.step.config : {};
  const branches = isObject(config.branches) ? Object.entries(config.branches) : [];
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
      <div className="form-field">
        <p className="form-label">Branches</p>
        <ul className="form-branches">
          {branches.map(([name, list]) => (
            <li key={name}>
              <code>{name}</code>: {Array.isArray(list) ? list.length : 0} step(s)
            </li>
          ))}
        </ul>
        <p className="form-help">Add steps to a branch on the canvas.</p>
      </div>
    </>
  );
}
