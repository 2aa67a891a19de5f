import type { CommandName } from './api';

type Message =
  | { type: 'command'; id: string; name: CommandName; args: unknown[] }
  | { type: 'result'; id: string; ok: true; value: unknown }
  | { type: 'result'; id: string; ok: false; message: string };

/** How long a follower waits for the executing tab to answer a command. */
export const RELAY_TIMEOUT_MS = 15_000;

/**
 * Commands from any tab reach the one executing tab: the leader runs them, a follower forwards them
 * over a BroadcastChannel and waits for the answer.
 */
export class CommandRelay {
  private leading = false;
  private readonly pending = new Map<string, { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: ReturnType<typeof setTimeout> }>();
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
        this.channel.postMessage({ type: 'result', id: message.id, ok: false, message: error instanceof Error ? error.message : String(error) } satisfies Message);
      }
      return;
    }
    const waiting = this.pending.get(message.id);
    if (!waiting) return;
    this.pending.delete(message.id);
    clearTimeout(waiting.timer);
    if (message.ok) waiting.resolve(message.value);
    else waiting.reject(new Error(message.message));
  }
}
