import { validateJsonSchema } from '../../schema/jsonSchemaValidator';
import {
  enumArguedFor,
  enumByKeywords,
  findLineItems,
  findMoney,
  firstFreeNumber,
  identifierWords,
  mentionIndex,
  numberNear,
  type LineItem,
} from './evidence';
import { pick, unit } from './seed';
import { asNode, type FillContext, type Filled, type SchemaDef, type SchemaNode } from './schemaTypes';
import { chooseString, constrain } from './strings';

/** Below this depth optional properties are skipped, so recursive schemas stay finite. */
const MAX_DEPTH = 8;
/** Beyond this depth nothing more is generated (only reached by schemas that require recursion). */
const HARD_DEPTH = 16;
/** Enum values that mean "none of the specific ones": chosen when nothing in the text points elsewhere. */
const FALLBACK_ENUM = ['other', 'general', 'support', 'unknown', 'none', 'neutral', 'medium', 'normal'];
const EXPLANATION = /reason|rationale|explanation|justification|summary|why|note|comment|answer|response|reply/i;
const MONEY = /amount|price|total|cost|sum|fee|charge|balance|value/i;

/** A value valid against `schema`, read from the conversation where it can be, else made up deterministically. */
export function fillSchema(schema: SchemaNode, ctx: Omit<FillContext, 'root' | 'notes'>): unknown {
  return fill(schema, '', { ...ctx, root: schema, notes: [] }, 0).value;
}

function fill(def: SchemaDef | undefined, name: string, ctx: FillContext, depth: number): Filled {
  if (def === false || depth > HARD_DEPTH) return { value: null, found: false };
  const node = resolve(asNode(def), ctx.root);
  if ('const' in node) return { value: node.const, found: true };
  if (node.enum && node.enum.length > 0) return chooseEnum(node, name, ctx);
  const branches = node.oneOf ?? node.anyOf;
  if (branches && branches.length > 0) return chooseBranch(node, branches, name, ctx, depth);
  switch (typeOf(node)) {
    case 'object':
      return fillObject(node, ctx, depth);
    case 'array':
      return fillArray(node, name, ctx, depth);
    case 'number':
    case 'integer':
      return chooseNumber(node, name, ctx);
    case 'boolean':
      return chooseBoolean(node, name, ctx);
    case 'null':
      return { value: null, found: false };
    default:
      return chooseString(node, name, ctx);
  }
}

function fillObject(node: SchemaNode, ctx: FillContext, depth: number): Filled {
  const properties = node.properties ?? {};
  const required = new Set(node.required ?? []);
  const names = [...new Set([...Object.keys(properties), ...required])];
  // Explanations are written last, so they can cite the choices made for the other fields.
  const order = [...names.filter((n) => !EXPLANATION.test(n)), ...names.filter((n) => EXPLANATION.test(n))];
  const values: Record<string, unknown> = {};
  let found = false;
  for (const name of order) {
    const isRequired = required.has(name);
    if (!isRequired && depth >= MAX_DEPTH) continue;
    const filled = fill(properties[name] ?? true, name, ctx, depth + 1);
    if (isRequired || ctx.optional === 'all' || filled.found) values[name] = filled.value;
    found ||= filled.found;
  }
  return { value: Object.fromEntries(names.filter((n) => n in values).map((n) => [n, values[n]])), found };
}

function fillArray(node: SchemaNode, name: string, ctx: FillContext, depth: number): Filled {
  const tuple = node.prefixItems ?? (Array.isArray(node.items) ? node.items : undefined);
  if (tuple) return { value: tuple.map((item) => fill(item, name, ctx, depth + 1).value), found: false };
  const items = node.items as SchemaDef | undefined;
  const max = node.maxItems ?? Number.POSITIVE_INFINITY;
  const min = Math.min(node.minItems ?? 0, max);
  const lines = lineItems(items, ctx, depth);
  const generic = () => fill(items ?? true, singular(name), ctx, depth + 1).value;
  if (lines.length > 0) {
    const padded = [...lines, ...Array.from({ length: Math.max(0, min - lines.length) }, generic)];
    return { value: padded.slice(0, max), found: true };
  }
  const count = Math.min(Math.max(min, 1), max);
  const values = Array.from({ length: count }, generic);
  return { value: node.uniqueItems ? distinct(values, resolve(asNode(items), ctx.root)) : values, found: false };
}

