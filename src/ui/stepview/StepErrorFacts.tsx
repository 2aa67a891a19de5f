import type { RunRecord, StepRecord } from '../../engine/records';
import { useNow } from '../common/time';
import { Attempts, hasRetries, listAttempts } from '../runs/Attempts';
import { KeySettingsLink } from '../runs/StepRow';
import { formatWake, waitsOfStep } from '../runs/WaitBanner';
import { Fact, Facts, Section } from './parts';

/**
 * The step's error with its category and whether it is retried, when the next attempt starts (a retry
 * backoff of the step or of a round inside it), and every attempt so far with its error and wait.
 */
export function StepErrorFacts({
  run,
  step,
  effects,
}: {
  run: RunRecord;
  step: StepRecord;
  effects: readonly StepRecord[];
}) {
  const now = useNow(1_000);
  const retry = waitsOfStep(run, step.key).find((wait) => wait.kind === 'retry');
  const listed = listAttempts(step, effects);
  const lastError = step.error ?? listed.at(-1)?.attempt.error;
  // A step whose every part succeeded at its first try has nothing to tell here.
  const eventful =
    hasRetries(listed) || listed.some(({ attempt }) => attempt.outcome !== 'ok' && attempt.outcome !== 'running');
  if (!lastError && !retry && !eventful) return null;
  return (
    <Section title={step.error ? 'Error' : 'Attempts'}>
      {lastError && (
        <Facts>
          <Fact term={step.error ? 'Failed' : 'Last error'}>
            <span className="step-error">{lastError.message}</span> <KeySettingsLink step={step} />
          </Fact>
          <Fact term="Category">{lastError.category}</Fact>
          <Fact term="Retried">
            {lastError.retryable ? 'yes, by the retry policy' : 'no: retrying cannot help with this error'}
          </Fact>
        </Facts>
      )}
      {retry && <p className="step-next-retry">Next attempt {formatWake(retry.wakeAt, now)}</p>}
      <Attempts step={step} effects={effects} always />
    </Section>
  );
}
