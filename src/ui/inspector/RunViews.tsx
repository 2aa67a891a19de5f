import { useCallback, useId, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import type { RunRecord, StepRecord } from '../../engine/records';
import { runViewOfRoute, type RunView } from '../routing/routes';
import { useUi } from '../state';
import './inspector.css';
import { RunGraph } from './RunGraph';
import { RunTimeline } from './RunTimeline';
import { useJournalRecords } from './useJournalRecords';

const NO_RECORDS: readonly StepRecord[] = [];

const VIEWS: ReadonlyArray<{ view: RunView; label: string }> = [
  { view: 'steps', label: 'Steps' },
  { view: 'graph', label: 'Graph' },
  { view: 'timeline', label: 'Timeline' },
];

/**
 * A run's three views: its step list (`children`), its workflow's graph with each step's live state, and a
 * timeline of every attempt and wait. Opening a step from the graph or the timeline selects it (its
 * address), as a row of the list does.
 */
export function RunViews({ run, children }: { run: RunRecord; children: ReactNode }) {
  // The addressed run's view is part of its address (`…/view=timeline`): a reload, Back and Forward restore it.
  // A run shown inside it (a subworkflow step's child run) keeps its own.
  const addressed = useUi((s) => s.selectedRunId === run.id);
  const addressedView = useUi((s) => runViewOfRoute(s.route));
  const showRunView = useUi((s) => s.showRunView);
  const [ownView, setOwnView] = useState<RunView>('steps');
  const view = addressed ? addressedView : ownView;
  const setView = addressed ? showRunView : setOwnView;
  // The whole journal only for the graph and the timeline (read incrementally): the step list reads a window of it.
  const records = useJournalRecords(run.id, view !== 'steps', run.restartedFrom?.at) ?? NO_RECORDS;
  const showStep = useUi((s) => s.showStep);
  const id = useId();
  const tabs = useRef<Array<HTMLButtonElement | null>>([]);
  // The step's address: the run detail shows the selected step's inspector beside these views.
  const openStep = useCallback((stepKey: string) => showStep(run.id, stepKey), [showStep, run.id]);
  // Arrow keys, Home and End move between the tabs (the WAI-ARIA tabs pattern), selecting as they go.
  const onKeyDown = (event: KeyboardEvent) => {
    const at = VIEWS.findIndex((v) => v.view === view);
    const to =
      event.key === 'ArrowRight'
        ? (at + 1) % VIEWS.length
        : event.key === 'ArrowLeft'
          ? (at + VIEWS.length - 1) % VIEWS.length
          : event.key === 'Home'
            ? 0
            : event.key === 'End'
              ? VIEWS.length - 1
              : undefined;
    if (to === undefined) return;
    event.preventDefault();
    setView(VIEWS[to]!.view);
    tabs.current[to]?.focus();
  };
  return (
    <div className="run-views">
      <div className="tabs run-view-tabs" role="tablist" aria-label="Run views" onKeyDown={onKeyDown}>
        {VIEWS.map(({ view: value, label }, index) => (
          <button
            key={value}
            ref={(button) => {
              tabs.current[index] = button;
            }}
            id={`${id}-${value}`}
            type="button"
            role="tab"
            aria-selected={view === value}
            aria-controls={`${id}-panel`}
            tabIndex={view === value ? 0 : -1}
            className={view === value ? 'tab tab-active' : 'tab'}
            onClick={() => setView(value)}>
            {label}
          </button>
        ))}
      </div>
      <div id={`${id}-panel`} role="tabpanel" aria-labelledby={`${id}-${view}`} className="run-view-panel">
        {view === 'steps' && children}
        {view === 'graph' && <RunGraph run={run} records={records} onOpenStep={openStep} />}
        {view === 'timeline' && <RunTimeline run={run} records={records} onOpenStep={openStep} />}
      </div>
    </div>
  );
}
