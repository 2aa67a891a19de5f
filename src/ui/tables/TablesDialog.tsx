import { useLiveQuery } from 'dexie-react-hooks';
import { useState, type ChangeEvent } from 'react';
import { resetDemoCustomers } from '../../store/demoData';
import { importTableRows, listTables, MAX_TABLE_IMPORT_BYTES, parseCsv, parseJsonRows } from '../../store/tableImport';
import { formatBytes } from '../../schema/share';
import { Dialog } from '../common/Dialog';
import { useDb } from '../DbContext';
import { useUi } from '../state';
import { errorMessage } from '../../schema/errorMessage';

const ROWS_SHOWN = 100;

/** "Customer list (2024).csv" → "customer_list_2024": a name steps can use in `table`. */
export function tableNameFromFile(fileName: string): string {
  const base = fileName
    .replace(/\.[^.]+$/, '')
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return /^[a-z_]/.test(base) ? base.slice(0, 64) : `t_${base}`.slice(0, 64);
}

/** Local tables that table steps and tools read and write: list, look inside, import CSV or JSON. */
export function TablesDialog() {
  const db = useDb();
  const closeDialog = useUi((s) => s.closeDialog);
  const showToast = useUi((s) => s.showToast);
  const tables = useLiveQuery(() => listTables(db), [db]);
  const [open, setOpen] = useState<string | null>(null);
  const shown = open ?? tables?.[0]?.name ?? null;

  async function onFile(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (!file) return;
    try {
      if (file.size > MAX_TABLE_IMPORT_BYTES)
        throw new Error(
          `${file.name} is ${formatBytes(file.size)}; tables can be at most ${formatBytes(MAX_TABLE_IMPORT_BYTES)}`,
        );
      const text = await file.text();
      const rows = /\.json$/i.test(file.name) ? parseJsonRows(text) : parseCsv(text);
      const name = tableNameFromFile(file.name);
      const count = await importTableRows(db, name, rows);
      setOpen(name);
      showToast({ message: `Imported ${count} rows into the table “${name}”`, tone: 'success' });
    } catch (error) {
      showToast({ message: errorMessage(error), tone: 'error' });
    }
  }

  return (
    <Dialog label="Tables" onClose={closeDialog} wide>
      <div className="tables-dialog">
        <p className="muted">
          Local tables live in this browser. Steps use them with <code>table.query</code> / <code>table.update</code>;
          agents with the table tools.
        </p>
        <div className="toolbar">
          <label className="button">
            Import CSV or JSON…
            <input type="file" accept=".csv,.json,text/csv,application/json" hidden onChange={(e) => void onFile(e)} />
          </label>
          <button
            type="button"
            className="button"
            onClick={() =>
              void resetDemoCustomers(db).then(() => {
                setOpen('customers');
                showToast({ message: 'The demo customers are back as they were', tone: 'success' });
              })
            }>
            Reset demo customers
          </button>
        </div>
        {tables && tables.length === 0 && <p className="muted">No tables yet.</p>}
        <div className="tables-layout">
          <ul className="tables-list" aria-label="Tables">
            {(tables ?? []).map((t) => (
              <li key={t.name}>
                <button
                  type="button"
                  className={t.name === shown ? 'run-item run-item-active' : 'run-item'}
                  data-table-name={t.name}
                  onClick={() => setOpen(t.name)}>
                  {t.name}
                  <span className="muted">{t.rows} rows</span>
                </button>
              </li>
            ))}
          </ul>
          {shown && <TableRows table={shown} />}
        </div>
      </div>
    </Dialog>
  );
}

function TableRows({ table }: { table: string }) {
  const db = useDb();
  const rows = useLiveQuery(() => db.tableRows.where('table').equals(table).limit(ROWS_SHOWN).toArray(), [db, table]);
  if (!rows) return null;
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r.row)))];
  return (
    <div className="table-rows">
      <table aria-label={`Rows of ${table}`}>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c}>{c}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id}>
              {columns.map((c) => (
                <td key={c}>
                  {c === 'id' ? (
                    formatCell(r.row[c])
                  ) : (
                    <EditableCell
                      value={r.row[c]}
                      label={`${c} of ${r.id}`}
                      onSave={(next) => void db.tableRows.put({ ...r, row: { ...r.row, [c]: next } })}
                    />
                  )}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length === ROWS_SHOWN && <p className="muted">Showing the first {ROWS_SHOWN} rows.</p>}
    </div>
  );
}

/** A cell edited in place: Enter or leaving the field saves; Escape puts the old value back. Numbers stay numbers. */
function EditableCell({ value, label, onSave }: { value: unknown; label: string; onSave(next: unknown): void }) {
  const [draft, setDraft] = useState<string | null>(null);
  const shown = formatCell(value);
  const commit = () => {
    if (draft === null || draft === shown) return setDraft(null);
    const asNumber = Number(draft);
    onSave(typeof value === 'number' && draft.trim() !== '' && Number.isFinite(asNumber) ? asNumber : draft);
    setDraft(null);
  };
  return (
    <input
      className="cell-input"
      aria-label={label}
      value={draft ?? shown}
      onChange={(e) => setDraft(e.target.value)}
      onBlur={commit}
      onKeyDown={(e) => {
        if (e.key === 'Enter') commit();
        if (e.key === 'Escape') {
          e.stopPropagation();
          setDraft(null);
        }
      }}
    />
  );
}

function formatCell(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}
