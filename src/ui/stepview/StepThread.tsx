import type { StepRecord, ThreadMessageRecord } from '../../engine/records';
import { ThreadMessageItem } from '../runs/ThreadsView';
import { useThreadMessages } from './useStepRecords';

/**
 * The messages of an LLM step's thread it saw and wrote: everything in the thread up to its last own
 * message (its prompt, answers and tool results, keyed `<step key>/…`); what later steps added is left out.
 */
export function StepThread({ step }: { step: StepRecord }) {
  const threadId = (step.input as { threadId?: unknown } | undefined)?.threadId;
  const messages = useThreadMessages(typeof threadId === 'string' ? threadId : undefined);
  if (!messages) return <p className="muted">Loading the thread…</p>;
  const upTo = stepMessages(messages, step.key);
  if (upTo.length === 0) return <p className="muted">No messages recorded yet.</p>;
  const wrote = upTo.filter((m) => isOwn(m, step.key)).length;
  return (
    <>
      <p className="muted">
        {upTo.length - wrote} seen from earlier in the thread, {wrote} written by this step
      </p>
      <ol className="thread-list step-thread">
        {upTo.map((m) => (
          <ThreadMessageItem key={m.id} message={m} note={isOwn(m, step.key) ? 'this step' : 'earlier'} />
        ))}
      </ol>
    </>
  );
}

const isOwn = (message: ThreadMessageRecord, stepKey: string) => message.id.startsWith(`${stepKey}/`);

/** The thread's messages in order, cut after the step's last own message. */
export function stepMessages(messages: readonly ThreadMessageRecord[], stepKey: string): ThreadMessageRecord[] {
  const sorted = [...messages].sort((a, b) => a.seq - b.seq);
  let last = -1;
  sorted.forEach((m, index) => {
    if (isOwn(m, stepKey)) last = index;
  });
  return sorted.slice(0, last + 1);
}
