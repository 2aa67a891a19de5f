import { useMemo, useState } from 'react';
import type { RunRecord, StepRecord } from '../../engine/records';
import { useNow } from '../common/time';
import { routeHref, workflowRoute } from '../routing/routes';
import { describeRunCost, formatUsd } from '../runs/cost';
import { formatDuration, formatJson, formatTime, STATUS_LABEL } from '../runs/format';
import { useRun, useRunSteps } from '../runs/useRuns';
import { ChangeTable } from '../versions/VersionDiff';
import { compareRuns, type ComparedStep, type SideTotals, type StepDifference } from './compareRuns';
import { RunOrigin } from './RunOrigin';
import './compare.css';

interface CompareProps {
  workflowId: string;
  runA: string;
  runB: string;
}

/** Two runs side by side (`#/w/<workflow>/compare/<a>/<b>`): which steps differ, each output's diff, and the totals. */
export function CompareView({ workflowId, runA, runB }: CompareProps) {
  const a = useRun(runA);
  const b = useRun(runB);
  const stepsA = useRunSteps(runA);
  const stepsB = useRunSteps(runB);
  if (a.status === 'loading' || b.status === 'loading' || stepsA.status === 'loading' || stepsB.status === 'loading')
    return <p className="muted">Loading both runs…</p>;
  const missing = [a.value ? undefined : runA, b.value ? undefined : runB].filter((id) => id !== undefined);
  if (missing.length > 0)
    return (
      <section className="compare" aria-label="Compare runs">
        <h2>Compare runs</h2>
        <p role="alert">
          No run {missing.join(' or ')} here: it may have been deleted, or the address came from another browser.{' '}
          <a href={routeHref({ screen: 'runs', workflowId })}>See the workflow&apos;s runs</a>
        </p>
      </section>
    );
  return (
    <LoadedComparison
      workflowId={workflowId}
      a={{ run: a.value!, steps: stepsA.value }}
      b={{ run: b.value!, steps: stepsB.value }}
    />
  );
}

interface Side {
  run: RunRecord;
  steps: StepRecord[];
}

function LoadedComparison({ workflowId, a, b }: { workflowId: string; a: Side; b: Side }) {
  const now = useNow(1_000);
  const comparison = useMemo(() => compareRuns(a, b, now), [a, b, now]);
  const [onlyDiffering, setOnlyDiffering] = useState(true);
  const shown = onlyDiffering ? comparison.steps.filter((s) => s.differences.length > 0) : comparison.steps;
  return (
    <section className="compare" aria-labelledby="compare-title">
      <h2 id="compare-title">
        Compare runs of {a.run.workflowName}
        {a.run.workflowName !== b.run.workflowName ? ` and ${b.run.workflowName}` : ''}
      </h2>
      <div className="compare-sides">
        <SideSummary label="A" side={a} totals={comparison.totals.a} workflowId={workflowId} />
        <SideSummary label="B" side={b} totals={comparison.totals.b} workflowId={workflowId} />
      </div>
      <p className="compare-verdict" role="status">
        {comparison.differing === 0
          ? `The ${comparison.steps.length} steps are the same in both runs.`
          : `${comparison.differing} of ${comparison.steps.length} steps differ.`}
      </p>
      <label className="field-inline">
        <input type="checkbox" checked={onlyDiffering} onChange={(e) => setOnlyDiffering(e.target.checked)} />
        <span>Only the steps that differ</span>
      </label>
      <StepTable steps={shown} />
      {comparison.steps
        .filter((s) => s.differences.length > 0)
        .map((step) => (
          <StepDiff key={step.place} step={step} />
        ))}
    </section>
  );
}

