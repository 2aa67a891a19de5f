import { useCallback, useMemo, useState } from 'react';
import { FINISHED_RUN_STATUSES, type RunRecord } from '../../engine/records';
import { useUi } from '../state';
import { AddressedRun } from '../routing/RunAddress';
import { ExperimentRunsToggle } from '../runlist/ExperimentRunsToggle';
import { keepsExperimentRun } from '../runlist/filters';
import { RunRow } from '../runlist/RunRow';
import { useRunIndex } from '../runlist/useRunIndex';
import { VirtualRows } from '../runlist/VirtualRows';
import { useStorageFullRuns } from './useRuns';
import './runs.css';

const NO_RUNS: RunRecord[] = [];

/** The runs tab: this workflow's runs (newest first) beside the open run. */
export function RunsPanel({ workflowId }: { workflowId: string }) {
  const runs = useRunIndex(workflowId);
  const selectedRunId = useUi((s) => s.selectedRunId);
  const showRun = useUi((s) => s.showRun);
  const storageFull = useStorageFullRuns(
    runs.status === 'ready' && runs.value.some((r) => !FINISHED_RUN_STATUSES.has(r.status)),
  );
  const all = runs.status === 'ready' ? runs.value : NO_RUNS;
  // An experiment's cell runs are left out unless asked for (its own screen lists them); their addresses still open.
  const [withExperiments, setWithExperiments] = useState(false);
  const list = useMemo(
    () => all.filter((run) => keepsExperimentRun(withExperiments ? 'include' : undefined, run)),
    [all, withExperiments],
  );
  const fromExperiments = useMemo(() => all.filter((run) => run.batchId !== undefined).length, [all]);
  const rowKey = useCallback((index: number) => list[index]!.id, [list]);
  const toggle = <ExperimentRunsToggle count={fromExperiments} shown={withExperiments} onChange={setWithExperiments} />;
  if (runs.status === 'loading') return <p className="muted runs-empty">Loading runs…</p>;
  if (list.length === 0 && !selectedRunId)
    return (
      <div className="runs-empty">
        {toggle}
        <p className="muted">No runs yet. Press “Run” to start one.</p>
      </div>
    );
  // The run the address names, even one that is not listed (then it says so); else the newest.
  const open = selectedRunId ?? list[0]!.id;
  const listView = (
    <VirtualRows
      as="ul"
      label="Runs"
      listClassName="runs-list"
      scrollerClassName="runs-list runs-list-scroller"
      count={list.length}
      rowKey={rowKey}
      estimateRowPx={84}
      renderRow={(index) => {
        const run = list[index]!;
        return (
          <RunRow
            run={run}
            active={run.id === open}
            storageFull={storageFull.has(run.id)}
            open={{ onOpen: () => showRun(run.id) }}
          />
        );
      }}
      scrollToIndex={list.findIndex((run) => run.id === open)}
    />
  );
  return (
    <div className="runs-panel">
      {fromExperiments > 0 ? (
        <div className="runs-column">
          {toggle}
          {listView}
        </div>
      ) : (
        listView
      )}
      <div className="run-pane">
        <AddressedRun key={open} workflowId={workflowId} runId={open} listed={list.some((r) => r.id === open)} />
      </div>
    </div>
  );
}
