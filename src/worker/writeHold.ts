import type { EngineStore } from '../engine/store';

/** How long writes stay held when the page asked for a reload and is, after all, still there. */
export const RELOAD_HOLD_MS = 10_000;

/**
 * Lets a tab reload (to a new version) between two step commits, never in the middle of one. Wraps
 * the engine's store: `hold()` lets the writes already in flight finish and makes new ones wait, as
 * if the tab had closed just before them; the engine notices nothing else. Writes go on after
 * `RELOAD_HOLD_MS` if no reload came.
 */
export class WriteHold {
  private inFlight = 0;
  private drained: Array<() => void> = [];
  private released: Promise<void> | undefined;

  /** The store whose writes (`commit`, `saveDefinition`) pass through this hold; reads pass straight on. */
  wrap(store: EngineStore): EngineStore {
    // Methods are bound once: the engine calls the store on every step, and this sits on that path.
    const methods = new Map<PropertyKey, unknown>();
    return new Proxy(store, {
      get: (target, name) => {
        const known = methods.get(name);
        if (known !== undefined) return known;
        const value = Reflect.get(target, name, target) as unknown;
        if (typeof value !== 'function') return value;
        const method = (value as (...a: unknown[]) => unknown).bind(target);
        const wrapped =
          name === 'commit' || name === 'saveDefinition'
            ? (...args: unknown[]) => this.write(() => method(...args) as Promise<unknown>)
            : method;
        methods.set(name, wrapped);
        return wrapped;
      },
    });
  }

  /** Resolves once no write is in flight; writes that arrive from now on wait (for `RELOAD_HOLD_MS`). */
  hold(holdMs = RELOAD_HOLD_MS): Promise<void> {
    this.released ??= new Promise<void>((release) =>
      setTimeout(() => {
        this.released = undefined;
        release();
      }, holdMs),
    );
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise<void>((resolve) => this.drained.push(resolve));
  }

  private write<T>(run: () => Promise<T>): Promise<T> {
    // Invariant: a write is counted before it starts, so `hold` never resolves while one is under way.
    if (this.released) return this.released.then(() => this.write(run));
    this.inFlight++;
    const settle = () => {
      this.inFlight--;
      if (this.inFlight === 0) for (const resolve of this.drained.splice(0)) resolve();
    };
    let written: Promise<T>;
    try {
      written = run();
    } catch (error) {
      settle();
      return Promise.reject(error);
    }
    return written.finally(settle);
  }
}
