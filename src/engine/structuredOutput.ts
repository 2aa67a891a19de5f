import { validateJsonSchema } from '../schema/jsonSchemaValidator';
import { failure } from './retry';

/**
 * Structured output, checked once per final round, whatever runner answered: the answer must be
 * JSON valid for the step's output schema. A miss is a retryable error of the round (the next
 * attempt samples the model again); a schema that cannot be used fails every answer, so it is final.
 */
export function structuredAnswer(schema: Record<string, unknown>, text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw schemaMiss(`not JSON (${preview(text)})`);
  }
  const result = validateJsonSchema(schema, value);
  if (result.valid) return value;
  const first = result.errors[0];
  if (result.cause === 'schema')
    throw failure(
      'validation',
      `the step's output schema cannot be used: ${first.message} (at ${first.schemaPath})`,
      false,
    );
  throw schemaMiss(first ? `#${first.instancePath}: ${first.message}` : 'invalid');
}

function schemaMiss(detail: string) {
  return failure('server', `the model's answer did not match the output schema: ${detail}`, true);
}

function preview(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (!flat) return 'empty answer';
  return flat.length > 80 ? `"${flat.slice(0, 80)}…"` : `"${flat}"`;
}
