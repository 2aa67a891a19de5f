/**
 * Whether OpenAI's strict mode accepts the schema as written: every object closes
 * `additionalProperties` and requires all its properties. Strict mode rejects other schemas with a
 * 400, so they are sent non-strict; the engine checks every final answer (src/engine/structuredOutput.ts).
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
  return Object.values(schema).every(
    (child) => typeof child !== 'object' || child === null || isStrictCompatible(child),
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
