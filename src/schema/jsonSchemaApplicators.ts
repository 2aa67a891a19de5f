import { isSchemaObject, own, patternCost, patternFinds } from './jsonSchemaKeywords';
import {
  canonical,
  charge,
  child,
  fail,
  preview,
  usablePattern,
  type Run,
  type Sink,
  type Where,
} from './jsonSchemaRun';

/** The keywords that apply to arrays and objects, descending through `run.check`. */

export function checkArrayKeyword(
  run: Run,
  key: string,
  value: unknown,
  schema: Record<string, unknown>,
  items: unknown[],
  at: Where,
  sink: Sink,
): boolean {
  switch (key) {
    case 'items':
      return checkItems(run, value, schema, items, at, sink);
    case 'prefixItems':
      return Array.isArray(value)
        ? checkEach(run, items.slice(0, value.length), (i) => value[i], 'prefixItems', at, sink, 0, true)
        : true;
    case 'contains':
      return checkContains(run, value, schema, items, at, sink);
    case 'minItems':
      return (
        items.length >= (value as number) ||
        fail(sink, at, key, `must have at least ${value} item${value === 1 ? '' : 's'} (has ${items.length})`)
      );
    case 'maxItems':
      return (
        items.length <= (value as number) ||
        fail(sink, at, key, `must have at most ${value} item${value === 1 ? '' : 's'} (has ${items.length})`)
      );
    case 'uniqueItems':
      return value !== true || checkUnique(run, items, at, sink);
    default:
      return true;
  }
}

/** `items`: one schema for the items after `prefixItems`, or (draft 7) a tuple followed by `additionalItems`. */
function checkItems(
  run: Run,
  value: unknown,
  schema: Record<string, unknown>,
  items: unknown[],
  at: Where,
  sink: Sink,
): boolean {
  if (Array.isArray(value)) {
    const tuple = checkEach(run, items.slice(0, value.length), (i) => value[i], 'items', at, sink, 0, true);
    if (!tuple && !sink) return false;
    const rest = own(schema, 'additionalItems');
    if (rest === undefined || items.length <= value.length) return tuple;
    return (
      checkEach(run, items.slice(value.length), () => rest, 'additionalItems', at, sink, value.length, false) && tuple
    );
  }
  const prefix = own(schema, 'prefixItems');
  const start = Array.isArray(prefix) ? prefix.length : 0;
  return checkEach(run, items.slice(start), () => value, 'items', at, sink, start, false);
}

/** Each item against its schema; `indexed`: the schema path names the item's own subschema. */
function checkEach(
  run: Run,
  items: unknown[],
  schemaFor: (i: number) => unknown,
  keyword: string,
  at: Where,
  sink: Sink,
  offset: number,
  indexed: boolean,
): boolean {
  let valid = true;
  for (let i = 0; i < items.length; i++) {
    const where = indexed ? child(at, offset + i, keyword, i) : child(at, offset + i, keyword);
    valid = run.check(run, schemaFor(i), items[i], where, sink) && valid;
    if (!valid && !sink) return false;
  }
  return valid;
}

function checkContains(
  run: Run,
  value: unknown,
  schema: Record<string, unknown>,
  items: unknown[],
  at: Where,
  sink: Sink,
): boolean {
  const min = typeof own(schema, 'minContains') === 'number' ? (own(schema, 'minContains') as number) : 1;
  const max = typeof own(schema, 'maxContains') === 'number' ? (own(schema, 'maxContains') as number) : undefined;
  let found = 0;
  for (let i = 0; i < items.length; i++) {
    if (run.check(run, value, items[i], child(at, i, 'contains'), undefined)) found++;
    if (found >= min && max === undefined) return true;
    if (max !== undefined && found > max) break;
  }
  if (found < min)
    return fail(
      sink,
      at,
      'contains',
      `must contain at least ${min} item${min === 1 ? '' : 's'} matching the "contains" schema (found ${found})`,
    );
  return (
    max === undefined ||
    found <= max ||
    fail(
      sink,
      at,
      'maxContains',
      `must contain at most ${max} item${max === 1 ? '' : 's'} matching the "contains" schema (found more)`,
    )
  );
}

function checkUnique(run: Run, items: unknown[], at: Where, sink: Sink): boolean {
  const seen = new Map<string, number>();
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    const key = typeof item === 'object' && item !== null ? canonical(run, item, at) : `${typeof item}:${String(item)}`;
    const earlier = seen.get(key);
    if (earlier !== undefined)
      return fail(sink, at, 'uniqueItems', `items ${earlier} and ${i} are equal; every item must be different`);
    seen.set(key, i);
  }
  return true;
}

