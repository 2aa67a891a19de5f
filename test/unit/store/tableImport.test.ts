import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { TabflowDb } from '../../../src/store/db';
import { DexieEngineStore } from '../../../src/store/engineStore';
import {
  importTableRows,
  listTables,
  MAX_TABLE_IMPORT_BYTES,
  parseCsv,
  parseJsonRows,
  TableImportError,
} from '../../../src/store/tableImport';

describe('parseCsv', () => {
  it('reads a header row and one object per record', () => {
    expect(parseCsv('id,name\nc1,Ada\nc2,Bo\n')).toEqual([
      { id: 'c1', name: 'Ada' },
      { id: 'c2', name: 'Bo' },
    ]);
  });

  it('quoted fields keep commas, doubled quotes and line breaks', () => {
    const text = 'name,note\r\n"Lovelace, Ada","she said ""hi"""\r\n"Bo","line one\r\nline two"\r\n';
    expect(parseCsv(text)).toEqual([
      { name: 'Lovelace, Ada', note: 'she said "hi"' },
      { name: 'Bo', note: 'line one\r\nline two' },
    ]);
  });

  it('records may end with CRLF, LF or CR, and the last one needs no line break', () => {
    expect(parseCsv('a,b\r\n1,x\n2,y\r3,z')).toEqual([
      { a: 1, b: 'x' },
      { a: 2, b: 'y' },
      { a: 3, b: 'z' },
    ]);
  });

  it('a value becomes a number only when it is written exactly as JavaScript writes that number', () => {
    const [row] = parseCsv('a,b,c,d,e,f,g,h,i,j,k\n42,-3.5,007,1.50,1e3,,NaN,Infinity, 7,0x1F,12345678901234567890\n');
    expect(row).toEqual({
      a: 42,
      b: -3.5,
      c: '007',
      d: '1.50',
      e: '1e3',
      f: '',
      g: 'NaN',
      h: 'Infinity',
      i: ' 7',
      j: '0x1F',
      k: '12345678901234567890',
    });
  });

  it('quoted numbers, empty quoted fields and trailing empty fields are kept', () => {
    expect(parseCsv('a,b,c\n"42","",\n')).toEqual([{ a: 42, b: '', c: '' }]);
  });

  it('blank lines are skipped, a byte-order mark is ignored, and a quote inside an unquoted field is kept', () => {
    expect(parseCsv('\uFEFFsize,label\n\n5",TV\r\n\r\n')).toEqual([{ size: '5"', label: 'TV' }]);
  });

  it('a header-only file has no rows', () => {
    expect(parseCsv('id,name\r\n')).toEqual([]);
  });

  it('a header named __proto__ becomes an ordinary field', () => {
    const [row] = parseCsv('__proto__,x\nevil,1\n');
    expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
    expect(Object.hasOwn(row!, '__proto__')).toBe(true);
  });

  it.each([
    ['', /the file is empty/],
    ['a,b\n1,2,3\n', /line 2 has 3 fields, but the header names 2 columns/],
    ['a,b\n"x\n', /line 2: a quoted field is never closed/],
    ['a\n"x"y\n', /line 2: text after a closing quote/],
    ['a,,c\n', /column 2 has no name/],
    ['a,b,a\n', /names the column "a" twice/],
    ['a\n"multi\nline"\n1,2\n', /line 4 has 2 fields/],
  ])('refuses %j with a readable error', (text, message) => {
    expect(() => parseCsv(text)).toThrow(TableImportError);
    expect(() => parseCsv(text)).toThrow(message);
  });

  it('refuses a file over 5 MB before parsing it', () => {
    const text = 'a\n' + 'x'.repeat(MAX_TABLE_IMPORT_BYTES);
    expect(() => parseCsv(text)).toThrow(/the limit is 5\.0 MB/);
  });

  it('counts the 5 MB limit in UTF-8 bytes, not characters', () => {
    const text = 'a\n' + 'é'.repeat(MAX_TABLE_IMPORT_BYTES / 2);
    expect(text.length).toBeLessThan(MAX_TABLE_IMPORT_BYTES);
    expect(() => parseCsv(text)).toThrow(/the limit is 5\.0 MB/);
  });
});

describe('parseJsonRows', () => {
  it('reads an array of objects', () => {
    expect(parseJsonRows('[{"id":"c1","n":1},{"name":"Bo"}]')).toEqual([{ id: 'c1', n: 1 }, { name: 'Bo' }]);
  });

  it.each([
    ['', /the file is empty/],
    ['{"id":"c1"}', /expected a JSON array of objects, found an object/],
    ['[{"id":"c1"}, 3]', /item 2 is a number, not an object/],
    ['[[1]]', /item 1 is a list/],
    ['[{"id": }]', /not valid JSON: .*line 1, column/],
    ['[{"__proto__": {"admin": true}}]', /__proto__/],
  ])('refuses %j with a readable error', (text, message) => {
    expect(() => parseJsonRows(text)).toThrow(TableImportError);
    expect(() => parseJsonRows(text)).toThrow(message);
  });
});

describe('importTableRows and listTables', () => {
  const opened: TabflowDb[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((db) => db.delete()));
  });
  function freshDb(): TabflowDb {
    const db = new TabflowDb('t-' + crypto.randomUUID());
    opened.push(db);
    return db;
  }

  it('imported rows are what queryTable returns, user objects intact, ids kept or assigned by position', async () => {
    const db = freshDb();
    const rows = [
      { id: 'c1', name: 'Ada', tags: ['vip'] },
      { name: 'Bo' },
      { id: 7, name: 'Cy' },
      { id: '', name: 'Di' },
    ];
    expect(await importTableRows(db, 'customers', rows)).toBe(4);
    const stored = await new DexieEngineStore(db).queryTable('customers', {}, 10);
    expect(stored).toEqual([
      { id: '7', name: 'Cy' },
      { id: 'c1', name: 'Ada', tags: ['vip'] },
      { id: 'row_2', name: 'Bo' },
      { id: 'row_4', name: 'Di' },
    ]);
    expect(await db.tableRows.get(['customers', 'c1'])).toEqual({ table: 'customers', id: 'c1', row: rows[0] });
  });

  it('an import replaces every row of that table and no other table', async () => {
    const db = freshDb();
    await importTableRows(db, 'customers', [{ id: 'a' }, { id: 'b' }, { id: 'c' }]);
    await importTableRows(db, 'orders', [{ id: 'o1' }]);
    await importTableRows(db, 'customers', parseCsv('id,name\nz,Zed\n'));
    expect(await listTables(db)).toEqual([
      { name: 'customers', rows: 1 },
      { name: 'orders', rows: 1 },
    ]);
  });

  it('a refused import leaves the existing rows untouched', async () => {
    const db = freshDb();
    await importTableRows(db, 'customers', [{ id: 'a' }]);
    await expect(importTableRows(db, 'customers', [{ id: 'x' }, 'not a row'])).rejects.toThrow(
      /row 2 is text, not an object/,
    );
    await expect(importTableRows(db, 'customers', [{ id: 'x' }, { id: 'x' }])).rejects.toThrow(
      /rows 1 and 2 both have the id "x"/,
    );
    await expect(importTableRows(db, 'customers', [{ id: true }])).rejects.toThrow(/row 1 has an id that is a boolean/);
    await expect(importTableRows(db, ' ', [])).rejects.toThrow(/needs a name/);
    expect(await listTables(db)).toEqual([{ name: 'customers', rows: 1 }]);
  });

  it('an empty database has no tables', async () => {
    expect(await listTables(freshDb())).toEqual([]);
  });
});
