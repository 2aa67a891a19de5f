/** Time, passed in: the engine never reads the system clock itself, so tests run on a fake one. */
export interface Clock {
  now(): number;
  /** Resolves at absolute time `at` (at once if it has passed); rejects with the signal's reason on abort. */
  sleepUntil(at: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleepUntil(at, signal) {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      // setTimeout caps at 2^31-1 ms; longer sleeps re-arm.
      const delay = Math.min(Math.max(0, at - Date.now()), 2 ** 31 - 1);
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        if (Date.now() >= at) resolve();
        else systemClock.sleepUntil(at, signal).then(resolve, reject);
      }, delay);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal!.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  },
};

interface Sleeper {
  at: number;
  resolve: () => void;
}

/** A clock that moves only when told: `advance(ms)` wakes every sleeper whose time has come, in order. */
export class FakeClock implements Clock {
  private sleepers: Sleeper[] = [];

  constructor(private time = 1_700_000_000_000) {}

  now(): number {
    return this.time;
  }

  sleepUntil(at: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (at <= this.time) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        this.sleepers = this.sleepers.filter((s) => s !== sleeper);
        reject(signal!.reason);
      };
      // The listener goes with the sleep: a long run's signal must not collect one per wait.
      const sleeper: Sleeper = { at, resolve: () => (signal?.removeEventListener('abort', onAbort), resolve()) };
      this.sleepers.push(sleeper);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Earliest pending wake time, if anyone sleeps. */
  nextWake(): number | undefined {
    return this.sleepers.reduce<number | undefined>(
      (min, s) => (min === undefined || s.at < min ? s.at : min),
      undefined,
    );
  }

  get sleeping(): number {
    return this.sleepers.length;
  }

  /** Moves time forward, waking sleepers in time order. */
  advance(ms: number): void {
    this.set(this.time + ms);
  }

  set(time: number): void {
    this.time = Math.max(this.time, time);
    const due = this.sleepers.filter((s) => s.at <= this.time).sort((a, b) => a.at - b.at);
    this.sleepers = this.sleepers.filter((s) => s.at > this.time);
    for (const sleeper of due) sleeper.resolve();
  }
}
