import { ACTION_NAMES } from '../../schema/steps';
import { BooleanField, FieldFrame, NumberField, SelectField, TextField, useField } from './fields';
import { useStepForm } from './formContext';
import { ExpressionField, JsonField, TemplateField } from './textFields';
import { useTableNames } from './useFormData';

const ACTION_LABELS: Record<(typeof ACTION_NAMES)[number], string> = {
  set: 'Set values',
  transform: 'Transform (JSONata)',
  'table.query': 'Query a table',
  'table.update': 'Update a table',
  http: 'HTTP request',
};

/** A fresh config for each action: switching the action replaces the config, keeping nothing stale. */
const FRESH: Record<(typeof ACTION_NAMES)[number], Record<string, unknown>> = {
  set: { action: 'set', values: {} },
  transform: { action: 'transform', expression: 'input' },
  'table.query': { action: 'table.query', table: 'customers' },
  'table.update': { action: 'table.update', table: 'customers', where: {}, set: {} },
  http: { action: 'http', method: 'GET', url: 'https://' },
};

export function ActionFields() {
  const form = useStepForm();
  const field = useField(['config', 'action']);
  const action = typeof field.value === 'string' ? field.value : '';
  return (
    <>
      <FieldFrame
        field={field}
        label="Action"
        help="Changing the action starts its settings afresh (undo brings them back).">
        <select
          id={field.id}
          value={action}
          aria-describedby={field.describedBy}
          aria-invalid={field.invalid || undefined}
          onChange={(e) => form.set(['config'], FRESH[e.target.value as keyof typeof FRESH])}>
          {!(ACTION_NAMES as readonly string[]).includes(action) && (
            <option value={action}>{action || '(none)'}</option>
          )}
          {ACTION_NAMES.map((name) => (
            <option key={name} value={name}>
              {ACTION_LABELS[name]}
            </option>
          ))}
        </select>
      </FieldFrame>
      <ActionSettings action={action} />
    </>
  );
}

function ActionSettings({ action }: { action: string }) {
  const tables = useTableNames().map((value) => ({ value }));
  const table = (
    <TextField path={['config', 'table']} label="Table" options={tables} help="A local table (see Tables)." />
  );
  switch (action) {
    case 'set':
      return (
        <JsonField
          path={['config', 'values']}
          label="Values (JSON)"
          templates
          help="The step's output; strings may hold {{templates}}."
        />
      );
    case 'transform':
      return (
        <ExpressionField
          path={['config', 'expression']}
          label="Expression"
          help="JSONata; its value is the step's output."
        />
      );
    case 'table.query':
      return (
        <>
          {table}
          <JsonField
            path={['config', 'where']}
            label="Where (JSON)"
            optional
            templates
            help="Field → value; rows matching every pair."
          />
          <NumberField path={['config', 'limit']} label="Most rows" optional integer />
        </>
      );
    case 'table.update':
      return (
        <>
          {table}
          <JsonField path={['config', 'where']} label="Where (JSON)" templates />
          <JsonField path={['config', 'set']} label="Set (JSON)" templates help="Field → new value." />
          <BooleanField path={['config', 'upsert']} label="Insert when no row matches" defaultLabel="Default (no)" />
        </>
      );
    case 'http':
      return <HttpSettings />;
    default:
      return null;
  }
}

function HttpSettings() {
  return (
    <>
      <SelectField
        path={['config', 'method']}
        label="Method"
        options={['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'].map((m) => ({ value: m, label: m }))}
      />
      <TemplateField
        path={['config', 'url']}
        label="URL"
        rows={1}
        help="http(s)://host/…; the host must be in workflowConfig.config.allowedHosts. Templates may follow the host."
      />
      <JsonField
        path={['config', 'headers']}
        label="Headers (JSON)"
        optional
        templates
        secretsAllowed
        help="Name → value; {{secrets.NAME}} is allowed here."
      />
      <JsonField path={['config', 'query']} label="Query parameters (JSON)" optional templates secretsAllowed />
      <JsonField path={['config', 'body']} label="Body (JSON)" optional expect="any" templates secretsAllowed />
    </>
  );
}
