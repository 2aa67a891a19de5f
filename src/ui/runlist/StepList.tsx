import { useCallback, useState } from 'react';
import type { RunRecord } from '../../engine/records';
import { StepRow } from '../runs/StepRow';
import { useUi } from '../state';
import { windowPages, WINDOW_PAGE_ROWS, type JournalOutline } from './journalOutline';
import { useJournalWindow } from './useJournal';
import { VirtualRows } from './VirtualRows';

const NO_ROWS: JournalOutline['rows'] = [];

interface StepListProps {
  run: RunRecord;
  outline: JournalOutline | undefined;
  names: ReadonlyMap<string, string>;
  onError(error: unknown): void;
}

/**
 * The run's steps in recording order, each with its effects. Only the rows in view (and a page either
 * side) are read from the journal and drawn, so a run of 10,000 steps opens as fast as one of ten.
 */
export function StepList({ run, outline, names, onError }: StepListProps) {
  const rows = outline?.rows ?? NO_ROWS;
  const [pages, setPages] = useState({ from: 0, to: 2 * WINDOW_PAGE_ROWS });
  const window = useJournalWindow(run.id, outline, pages.from, pages.to);
  const selectedKey = useUi((s) => (s.selectedRunId === run.id ? s.selectedStepKey : null));
  const selectedIndex = selectedKey === null ? -1 : rows.findIndex((row) => row.key === selectedKey);
  const count = rows.length;
  const rowKey = useCallback((index: number) => rows[index]!.key, [rows]);
  const onVisibleRange = useCallback(
    (first: number, last: number) =>
      setPages((shown) => {
        const next = windowPages(first, last, count);
        return next.from === shown.from && next.to === shown.to ? shown : next;
      }),
    [count],
  );
  const renderRow = (index: number) => {
    const key = rows[index]!.key;
    const step = window?.records.get(key);
    if (!step)
      return (
        <li className="step-row step-row-loading" data-step-key={key} aria-busy="true">
          Loading step…
        </li>
      );
    return (
      <StepRow run={run} step={step} onError={onError} effects={window!.effectsOf(key)} name={names.get(step.slug)} />
    );
  };
  return (
    <VirtualRows
      as="ol"
      label="Steps"
      listClassName="step-list"
      scrollerClassName="step-scroller"
      count={count}
      rowKey={rowKey}
      renderRow={renderRow}
      estimateRowPx={40}
      gapPx={6}
      onVisibleRange={onVisibleRange}
      scrollToIndex={selectedIndex}
    />
  );
}