/** Invoice-like items (a quantity and a price property) filled from lines such as "3 days at 1200 EUR". */
function lineItems(items: SchemaDef | undefined, ctx: FillContext, depth: number): unknown[] {
  const node = resolve(asNode(items), ctx.root);
  const props = Object.entries(node.properties ?? {}).map(([name, def]) => ({
    name,
    role: lineRole(name),
    node: resolve(asNode(def), ctx.root),
  }));
  if (!props.some((p) => p.role === 'quantity') || !props.some((p) => p.role === 'unitPrice')) return [];
  const found = ctx.texts.map(findLineItems).find((lines) => lines.length > 0) ?? [];
  return found.map((line) => {
    const base = fill(node, 'item', ctx, depth + 1).value as Record<string, unknown>;
    for (const p of props) {
      const value = p.role ? coerce(line[p.role], p.node, ctx) : undefined;
      if (value !== undefined) base[p.name] = value;
    }
    return base;
  });
}

function lineRole(name: string): keyof LineItem | undefined {
  if (/price|rate|cost|amount|fee/i.test(name)) return 'unitPrice';
  if (/qty|quantity|count|hours|days|units?$/i.test(name)) return 'quantity';
  if (/desc|name|item|title|label|product|service/i.test(name)) return 'description';
  return undefined;
}

/** A line's value in the property's type; undefined when it does not fit (the generic value stays). */
function coerce(value: string | number, node: SchemaNode, ctx: FillContext): unknown {
  const type = typeOf(node);
  if (node.enum || 'const' in node || node.format) return undefined;
  if (type === 'string') return constrain(String(value), node, ctx);
  if ((type === 'number' || type === 'integer') && typeof value === 'number') return fitNumber(value, node);
  return undefined;
}

/**
 * Order of evidence for an enum: a value the last user message names, then what the previous
 * agents argued for, then keywords in the last user message, then a catch-all value, then a hash.
 */
function chooseEnum(node: SchemaNode, name: string, ctx: FillContext): Filled {
  const values = node.enum!;
  const strings = values.filter((v): v is string => typeof v === 'string');
  const request = ctx.texts[0] ?? '';
  if (strings.length === values.length) {
    const named = enumArguedFor(strings, [request]);
    if (named) return note(ctx, named, `the request names ${named}`);
    const argued = enumArguedFor(strings, ctx.argued);
    if (argued) return note(ctx, argued, `the analysis above argues for ${argued}`);
    const hit = enumByKeywords(strings, request);
    if (hit) return note(ctx, hit.value, `the message mentions "${hit.keyword}", which points to ${hit.value}`);
    const fallback = strings.find((v) => FALLBACK_ENUM.includes(v.toLowerCase()));
    if (fallback) {
      const others = listOr(strings.filter((v) => v !== fallback));
      ctx.notes.push(others ? `nothing in the message points to ${others}, so ${fallback}` : fallback);
      return { value: fallback, found: false };
    }
  }
  if (values.some((v) => v === node.default)) return { value: node.default, found: false };
  return { value: pick(ctx.seed, `enum:${name}`, values), found: false };
}

function listOr(values: readonly string[]): string {
  return values.length <= 1 ? (values[0] ?? '') : `${values.slice(0, -1).join(', ')} or ${values[values.length - 1]}`;
}

function note(ctx: FillContext, value: string, clause: string): Filled {
  ctx.notes.push(clause);
  return { value, found: true };
}

