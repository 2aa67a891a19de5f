import { useState, type FormEvent } from 'react';
import type { RunRecord, StepWaitReason, WaitReason } from '../../engine/records';
import { useNow } from '../common/time';
import { useExecutor } from '../ExecutorContext';
import { requestStorageSettings } from '../settings/storageRequest';
import { useUi } from '../state';
import { formatDuration } from './format';
import { formatCapAmount } from '../../schema/budgetCaps';

/**
 * Every wait the engine reports (`RunRecord.waits`), in words and with its control. One exhaustive
 * switch each: a new kind of wait does not compile until it is described and has its control.
 */

/** "10:30:05", with the date when it is not today. */
function formatClock(at: number, now: number): string {
  const sameDay = new Date(at).toDateString() === new Date(now).toDateString();
  return new Date(at).toLocaleString(
    undefined,
    sameDay ? { timeStyle: 'medium' } : { dateStyle: 'medium', timeStyle: 'short' },
  );
}

/** "at 10:30:05 (in 4 min 2 s)"; a time already past reads "any moment now". */
export function formatWake(at: number, now: number): string {
  const left = at - now;
  return left <= 0 ? 'any moment now' : `at ${formatClock(at, now)} (in ${formatDuration(left)})`;
}

/** "Sleeping until 10:35:00 (in 5 min 0 s)", in local time; a wake time already past wakes any moment. */
export function describeSleep(wakeAt: number, now: number): string {
  const left = wakeAt - now;
  return left <= 0
    ? 'Sleeping: waking any moment now'
    : `Sleeping until ${formatClock(wakeAt, now)} (in ${formatDuration(left)})`;
}

/** What the run waits for, in words. */
export function describeWait(wait: WaitReason, now: number): string {
  switch (wait.kind) {
    case 'host':
      return `your permission to contact ${wait.host}`;
    case 'approval':
      return wait.prompt ? `approval: ${wait.prompt}` : 'approval';
    case 'event':
      return `the event “${wait.name}”${givingUp(wait.timeoutAt, now)}`;
    case 'sleep':
      return `the wake time, ${formatWake(wait.wakeAt, now)}`;
    case 'retry':
      return `the next attempt, ${formatWake(wait.wakeAt, now)}`;
    case 'network':
      return 'a network connection';
    case 'keys-locked':
      return `your passphrase to unlock the API keys${wait.provider ? ` (${wait.provider})` : ''}`;
    case 'storage-full':
      return 'free browser storage';
    case 'child-run':
      return `the subworkflow “${wait.workflow}” to finish`;
    case 'budget':
      return `your answer: the run reached its budget of ${formatCapAmount(wait.cap, wait.limit)}`;
    default:
      return unreachable(wait);
  }
}

/** ", giving up <when>" for an event wait with a time limit, else nothing. */
function givingUp(timeoutAt: number | undefined, now: number): string {
  return timeoutAt === undefined ? '' : `, giving up ${formatWake(timeoutAt, now)}`;
}

function unreachable(wait: never): never {
  throw new Error(`unknown wait ${JSON.stringify(wait)}`);
}

interface WaitProps {
  run: RunRecord;
  wait: WaitReason;
  onError(error: unknown): void;
  /** The reason the user typed for the answer (the approvals inbox), recorded with it. */
  note?: string;
}

/** The optional last argument of an answer: the user's reason, when there is one. */
function withNote(note: string | undefined): [] | [string] {
  return note ? [note] : [];
}

