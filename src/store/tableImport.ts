import type { TableRow } from '../engine/store';
import { locateJsonError } from '../schema/jsonSyntax';
import { restoreFormula } from '../schema/csvFormula';
import { checkJsonShape } from '../schema/jsonText';
import { formatBytes } from '../schema/share';
import type { TabflowDb, TableRowRecord } from './db';
import { toStoreError } from './errors';

/** Local tables from user files: CSV/JSON parsing, replace-all import, and the list of tables. */

/** One row of a local table, for the UI (which does not import the engine). */
export type { TableRow };

export const MAX_TABLE_IMPORT_BYTES = 5 * 1024 * 1024;

/** A file or row set that cannot be imported; the message is meant for the user as is. */
export class TableImportError extends Error {
  override name = 'TableImportError';
}

export interface TableSummary {
  name: string;
  rows: number;
}

/**
 * Replaces every row of `table` in one transaction. A row keeps its string id (a number id becomes
 * text, since CSV turns "7" into 7); a row without one gets `row_<position>`, counting from 1.
 */
export async function importTableRows(db: TabflowDb, table: string, rows: readonly unknown[]): Promise<number> {
  if (table.trim() === '') throw new TableImportError('a table needs a name');
  const records = toRecords(table, rows);
  try {
    await db.transaction('rw', db.tableRows, async () => {
      await db.tableRows.where('table').equals(table).delete();
      await db.tableRows.bulkAdd(records);
    });
  } catch (error) {
    throw toStoreError(error);
  }
  return records.length;
}

/** Table names in order, each with its row count. */
export async function listTables(db: TabflowDb): Promise<TableSummary[]> {
  return db.transaction('r', db.tableRows, async () => {
    const names = (await db.tableRows.orderBy('table').uniqueKeys()) as string[];
    const counts = await Promise.all(names.map((name) => db.tableRows.where('table').equals(name).count()));
    return names.map((name, index) => ({ name, rows: counts[index]! }));
  });
}

function toRecords(table: string, rows: readonly unknown[]): TableRowRecord[] {
  const firstRowWithId = new Map<string, number>();
  return rows.map((row, index) => {
    const position = index + 1;
    if (!isPlainObject(row))
      throw new TableImportError(`row ${position} is ${describe(row)}, not an object with fields`);
    const id = rowId(row.id, position);
    const earlier = firstRowWithId.get(id);
    if (earlier !== undefined)
      throw new TableImportError(`rows ${earlier} and ${position} both have the id "${id}"; ids must be unique`);
    firstRowWithId.set(id, position);
    const stored: TableRow = { ...row, id };
    return { table, id, row: stored };
  });
}

function rowId(id: unknown, position: number): string {
  if (typeof id === 'string' && id !== '') return id;
  if (typeof id === 'number' && Number.isFinite(id)) return String(id);
  if (id === undefined || id === null || id === '') return `row_${position}`;
  throw new TableImportError(`row ${position} has an id that is ${describe(id)}; an id must be text or a number`);
}

/**
 * Parses RFC 4180 CSV whose first record names the columns. Quoted fields may hold commas, line
 * breaks and doubled quotes; records end with CRLF, LF or CR; blank lines are skipped; a quote inside
 * an unquoted field is kept as a character. A value becomes a number only when it is exactly how
 * JavaScript writes that number ("42", "-3.5"), so "007", "1.50", "1e3" and "" stay text and a
 * table exported back gives the same text.
 */
export function parseCsv(text: string): Array<Record<string, string | number>> {
  checkSize(text);
  const records = new CsvReader(text.replace(/^\uFEFF/, '')).records();
  const header = records.shift();
  if (!header) throw new TableImportError('the file is empty: a CSV file starts with a row of column names');
  const columns = checkHeader(header.fields);
  return records.map(({ line, fields }) => {
    if (fields.length !== columns.length) {
      throw new TableImportError(
        `line ${line} has ${fields.length} fields, but the header names ${columns.length} columns`,
      );
    }
    return Object.fromEntries(columns.map((column, index) => [column, csvValue(fields[index]!)]));
  });
}

