import type { Journal } from './journal';
import type { ChatMessage } from './llmTypes';
import type { ThreadMessageRecord } from './records';
import type { EngineStore } from './store';

interface ThreadState {
  messages: ThreadMessageRecord[];
  ids: Set<string>;
}

/**
 * A run's LLM threads: loaded once, appended in memory, written with the run's journal. A message's
 * id is the key of the effect that produced it, so `ensure` after a replay never duplicates one.
 */
export class Threads {
  private readonly threads = new Map<string, Promise<ThreadState>>();

  constructor(
    private readonly store: EngineStore,
    private readonly journal: Journal,
    private readonly now: () => number,
  ) {}

  private load(threadId: string): Promise<ThreadState> {
    let state = this.threads.get(threadId);
    if (!state) {
      state = this.store
        .loadThread(threadId)
        .then((messages) => ({ messages, ids: new Set(messages.map((m) => m.id)) }));
      this.threads.set(threadId, state);
    }
    return state;
  }

  async messages(threadId: string): Promise<ChatMessage[]> {
    return (await this.load(threadId)).messages.map((m) => m.message);
  }

  /** Appends the message unless the thread already holds it. */
  async ensure(
    threadId: string,
    id: string,
    message: ChatMessage,
    author?: ThreadMessageRecord['author'],
  ): Promise<void> {
    const state = await this.load(threadId);
    if (state.ids.has(id)) return;
    const last = state.messages[state.messages.length - 1];
    const record: ThreadMessageRecord = {
      id,
      threadId,
      seq: (last?.seq ?? -1) + 1,
      runId: this.journal.run.id,
      message,
      createdAt: this.now(),
      ...(author ? { author } : {}),
    };
    state.ids.add(id);
    state.messages.push(record);
    this.journal.putMessage(record);
  }
}
