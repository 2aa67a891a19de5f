import { useId } from 'react';
import type { ExperimentRow } from '../../schema/experiment';
import type { ExperimentInput, RowCheck } from '../../schema/experimentRows';

const PREVIEW_ROWS = 10;

interface MappingSectionProps {
  inputs: readonly ExperimentInput[];
  columns: readonly string[];
  mapping: Record<string, string>;
  expectedColumn: string;
  onMap(input: string, column: string): void;
  onExpected(column: string): void;
}

const KIND_LABEL: Record<ExperimentInput['kind'], string> = {
  text: 'text',
  number: 'number',
  integer: 'whole number',
  boolean: 'true/false',
  json: 'list or object',
  any: 'any value',
};

/** One select per workflow input (filled by name where a column matches), and the optional expected column. */
export function MappingSection({ inputs, columns, mapping, expectedColumn, onMap, onExpected }: MappingSectionProps) {
  const expectedId = useId();
  return (
    <fieldset className="experiment-section">
      <legend className="section-title">Columns</legend>
      {inputs.length === 0 && <p className="muted">This workflow reads no inputs: each row runs it as it is.</p>}
      <div className="experiment-mapping">
        {inputs.map((input) => (
          <MappingRow
            key={input.name}
            input={input}
            columns={columns}
            column={mapping[input.name] ?? ''}
            onMap={onMap}
          />
        ))}
        <label htmlFor={expectedId}>
          Expected <span className="muted">(optional; evaluators can compare with it)</span>
        </label>
        <select id={expectedId} value={expectedColumn} onChange={(e) => onExpected(e.target.value)}>
          <option value="">No expected column</option>
          {columns.map((column) => (
            <option key={column} value={column}>
              {column}
            </option>
          ))}
        </select>
      </div>
    </fieldset>
  );
}

function MappingRow(props: {
  input: ExperimentInput;
  columns: readonly string[];
  column: string;
  onMap(input: string, column: string): void;
}) {
  const { input, columns, column, onMap } = props;
  const id = useId();
  return (
    <>
      <label htmlFor={id}>
        {input.name}
        {input.required ? ' *' : ''} <span className="muted">({KIND_LABEL[input.kind]})</span>
      </label>
      <select id={id} value={column} onChange={(e) => onMap(input.name, e.target.value)}>
        <option value="">{input.required ? 'Choose a column…' : 'Leave empty'}</option>
        {columns.map((name) => (
          <option key={name} value={name}>
            {name}
          </option>
        ))}
      </select>
    </>
  );
}

/** Every problem of the rows at once, and what was converted (e.g. text to numbers). */
export function RowProblems({ check, malformed }: { check: RowCheck | null; malformed: string | null }) {
  const problems = malformed ? [malformed] : (check?.problems.map((p) => p.message) ?? []);
  return (
    <>
      {problems.length > 0 && (
        <div className="form-error experiment-problems" role="alert">
          <p>
            {problems.length === 1 ? 'One problem' : `${problems.length} problems`} to fix before the experiment can
            start:
          </p>
          <ul>
            {problems.map((message, index) => (
              <li key={index}>{message}</li>
            ))}
          </ul>
        </div>
      )}
      {check && check.coercions.length > 0 && (
        <ul className="experiment-coercions muted" aria-label="Converted values">
          {check.coercions.map((c) => (
            <li key={c.column}>
              “{c.column}”: {c.rows.toLocaleString('en')} value{c.rows === 1 ? '' : 's'} read as{' '}
              {c.to === 'json' ? 'JSON' : c.to}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

/** The first rows as each will run: the value every input gets (converted), and the expected value. */
export function RowPreview(props: {
  inputs: readonly ExperimentInput[];
  mapping: Record<string, string>;
  expectedColumn: string;
  rows: readonly ExperimentRow[];
}) {
  const { inputs, mapping, expectedColumn, rows } = props;
  const shown = rows.slice(0, PREVIEW_ROWS);
  if (shown.length === 0) return null;
  return (
    <div className="experiment-preview">
      <table aria-label={`The first ${shown.length} rows as they will run`}>
        <thead>
          <tr>
            <th scope="col">Row</th>
            {inputs.map((input) => (
              <th key={input.name} scope="col">
                {input.name}
              </th>
            ))}
            {expectedColumn && <th scope="col">expected</th>}
          </tr>
        </thead>
        <tbody>
          {shown.map((row, index) => (
            <tr key={index}>
              <th scope="row">{index + 1}</th>
              {inputs.map((input) => (
                <td key={input.name}>{cellText(mapping[input.name] ? row[mapping[input.name]!] : undefined)}</td>
              ))}
              {expectedColumn && <td>{cellText(row[expectedColumn])}</td>}
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length > shown.length && (
        <p className="muted">and {(rows.length - shown.length).toLocaleString('en')} more rows</p>
      )}
    </div>
  );
}

function cellText(value: unknown): string {
  if (value === undefined || value === null) return '—';
  return typeof value === 'string' ? value : JSON.stringify(value);
}
