import type { Completion, CompletionContext, CompletionResult } from '@codemirror/autocomplete';
import { syntaxTree } from '@codemirror/language';
import type { EditorState } from '@codemirror/state';
import { keyText } from './pathRange';

/**
 * Completion from the workflow's JSON Schema: property names an object may have, and the allowed
 * values of a field (step types, actions, joins…). Step and action variants are told apart by the
 * object's own `stepType` / `action`, so an llm step is offered llm fields only.
 */

type Schema = { [key: string]: unknown };
type Node = ReturnType<typeof syntaxTree>['topNode'];

export function schemaCompletionSource(root: Schema) {
  return (context: CompletionContext): CompletionResult | null => {
    const node = syntaxTree(context.state).resolveInner(context.pos, -1);
    if (node.name === 'PropertyName') return keyOptions(root, context, node.parent?.parent ?? null, node.from);
    if (node.name === 'Object' && context.explicit) return keyOptions(root, context, node, context.pos);
    const property = node.parent?.name === 'Property' ? node.parent : null;
    if (node.name === 'String' && property) return valueOptions(root, context, property, node.from);
    return null;
  };
}

function keyOptions(
  root: Schema,
  context: CompletionContext,
  object: Node | null,
  from: number,
): CompletionResult | null {
  if (!object || object.name !== 'Object') return null;
  const present = new Set(propertyNames(context.state, object));
  const typing = context.state.sliceDoc(from, context.pos).replace(/^"/, '');
  const options: Completion[] = [];
  for (const schema of schemasAt(root, context.state, object)) {
    for (const [key, sub] of Object.entries((schema.properties ?? {}) as Record<string, Schema>)) {
      if (present.has(key) && key !== typing) continue;
      options.push({ label: key, type: 'property', detail: typeLabel(resolve(root, sub)), apply: `"${key}"` });
    }
  }
  return options.length > 0
    ? { from, to: endOfString(context, from), options: dedupe(options), validFor: /^"?[\w$-]*$/ }
    : null;
}

function valueOptions(root: Schema, context: CompletionContext, property: Node, from: number): CompletionResult | null {
  const object = property.parent;
  const keyNode = property.getChild('PropertyName');
  if (!object || !keyNode) return null;
  const key = keyText(context.state, keyNode);
  const values = schemasAt(root, context.state, object).flatMap((s) =>
    valuesOf(root, ((s.properties ?? {}) as Record<string, Schema>)[key]),
  );
  const options = dedupe(values.map((v) => ({ label: JSON.stringify(v), type: 'enum' })));
  return options.length > 0 ? { from, to: endOfString(context, from), options, validFor: /^"?[\w$.-]*$/ } : null;
}

/** Replace the whole string being edited, closing quote included. */
function endOfString(context: CompletionContext, from: number): number {
  const node = syntaxTree(context.state).resolveInner(from, 1);
  return node.from === from && (node.name === 'String' || node.name === 'PropertyName') ? node.to : context.pos;
}

/** The schemas that may describe `object`, narrowed by its discriminator values. */
function schemasAt(root: Schema, state: EditorState, object: Node): Schema[] {
  const path = pathTo(state, object);
  let schemas = [root];
  for (const segment of path) {
    schemas = schemas.flatMap((s) => alternatives(root, s)).flatMap((s) => childSchemas(root, s, segment));
  }
  const siblings = stringProperties(state, object);
  const candidates = schemas.flatMap((s) => alternatives(root, s)).filter((s) => s.type === 'object' || s.properties);
  const matching = candidates.filter((s) =>
    Object.entries((s.properties ?? {}) as Record<string, Schema>).every(
      ([k, sub]) =>
        siblings[k] === undefined || resolve(root, sub).const === undefined || resolve(root, sub).const === siblings[k],
    ),
  );
  return matching.length > 0 ? matching : candidates;
}

function childSchemas(root: Schema, schema: Schema, segment: string | number): Schema[] {
  if (typeof segment === 'number') return schema.items ? [resolve(root, schema.items as Schema)] : [];
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  if (properties[segment]) return [resolve(root, properties[segment])];
  const extra = schema.additionalProperties;
  return extra && typeof extra === 'object' ? [resolve(root, extra as Schema)] : [];
}

/** anyOf / oneOf / allOf flattened, refs followed. */
function alternatives(root: Schema, schema: Schema): Schema[] {
  const s = resolve(root, schema);
  const list = (s.oneOf ?? s.anyOf ?? s.allOf) as Schema[] | undefined;
  return list ? list.flatMap((alt) => alternatives(root, alt)) : [s];
}

function resolve(root: Schema, schema: Schema | undefined): Schema {
  let current = schema ?? {};
  for (let i = 0; i < 10 && typeof current.$ref === 'string'; i++) {
    const name = (current.$ref as string).replace(/^#\/\$defs\//, '');
    current = ((root.$defs ?? {}) as Record<string, Schema>)[name] ?? {};
  }
  return current;
}

function valuesOf(root: Schema, schema: Schema | undefined): unknown[] {
  if (!schema) return [];
  return alternatives(root, schema).flatMap((s) =>
    s.const !== undefined ? [s.const] : Array.isArray(s.enum) ? s.enum : s.type === 'boolean' ? [true, false] : [],
  );
}

function typeLabel(schema: Schema): string | undefined {
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  return typeof schema.type === 'string' ? schema.type : undefined;
}

function pathTo(state: EditorState, node: Node): Array<string | number> {
  const path: Array<string | number> = [];
  let current: Node | null = node;
  while (current && current.parent) {
    const parent: Node = current.parent;
    if (parent.name === 'Property') {
      const key = parent.getChild('PropertyName');
      if (key) path.unshift(keyText(state, key));
    } else if (parent.name === 'Array') {
      let index = 0;
      for (let child = parent.firstChild; child && child.from < current.from; child = child.nextSibling) {
        if (!['[', ']', ','].includes(child.name) && child.name !== '⚠') index++;
      }
      path.unshift(index);
    }
    current = parent;
  }
  return path;
}

function propertyNames(state: EditorState, object: Node): string[] {
  return object.getChildren('Property').flatMap((p) => {
    const key = p.getChild('PropertyName');
    return key ? [keyText(state, key)] : [];
  });
}

function stringProperties(state: EditorState, object: Node): Record<string, string> {
  const out: Record<string, string> = {};
  for (const property of object.getChildren('Property')) {
    const key = property.getChild('PropertyName');
    const value = property.getChild('String');
    if (key && value) out[keyText(state, key)] = keyText(state, value);
  }
  return out;
}

function dedupe(options: Completion[]): Completion[] {
  const seen = new Set<string>();
  return options.filter((o) => !seen.has(o.label) && (seen.add(o.label), true));
}
