/** The subset of JSON Schema (draft 7 / 2020-12) the demo model reads to produce valid values. */
export interface SchemaNode {
  type?: string | string[];
  properties?: Record<string, SchemaDef>;
  required?: string[];
  items?: SchemaDef | SchemaDef[];
  prefixItems?: SchemaDef[];
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  enum?: unknown[];
  const?: unknown;
  oneOf?: SchemaDef[];
  anyOf?: SchemaDef[];
  allOf?: SchemaDef[];
  $ref?: string;
  $defs?: Record<string, SchemaDef>;
  definitions?: Record<string, SchemaDef>;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number | boolean;
  exclusiveMaximum?: number | boolean;
  multipleOf?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  default?: unknown;
  examples?: unknown[];
  nullable?: boolean;
}

export type SchemaDef = SchemaNode | boolean;

/** How a value was chosen: `found` = read from the conversation, not made up. */
export interface Filled {
  value: unknown;
  found: boolean;
}

export interface FillContext {
  seed: number;
  /** The whole schema, for local `$ref`s. */
  root: SchemaNode;
  /** Texts to read values from, most relevant first (the last user message leads). */
  texts: readonly string[];
  /** Assistant texts, newest first: what earlier agents argued for. */
  argued: readonly string[];
  /** Optional properties: always filled (`all`), or only when the conversation supplies them (`found`). */
  optional: 'all' | 'found';
  /** Clauses explaining choices made so far ("the message mentions …"), for `reason`-like fields. */
  notes: string[];
  /** The model's free-text answer, for `answer`-like fields. */
  answer?: () => string;
}

export function asNode(def: SchemaDef | undefined): SchemaNode {
  return typeof def === 'object' && def !== null ? def : {};
}
