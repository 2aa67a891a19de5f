import { InputError } from '../engine/input';
import { ERROR_CATEGORIES, type ErrorCategory } from '../engine/records';
import { StepFailure } from '../engine/retry';
import { FencedError, QuotaError } from '../engine/store';
import type { CommandName } from './api';
import { errorMessage } from '../schema/errorMessage';

/** A command's failure as it crosses to another tab: what kind of error it was, not only its words. */
export interface ErrorEnvelope {
  name: string;
  message: string;
  category: ErrorCategory;
  /** FencedError's run. */
  runId?: string;
}

type Message =
  | { type: 'command'; id: string; name: CommandName; args: unknown[] }
  | { type: 'result'; id: string; ok: true; value: unknown }
  | { type: 'result'; id: string; ok: false; error: ErrorEnvelope };

/** An error rebuilt from an envelope keeps the category the executing tab gave it. */
export type RelayedError = Error & { category: ErrorCategory };

/** How long a follower waits for the executing tab to answer a command. */
export const RELAY_TIMEOUT_MS = 15_000;

/** The category a thrown value carries: its own for step failures, by class for the engine's errors. */
function categoryOf(error: unknown): ErrorCategory {
  if (error instanceof StepFailure) return error.stepError.category;
  if (error instanceof InputError) return 'validation';
  if (error instanceof QuotaError) return 'quota';
  const own = (error as { category?: unknown } | null)?.category;
  return (ERROR_CATEGORIES as readonly unknown[]).includes(own) ? (own as ErrorCategory) : 'internal';
}

export function toErrorEnvelope(error: unknown): ErrorEnvelope {
  const envelope: ErrorEnvelope = {
    name: error instanceof Error ? error.name : 'Error',
    message: errorMessage(error),
    category: categoryOf(error),
  };
  if (error instanceof FencedError) envelope.runId = error.runId;
  return envelope;
}

/** The same class where the engine defines it (so `instanceof` and `name` hold), else an Error under that name. */
export function fromErrorEnvelope(envelope: ErrorEnvelope): RelayedError {
  let error: Error;
  if (envelope.name === 'InputError') error = new InputError(envelope.message);
  else if (envelope.name === 'QuotaError') error = new QuotaError(envelope.message);
  else if (envelope.name === 'FencedError' && envelope.runId !== undefined) error = new FencedError(envelope.runId);
  else if (envelope.name === 'StepFailure')
    error = new StepFailure({ message: envelope.message, category: envelope.category, retryable: false });
  else {
    error = new Error(envelope.message);
    error.name = envelope.name;
  }
  return Object.assign(error, { category: envelope.category });
}

function isEnvelope(value: unknown): value is ErrorEnvelope {
  const envelope = value as Partial<ErrorEnvelope> | null;
  return (
    typeof envelope?.name === 'string' &&
    typeof envelope.message === 'string' &&
    (ERROR_CATEGORIES as readonly unknown[]).includes(envelope.category)
  );
}

/** A tab of an older version answers with only the message. */
function legacyEnvelope(message: object): ErrorEnvelope {
  const words = (message as { message?: unknown }).message;
  return {
    name: 'Error',
    message: typeof words === 'string' ? words : 'the executing tab refused the command',
    category: 'internal',
  };
}

/**
 * Commands from any tab reach the one executing tab: the leader runs them, a follower forwards them
 * over a BroadcastChannel and waits for the answer.
 */
export class CommandRelay {
  private leading = false;
  private readonly pending = new Map<
    string,
    { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: ReturnType<typeof setTimeout> }
  >();
  private readonly channel: BroadcastChannel;

  constructor(
    name: string,
    private readonly execute: (name: CommandName, args: unknown[]) => Promise<unknown>,
  ) {
    this.channel = new BroadcastChannel(name);
    this.channel.onmessage = (event: MessageEvent<Message>) => void this.receive(event.data);
  }

  get isLeader(): boolean {
    return this.leading;
  }

  lead(): void {
    this.leading = true;
  }

  close(): void {
    this.channel.close();
    for (const waiting of this.pending.values()) clearTimeout(waiting.timer);
    this.pending.clear();
  }

  call(name: CommandName, args: unknown[]): Promise<unknown> {
    if (this.leading) return this.execute(name, args);
    const id = crypto.randomUUID();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error('no tab is executing runs right now; reload this tab to take over'));
      }, RELAY_TIMEOUT_MS);
      this.pending.set(id, { resolve, reject, timer });
      this.channel.postMessage({ type: 'command', id, name, args } satisfies Message);
    });
  }

  private async receive(message: Message): Promise<void> {
    if (message.type === 'command') {
      if (!this.leading) return;
      try {
        const value = await this.execute(message.name, message.args);
        this.channel.postMessage({ type: 'result', id: message.id, ok: true, value } satisfies Message);
      } catch (error) {
        this.channel.postMessage({
          type: 'result',
          id: message.id,
          ok: false,
          error: toErrorEnvelope(error),
        } satisfies Message);
      }
      return;
    }
    const waiting = this.pending.get(message.id);
    if (!waiting) return;
    this.pending.delete(message.id);
    clearTimeout(waiting.timer);
    if (message.ok) waiting.resolve(message.value);
    else waiting.reject(fromErrorEnvelope(isEnvelope(message.error) ? message.error : legacyEnvelope(message)));
  }
}
