import type { PathSegment } from '../../schema/problems';

/**
 * Immutable reads and writes at a JSON path. A write copies only the objects on the path and keeps
 * every other value by reference, so an edit changes exactly the field it names.
 */

export type JsonPath = readonly PathSegment[];

export function getAt(root: unknown, path: JsonPath): unknown {
  let current = root;
  for (const segment of path) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, segment)) return undefined;
    current = (current as Record<PathSegment, unknown>)[segment];
  }
  return current;
}

/**
 * `root` with the value at `path` replaced; `undefined` removes the key (or leaves it absent). Missing
 * objects on the way are created; key order is kept, so a JSON view shows the change in place.
 */
export function setAt<T>(root: T, path: JsonPath, value: unknown): T {
  return write(root, path, 0, value) as T;
}

function write(node: unknown, path: JsonPath, depth: number, value: unknown): unknown {
  if (depth === path.length) return value;
  const segment = path[depth]!;
  const child = getAt(node, [segment]);
  const next = write(child, path, depth + 1, value);
  if (Array.isArray(node) && typeof segment === 'number') {
    const copy = [...node];
    if (next === undefined) copy.splice(segment, 1);
    else copy[segment] = next;
    return copy;
  }
  const base = node !== null && typeof node === 'object' && !Array.isArray(node) ? node : {};
  if (next === undefined) {
    if (!Object.hasOwn(base, segment)) return node;
    return Object.fromEntries(Object.entries(base).filter(([key]) => key !== String(segment)));
  }
  // fromEntries defines own properties: a "__proto__" key stays data.
  if (Object.hasOwn(base, segment)) {
    return Object.fromEntries(Object.entries(base).map(([key, old]) => [key, key === String(segment) ? next : old]));
  }
  return Object.fromEntries([...Object.entries(base), [String(segment), next]]);
}

export function startsWith(path: JsonPath, prefix: JsonPath): boolean {
  return prefix.length <= path.length && prefix.every((segment, i) => path[i] === segment);
}

/** A stable DOM id for the field at `path`. */
export function fieldId(path: JsonPath): string {
  return `field-${path.map((s) => String(s).replace(/[^A-Za-z0-9_-]/g, '_')).join('-')}`;
}
