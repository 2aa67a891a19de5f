const WINDOW_MS = 60_000;

/**
 * A per-provider sliding window of request starts: at most `limit` starts in any 60 s. A request
 * that would exceed it waits (abortably) until the oldest start leaves the window.
 */
export class RequestWindow {
  private readonly starts = new Map<string, number[]>();

  constructor(
    private readonly now: () => number,
    private readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>,
  ) {}

  async acquire(providerId: string, limit: number | undefined, signal: AbortSignal): Promise<void> {
    if (!limit || limit <= 0) return;
    for (;;) {
      signal.throwIfAborted();
      const now = this.now();
      const recent = (this.starts.get(providerId) ?? []).filter((t) => t > now - WINDOW_MS);
      this.starts.set(providerId, recent);
      // Re-checked after every wait: requests waiting together must not all start at once.
      if (recent.length < limit) {
        recent.push(now);
        return;
      }
      await this.sleep(Math.max(1, recent[0]! + WINDOW_MS - now), signal);
    }
  }
}