/** Parses a JSON array of objects (the rows of one table). */
export function parseJsonRows(text: string): Array<Record<string, unknown>> {
  checkSize(text);
  if (text.trim() === '') throw new TableImportError('the file is empty: expected a JSON array of objects');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const located = locateJsonError(text);
    const where = located ? `${located.message} at line ${located.line}, column ${located.column}` : String(error);
    throw new TableImportError(`this is not valid JSON: ${where}`);
  }
  const shapeProblem = checkJsonShape(value);
  if (shapeProblem) throw new TableImportError(`${shapeProblem.message} (at ${shapeProblem.path})`);
  if (!Array.isArray(value)) throw new TableImportError(`expected a JSON array of objects, found ${describe(value)}`);
  value.forEach((item, index) => {
    if (!isPlainObject(item)) throw new TableImportError(`item ${index + 1} is ${describe(item)}, not an object`);
  });
  return value as Array<Record<string, unknown>>;
}

function checkSize(text: string): void {
  // UTF-8 never takes fewer bytes than UTF-16 code units, so a longer text is too large without encoding it.
  const bytes = text.length > MAX_TABLE_IMPORT_BYTES ? text.length : new TextEncoder().encode(text).length;
  if (bytes > MAX_TABLE_IMPORT_BYTES) {
    throw new TableImportError(
      `the file is at least ${formatBytes(bytes)}; the limit is ${formatBytes(MAX_TABLE_IMPORT_BYTES)}`,
    );
  }
}

function checkHeader(columns: string[]): string[] {
  const seen = new Set<string>();
  columns.forEach((column, index) => {
    if (column === '') throw new TableImportError(`column ${index + 1} has no name in the header row`);
    if (seen.has(column)) throw new TableImportError(`the header names the column "${column}" twice`);
    seen.add(column);
  });
  return columns;
}

function csvValue(field: string): string | number {
  const number = Number(field);
  return field !== '' && Number.isFinite(number) && String(number) === field ? number : field;
}

interface CsvRecord {
  /** Line on which the record starts (1-based), for error messages. */
  line: number;
  fields: string[];
  blank: boolean;
}

const FIELD_END = /[,\r\n]/g;
const LINE_BREAK = /\r\n|\r|\n/g;

class CsvReader {
  private pos = 0;
  private line = 1;

  constructor(private readonly text: string) {}

  records(): CsvRecord[] {
    const records: CsvRecord[] = [];
    while (this.pos < this.text.length) {
      const record = this.readRecord();
      if (!record.blank) records.push(record);
    }
    return records;
  }

  private readRecord(): CsvRecord {
    const line = this.line;
    const blank = this.text[this.pos] === '\r' || this.text[this.pos] === '\n';
    const fields: string[] = [];
    for (;;) {
      fields.push(restoreFormula(this.text[this.pos] === '"' ? this.readQuoted() : this.readUnquoted()));
      const end = this.text[this.pos];
      if (end === ',') {
        this.pos++;
        continue;
      }
      if (end !== undefined) {
        this.pos += end === '\r' && this.text[this.pos + 1] === '\n' ? 2 : 1;
        this.line++;
      }
      return { line, fields, blank };
    }
  }

  private readUnquoted(): string {
    FIELD_END.lastIndex = this.pos;
    const end = FIELD_END.exec(this.text)?.index ?? this.text.length;
    const value = this.text.slice(this.pos, end);
    this.pos = end;
    return value;
  }

  private readQuoted(): string {
    const startLine = this.line;
    let value = '';
    let from = this.pos + 1;
    for (;;) {
      const quote = this.text.indexOf('"', from);
      if (quote < 0) throw new TableImportError(`line ${startLine}: a quoted field is never closed`);
      value += this.text.slice(from, quote);
      from = quote + 1;
      if (this.text[from] !== '"') break;
      value += '"';
      from++;
    }
    this.pos = from;
    this.line += value.match(LINE_BREAK)?.length ?? 0;
    const next = this.text[this.pos];
    if (next !== undefined && next !== ',' && next !== '\r' && next !== '\n') {
      throw new TableImportError(
        `line ${this.line}: text after a closing quote; double any quote inside a quoted field`,
      );
    }
    return value;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return 'missing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return 'text';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