/** anyOf: the first non-null branch. oneOf: the first branch whose value matches exactly one branch. */
function chooseBranch(node: SchemaNode, branches: SchemaDef[], name: string, ctx: FillContext, depth: number): Filled {
  const { oneOf, anyOf: _anyOf, ...rest } = node;
  const options = branches.map((b) => merge(rest, resolve(asNode(b), ctx.root)));
  const ordered = [...options.filter((o) => typeOf(o) !== 'null'), ...options.filter((o) => typeOf(o) === 'null')];
  const notesBefore = ctx.notes.length;
  for (const option of ordered) {
    const filled = fill(option, name, ctx, depth + 1);
    if (!oneOf || isValid(node, filled.value, ctx.root)) return filled;
    ctx.notes.length = notesBefore;
  }
  return fill(ordered[0], name, ctx, depth + 1);
}

function isValid(node: SchemaNode, value: unknown, root: SchemaNode): boolean {
  const schema = { ...node, $defs: root.$defs, definitions: root.definitions };
  return validateJsonSchema(schema, value).valid;
}

function chooseNumber(node: SchemaNode, name: string, ctx: FillContext): Filled {
  const read = finite(
    firstDefined(ctx.texts, (t) => numberNear(name, t)) ??
      (MONEY.test(name) ? firstDefined(ctx.texts, findMoney) : undefined),
  );
  const { lo, hi } = numberBounds(node);
  const fallback =
    typeof node.default === 'number'
      ? node.default
      : (finite(firstFreeNumber(ctx.texts[0] ?? '')) ?? madeUpNumber(lo, hi, unit(ctx.seed, `number:${name}`)));
  return { value: fitNumber(read ?? fallback, node), found: read !== undefined };
}

/** A run of 400 digits reads as Infinity, which JSON writes as null: such a number is no evidence. */
function finite(n: number | undefined): number | undefined {
  return n !== undefined && Number.isFinite(n) ? n : undefined;
}

/** The nearest value to `value` that the number schema accepts (type, multipleOf, bounds). */
function fitNumber(value: number, node: SchemaNode): number {
  const step = numberStep(node);
  const { lo, hi } = numberBounds(node);
  let fitted = step ? Math.round(value / step) * step : value;
  if (lo !== undefined && fitted < lo) fitted = step ? Math.ceil(lo / step - 1e-9) * step : lo;
  if (hi !== undefined && fitted > hi) fitted = step ? Math.floor(hi / step + 1e-9) * step : hi;
  return Number(fitted.toFixed(10));
}

/** Granularity: multipleOf, widened to a whole multiple for integers (0.25 → 1, 1.5 → 3). */
function numberStep(node: SchemaNode): number | undefined {
  const integer = typeOf(node) === 'integer';
  const m = node.multipleOf;
  if (!m) return integer ? 1 : undefined;
  if (!integer) return m;
  for (let k = 1; k <= 1000; k++) if (Number.isInteger(Number((k * m).toFixed(9)))) return Number((k * m).toFixed(9));
  return m;
}

function numberBounds(node: SchemaNode): { lo: number | undefined; hi: number | undefined } {
  const step = numberStep(node);
  const exMin = typeof node.exclusiveMinimum === 'number' ? node.exclusiveMinimum : undefined;
  const exMax = typeof node.exclusiveMaximum === 'number' ? node.exclusiveMaximum : undefined;
  // Draft 4 style: a boolean exclusiveMinimum makes `minimum` itself exclusive.
  const loExclusive = exMin ?? (node.exclusiveMinimum === true ? node.minimum : undefined);
  const hiExclusive = exMax ?? (node.exclusiveMaximum === true ? node.maximum : undefined);
  const above = (b: number) => (step ? (Math.floor(b / step + 1e-9) + 1) * step : b + 0.01);
  const below = (b: number) => (step ? (Math.ceil(b / step - 1e-9) - 1) * step : b - 0.01);
  const lo = maxDefined(
    node.exclusiveMinimum === true ? undefined : node.minimum,
    loExclusive === undefined ? undefined : above(loExclusive),
  );
  const hi = minDefined(
    node.exclusiveMaximum === true ? undefined : node.maximum,
    hiExclusive === undefined ? undefined : below(hiExclusive),
  );
  return { lo, hi };
}

