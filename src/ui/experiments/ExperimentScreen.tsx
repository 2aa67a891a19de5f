import { useLiveQuery } from 'dexie-react-hooks';
import { useState } from 'react';
import type { RowSource, Variant } from '../../schema/experiment';
import { errorMessage } from '../../schema/errorMessage';
import { getBatch, type BatchRecord } from '../../store/batches';
import { lazyChunk, LazyBoundary } from '../common/LazyBoundary';
import { useDb } from '../DbContext';
import { useExecutor } from '../ExecutorContext';
import { NotFound } from '../routing/NotFound';
import { routeHref, workflowRoute } from '../routing/routes';
import { formatTime } from '../runs/format';
import { useUi } from '../state';
import { ExperimentStall } from './ExperimentStall';
import { addSample, estimateRemainingMs, formatEta, progressOf, type ProgressSample } from './progress';
import './experiments.css';

const ExperimentResults = lazyChunk<{ batchId: string }>(() =>
  import('./results/ExperimentResults').then((m) => ({ default: m.ExperimentResults })),
);
const ExperimentCharts = lazyChunk<{ batchId: string }>(() =>
  import('./charts/ExperimentCharts').then((m) => ({ default: m.ExperimentCharts })),
);

type BatchState = { status: 'loading' } | { status: 'missing' } | { status: 'ready'; batch: BatchRecord };

function useBatch(batchId: string): BatchState {
  const db = useDb();
  const batch = useLiveQuery(async () => (await getBatch(db, batchId)) ?? null, [db, batchId]);
  if (batch === undefined) return { status: 'loading' };
  return batch === null ? { status: 'missing' } : { status: 'ready', batch };
}

/** `#/experiments/<batchId>`: what the experiment runs, how far it is, and the commands that steer it. */
export function ExperimentScreen({ batchId }: { batchId: string }) {
  const state = useBatch(batchId);
  if (state.status === 'loading') return <p className="muted">Loading the experiment…</p>;
  if (state.status === 'missing') {
    return (
      <NotFound title="This experiment is not here" detail="It may have been deleted, or the address is mistyped.">
        <a className="button" href={routeHref({ screen: 'experiments' })}>
          All experiments
        </a>
      </NotFound>
    );
  }
  const { batch } = state;
  return (
    <section className="experiment-screen" aria-labelledby="experiment-title">
      <p className="experiment-crumbs">
        <a href={routeHref({ screen: 'experiments' })}>Experiments</a>
      </p>
      <h2 id="experiment-title">{batch.name}</h2>
      <ExperimentFacts batch={batch} />
      <ExperimentProgress batch={batch} />
      <ExperimentStall batch={batch} />
      <ExperimentCommands batch={batch} />
      {/* The results table (results/) and the charts (charts/), each a lazy chunk of its own. */}
      <LazyBoundary label="the charts" fallback={<p className="muted">Loading the charts…</p>}>
        <ExperimentCharts batchId={batch.id} />
      </LazyBoundary>
      <LazyBoundary label="the results" fallback={<p className="muted">Loading the results…</p>}>
        <ExperimentResults batchId={batch.id} />
      </LazyBoundary>
    </section>
  );
}

function ExperimentFacts({ batch }: { batch: BatchRecord }) {
  const db = useDb();
  const workflow = useLiveQuery(async () => (await db.workflows.get(batch.workflowId)) ?? null, [db, batch.workflowId]);
  const { spec } = batch;
  return (
    <dl className="facts experiment-facts">
      <dt>Workflow</dt>
      <dd>
        {workflow && !workflow.deletedAt ? (
          <a href={routeHref(workflowRoute(workflow.id, { tab: 'json' }))}>{workflow.name}</a>
        ) : (
          <span className="muted">{workflow === undefined ? '…' : 'deleted'}</span>
        )}
      </dd>
      <dt>Rows</dt>
      <dd>
        {batch.rowCount.toLocaleString('en')} from {sourceText(spec.source)}
      </dd>
      <dt>Variants</dt>
      <dd>
        <ul className="experiment-variants">
          {spec.variants.map((variant) => (
            <li key={variant.id}>
              <strong>{variant.label}</strong>: {variantText(variant)}
            </li>
          ))}
        </ul>
      </dd>
      <dt>Evaluators</dt>
      <dd>{spec.evaluators.length === 0 ? 'none' : spec.evaluators.map((e) => e.label).join(', ')}</dd>
      <dt>Started</dt>
      <dd>{formatTime(batch.createdAt)}</dd>
    </dl>
  );
}

export function sourceText(source: RowSource): string {
  switch (source.kind) {
    case 'table':
      return `the local table “${source.table}”`;
    case 'file':
      return `the file ${source.fileName} (${source.format.toUpperCase()})`;
    case 'list':
      return `a pasted list (column “${source.column}”)`;
  }
}

