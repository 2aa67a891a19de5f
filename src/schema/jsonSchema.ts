import { z } from 'zod';
import { workflowFileSchema, SCHEMA_URL } from './workflow.ts';

/**
 * The JSON Schema of the workflow file, generated from the zod schemas (the single source of truth).
 * Served at `/workflow.schema.json`; editors use it for completion, files may point to it with `$schema`.
 */
export function workflowJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(workflowFileSchema, {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'any',
  }) as Record<string, unknown>;
  return {
    ...schema,
    $id: SCHEMA_URL,
    title: 'Tabflow workflow',
    description: 'A workflow: workflowConfig + stepsConfig (the seed format), optionally with bundled subworkflows.',
  };
}

export function workflowJsonSchemaText(): string {
  return JSON.stringify(workflowJsonSchema(), null, 2);
}
