import { isObject } from '../../schema/walk';
import { NumberField, SelectField, TextField } from './fields';
import { useStepForm } from './formContext';
import { JsonField, TemplateField } from './textFields';
import { useWorkflowNames } from './useFormData';

const SETTINGS = ['workflowConfig', 'config'] as const;

/** Where a run starts; the workflow's inputs are declared here, and its data templated from them. */
export function TriggerFields() {
  const form = useStepForm();
  const topLevel = form.stepPath.length === 2 && form.stepPath[0] === 'stepsConfig';
  return (
    <>
      <SelectField
        path={['config', 'type']}
        label="Starts"
        unset="Manually (default)"
        options={[{ value: 'manual', label: 'Manually' }]}
      />
      <JsonField
        path={['config', 'data']}
        label="Data (JSON)"
        optional
        templates
        help="What {{trigger.data}} holds; strings may use {{input.*}}."
      />
      {topLevel && <InputSchemaField />}
    </>
  );
}

/** The workflow's input schema (workflowConfig.config.inputSchema): the run form and {{input.*}} follow it. */
function InputSchemaField() {
  return (
    <JsonField
      absolute
      path={[...SETTINGS, 'inputSchema']}
      label="Inputs (JSON Schema)"
      optional
      help="Its properties are the run's inputs, offered as {{input.<name>}}. Empty: inputs come from the templates."
    />
  );
}

export function WaitFields() {
  const form = useStepForm();
  const config = isObject(form.step.config) ? form.step.config : {};
  const mode = config.until !== undefined && config.durationMs === undefined ? 'until' : 'duration';
  const { durationMs: _d, until: _u, ...rest } = config;
  void _d;
  void _u;
  return (
    <>
      <fieldset className="form-field">
        <legend>Wait</legend>
        <label className="form-check">
          <input
            type="radio"
            name={`${form.stepPath.join('-')}-wait`}
            checked={mode === 'duration'}
            onChange={() => form.set(['config'], { ...rest, durationMs: 1000 })}
          />
          For a time
        </label>
        <label className="form-check">
          <input
            type="radio"
            name={`${form.stepPath.join('-')}-wait`}
            checked={mode === 'until'}
            onChange={() => form.set(['config'], { ...rest, until: '{{input.when}}' })}
          />
          Until a moment
        </label>
      </fieldset>
      {mode === 'duration' ? (
        <NumberField
          path={['config', 'durationMs']}
          label="Duration"
          unit="ms"
          integer
          help={describeDuration(config.durationMs)}
        />
      ) : (
        <TemplateField
          path={['config', 'until']}
          label="Until"
          rows={1}
          help="An ISO date and time, e.g. 2026-01-31T09:00:00Z, or a template giving one."
        />
      )}
    </>
  );
}

function describeDuration(ms: unknown): string {
  if (typeof ms !== 'number') return 'Milliseconds.';
  if (ms < 1000) return `${ms} ms.`;
  if (ms < 60_000) return `${ms / 1000} s.`;
  if (ms < 3_600_000) return `${Math.round(ms / 6_000) / 10} min.`;
  return `${Math.round(ms / 360_000) / 10} h.`;
}

/** How long an approval or event waits before the run follows `nextSteps.timeout`. */
function WaitTimeout() {
  return (
    <NumberField
      path={['config', 'timeoutMs']}
      label="Give up after"
      unit="ms"
      optional
      integer
      help="Then the run follows nextSteps.timeout."
    />
  );
}

export function ApprovalFields() {
  return (
    <>
      <TemplateField
        path={['config', 'prompt']}
        label="Question"
        help="Shown to whoever approves; may use {{templates}}."
      />
      <WaitTimeout />
    </>
  );
}

export function EventFields() {
  return (
    <>
      <TextField
        path={['config', 'event']}
        label="Event name"
        help="The run waits until an event of this name is sent to it."
      />
      <WaitTimeout />
    </>
  );
}

export function SubworkflowFields() {
  const names = useWorkflowNames().map((value) => ({ value }));
  return (
    <>
      <TextField
        path={['config', 'workflow']}
        label="Workflow"
        options={names}
        help="The name of a saved or bundled workflow."
      />
      <JsonField
        path={['config', 'input']}
        label="Its input (JSON)"
        optional
        templates
        help="Strings may use {{templates}}."
      />
    </>
  );
}