export function checkObjectKeyword(
  run: Run,
  key: string,
  value: unknown,
  schema: Record<string, unknown>,
  object: Record<string, unknown>,
  at: Where,
  sink: Sink,
): boolean {
  switch (key) {
    case 'properties':
      return isSchemaObject(value) ? checkProperties(run, value, object, at, sink) : true;
    case 'patternProperties':
      return isSchemaObject(value) ? checkPatternProperties(run, value, object, at, sink) : true;
    case 'additionalProperties':
      return checkAdditional(run, value, schema, object, at, sink);
    case 'required':
      return checkRequired(value as string[], object, at, sink, 'required', () => 'is required');
    case 'propertyNames':
      return checkPropertyNames(run, value, object, at, sink);
    case 'minProperties':
    case 'maxProperties': {
      const count = Object.keys(object).length;
      const ok = key === 'minProperties' ? count >= (value as number) : count <= (value as number);
      return (
        ok ||
        fail(
          sink,
          at,
          key,
          `must have ${key === 'minProperties' ? 'at least' : 'at most'} ${value} ` +
            `propert${value === 1 ? 'y' : 'ies'} (has ${count})`,
        )
      );
    }
    case 'dependentRequired':
    case 'dependentSchemas':
    case 'dependencies':
      return isSchemaObject(value) ? checkDependencies(run, key, value, object, at, sink) : true;
    default:
      return true;
  }
}

function checkProperties(
  run: Run,
  properties: Record<string, unknown>,
  object: Record<string, unknown>,
  at: Where,
  sink: Sink,
): boolean {
  let valid = true;
  for (const name of Object.keys(properties)) {
    if (!Object.hasOwn(object, name)) continue;
    valid = run.check(run, properties[name], object[name], child(at, name, 'properties', name), sink) && valid;
    if (!valid && !sink) return false;
  }
  return valid;
}

function checkPatternProperties(
  run: Run,
  patterns: Record<string, unknown>,
  object: Record<string, unknown>,
  at: Where,
  sink: Sink,
): boolean {
  let valid = true;
  for (const source of Object.keys(patterns)) {
    const pattern = usablePattern(run, source, child(at, undefined, 'patternProperties', source));
    for (const name of Object.keys(object)) {
      charge(run, patternCost(pattern, name), at, `matching the property pattern ${preview(source)}`);
      if (!patternFinds(pattern, name)) continue;
      valid =
        run.check(run, patterns[source], object[name], child(at, name, 'patternProperties', source), sink) && valid;
      if (!valid && !sink) return false;
    }
  }
  return valid;
}

/** Properties named by neither `properties` nor a `patternProperties` pattern. */
function checkAdditional(
  run: Run,
  rest: unknown,
  schema: Record<string, unknown>,
  object: Record<string, unknown>,
  at: Where,
  sink: Sink,
): boolean {
  const properties = own(schema, 'properties');
  const patternsValue = own(schema, 'patternProperties');
  const patterns = isSchemaObject(patternsValue)
    ? Object.keys(patternsValue).map((source) =>
        usablePattern(run, source, child(at, undefined, 'patternProperties', source)),
      )
    : [];
  let valid = true;
  for (const name of Object.keys(object)) {
    if (isSchemaObject(properties) && Object.hasOwn(properties, name)) continue;
    if (
      patterns.some((p) => (charge(run, patternCost(p, name), at, 'matching property patterns'), patternFinds(p, name)))
    )
      continue;
    const ok =
      rest === false
        ? fail(
            sink,
            at,
            'additionalProperties',
            `is not an allowed property (the schema does not list ${preview(name)})`,
            name,
          )
        : run.check(run, rest, object[name], child(at, name, 'additionalProperties'), sink);
    valid = ok && valid;
    if (!valid && !sink) return false;
  }
  return valid;
}

function checkRequired(
  names: string[],
  object: Record<string, unknown>,
  at: Where,
  sink: Sink,
  keyword: string,
  message: (name: string) => string,
): boolean {
  let valid = true;
  for (const name of names) {
    if (Object.hasOwn(object, name)) continue;
    valid = fail(sink, at, keyword, message(name), name);
    if (!sink) return false;
  }
  return valid;
}

function checkPropertyNames(run: Run, names: unknown, object: Record<string, unknown>, at: Where, sink: Sink): boolean {
  let valid = true;
  for (const name of Object.keys(object)) {
    const errors: Sink = sink ? [] : undefined;
    if (run.check(run, names, name, child(at, undefined, 'propertyNames'), errors)) continue;
    valid = fail(
      sink,
      at,
      'propertyNames',
      `the property name ${preview(name)} is not allowed${errors?.[0] ? `: it ${errors[0].message}` : ''}`,
    );
    if (!sink) return false;
  }
  return valid;
}

/** `dependentRequired`, `dependentSchemas` and draft 7's `dependencies` (either kind per property). */
function checkDependencies(
  run: Run,
  key: string,
  map: Record<string, unknown>,
  object: Record<string, unknown>,
  at: Where,
  sink: Sink,
): boolean {
  let valid = true;
  for (const trigger of Object.keys(map)) {
    if (!Object.hasOwn(object, trigger)) continue;
    const dependency = map[trigger];
    const ok =
      Array.isArray(dependency) && key !== 'dependentSchemas'
        ? checkRequired(
            dependency.filter((d): d is string => typeof d === 'string'),
            object,
            at,
            sink,
            key,
            () => `is required when ${preview(trigger)} is present`,
          )
        : run.check(run, dependency, object, child(at, undefined, key, trigger), sink);
    valid = ok && valid;
    if (!valid && !sink) return false;
  }
  return valid;
}
