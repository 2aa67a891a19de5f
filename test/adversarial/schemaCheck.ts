/** Validates one instance against one JSON Schema the way the executor does; may throw a readable Error. */
export type SchemaCheck = (schema: Record<string, unknown>, instance: unknown) => unknown;

/** The app's own JSON Schema validator (src/schema/jsonSchemaValidator.ts) when the build has one. */
const APP_VALIDATOR = '../../src/schema/jsonSchemaValidator.ts';

/**
 * The validator the executor uses for `inputSchema` and `outputSchema`: the app's RE2-based one when
 * present (the engine used @cfworker/json-schema, with native regular expressions, before it).
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
  // @cfworker/json-schema, the library the engine used before, is no longer installed.
  throw new Error(`no JSON Schema validator at ${APP_VALIDATOR}`);
}
