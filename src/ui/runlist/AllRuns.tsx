import { useCallback, useMemo } from 'react';
import { RUN_STATUSES, type RunRecord } from '../../engine/records';
import { routeHref, workflowRoute } from '../routing/routes';
import { STATUS_LABEL } from '../runs/format';
import { useUi } from '../state';
import { filterRuns, type RunFilters } from './filters';
import { RunRow } from './RunRow';
import { useRunIndex } from './useRunIndex';
import { VirtualRows } from './VirtualRows';
import './runlist.css';

/** Every run of every workflow (`#/runs`), newest first, filtered by what its address says. */
export function AllRuns({ filters }: { filters: RunFilters }) {
  const runs = useRunIndex();
  const all = runs.status === 'ready' ? runs.value : NO_RUNS;
  const shown = useMemo(() => filterRuns(all, filters), [all, filters]);
  return (
    <section className="all-runs" aria-labelledby="all-runs-title">
      <h2 id="all-runs-title" className="all-runs-title">
        All runs
      </h2>
      <RunFilterBar filters={filters} runs={all} />
      {runs.status === 'loading' ? (
        <p className="muted">Loading runs…</p>
      ) : (
        <>
          <p className="muted all-runs-count" aria-live="polite" data-testid="run-count">
            {shown.length === all.length
              ? `${all.length} run${all.length === 1 ? '' : 's'}`
              : `${shown.length} of ${all.length} runs`}
          </p>
          {shown.length === 0 ? <NoRuns filtered={all.length > 0} /> : <RunLines runs={shown} />}
        </>
      )}
    </section>
  );
}

const NO_RUNS: RunRecord[] = [];

function RunLines({ runs }: { runs: readonly RunRecord[] }) {
  const rowKey = useCallback((index: number) => runs[index]!.id, [runs]);
  return (
    <VirtualRows
      as="ul"
      label="Runs"
      listClassName="all-runs-list"
      scrollerClassName="all-runs-scroller"
      count={runs.length}
      rowKey={rowKey}
      estimateRowPx={96}
      gapPx={4}
      renderRow={(index) => {
        const run = runs[index]!;
        // A run of no saved workflow is listed, and has no screen of its own.
        const href =
          run.workflowId === undefined
            ? undefined
            : routeHref(workflowRoute(run.workflowId, { tab: 'runs', runId: run.id }));
        return <RunRow run={run} showWorkflow open={href === undefined ? undefined : { href }} />;
      }}
    />
  );
}

function NoRuns({ filtered }: { filtered: boolean }) {
  const showAllRuns = useUi((s) => s.showAllRuns);
  if (!filtered) return <p className="muted">No runs yet. Open a workflow and press “Run”.</p>;
  return (
    <p className="muted">
      No run matches these filters.{' '}
      <button type="button" className="link-button" onClick={() => showAllRuns({})}>
        Clear the filters
      </button>
    </p>
  );
}

/** Status, workflow, days and search; each change is the address's (a search edits its entry in place). */
function RunFilterBar({ filters, runs }: { filters: RunFilters; runs: readonly RunRecord[] }) {
  const showAllRuns = useUi((s) => s.showAllRuns);
  const workflows = useMemo(() => workflowsOf(runs, filters.workflowId), [runs, filters.workflowId]);
  const set = (change: Partial<RunFilters>, replace = false) => {
    const next: RunFilters = { ...filters, ...change };
    for (const field of Object.keys(next) as Array<keyof RunFilters>) if (!next[field]) delete next[field];
    showAllRuns(next, { replace });
  };
  return (
    <form className="run-filters" role="search" aria-label="Filter runs" onSubmit={(e) => e.preventDefault()}>
      <label>
        Status
        <select value={filters.status ?? ''} onChange={(e) => set({ status: (e.target.value || undefined) as never })}>
          <option value="">Any status</option>
          {RUN_STATUSES.map((status) => (
            <option key={status} value={status}>
              {STATUS_LABEL[status]}
            </option>
          ))}
        </select>
      </label>
      <label>
        Workflow
        <select value={filters.workflowId ?? ''} onChange={(e) => set({ workflowId: e.target.value })}>
          <option value="">Any workflow</option>
          {workflows.map(([id, name]) => (
            <option key={id} value={id}>
              {name}
            </option>
          ))}
        </select>
      </label>
      <label>
        From
        <input type="date" value={filters.from ?? ''} onChange={(e) => set({ from: e.target.value })} />
      </label>
      <label>
        To
        <input type="date" value={filters.to ?? ''} onChange={(e) => set({ to: e.target.value })} />
      </label>
      <label>
        Experiments’ runs
        <select
          value={filters.experiments ?? ''}
          onChange={(e) => set({ experiments: (e.target.value || undefined) as RunFilters['experiments'] })}>
          <option value="">Left out</option>
          <option value="include">Included</option>
          <option value="only">Only these</option>
        </select>
      </label>
      <label className="run-search">
        Search runs
        <input
          type="search"
          value={filters.query ?? ''}
          placeholder="Run id, input or error"
          onChange={(e) => set({ query: e.target.value }, true)}
        />
      </label>
    </form>
  );
}

/** The workflows that have runs, by name (the newest run's name for each), plus the one filtered on. */
function workflowsOf(runs: readonly RunRecord[], chosen: string | undefined): Array<[string, string]> {
  const names = new Map<string, string>();
  for (const run of runs)
    if (run.workflowId !== undefined && !names.has(run.workflowId)) names.set(run.workflowId, run.workflowName);
  if (chosen !== undefined && !names.has(chosen)) names.set(chosen, `${chosen} (no runs)`);
  return [...names].sort((a, b) => a[1].localeCompare(b[1]));
}
