import { useEffect, useState } from 'react';
import { CELL_STATUSES, type CellStatus } from '../../../schema/experiment';
import type { ResultFilter } from './sortFilter';

interface ResultsFiltersProps {
  filter: ResultFilter;
  evaluators: ReadonlyArray<{ id: string; label: string }>;
  onChange(filter: ResultFilter): void;
  shown: number;
  total: number;
  filtering: boolean;
  onExport(format: 'csv' | 'json'): void;
}

/** Typing settles this long before the table filters (each filter reads every row). */
const SEARCH_SETTLE_MS = 250;

/** The select's values: "" (no filter), "any", or "evaluator:" and the id (an id can never read as "any"). */
function checkOptionValue(check: ResultFilter['failedCheck']): string {
  if (!check) return '';
  return check.kind === 'any' ? 'any' : `evaluator:${check.evaluatorId}`;
}

function checkFilterOf(value: string): ResultFilter['failedCheck'] {
  if (value === 'any') return { kind: 'any' };
  return value.startsWith('evaluator:')
    ? { kind: 'evaluator', evaluatorId: value.slice('evaluator:'.length) }
    : undefined;
}

/** Status, failed-check and text filters, the count of rows shown, and the export buttons. */
export function ResultsFilters({
  filter,
  evaluators,
  onChange,
  shown,
  total,
  filtering,
  onExport,
}: ResultsFiltersProps) {
  const [text, setText] = useState(filter.text ?? '');
  useEffect(() => {
    if (text === (filter.text ?? '')) return;
    const timer = setTimeout(() => onChange({ ...filter, text }), SEARCH_SETTLE_MS);
    return () => clearTimeout(timer);
  }, [text, filter, onChange]);
  return (
    <div className="results-filters" role="search" aria-label="Filter results">
      <label>
        Status
        <select
          value={filter.status ?? ''}
          onChange={(event) =>
            onChange({ ...filter, status: (event.target.value || undefined) as CellStatus | undefined })
          }>
          <option value="">any</option>
          {CELL_STATUSES.map((status) => (
            <option key={status} value={status}>
              {status}
            </option>
          ))}
        </select>
      </label>
      {evaluators.length > 0 && (
        <label>
          Failed check
          <select
            value={checkOptionValue(filter.failedCheck)}
            onChange={(event) => onChange({ ...filter, failedCheck: checkFilterOf(event.target.value) })}>
            <option value="">—</option>
            <option value="any">any check</option>
            {evaluators.map((evaluator) => (
              <option key={evaluator.id} value={`evaluator:${evaluator.id}`}>
                {evaluator.label}
              </option>
            ))}
          </select>
        </label>
      )}
      <label>
        Search
        <input
          type="search"
          value={text}
          placeholder="inputs, outputs, errors"
          onChange={(e) => setText(e.target.value)}
        />
      </label>
      <p className="results-count" aria-live="polite">
        {filtering
          ? `${shown.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} rows`
          : `${total.toLocaleString('en-US')} rows`}
      </p>
      <div className="results-export">
        <button
          type="button"
          className="button button-small"
          title="Text that a spreadsheet would run as a formula (starting with =, +, -, @) is written with a ' in front"
          onClick={() => onExport('csv')}>
          Export CSV
        </button>
        <button type="button" className="button button-small" onClick={() => onExport('json')}>
          Export JSON
        </button>
      </div>
    </div>
  );
}
