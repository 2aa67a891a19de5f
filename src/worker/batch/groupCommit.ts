/**
 * One write at a time per key, each carrying everything asked for while the one before was under way: cells
 * finishing together share one transaction, so a batch's bookkeeping does not queue one transaction per cell.
 */
interface Waiter {
  resolve(): void;
  reject(error: unknown): void;
}

export class GroupCommit<T> {
  private readonly queues = new Map<string, { items: T[]; waiters: Waiter[] }>();
  private readonly flushing = new Set<string>();

  constructor(private readonly flush: (key: string, items: T[]) => Promise<void>) {}

  /** Resolves once a flush that includes `item` (or, without one, a flush started after this call) has ended. */
  add(key: string, item?: T): Promise<void> {
    let queue = this.queues.get(key);
    if (!queue) this.queues.set(key, (queue = { items: [], waiters: [] }));
    if (item !== undefined) queue.items.push(item);
    const waiters = queue.waiters;
    const done = new Promise<void>((resolve, reject) => waiters.push({ resolve, reject }));
    if (!this.flushing.has(key)) void this.drain(key);
    return done;
  }

  private async drain(key: string): Promise<void> {
    this.flushing.add(key);
    try {
      for (let queue = this.queues.get(key); queue && queue.waiters.length > 0; queue = this.queues.get(key)) {
        const items = queue.items.splice(0);
        const waiters = queue.waiters.splice(0);
        try {
          await this.flush(key, items);
          waiters.forEach((waiter) => waiter.resolve());
        } catch (error) {
          waiters.forEach((waiter) => waiter.reject(error));
        }
      }
    } finally {
      this.flushing.delete(key);
      this.queues.delete(key);
    }
  }
}
