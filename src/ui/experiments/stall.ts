import type { StepRecord } from '../../engine/records';
import type { BatchRecord } from '../../store/batches';

/**
 * Pure: a batch that makes no progress. Running cells and no write of the batch record (a cell finishing,
 * starting, or turning waiting or running) for `STALL_AFTER_MS`: something its runs wait on does not answer.
 * Cells waiting on the user (an approval, an event) are `waiting`, not `running`, and never count as a stall.
 */

export const STALL_AFTER_MS = 2 * 60_000;

/** How long the batch has made no progress, or null while it does (or has nothing running). */
export function stalledForMs(batch: Pick<BatchRecord, 'status' | 'counts' | 'updatedAt'>, now: number) {
  if (batch.status !== 'running' || batch.counts.running === 0) return null;
  const idle = now - batch.updatedAt;
  return idle >= STALL_AFTER_MS ? idle : null;
}

/** "3 min", "1 h 5 min": whole minutes, as the stall is told. */
export function formatIdle(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  return minutes < 60 ? `${minutes} min` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** What a stalled run waits on: the provider and model of a model round, the host of a request, or a step. */
export interface WaitingOn {
  /** `openai / gpt-4o-mini`, `the default provider / llama3`; absent when no model is involved. */
  provider?: string;
  what: string;
}

const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);

/** From the step a cell's run has in flight (its newest unfinished step record); undefined: not started yet. */
export function waitingOn(step: StepRecord | undefined): WaitingOn {
  if (!step) return { what: 'its run to start' };
  const input = (typeof step.input === 'object' && step.input !== null ? step.input : {}) as Record<string, unknown>;
  const attempt = step.attempts.length > 1 ? `, attempt ${step.attempts.length}` : '';
  if (step.stepType === 'llm') {
    const provider = text(input.provider) ?? 'the default provider';
    const model = text(input.model);
    return {
      provider: model ? `${provider} / ${model}` : provider,
      what: `a model answer for step “${step.slug}”${attempt}`,
    };
  }
  const url = text(input.url);
  let host: string | undefined;
  try {
    host = url ? new URL(url).host : undefined;
  } catch {
    host = undefined;
  }
  if (host) return { what: `an http request to ${host} (step “${step.slug}”${attempt})` };
  return { what: `step “${step.slug}” (${step.stepType}${attempt})` };
}