/** One wait with what the user can do about it. */
export function WaitBanner({ run, wait, onError, note }: WaitProps) {
  const now = useNow(1_000);
  switch (wait.kind) {
    case 'host':
      return <HostConsent run={run} host={wait.host} secrets={wait.secrets} onError={onError} note={note} />;
    case 'approval':
      return <Approval run={run} stepKey={wait.stepKey} prompt={wait.prompt} onError={onError} note={note} />;
    case 'budget':
      return <BudgetQuestion run={run} wait={wait} onError={onError} note={note} />;
    case 'event':
      return <EventWait run={run} name={wait.name} timeoutAt={wait.timeoutAt} now={now} />;
    case 'keys-locked':
      return <Unlock onError={onError} provider={wait.provider} />;
    case 'storage-full':
      return <StorageFull run={run} onError={onError} />;
    case 'sleep':
      return (
        <p className="step-waiting" data-wait="sleep" role="status">
          {describeSleep(wait.wakeAt, now)}
        </p>
      );
    case 'retry':
    case 'network':
    case 'child-run':
      // These end by themselves: the words say when.
      return (
        <p className="step-waiting" data-wait={wait.kind} role="status">
          Waiting for {describeWait(wait, now)}
        </p>
      );
    default:
      return unreachable(wait);
  }
}

function HostConsent({
  run,
  host,
  secrets,
  onError,
  note,
}: {
  run: RunRecord;
  host: string;
  secrets: string[];
  onError(error: unknown): void;
  note?: string;
}) {
  const executor = useExecutor();
  return (
    <div className="step-waiting" data-wait="host" data-testid="host-consent" data-host={host}>
      <p>
        This workflow wants to send a request to <strong>{host}</strong>
        {secrets.length > 0 && (
          <>
            , with the secret{secrets.length > 1 ? 's' : ''}{' '}
            {secrets.map((name, i) => (
              <span key={name}>
                {i > 0 ? ', ' : ''}
                <code>{name}</code>
              </span>
            ))}
          </>
        )}
        . Allow it (remembered for this workflow)?
      </p>
      <button
        type="button"
        className="button button-primary button-small"
        onClick={() => executor.confirmHost(run.id, host, true, ...withNote(note)).catch(onError)}>
        Allow {host}
      </button>
      <button
        type="button"
        className="button button-small"
        onClick={() => executor.confirmHost(run.id, host, false, ...withNote(note)).catch(onError)}>
        Refuse
      </button>
    </div>
  );
}

function Approval({
  run,
  stepKey,
  prompt,
  onError,
  note,
}: {
  run: RunRecord;
  stepKey: string;
  prompt: string | undefined;
  onError(error: unknown): void;
  note?: string;
}) {
  const executor = useExecutor();
  return (
    <div className="step-waiting" data-wait="approval">
      <p>{prompt ?? 'Approve this step?'}</p>
      <button
        type="button"
        className="button button-primary button-small"
        onClick={() => executor.approve(run.id, stepKey, true, ...withNote(note)).catch(onError)}>
        Approve
      </button>
      <button
        type="button"
        className="button button-small"
        onClick={() => executor.approve(run.id, stepKey, false, ...withNote(note)).catch(onError)}>
        Reject
      </button>
    </div>
  );
}

/** "This run reached its budget of $0.50 — continue with $0.50 more?": Continue raises the cap, Stop cancels it. */
function BudgetQuestion({
  run,
  wait,
  onError,
  note,
}: {
  run: RunRecord;
  wait: Extract<WaitReason, { kind: 'budget' }>;
  onError(error: unknown): void;
  note?: string;
}) {
  const executor = useExecutor();
  const [busy, setBusy] = useState(false);
  const answer = (decision: 'continue' | 'stop') => {
    setBusy(true);
    executor
      .answerBudget(run.id, wait.stepKey, decision, ...withNote(note))
      .catch(onError)
      .finally(() => setBusy(false));
  };
  return (
    <div className="step-waiting" data-wait="budget" data-testid="budget-question">
      <p>
        This run reached its budget of {formatCapAmount(wait.cap, wait.limit)} — continue with{' '}
        {formatCapAmount(wait.cap, wait.raiseBy)} more?{' '}
        <span className="muted">({formatCapAmount(wait.cap, wait.used)} used)</span>
      </p>
      <button
        type="button"
        className="button button-primary button-small"
        disabled={busy}
        onClick={() => answer('continue')}>
        Continue
      </button>
      <button type="button" className="button button-small" disabled={busy} onClick={() => answer('stop')}>
        Stop
      </button>
    </div>
  );
}

