import { useLiveQuery } from 'dexie-react-hooks';
import type { TableRow } from '../../store/tableImport';
import type { TabflowDb } from '../../store/db';
import { useDb } from '../DbContext';
import type { InputField } from './runInputs';

export interface Suggestion {
  value: string;
  label?: string;
}

/** Values a field may take, read from a local table. */
export interface Suggestions {
  table: string;
  options: Suggestion[];
}

export interface RunFormHints {
  /** The input of this workflow's most recent run, if it has one. */
  lastInput: Record<string, unknown> | undefined;
  /** Field name → values to offer (ids of a matching local table). */
  suggestions: Record<string, Suggestions>;
}

const MAX_SUGGESTIONS = 100;
const LABEL_FIELDS = ['name', 'title', 'label', 'email'];

/**
 * What the run form can offer besides the schema: the last run's input (the usual next run repeats
 * it), and for a field named like `customerId` the ids of the local table `customers`.
 * Undefined until read.
 */
export function useRunFormHints(workflowId: string, fields: readonly InputField[]): RunFormHints | undefined {
  const db = useDb();
  const names = fields.filter((f) => f.kind === 'text').map((f) => f.name);
  return useLiveQuery(async () => {
    const runs = await db.runs.where('workflowId').equals(workflowId).toArray();
    const last = runs.reduce<(typeof runs)[number] | undefined>(
      (newest, run) => (!newest || run.createdAt > newest.createdAt ? run : newest),
      undefined,
    );
    const lastInput = last && isRecord(last.input) ? last.input : undefined;
    const suggestions: Record<string, Suggestions> = {};
    for (const name of names) {
      const offered = await idSuggestions(db, name);
      if (offered) suggestions[name] = offered;
    }
    return { lastInput, suggestions };
  }, [db, workflowId, names.join('\n')]);
}

/** `customerId` / `customer_id` → the rows of `customers` (or `customer`), as id + a readable label. */
async function idSuggestions(db: TabflowDb, fieldName: string): Promise<Suggestions | undefined> {
  const thing = /^(.+?)[_-]?id$/i.exec(fieldName)?.[1]?.toLowerCase();
  if (!thing) return undefined;
  for (const table of [`${thing}s`, thing, `${thing}es`]) {
    const records = await db.tableRows.where('table').equals(table).limit(MAX_SUGGESTIONS).toArray();
    if (records.length > 0)
      return { table, options: records.map((record) => ({ value: record.id, label: labelOf(record.row) })) };
  }
  return undefined;
}

function labelOf(row: TableRow): string | undefined {
  for (const field of LABEL_FIELDS) {
    const value = row[field];
    if (typeof value === 'string' && value.trim()) return value;
  }
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A previous input value as the form's text for `field`; undefined when there is none. */
export function formValueOf(field: InputField, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (field.kind === 'boolean') return String(value === true);
  if (field.kind === 'json') return JSON.stringify(value, null, 2);
  return typeof value === 'string' ? value : JSON.stringify(value);
}
