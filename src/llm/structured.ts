import { failure, type StepFailure } from '../engine/retry';
import { validateJsonSchema } from '../schema/jsonSchemaValidator';

/**
 * Structured output: the model's final answer must be JSON valid for the step's schema. A miss is
 * a retryable step error: the next attempt samples the model again.
 */
export function checkStructuredAnswer(text: string, schema: Record<string, unknown>): StepFailure | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return schemaMiss(`not JSON (${preview(text)})`);
  }
  const result = validateJsonSchema(schema, value);
  if (result.valid) return undefined;
  const first = result.errors[0];
  // No answer can pass a schema that cannot be used: sampling the model again would only cost more.
  if (result.cause === 'schema') return failure('validation', `the step's output schema cannot be used: ${first.message} (at ${first.schemaPath})`, false);
  return schemaMiss(first ? `#${first.instancePath}: ${first.message}` : 'invalid');
}

function schemaMiss(detail: string): StepFailure {
  return failure('server', `the model's answer did not match the output schema: ${detail}`, true);
}

function preview(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (!flat) return 'empty answer';
  return flat.length > 80 ? `"${flat.slice(0, 80)}…"` : `"${flat}"`;
}

/**
 * Whether OpenAI's strict mode accepts the schema as written: every object closes
 * `additionalProperties` and requires all its properties. Strict mode rejects other schemas with a
 * 400, so they are sent non-strict and checked here instead.
 */
export function isStrictCompatible(schema: unknown): boolean {
  if (Array.isArray(schema)) return schema.every(isStrictCompatible);
  if (!isObject(schema)) return true;
  if (schema.type === 'object' || isObject(schema.properties)) {
    const properties = isObject(schema.properties) ? Object.keys(schema.properties) : [];
    const required = Array.isArray(schema.required) ? schema.required : [];
    if (schema.additionalProperties !== false) return false;
    if (!properties.every((p) => required.includes(p))) return false;
  }
  return Object.values(schema).every((child) => typeof child !== 'object' || child === null || isStrictCompatible(child));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
