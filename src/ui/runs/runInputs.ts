import { workflowInputUses } from '../../schema/inputs';
import type { WorkflowFile } from '../../schema/workflow';

/**
 * One field of the run form: each input the schema declares, and each one the steps read without
 * declaring it (`{{input.x}}` in a template, `input.x` in an expression).
 */
export interface InputField {
  name: string;
  kind: 'text' | 'number' | 'boolean' | 'json';
  description: string | undefined;
  required: boolean;
  initial: string;
  /** In the input schema; an undeclared input is checked by nothing, so an empty one is warned about. */
  declared: boolean;
  /** Slugs of the steps that read it. */
  usedBy: string[];
}

type PropertySchema = { type?: unknown; default?: unknown; description?: unknown };

export function inputFields(doc: WorkflowFile): InputField[] {
  const schema = doc.workflowConfig.config?.inputSchema as
    { properties?: Record<string, PropertySchema>; required?: unknown } | undefined;
  const required = new Set(Array.isArray(schema?.required) ? (schema.required as string[]) : []);
  return workflowInputUses(doc as never).map(({ name, declared, usedBy }) => {
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
      declared,
      usedBy,
    };
  });
}

/**
 * Undeclared fields that steps read but that would start empty: no schema says they may be, and
 * the run would go on with nothing there. (A declared one is required or optional by its schema.)
 */
export function emptyUsedFields(fields: InputField[], values: Record<string, string>): InputField[] {
  return fields.filter(
    (f) => !f.declared && f.kind !== 'boolean' && f.usedBy.length > 0 && (values[f.name] ?? '').trim() === '',
  );
}

/** "customerId is empty, but the step start reads it." */
export function describeEmptyFields(fields: InputField[]): string {
  const parts = fields.map((f) => {
    const steps = f.usedBy.map((slug) => `“${slug}”`).join(', ');
    return `${f.name} is empty, but ${f.usedBy.length === 1 ? 'the step' : 'the steps'} ${steps} ${
      f.usedBy.length === 1 ? 'reads' : 'read'
    } it`;
  });
  return `${parts.join('; ')}.`;
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