export function variantText(variant: Variant): string {
  const parts: string[] = [];
  if (variant.model)
    parts.push(variant.model.provider ? `${variant.model.provider} / ${variant.model.model}` : variant.model.model);
  if (variant.versionSeq !== undefined) parts.push(`version ${variant.versionSeq}`);
  const prompts = Object.keys(variant.prompts ?? {});
  if (prompts.length > 0) parts.push(`prompt of ${prompts.join(', ')} edited`);
  return parts.length > 0 ? parts.join(' · ') : 'the workflow as saved';
}

const STATUS_TEXT: Record<BatchRecord['status'], string> = {
  running: 'running',
  paused: 'paused',
  completed: 'done',
  cancelled: 'cancelled',
};

function ExperimentProgress({ batch }: { batch: BatchRecord }) {
  const progress = progressOf(batch.counts);
  const [samples, setSamples] = useState<ProgressSample[]>([]);
  // Each new write of the record is a sample (state adjusted while rendering: no effect, no timer).
  const sampled = addSample(samples, { at: batch.updatedAt, finished: progress.finished });
  if (sampled !== samples) setSamples(sampled);
  const remaining = progress.total - progress.finished;
  const eta = batch.status === 'running' ? estimateRemainingMs(samples, remaining) : null;
  const percent = Math.round(progress.fraction * 100);
  return (
    <div className="experiment-progress">
      <p className="experiment-status">
        <span className={`status-label status-${batch.status === 'completed' ? 'completed' : batch.status}`}>
          {STATUS_TEXT[batch.status]}
        </span>
        {eta !== null && remaining > 0 && <span className="muted"> · {formatEta(eta)} left</span>}
      </p>
      <div
        className="experiment-bar"
        role="progressbar"
        aria-label="Runs finished"
        aria-valuemin={0}
        aria-valuemax={progress.total}
        aria-valuenow={progress.finished}
        aria-valuetext={`${progress.finished} of ${progress.total} runs finished (${percent}%)`}>
        <span
          className="experiment-bar-done"
          style={{ width: `${(progress.completed / (progress.total || 1)) * 100}%` }}
        />
        <span
          className="experiment-bar-failed"
          style={{ width: `${(progress.failed / (progress.total || 1)) * 100}%` }}
        />
      </div>
      <dl className="experiment-counts" aria-label="Runs by status">
        <Count label="Done" value={progress.completed} />
        <Count label="Failed" value={progress.failed} />
        <Count label="Running" value={progress.running} />
        <Count label="Queued" value={progress.queued} />
        {progress.cancelled > 0 && <Count label="Cancelled" value={progress.cancelled} />}
        <Count label="Total" value={progress.total} />
      </dl>
    </div>
  );
}

function Count({ label, value }: { label: string; value: number }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd data-testid={`count-${label.toLowerCase()}`}>{value.toLocaleString('en')}</dd>
    </div>
  );
}

function ExperimentCommands({ batch }: { batch: BatchRecord }) {
  const executor = useExecutor();
  const showToast = useUi((s) => s.showToast);
  const [busy, setBusy] = useState(false);
  const run = (what: string, command: () => Promise<unknown>) => async () => {
    setBusy(true);
    try {
      await command();
    } catch (error) {
      showToast({ message: `Couldn't ${what}: ${errorMessage(error)}`, tone: 'error' });
    } finally {
      setBusy(false);
    }
  };
  const open = batch.status === 'running' || batch.status === 'paused';
  return (
    <div className="toolbar" role="toolbar" aria-label="Experiment commands">
      {batch.status === 'running' && (
        <button
          type="button"
          className="button"
          disabled={busy}
          onClick={run('pause', () => executor.pauseExperiment(batch.id))}>
          Pause
        </button>
      )}
      {batch.status === 'paused' && (
        <button
          type="button"
          className="button button-primary"
          disabled={busy}
          onClick={run('resume', () => executor.resumeExperiment(batch.id))}>
          Resume
        </button>
      )}
      {open && (
        <button
          type="button"
          className="button button-danger"
          disabled={busy}
          onClick={run('cancel', () => executor.cancelExperiment(batch.id))}>
          Cancel
        </button>
      )}
      <button
        type="button"
        className="button"
        disabled={busy || batch.counts.failed === 0}
        onClick={run('retry the failed runs', async () => {
          const count = await executor.retryFailedCells(batch.id);
          showToast({ message: `Retrying ${count} failed run${count === 1 ? '' : 's'}`, tone: 'success' });
        })}>
        Retry failed{batch.counts.failed > 0 ? ` (${batch.counts.failed})` : ''}
      </button>
    </div>
  );
}
