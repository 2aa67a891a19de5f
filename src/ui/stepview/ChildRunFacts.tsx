import { formatJson, STATUS_LABEL } from '../runs/format';
import { useRun } from '../runs/useRuns';
import { Fact, Facts, type FactsProps } from './parts';

/** A subworkflow step: which workflow, and its child run (status, output) with a way to it. */
export function ChildRunFacts({ step }: FactsProps) {
  const input = (step.input ?? {}) as { workflow?: unknown };
  const child = useRun(step.childRunId ?? '');
  const run = child.status === 'ready' ? child.value : undefined;
  const show = () => {
    // The child run is listed in this run's detail ("Subworkflow runs"): it has no address of its own.
    const target = [...document.querySelectorAll<HTMLElement>('.run-detail')].find(
      (element) => element.dataset.runId === step.childRunId,
    );
    target?.scrollIntoView?.({ block: 'start' });
    target?.querySelector<HTMLElement>('button, summary, a[href]')?.focus();
  };
  return (
    <Facts>
      <Fact term="Workflow">{typeof input.workflow === 'string' ? input.workflow : '?'}</Fact>
      <Fact term="Child run">
        {step.childRunId === undefined ? (
          'not started yet'
        ) : (
          <>
            <code>{step.childRunId}</code>{' '}
            {run && <span className={`status-label status-${run.status}`}>{STATUS_LABEL[run.status]}</span>}{' '}
            <button type="button" className="link-button" onClick={show} disabled={!run}>
              Show the child run
            </button>
          </>
        )}
      </Fact>
      {run?.status === 'completed' && <Fact term="It returned">{formatJson(run.output, 200)}</Fact>}
    </Facts>
  );
}
