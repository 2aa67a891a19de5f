import { beforeEach, expect, it } from 'vitest';
import { UnreadableRecordError } from '../../../src/engine/records';
import type { EngineStore } from '../../../src/engine/store';
import { aRun, aStep, anEvent } from './fixtures';

/** A store under test, a way to put a record as it lies on disk (unchecked), and what it reported unreadable. */
export interface RawStore {
  store: EngineStore;
  writeRaw(table: 'runs' | 'steps' | 'events', record: Record<string, unknown>): Promise<void>;
  unreadable: UnreadableRecordError[];
}

/** Both stores check what they read: a damaged record is named with its key and field, never a crash. */
export function unreadableRecordContract(create: () => RawStore | Promise<RawStore>): void {
  let raw: RawStore;
  beforeEach(async () => {
    raw = await create();
  });

  it('a damaged step record fails the load, naming its key and the wrong field', async () => {
    await raw.store.commit({ fences: [], runs: [aRun('r1')], steps: [aStep('r1', 'a', 0)] });
    await raw.writeRaw('steps', { ...aStep('r1', 'b', 1), attempts: [{ n: 'one', startedAt: 1, outcome: 'running' }] });
    const load = raw.store.loadSteps('r1');
    await expect(load).rejects.toBeInstanceOf(UnreadableRecordError);
    await expect(load).rejects.toThrow(/^record r1:b@ is unreadable: attempts\[0\]\.n: /);
  });

  it('a step record written before records had a kind is unreadable, not misread', async () => {
    const { kind: _kind, ...old } = aStep('r1', 'a', 0);
    await raw.writeRaw('steps', old);
    await expect(raw.store.loadSteps('r1')).rejects.toThrow(/^record r1:a@ is unreadable: kind: /);
  });

  it('a finished record must carry what its status promises', async () => {
    await raw.writeRaw('steps', { ...aStep('r1', 'a', 0), status: 'failed', endedAt: 5 });
    await expect(raw.store.loadSteps('r1')).rejects.toThrow(
      'record r1:a@ is unreadable: error: a failed record says why',
    );
  });

  it(
    'a damaged run fails loadRun, and listUnfinishedRuns leaves it out, ' + 'reports it, and lists the others',
    async () => {
      await raw.store.commit({ fences: [], runs: [aRun('good'), aRun('other', { status: 'waiting' })] });
      await raw.writeRaw('runs', { ...aRun('bad'), waits: [{ kind: 'approval' }] });
      await expect(raw.store.loadRun('bad')).rejects.toThrow(/^record bad is unreadable: waits\[0\]\.stepKey: /);
      expect((await raw.store.listUnfinishedRuns()).map((r) => r.id).sort()).toEqual(['good', 'other']);
      expect(raw.unreadable.map((e) => e.key)).toEqual(['bad']);
    },
  );

  it('a damaged event fails loadEvents, naming its id', async () => {
    await raw.writeRaw('events', { ...anEvent('e1', 'r1', 5), sentAt: 'yesterday' });
    await expect(raw.store.loadEvents('r1')).rejects.toThrow(/^record e1 is unreadable: sentAt: /);
  });

  it('a typed meta keeps what it knows and drops what it does not', async () => {
    await raw.writeRaw('steps', {
      ...aStep('r1', 'a', 0),
      meta: { provider: 'demo', usage: { totalTokens: 3 }, fromTheFuture: true },
    });
    expect((await raw.store.loadSteps('r1'))[0]!.meta).toEqual({ provider: 'demo', usage: { totalTokens: 3 } });
  });
}