function EventWait({
  run,
  name,
  timeoutAt,
  now,
}: {
  run: RunRecord;
  name: string;
  timeoutAt: number | undefined;
  now: number;
}) {
  const openDialog = useUi((s) => s.openDialog);
  return (
    <div className="step-waiting" data-wait="event">
      <p>
        Waiting for the event <code>{name}</code>
        {timeoutAt !== undefined && <>, giving up {formatWake(timeoutAt, now)}</>}.
      </p>
      <button
        type="button"
        className="button button-small"
        onClick={() => openDialog({ kind: 'event', runId: run.id, eventName: name })}>
        Send {name}…
      </button>
    </div>
  );
}

/** Model calls wait while the keys are locked: the passphrase, right where the run waits. */
function Unlock({ provider, onError }: { provider: string | undefined; onError(error: unknown): void }) {
  const executor = useExecutor();
  const [passphrase, setPassphrase] = useState('');
  const [busy, setBusy] = useState(false);
  const unlock = (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    executor
      .unlockKeys(passphrase)
      .then(() => setPassphrase(''), onError)
      .finally(() => setBusy(false));
  };
  return (
    <form className="step-waiting inline-form" data-wait="keys-locked" onSubmit={unlock}>
      <p>
        A model call needs{' '}
        {provider ? (
          <>
            the <strong>{provider}</strong> key
          </>
        ) : (
          'an API key'
        )}
        , and your keys are locked.
      </p>
      <input
        type="password"
        aria-label="Passphrase"
        placeholder="Passphrase"
        value={passphrase}
        onChange={(e) => setPassphrase(e.target.value)}
      />
      <button type="submit" className="button button-primary button-small" disabled={busy || passphrase === ''}>
        Unlock
      </button>
    </form>
  );
}

/** A run stopped by a full disk: what to do, and the Resume that retries from the journal (no reload). */
function StorageFull({ run, onError }: { run: RunRecord; onError(error: unknown): void }) {
  const executor = useExecutor();
  const openDialog = useUi((s) => s.openDialog);
  const [resuming, setResuming] = useState(false);
  const resume = () => {
    setResuming(true);
    executor
      .resume(run.id)
      .catch(onError)
      .finally(() => setResuming(false));
  };
  return (
    <div className="run-storage-full" data-wait="storage-full" role="alert">
      <p>
        Browser storage is full — free space (delete old runs, or disk space), then Resume. Everything already recorded
        is kept.
      </p>
      <button type="button" className="button button-primary button-small" disabled={resuming} onClick={resume}>
        {resuming ? 'Resuming…' : 'Resume'}
      </button>
      <button
        type="button"
        className="button button-small"
        onClick={() => (requestStorageSettings(), openDialog({ kind: 'settings' }))}>
        What takes the space? Settings → Storage
      </button>
    </div>
  );
}

/** The waits shown on a step's row: its own, and those of the effects inside it (`key/r1`, `key/r1/tool0`). */
export function waitsOfStep(run: RunRecord, stepKey: string): StepWaitReason[] {
  const inStep = (wait: WaitReason): wait is StepWaitReason =>
    wait.kind !== 'storage-full' && (wait.stepKey === stepKey || wait.stepKey.startsWith(`${stepKey}/`));
  return (run.waits ?? []).filter(inStep);
}

/**
 * The run's own line: what a waiting run waits for, in words (each control sits on its step's row),
 * and the storage-full banner, which belongs to no step.
 */
export function RunWaits({
  run,
  storageFull,
  onError,
}: {
  run: RunRecord;
  storageFull: boolean;
  onError(error: unknown): void;
}) {
  const now = useNow(1_000);
  if (storageFull) return <WaitBanner run={run} wait={{ kind: 'storage-full' }} onError={onError} />;
  const waits = run.waits ?? [];
  if (run.status !== 'waiting' || waits.length === 0) return null;
  return (
    <p className="run-waiting" role="status">
      Waiting for {waits.map((wait) => describeWait(wait, now)).join('; ')}
    </p>
  );
}
