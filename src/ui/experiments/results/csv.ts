import { neutraliseFormula } from '../../../schema/csvFormula';
import type { Scalar } from './flatten';

/**
 * Pure: RFC 4180 CSV. A field is quoted when it holds a comma, a quote, a line break or starts or ends with
 * a space (doubled quotes inside); records end with CRLF. A cell a spreadsheet would read as a formula
 * (`=`, `+`, `-`, `@`, tab, CR first) gets a `'` in front (`schema/csvFormula.ts`). `parseCsv`
 * (src/store/tableImport.ts) reads it back to the same text.
 */

const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;

/** A value as CSV text: nothing for a missing value, JSON for anything that is not a scalar. */
export function csvText(value: Scalar | undefined): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : String(value);
}

export function csvField(raw: string): string {
  const text = neutraliseFormula(raw);
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Header and records as one CSV text. Header names must be unique (see `uniqueHeaders`). */
export function writeCsv(header: readonly string[], records: ReadonlyArray<ReadonlyArray<Scalar | undefined>>) {
  const lines = [header.map(csvField).join(',')];
  for (const record of records) lines.push(record.map((value) => csvField(csvText(value))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/** Names made unique by a ` (2)`, ` (3)` suffix: a CSV header names each column once. */
export function uniqueHeaders(names: readonly string[]): string[] {
  const used = new Set<string>();
  return names.map((name) => {
    let candidate = name === '' ? 'column' : name;
    for (let n = 2; used.has(candidate); n++) candidate = `${name} (${n})`;
    used.add(candidate);
    return candidate;
  });
}