function maxDefined(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined ? a : Math.max(a, b);
}

function minDefined(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined ? a : Math.min(a, b);
}

function madeUpNumber(lo: number | undefined, hi: number | undefined, u: number): number {
  if (lo !== undefined && hi !== undefined) return Math.round((lo + (hi - lo) * u) * 100) / 100;
  if (lo !== undefined) return lo + Math.floor(u * 10);
  if (hi !== undefined) return hi - Math.floor(u * 10);
  return 1 + Math.floor(u * 9);
}

function chooseBoolean(node: SchemaNode, name: string, ctx: FillContext): Filled {
  const words = identifierWords(name).filter((w) => w.length > 3);
  if (words.some((w) => mentionIndex(w, ctx.texts[0] ?? '') >= 0)) return { value: true, found: true };
  if (typeof node.default === 'boolean') return { value: node.default, found: false };
  return { value: unit(ctx.seed, `boolean:${name}`) < 0.5, found: false };
}

/** Replaces repeated items: by unused enum values when there is an enum, else by numbering them. */
function distinct(values: unknown[], items: SchemaNode): unknown[] {
  const seen = new Set<string>();
  const spare = (items.enum ?? []).filter((v) => !values.some((x) => JSON.stringify(x) === JSON.stringify(v)));
  return values.flatMap((value, i) => {
    let next = value;
    if (seen.has(JSON.stringify(next))) {
      if (items.enum) next = spare.shift();
      else if (typeof next === 'string') next = `${next} ${i + 1}`;
      else if (typeof next === 'number') next = next + i;
    }
    if (next === undefined || seen.has(JSON.stringify(next))) return [];
    seen.add(JSON.stringify(next));
    return [next];
  });
}

export function typeOf(node: SchemaNode): string {
  const declared = Array.isArray(node.type) ? (node.type.find((t) => t !== 'null') ?? 'null') : node.type;
  if (declared) return declared;
  if (node.properties || node.required) return 'object';
  if (node.items || node.prefixItems) return 'array';
  if (node.minimum !== undefined || node.maximum !== undefined) return 'number';
  return 'string';
}

/** Follows local `$ref`s and folds `allOf` into one node. */
function resolve(node: SchemaNode, root: SchemaNode): SchemaNode {
  let current = node;
  for (let hops = 0; current.$ref !== undefined && hops < 16; hops++) {
    const { $ref, ...rest } = current;
    current = merge(rest, asNode(lookup($ref, root)));
  }
  if (!current.allOf) return current;
  const { allOf, ...rest } = current;
  return allOf.reduce<SchemaNode>((acc, part) => merge(acc, resolve(asNode(part), root)), rest);
}

function lookup(ref: string, root: SchemaNode): SchemaDef | undefined {
  if (ref === '#') return root;
  if (!ref.startsWith('#/')) return undefined;
  let current: unknown = root;
  for (const raw of ref.slice(2).split('/')) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    current = typeof current === 'object' && current !== null ? (current as Record<string, unknown>)[key] : undefined;
  }
  return current as SchemaDef | undefined;
}

function merge(a: SchemaNode, b: SchemaNode): SchemaNode {
  const merged: SchemaNode = { ...a, ...b };
  if (a.properties || b.properties) merged.properties = { ...a.properties, ...b.properties };
  if (a.required || b.required) merged.required = [...new Set([...(a.required ?? []), ...(b.required ?? [])])];
  return merged;
}

function firstDefined<T>(texts: readonly string[], read: (text: string) => T | undefined): T | undefined {
  for (const text of texts) {
    const value = read(text);
    if (value !== undefined) return value;
  }
  return undefined;
}

function singular(name: string): string {
  return name.endsWith('ies') ? `${name.slice(0, -3)}y` : name.replace(/s$/, '');
}
