/**
 * Pure: a cell's output as table columns. An object output becomes one column per leaf (`output.a.b`), a
 * scalar one column `output`; lists, empty objects and objects nested deeper than `MAX_FLATTEN_DEPTH` stay
 * one column of JSON text, so a deep answer cannot make an endless header.
 */

export const MAX_FLATTEN_DEPTH = 3;

/** A value one table cell shows. */
export type Scalar = string | number | boolean | null;

/** One output column: its path below `output` (`[]` = the whole output) and the value there. */
export interface OutputLeaf {
  path: readonly string[];
  value: Scalar;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** An object the table opens into columns of its keys (at this depth). */
const opensAt = (value: unknown, depth: number): value is Record<string, unknown> =>
  isPlainObject(value) && Object.keys(value).length > 0 && depth < MAX_FLATTEN_DEPTH;

/** The output's leaves in key order (undefined: the cell has no output yet, so no leaf). */
export function flattenOutput(output: unknown): OutputLeaf[] {
  if (output === undefined) return [];
  const leaves: OutputLeaf[] = [];
  const visit = (value: unknown, path: string[]) => {
    if (!opensAt(value, path.length)) return void leaves.push({ path, value: toScalar(value) });
    for (const [key, child] of Object.entries(value)) visit(child, [...path, key]);
  };
  visit(output, []);
  return leaves;
}

/** A value as one cell: scalars as they are, anything else as its JSON text. */
export function toScalar(value: unknown): Scalar {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (value === undefined) return null;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * The value an output shows in the column at `path` (undefined: this output has no such column, e.g. it is
 * text where other rows answered an object).
 */
export function outputAt(output: unknown, path: readonly string[]): Scalar | undefined {
  let value = output;
  for (const [depth, segment] of path.entries()) {
    if (!opensAt(value, depth) || !Object.hasOwn(value, segment)) return undefined;
    value = value[segment];
  }
  if (value === undefined || opensAt(value, path.length)) return undefined;
  return toScalar(value);
}

/** A leaf's header: `output`, `output.a.b`. */
export function leafLabel(path: readonly string[]): string {
  return ['output', ...path].join('.');
}
