import { describeSchemaError, validateJsonSchema } from '../schema/jsonSchemaValidator';
import type { CompiledWorkflow } from './compile';

/** A run's input that its workflow refuses: nothing starts, and the message says which field and why. */
export class InputError extends Error {
  override name = 'InputError';
}

/** Checks `input` against the workflow's input schema (on RE2, within a budget); throws InputError. */
export function checkInput(compiled: CompiledWorkflow, input: unknown): void {
  const schema = compiled.definition.workflowConfig.config?.inputSchema;
  if (!schema) return;
  const result = validateJsonSchema(schema, input);
  if (result.valid) return;
  if (result.cause === 'schema')
    throw new InputError(
      `the workflow's input schema cannot be used: ${result.errors[0].message} (at ${result.errors[0].schemaPath})`,
    );
  const details = result.errors.slice(0, 3).map((e) => describeSchemaError(e, 'input'));
  throw new InputError(`the input does not match the workflow's input schema: ${details.join('; ')}`);
}
