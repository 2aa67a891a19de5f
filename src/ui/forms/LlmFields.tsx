import { TOOL_NAMES } from '../../schema/steps';
import { NumberField, ProblemList, TextField, useField } from './fields';
import { useStepForm } from './formContext';
import { fieldId } from './path';
import { problemsAt } from './stepProblems';
import { JsonField, TemplateField } from './textFields';
import { useModelOptions } from './useFormData';

const NODE = ['config', 'llmNode'] as const;

/** What each tool lets the model do (the engine's tools, by name). */
const TOOL_HELP: Record<(typeof TOOL_NAMES)[number], string> = {
  customer_search: 'search the local customers table',
  customer_update: 'change a customer row',
  table_query: 'read rows of any local table',
  table_update: 'change or insert rows of a local table',
  http_request: 'call an allowed host (workflowConfig.config.allowedHosts)',
};

export function LlmFields() {
  const { models, providers } = useModelOptions();
  return (
    <>
      <TextField
        path={[...NODE, 'model']}
        label="Model"
        options={models.map((m) => ({ value: m.value, detail: m.detail }))}
        help="A model of a configured provider, or an alias; with no usable provider the offline demo model answers."
      />
      <TextField
        path={[...NODE, 'provider']}
        label="Provider"
        optional
        options={providers}
        help="Empty: the default provider. “demo” always uses the offline demo model."
      />
      <TemplateField path={[...NODE, 'systemPrompt']} label="System prompt" optional rows={3} />
      <TemplateField path={[...NODE, 'userPrompt']} label="User prompt" rows={5} />
      <ToolsField />
      <details className="form-section">
        <summary>Output and limits</summary>
        <JsonField
          path={[...NODE, 'outputSchema']}
          label="Output schema (JSON Schema)"
          optional
          help="The answer must satisfy it; the model is asked for JSON of this shape."
        />
        <NumberField
          path={[...NODE, 'temperature']}
          label="Temperature"
          optional
          help="0 to 2; empty: the provider's default."
        />
        <NumberField path={[...NODE, 'maxOutputTokens']} label="Most output tokens" optional integer />
        <NumberField path={[...NODE, 'maxToolRoundtrips']} label="Most tool rounds" optional integer help="0 to 50." />
        <TextField
          path={[...NODE, 'thread']}
          label="Thread"
          optional
          options={[
            { value: 'own', detail: 'a thread of this step' },
            { value: 'run', detail: "the run's shared thread" },
          ]}
          help="“own”: a thread for this step; “run”: the run's shared thread; any other name: a named thread."
        />
        <TextField
          path={[...NODE, 'name']}
          label="Node name"
          help="The model node's own name (kept from imported files)."
        />
        <JsonField path={[...NODE, 'providerOptions']} label="Provider options (JSON)" optional />
      </details>
    </>
  );
}

/** A checkbox per available tool; a tool the file names that does not exist stays listed, to be removed. */
function ToolsField() {
  const form = useStepForm();
  const field = useField([...NODE, 'tools']);
  const tools = Array.isArray(field.value) ? (field.value as unknown[]) : [];
  const names = [
    ...TOOL_NAMES,
    ...tools.filter((t): t is string => typeof t === 'string' && !(TOOL_NAMES as readonly string[]).includes(t)),
  ];
  const toggle = (name: string, on: boolean) => {
    const next = on ? [...tools, name] : tools.filter((t) => t !== name);
    field.set(next);
  };
  const id = fieldId([...form.stepPath, ...NODE, 'tools']);
  return (
    <fieldset className="form-field" aria-describedby={`${id}-problems`}>
      <legend>Tools</legend>
      {names.map((name) => (
        <label key={name} className="form-check">
          <input type="checkbox" checked={tools.includes(name)} onChange={(e) => toggle(name, e.target.checked)} />
          <code>{name}</code>{' '}
          <span className="form-help">{TOOL_HELP[name as (typeof TOOL_NAMES)[number]] ?? 'not an available tool'}</span>
        </label>
      ))}
      <ProblemList id={`${id}-problems`} problems={problemsAt(form.problems, [...form.stepPath, ...NODE, 'tools'])} />
    </fieldset>
  );
}