function SideSummary({
  label,
  side,
  totals,
  workflowId,
}: {
  label: string;
  side: Side;
  totals: SideTotals;
  workflowId: string;
}) {
  const { run } = side;
  const tokens = totals.cost.usage.totalTokens;
  return (
    <div className="compare-side" data-testid={`compare-side-${label}`}>
      <h3>
        {label}:{' '}
        <a href={routeHref(workflowRoute(workflowId, { tab: 'runs', runId: run.id }))}>
          run <code>{run.id.slice(0, 8)}</code>
        </a>{' '}
        <span className={`status-label status-${run.status}`}>{STATUS_LABEL[run.status]}</span>
      </h3>
      <dl className="compare-facts">
        <dt>Started</dt>
        <dd>{formatTime(run.createdAt)}</dd>
        <dt>Time</dt>
        <dd data-testid="compare-time">
          {run.finishedAt === undefined ? 'running for ' : 'took '}
          {formatDuration(totals.wallMs)} ({formatDuration(totals.activeMs)} running)
        </dd>
        <dt>Tokens</dt>
        <dd data-testid="compare-tokens">{tokens.toLocaleString('en-US')}</dd>
        <dt>Cost</dt>
        <dd data-testid="compare-cost">{describeRunCost(totals.cost) ?? 'no LLM steps'}</dd>
        {(run.forkedFrom || run.restartedFrom) && (
          <>
            <dt>Origin</dt>
            <dd>
              <RunOrigin run={run} workflowId={workflowId} />
            </dd>
          </>
        )}
      </dl>
    </div>
  );
}

const DIFFERENCE_WORDS: Record<StepDifference, string> = {
  'only-a': 'only in A',
  'only-b': 'only in B',
  status: 'status',
  branch: 'branch',
  output: 'output',
};

function sideCell(record: StepRecord | undefined) {
  if (!record) return <span className="muted">did not run</span>;
  const tokens = record.meta?.usage?.totalTokens;
  const took = record.endedAt === undefined ? undefined : record.endedAt - record.startedAt;
  return (
    <>
      <span className={`status-label status-${record.status}`}>{STATUS_LABEL[record.status]}</span>
      {record.branch && record.branch !== 'success' && <span className="muted"> → {record.branch}</span>}
      <span className="compare-step-facts muted">
        {took !== undefined && ` · ${formatDuration(took)}`}
        {tokens !== undefined && ` · ${tokens} tokens`}
        {record.meta?.costUsd !== undefined && ` · ≈ ${formatUsd(record.meta.costUsd)}`}
        {record.meta?.forkedFrom && ' · edited in the fork'}
      </span>
    </>
  );
}

function StepTable({ steps }: { steps: ComparedStep[] }) {
  if (steps.length === 0) return <p className="muted">No step differs.</p>;
  return (
    <table className="compare-table" aria-label="Steps of both runs, aligned by step and path">
      <thead>
        <tr>
          <th scope="col">Step</th>
          <th scope="col">A</th>
          <th scope="col">B</th>
          <th scope="col">Differs in</th>
        </tr>
      </thead>
      <tbody>
        {steps.map((step) => (
          <tr
            key={step.place}
            data-testid="compare-row"
            data-place={step.place}
            className={step.differences.length > 0 ? 'compare-differs' : undefined}>
            <th scope="row">
              <code>{step.slug}</code>
              {step.path && <span className="muted"> {step.path}</span>}
            </th>
            <td>{sideCell(step.a)}</td>
            <td>{sideCell(step.b)}</td>
            <td>
              {step.differences.length === 0 ? (
                <span className="muted">same</span>
              ) : (
                step.differences.map((d) => DIFFERENCE_WORDS[d]).join(', ')
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** One differing step: its output's diff (A → B), or both outputs when a side did not produce one. */
function StepDiff({ step }: { step: ComparedStep }) {
  return (
    <details className="compare-diff" data-testid="compare-diff" data-place={step.place} open>
      <summary>
        <code>{step.place}</code> — {step.differences.map((d) => DIFFERENCE_WORDS[d]).join(', ')}
      </summary>
      {step.outputChanges.length > 0 ? (
        <ChangeTable changes={step.outputChanges} labels={['A', 'B']} />
      ) : (
        <div className="compare-outputs">
          <OutputOf label="A" record={step.a} />
          <OutputOf label="B" record={step.b} />
        </div>
      )}
    </details>
  );
}

function OutputOf({ label, record }: { label: string; record: StepRecord | undefined }) {
  return (
    <div>
      <h4>{label}</h4>
      {record === undefined ? (
        <p className="muted">did not run</p>
      ) : record.error ? (
        <p className="run-error">{record.error.message}</p>
      ) : (
        <pre>{formatJson(record.output)}</pre>
      )}
    </div>
  );
}
