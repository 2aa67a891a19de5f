import { workflowInputs } from '../../schema/summary';
import type { WorkflowFile } from '../../schema/workflow';

/** One field of the run form, from the input schema when there is one, else from `{{input.x}}` templates. */
export interface InputField {
  name: string;
  kind: 'text' | 'number' | 'boolean' | 'json';
  description: string | undefined;
  required: boolean;
  initial: string;
}

type PropertySchema = { type?: unknown; default?: unknown; description?: unknown };

export function inputFields(doc: WorkflowFile): InputField[] {
  const schema = doc.workflowConfig.config?.inputSchema as
    { properties?: Record<string, PropertySchema>; required?: unknown } | undefined;
  const required = new Set(Array.isArray(schema?.required) ? (schema.required as string[]) : []);
  return workflowInputs(doc as never).map((name) => {
    const property = schema?.properties?.[name] ?? {};
    const kind = fieldKind(property.type);
    const initial =
      property.default === undefined
        ? ''
        : kind === 'text'
          ? String(property.default)
          : JSON.stringify(property.default);
    return {
      name,
      kind,
      description: typeof property.description === 'string' ? property.description : undefined,
      required: required.has(name),
      initial,
    };
  });
}

function fieldKind(type: unknown): InputField['kind'] {
  if (type === 'number' || type === 'integer') return 'number';
  if (type === 'boolean') return 'boolean';
  if (type === 'object' || type === 'array') return 'json';
  return 'text';
}

/** Form values → the run's input; a readable error names the field that is wrong. */
export function buildInput(
  fields: InputField[],
  values: Record<string, string>,
): { ok: true; input: Record<string, unknown> } | { ok: false; error: string } {
  const input: Record<string, unknown> = {};
  for (const field of fields) {
    const raw = values[field.name] ?? '';
    if (raw === '' && field.kind !== 'boolean') {
      if (field.required) return { ok: false, error: `${field.name} is required` };
      continue;
    }
    if (field.kind === 'number') {
      const n = Number(raw);
      if (!Number.isFinite(n)) return { ok: false, error: `${field.name} must be a number` };
      input[field.name] = n;
    } else if (field.kind === 'boolean') {
      input[field.name] = raw === 'true';
    } else if (field.kind === 'json' || (field.kind === 'text' && /^\s*[[{]/.test(raw) && !field.description)) {
      try {
        input[field.name] = JSON.parse(raw);
      } catch {
        if (field.kind === 'json') return { ok: false, error: `${field.name} must be JSON (a list or an object)` };
        input[field.name] = raw;
      }
    } else {
      input[field.name] = raw;
    }
  }
  return { ok: true, input };
}
