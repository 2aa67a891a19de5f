import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CommitBatch, CommitResult, EngineStore } from '../../../src/engine/store';
import { RELOAD_HOLD_MS, WriteHold } from '../../../src/worker/writeHold';

/** A store whose commits finish only when the test says so. */
function slowStore() {
  const pending: Array<() => void> = [];
  const started: string[] = [];
  const store = {
    async commit(batch: CommitBatch): Promise<CommitResult> {
      started.push((batch as unknown as { label: string }).label);
      await new Promise<void>((finish) => pending.push(finish));
      return { tableOutputs: {} };
    },
    async loadRun(runId: string) {
      return { id: runId } as never;
    },
  } as unknown as EngineStore;
  return { store, started, finishNext: () => pending.shift()?.() };
}

const batch = (label: string) => ({ label }) as unknown as CommitBatch;
const settled = async (promise: Promise<unknown>) => {
  let done = false;
  void promise.then(() => (done = true));
  await vi.advanceTimersByTimeAsync(0);
  return done;
};

describe('WriteHold: a reload between two step commits, never in one', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('resolves the hold only once the commit in flight has finished', async () => {
    const { store, finishNext } = slowStore();
    const hold = new WriteHold();
    const held = hold.wrap(store);
    const commit = held.commit(batch('first'));
    await vi.advanceTimersByTimeAsync(0);
    const ready = hold.hold();
    expect(await settled(ready)).toBe(false);
    finishNext();
    expect(await settled(commit)).toBe(true);
    expect(await settled(ready)).toBe(true);
  });

  it('keeps a commit asked for during the hold from starting, and lets it go after RELOAD_HOLD_MS', async () => {
    const { store, started, finishNext } = slowStore();
    const hold = new WriteHold();
    const held = hold.wrap(store);
    await hold.hold();
    const late = held.commit(batch('late'));
    await vi.advanceTimersByTimeAsync(RELOAD_HOLD_MS - 1);
    expect(started).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(started).toEqual(['late']);
    finishNext();
    expect(await settled(late)).toBe(true);
  });

  it('passes reads straight on, during a hold too', async () => {
    const { store } = slowStore();
    const hold = new WriteHold();
    const held = hold.wrap(store);
    await hold.hold();
    expect(await settled(held.loadRun('r1'))).toBe(true);
  });
});
