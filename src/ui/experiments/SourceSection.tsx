import { useLiveQuery } from 'dexie-react-hooks';
import { useId, useState, type DragEvent } from 'react';
import { formatBytes } from '../../schema/share';
import { listTables, MAX_TABLE_IMPORT_BYTES } from '../../store/tableImport';
import { useDb } from '../DbContext';
import { rowsFromFile, rowsOfList, rowsOfTable, type LoadedRows } from './setupDraft';

type SourceKind = 'table' | 'file' | 'list';

interface SourceSectionProps {
  loaded: LoadedRows | null;
  /** The column a pasted list fills (the workflow's first input). */
  listColumn: string;
  onLoad(rows: LoadedRows | null): void;
}

/** Where the rows come from: a local table, a CSV/JSON file (picked or dropped), or a pasted list. */
export function SourceSection({ loaded, listColumn, onLoad }: SourceSectionProps) {
  const [kind, setKind] = useState<SourceKind>(loaded?.source.kind ?? 'file');
  const name = useId();
  const choose = (next: SourceKind) => {
    setKind(next);
    onLoad(null);
  };
  return (
    <fieldset className="experiment-section">
      <legend className="section-title">Rows</legend>
      <div className="experiment-choices" role="radiogroup" aria-label="Where the rows come from">
        {(
          [
            ['file', 'A CSV or JSON file'],
            ['table', 'A local table'],
            ['list', 'A pasted list'],
          ] as const
        ).map(([value, label]) => (
          <label key={value} className="field-inline">
            <input type="radio" name={name} checked={kind === value} onChange={() => choose(value)} />
            {label}
          </label>
        ))}
      </div>
      {kind === 'file' && <FileSource onLoad={onLoad} />}
      {kind === 'table' && <TableSource onLoad={onLoad} />}
      {kind === 'list' && <ListSource column={listColumn} onLoad={onLoad} />}
      {loaded?.kind === 'rows' && (
        <p className="muted" aria-live="polite">
          {loaded.rows.length.toLocaleString('en')} row{loaded.rows.length === 1 ? '' : 's'}, columns:{' '}
          {loaded.columns.join(', ') || 'none'}
        </p>
      )}
    </fieldset>
  );
}

function FileSource({ onLoad }: { onLoad(rows: LoadedRows): void }) {
  const [over, setOver] = useState(false);
  const [chosen, setChosen] = useState<string | null>(null);
  async function read(file: File | undefined) {
    if (!file) return;
    setChosen(file.name);
    const format = /\.json$/i.test(file.name) ? 'json' : 'csv';
    if (file.size > MAX_TABLE_IMPORT_BYTES) {
      const limit = formatBytes(MAX_TABLE_IMPORT_BYTES);
      const message = `${file.name} is ${formatBytes(file.size)}; a file can be at most ${limit}`;
      return onLoad({ kind: 'malformed', source: { kind: 'file', fileName: file.name, format }, message });
    }
    onLoad(rowsFromFile(file.name, await file.text()));
  }
  const onDrop = (event: DragEvent) => {
    // The page's drop handler (which imports workflows) leaves a drop on a `data-drop-zone` alone.
    event.preventDefault();
    setOver(false);
    void read(event.dataTransfer.files[0]);
  };
  return (
    <div
      className={over ? 'experiment-drop experiment-drop-over' : 'experiment-drop'}
      data-drop-zone=""
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={onDrop}>
      <label className="button">
        Choose a file…
        <input
          type="file"
          className="visually-hidden"
          accept=".csv,.json,text/csv,application/json"
          aria-label="Rows file (CSV or JSON)"
          onChange={(e) => {
            const file = e.target.files?.[0];
            e.target.value = '';
            void read(file);
          }}
        />
      </label>
      <span className="muted">{chosen ?? 'or drop a CSV or JSON file here'}</span>
    </div>
  );
}

function TableSource({ onLoad }: { onLoad(rows: LoadedRows | null): void }) {
  const db = useDb();
  const tables = useLiveQuery(() => listTables(db), [db]);
  const [table, setTable] = useState('');
  const id = useId();
  async function choose(name: string) {
    setTable(name);
    if (!name) return onLoad(null);
    const records = await db.tableRows.where('table').equals(name).toArray();
    onLoad(
      rowsOfTable(
        name,
        records.map((record) => record.row),
      ),
    );
  }
  if (tables && tables.length === 0) return <p className="muted">No local tables yet: import one under Tables.</p>;
  return (
    <div className="field-inline">
      <label htmlFor={id}>Table</label>
      <select id={id} value={table} onChange={(e) => void choose(e.target.value)}>
        <option value="">Choose a table…</option>
        {(tables ?? []).map((t) => (
          <option key={t.name} value={t.name}>
            {t.name} ({t.rows.toLocaleString('en')} row{t.rows === 1 ? '' : 's'})
          </option>
        ))}
      </select>
    </div>
  );
}

function ListSource({ column, onLoad }: { column: string; onLoad(rows: LoadedRows | null): void }) {
  const [text, setText] = useState('');
  const id = useId();
  return (
    <div className="experiment-list-source">
      <label htmlFor={id} className="field-label">
        One value per line (the column “{column}”)
      </label>
      <textarea
        id={id}
        rows={5}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          onLoad(e.target.value.trim() === '' ? null : rowsOfList(e.target.value, column));
        }}
      />
    </div>
  );
}
