import { Validator } from '@cfworker/json-schema';

/** Validates one instance against one JSON Schema the way the executor does; may throw a readable Error. */
export type SchemaCheck = (schema: Record<string, unknown>, instance: unknown) => unknown;

/** The app's own JSON Schema validator (src/schema/jsonSchemaValidator.ts) when the build has one. */
const APP_VALIDATOR = '../../src/schema/jsonSchemaValidator.ts';

/**
 * The validator the executor uses for `inputSchema` and `outputSchema`: the app's RE2-based one when
 * present, else @cfworker/json-schema as the engine called it before (native regular expressions).
 */
export async function loadSchemaCheck(): Promise<{ name: string; check: SchemaCheck }> {
  try {
    const module = (await import(/* @vite-ignore */ APP_VALIDATOR)) as Record<string, unknown>;
    const validate = module.validateJsonSchema;
    if (typeof validate === 'function') {
      return { name: 'src/schema/jsonSchemaValidator.ts', check: (schema, instance) => validate(schema, instance) };
    }
  } catch {
    // Not in this build: fall through to the library the engine used before.
  }
  return {
    name: '@cfworker/json-schema (native RegExp)',
    check: (schema, instance) => new Validator(schema as never, '2020-12', false).validate(instance),
  };
}
