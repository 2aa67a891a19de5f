import { beforeEach, expect, it } from 'vitest';
import { FencedError, type EngineStore, type TableRow } from '../../../src/engine/store';
import type { ParsedWorkflow } from '../../../src/schema/workflow';
import { aRun, aStep, anEvent, byId, completed, observe, seedRows, shuffled } from './fixtures';

/**
 * The behaviour every EngineStore must share, written once against a factory. `MemoryStore` is the
 * reference: a case that fails only for another store is a bug in that store.
 */
export function engineStoreContract(createStore: () => EngineStore | Promise<EngineStore>): void {
  let store: EngineStore;
  beforeEach(async () => {
    store = await createStore();
  });

  it('a commit stores the step completion, the next step start and the run status together', async () => {
    const first = aStep('r1', 'fetch', 0);
    await store.commit({
      fences: [{ runId: 'r1', generation: 0 }],
      runs: [aRun('r1', { nextSeq: 1 })],
      steps: [first],
    });
    const next = aStep('r1', 'summarize', 1);
    await store.commit({
      fences: [{ runId: 'r1', generation: 0 }],
      runs: [
        aRun('r1', {
          nextSeq: 2,
          status: 'waiting',
          waits: [{ kind: 'approval', stepKey: 'r1:summarize@', prompt: 'Send it?' }],
          updatedAt: 2_000,
        }),
      ],
      steps: [completed(first, { temperature: 21 }), next],
    });
    expect(await store.loadSteps('r1')).toEqual([completed(first, { temperature: 21 }), next]);
    expect(await store.loadRun('r1')).toEqual(
      aRun('r1', {
        nextSeq: 2,
        status: 'waiting',
        waits: [{ kind: 'approval', stepKey: 'r1:summarize@', prompt: 'Send it?' }],
        updatedAt: 2_000,
      }),
    );
  });

  it('an unknown run loads as undefined, with no steps and no events', async () => {
    expect(await store.loadRun('nope')).toBeUndefined();
    expect(await store.loadSteps('nope')).toEqual([]);
    expect(await store.loadEvents('nope')).toEqual([]);
  });

  it('an empty batch succeeds and changes nothing', async () => {
    expect(await store.commit({ fences: [] })).toEqual({ tableOutputs: {} });
    expect(await store.listUnfinishedRuns()).toEqual([]);
  });

  it(
    'a stale generation is refused with FencedError, ' +
      'nothing of its batch is written, and the current writer still commits',
    async () => {
      await seedRows(store, 'customers', [{ id: 'c1', tier: 'silver' }]);
      const fetch = aStep('r1', 'fetch', 0);
      const stale = aStep('r1', 'old', 1);
      await store.commit({ fences: [], runs: [aRun('r1', { generation: 1 })], steps: [fetch, stale] });
      const before = await observe(store, ['r1'], 'customers');

      const refused = store.commit({
        fences: [{ runId: 'r1', generation: 0 }],
        runs: [aRun('r1', { generation: 0, status: 'completed' })],
        steps: [completed(fetch, 'late'), aStep('r1', 'update', 2)],
        deleteStepKeys: [stale.key],
        events: [anEvent('e1', 'r1', 5)],
        tableUpdates: [
          { table: 'customers', where: { id: 'c1' }, set: { tier: 'gold' }, upsert: false, outputOf: 'r1:update@' },
        ],
      });
      await expect(refused).rejects.toBeInstanceOf(FencedError);
      await expect(refused).rejects.toMatchObject({ runId: 'r1' });
      expect(await observe(store, ['r1'], 'customers')).toEqual(before);

      await store.commit({ fences: [{ runId: 'r1', generation: 1 }], steps: [completed(fetch, 'current')] });
      expect((await store.loadSteps('r1'))[0]!.output).toBe('current');
    },
  );

  it('one stale fence among several refuses the whole batch, even the records of runs whose fence held', async () => {
    await store.commit({ fences: [], runs: [aRun('parent', { generation: 3 }), aRun('child', { generation: 0 })] });
    const before = await observe(store, ['parent', 'child'], 'none');
    const refused = store.commit({
      fences: [
        { runId: 'parent', generation: 3 },
        { runId: 'child', generation: 1 },
      ],
      runs: [aRun('parent', { generation: 3, status: 'completed' }), aRun('child', { status: 'completed' })],
      steps: [aStep('parent', 'call-child', 0), aStep('child', 'work', 0)],
    });
    await expect(refused).rejects.toMatchObject({ name: 'FencedError', runId: 'child' });
    expect(await observe(store, ['parent', 'child'], 'none')).toEqual(before);
  });

  it("a fence on a run that is not stored yet lets the run's first commit create it", async () => {
    await store.commit({
      fences: [{ runId: 'new', generation: 0 }],
      runs: [aRun('new')],
      steps: [aStep('new', 'a', 0)],
    });
    expect((await store.loadRun('new'))?.status).toBe('running');
  });

  it('two writers taking over from the same generation at once: exactly one wins', async () => {
    await store.commit({ fences: [], runs: [aRun('r1', { generation: 0 })] });
    const takeover = (tab: string) =>
      store.commit({
        fences: [{ runId: 'r1', generation: 0 }],
        runs: [aRun('r1', { generation: 1, workflowName: tab })],
      });
    const outcomes = await Promise.allSettled([takeover('tab A'), takeover('tab B')]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
    const refused = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason).toBeInstanceOf(FencedError);
    expect((await store.loadRun('r1'))?.generation).toBe(1);
  });

  it('a table update is applied in the commit and its output lands on the step record and in the result', async () => {
    await seedRows(store, 'customers', [
      { id: 'c1', tier: 'silver', name: 'Ada' },
      { id: 'c2', tier: 'bronze', name: 'Bo' },
    ]);
    const update = completed(aStep('r1', 'promote', 0), undefined);
    const result = await store.commit({
      fences: [{ runId: 'r1', generation: 0 }],
      runs: [aRun('r1')],
      steps: [update],
      tableUpdates: [
        { table: 'customers', where: { tier: 'silver' }, set: { tier: 'gold' }, upsert: false, outputOf: update.key },
      ],
    });
    const output = { updated: 1, created: false, rows: [{ id: 'c1', tier: 'gold', name: 'Ada' }] };
    expect(result.tableOutputs).toEqual({ [update.key]: output });
    expect((await store.loadSteps('r1'))[0]!.output).toEqual(output);
    expect((await store.queryTable('customers', {}, 10)).sort(byId)).toEqual([
      { id: 'c1', tier: 'gold', name: 'Ada' },
      { id: 'c2', tier: 'bronze', name: 'Bo' },
    ]);
  });

  it('an update that matches no row, without upsert, writes nothing and reports zero rows', async () => {
    const result = await store.commit({
      fences: [],
      tableUpdates: [
        { table: 'customers', where: { tier: 'platinum' }, set: { tier: 'gold' }, upsert: false, outputOf: 'r1:u@' },
      ],
    });
    expect(result.tableOutputs['r1:u@']).toEqual({ updated: 0, created: false, rows: [] });
    expect(await store.queryTable('customers', {}, 10)).toEqual([]);
  });

  it(
    'an upsert creates its row under an id derived from the step key, ' + 'and a replay updates that same row',
    async () => {
      const upsert = {
        table: 'contacts',
        where: { email: 'ada@example.com' },
        set: { name: 'Ada' },
        upsert: true,
        outputOf: 'r1:save@',
      };
      const first = await store.commit({ fences: [], tableUpdates: [upsert] });
      const row = { id: 'row:r1:save@', email: 'ada@example.com', name: 'Ada' };
      expect(first.tableOutputs['r1:save@']).toEqual({ updated: 1, created: true, rows: [row] });
      const replay = await store.commit({ fences: [], tableUpdates: [upsert] });
      expect(replay.tableOutputs['r1:save@']).toEqual({ updated: 1, created: false, rows: [row] });
      expect(await store.queryTable('contacts', {}, 10)).toEqual([row]);
    },
  );

  it('an upsert by id creates the row under that id', async () => {
    const result = await store.commit({
      fences: [],
      tableUpdates: [
        { table: 'contacts', where: { id: 'ada' }, set: { name: 'Ada' }, upsert: true, outputOf: 'r1:save@' },
      ],
    });
    expect(result.tableOutputs['r1:save@']?.rows).toEqual([{ id: 'ada', name: 'Ada' }]);
    expect(await store.queryTable('contacts', { id: 'ada' }, 1)).toEqual([{ id: 'ada', name: 'Ada' }]);
  });

  it('an update changes every matching row but never a row id', async () => {
    await seedRows(store, 'tasks', [
      { id: 't1', done: false },
      { id: 't2', done: false },
      { id: 't3', done: true },
    ]);
    const result = await store.commit({
      fences: [],
      tableUpdates: [
        {
          table: 'tasks',
          where: { done: false },
          set: { done: true, id: 'hijack' },
          upsert: false,
          outputOf: 'r1:close@',
        },
      ],
    });
    expect(result.tableOutputs['r1:close@']?.updated).toBe(2);
    expect((await store.queryTable('tasks', {}, 10)).sort(byId)).toEqual([
      { id: 't1', done: true },
      { id: 't2', done: true },
      { id: 't3', done: true },
    ]);
  });

  it('two updates in one batch apply in order, the second seeing the first', async () => {
    await seedRows(store, 'stock', [{ id: 's1', state: 'new' }]);
    const result = await store.commit({
      fences: [],
      tableUpdates: [
        { table: 'stock', where: { state: 'new' }, set: { state: 'checked' }, upsert: false, outputOf: 'r1:a@' },
        { table: 'stock', where: { state: 'checked' }, set: { state: 'shipped' }, upsert: false, outputOf: 'r1:b@' },
      ],
    });
    expect(result.tableOutputs['r1:b@']?.rows).toEqual([{ id: 's1', state: 'shipped' }]);
  });

  it('queryTable returns matching rows of that table only, at most `limit` of them', async () => {
    const rows: TableRow[] = ['x1', 'x2', 'x3', 'x4', 'x5'].map((id, i) => ({ id, kind: i % 2 === 0 ? 'b' : 'a' }));
    await seedRows(store, 'things', rows);
    await seedRows(store, 'other', [{ id: 'x2', kind: 'a', other: true }]);
    const limited = await store.queryTable('things', { kind: 'a' }, 1);
    expect(limited).toHaveLength(1);
    expect(limited[0]).toMatchObject({ kind: 'a' });
    expect(limited[0]).not.toHaveProperty('other');
    expect((await store.queryTable('things', { kind: 'a' }, 10)).map((r) => r.id).sort()).toEqual(['x2', 'x4']);
    expect(await store.queryTable('things', { id: 'x2' }, 10)).toEqual([{ id: 'x2', kind: 'a' }]);
    expect(await store.queryTable('things', { id: 'x2', kind: 'b' }, 10)).toEqual([]);
    expect(await store.queryTable('missing', {}, 10)).toEqual([]);
  });

  it('a where on a field the row lacks never matches, even when it asks for undefined', async () => {
    await seedRows(store, 'things', [{ id: 'x1', kind: 'a' }]);
    expect(await store.queryTable('things', { colour: undefined }, 10)).toEqual([]);
  });

  it("loadSteps returns one run's journal in seq order across 2,000 records", async () => {
    const SEED = 20_240_611;
    const journal = Array.from({ length: 2_000 }, (_, seq) => aStep('r1', `s${seq}`, seq));
    const noise = [aStep('r10', 'a', 5), aStep('r0', 'b', 7), aStep('r', 'c', 1)];
    const order = shuffled([...journal, ...noise], SEED);
    for (let i = 0; i < order.length; i += 500) await store.commit({ fences: [], steps: order.slice(i, i + 500) });
    const loaded = await store.loadSteps('r1');
    expect(
      loaded.map((s) => s.seq),
      `seed ${SEED}`,
    ).toEqual(journal.map((s) => s.seq));
    expect(loaded.every((s) => s.runId === 'r1')).toBe(true);
  });

  it('deleted steps leave the journal, and a key deleted and put again in one batch keeps the new record', async () => {
    const [a, b, c] = [aStep('r1', 'a', 0), aStep('r1', 'b', 1), aStep('r1', 'c', 2)];
    await store.commit({ fences: [], steps: [a, b, c] });
    const restarted = aStep('r1', 'b', 3);
    await store.commit({ fences: [], deleteStepKeys: [b.key, c.key, 'r1:never@'], steps: [restarted] });
    expect(await store.loadSteps('r1')).toEqual([a, restarted]);
  });

  it('listUnfinishedRuns returns pending, running, waiting and paused runs, never finished ones', async () => {
    const statuses = ['pending', 'running', 'waiting', 'paused', 'completed', 'failed', 'cancelled'] as const;
    await store.commit({ fences: [], runs: statuses.map((status) => aRun(`run-${status}`, { status })) });
    const unfinished = await store.listUnfinishedRuns();
    expect(unfinished.map((r) => r.status).sort()).toEqual(['paused', 'pending', 'running', 'waiting']);
  });

  it("loadEvents returns one run's events by sentAt, and a later put records their consumption", async () => {
    await store.commit({
      fences: [],
      events: [anEvent('e2', 'r1', 20), anEvent('e1', 'r1', 10), anEvent('e3', 'r2', 5)],
    });
    expect((await store.loadEvents('r1')).map((e) => e.id)).toEqual(['e1', 'e2']);
    await store.commit({ fences: [], events: [anEvent('e1', 'r1', 10, { consumedBy: 'r1:wait@' })] });
    expect((await store.loadEvents('r1'))[0]).toMatchObject({ id: 'e1', consumedBy: 'r1:wait@' });
  });

  it('the first definition saved under a hash is kept: definitions are immutable', async () => {
    const definition = (name: string) => ({ workflowConfig: { name } }) as unknown as ParsedWorkflow;
    await store.saveDefinition('h1', definition('first'));
    await store.saveDefinition('h1', definition('second'));
    expect(await store.loadDefinition('h1')).toEqual({ definition: definition('first'), parsed: true });
    expect(await store.loadDefinition('h2')).toBeUndefined();
  });

  it("stored records are copies: changing the caller's objects afterwards changes nothing stored", async () => {
    const run = aRun('r1');
    const step = aStep('r1', 'a', 0, { input: { list: [1] } });
    await store.commit({ fences: [], runs: [run], steps: [step] });
    run.status = 'failed';
    (step.input as { list: number[] }).list.push(2);
    const loaded = (await store.loadSteps('r1'))[0]!;
    (loaded.input as { list: number[] }).list.push(3);
    expect((await store.loadRun('r1'))?.status).toBe('running');
    expect((await store.loadSteps('r1'))[0]!.input).toEqual({ list: [1] });
  });

  it("a table update's output is stored on the step without changing the caller's step object", async () => {
    const step = aStep('r1', 'save', 0);
    await store.commit({
      fences: [],
      steps: [step],
      tableUpdates: [
        { table: 'contacts', where: { id: 'ada' }, set: { name: 'Ada' }, upsert: true, outputOf: step.key },
      ],
    });
    expect(step.output).toBeUndefined();
    expect((await store.loadSteps('r1'))[0]!.output).toMatchObject({ created: true });
  });
}
