import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../../src/engine/clock';
import { Engine } from '../../../src/engine/engine';
import { TabflowDb } from '../../../src/store/db';
import { DexieEngineStore } from '../../../src/store/engineStore';
import { importTableRows } from '../../../src/store/tableImport';
import { chain, findThenMarkAtRisk } from '../../support/flows';

/** The real engine over IndexedDB: what the worker runs, minus the worker. */

const opened: TabflowDb[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((db) => db.delete()));
});

function openTab(name: string, clock: FakeClock) {
  const db = new TabflowDb(name);
  opened.push(db);
  const store = new DexieEngineStore(db);
  return {
    db,
    store,
    engine: new Engine({
      store,
      clock,
      runners: {},
      maxParallelism: 4,
      findWorkflow: async () => undefined,
      secret: async () => undefined,
    }),
  };
}

/** Polls a condition over real IndexedDB work (fake-indexeddb schedules on macrotasks). */
async function until(condition: () => Promise<boolean>, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('the engine over DexieEngineStore', () => {
  it('runs a table query and update to completion, writing the row once', async () => {
    const tab = openTab('t-' + crypto.randomUUID(), new FakeClock());
    await importTableRows(tab.db, 'customers', [{ id: 'c1', name: 'Ada', status: 'active' }]);
    const workflow = findThenMarkAtRisk();
    const runId = await tab.engine.start({ workflow, input: { value: 'c1' } });
    const run = await tab.engine.awaitRun(runId);
    expect(run.status).toBe('completed');
    expect(run.output).toMatchObject({ updated: 1, rows: [{ id: 'c1', status: 'at_risk' }] });
    expect((await tab.store.loadSteps(runId)).map((s) => [s.slug, s.status])).toEqual([
      ['start', 'completed'],
      ['find', 'completed'],
      ['mark', 'completed'],
    ]);
    expect(await tab.store.queryTable('customers', {}, 10)).toEqual([{ id: 'c1', name: 'Ada', status: 'at_risk' }]);
  });

  it('a run waiting for an event survives a reload: a new tab resumes it and the event completes it', async () => {
    const name = 't-' + crypto.randomUUID();
    const clock = new FakeClock();
    const first = openTab(name, clock);
    const workflow = chain('pay', [
      { stepSlug: 'paid', name: 'Paid', stepType: 'event', config: { event: 'payment_received' } },
    ]);
    const runId = await first.engine.start({ workflow, input: {} });
    await until(async () => (await first.store.loadRun(runId))?.status === 'waiting');
    first.engine.shutdown();
    first.db.close();

    const second = openTab(name, clock);
    await second.engine.resumeAll();
    await second.engine.sendEvent(runId, 'payment_received', { amount: 10 });
    const run = await second.engine.awaitRun(runId);
    expect(run).toMatchObject({ status: 'completed', generation: 1 });
  });
});
