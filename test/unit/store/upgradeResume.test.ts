import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../../src/engine/clock';
import { Engine } from '../../../src/engine/engine';
import { MemoryData, MemoryStore } from '../../../src/engine/memoryStore';
import type { Runners } from '../../../src/engine/runtime';
import { SCHEMA_VERSION, TabflowDb } from '../../../src/store/db';
import { DexieEngineStore } from '../../../src/store/engineStore';
import { chain, http, llm, set } from '../../support/flows';
import { fakeModel } from '../../support/model';
import { quiesce } from '../../support/engine';
import { aRun } from './fixtures';
import { shippedDb } from './shippedSchemas';

const workflow = chain(
  'Ship',
  [
    llm('draft', 'Draft a note for {{input.value}}'),
    http('post', 'https://api.example.com/notes', { body: { note: '{{steps.draft.output}}' } }),
    {
      stepSlug: 'ask',
      name: 'Ask',
      stepType: 'approval',
      config: { prompt: 'Send the note for {{input.value}}?' },
      nextSteps: { approved: 'done' },
    },
    set('done', { note: '{{steps.draft.output}}', status: '{{steps.post.output.status}}' }),
  ],
  { allowedHosts: ['api.example.com'] },
);

/** Counts every model round and http request, so a resume that redid finished work would show. */
function countingRunners() {
  const calls = { model: 0, http: 0 };
  const runners: Runners = {
    model: fakeModel(({ userPrompt }) => (calls.model++, `note: ${userPrompt}`)),
    http: async () => (calls.http++, { status: 201, statusText: 'Created', headers: {}, body: '{}' }),
  };
  return { calls, runners };
}

/**
 * What version 5 left on disk for a run waiting on its approval: records without `kind`, the run's
 * wait as a sentence. Produced by running the workflow, then written back in version 5's shape.
 */
async function runUntilApprovalAsVersionFive(name: string): Promise<string> {
  const data = new MemoryData();
  const { runners } = countingRunners();
  const engine = new Engine({
    store: new MemoryStore(data),
    clock: new FakeClock(),
    runners,
    maxParallelism: 4,
    newId: () => 'run1',
  });
  const runId = await engine.start({ workflow, input: { value: 'box-7' } });
  await quiesce(data);
  engine.shutdown();
  expect(data.runs.get(runId)?.status).toBe('waiting');
  const v5 = shippedDb(name, 5);
  const { waits: _waits, ...run } = data.runs.get(runId)!;
  await v5.table('runs').put({ ...run, waitingFor: 'approval' });
  await v5.table('steps').bulkPut([...data.steps.values()].map(({ kind: _kind, ...step }) => step));
  await v5.table('messages').bulkPut([...data.messages.values()]);
  await v5
    .table('definitions')
    .bulkPut([...data.definitions].map(([hash, stored]) => ({ hash, ...stored, savedAt: 1 })));
  v5.close();
  return runId;
}

const names: string[] = [];
afterEach(async () => {
  await Promise.all(names.splice(0).map((name) => Dexie.delete(name)));
});

describe('version 6', () => {
  it(
    'a version-5 database with a run waiting mid-way opens at version 6 ' +
      'and the run resumes to completed, redoing nothing',
    async () => {
      const name = 't-' + crypto.randomUUID();
      names.push(name);
      const runId = await runUntilApprovalAsVersionFive(name);

      const db = new TabflowDb(name);
      await db.open();
      expect(db.verno).toBe(SCHEMA_VERSION);
      const steps = await db.steps.toArray();
      expect(steps.map((s) => [s.key.slice(runId.length + 1), s.kind, s.status]).sort()).toEqual([
        ['ask@', 'step', 'waiting'],
        ['draft@', 'step', 'completed'],
        ['draft@/r1', 'llm-round', 'completed'],
        ['post@', 'step', 'completed'],
        ['start@', 'step', 'completed'],
      ]);
      expect(await db.runs.get(runId)).not.toHaveProperty('waitingFor');

      const store = new DexieEngineStore(db, (error) => {
        throw error;
      });
      const { calls, runners } = countingRunners();
      const engine = new Engine({ store, clock: new FakeClock(), runners, maxParallelism: 4 });
      await engine.resumeAll();
      const key = `${runId}:ask@`;
      await until(async () => (await store.loadRun(runId))?.waits?.[0]?.kind === 'approval');
      expect((await store.loadRun(runId))?.waits).toEqual([
        { kind: 'approval', stepKey: key, prompt: 'Send the note for box-7?' },
      ]);
      await engine.approve(runId, key, true);
      const done = await engine.awaitRun(runId);
      expect(done).toMatchObject({
        status: 'completed',
        output: { note: 'note: Draft a note for box-7', status: 201 },
      });
      expect(calls).toEqual({ model: 0, http: 0 });
      engine.shutdown();
      db.close();
    },
  );

  it('a run a full disk stopped under version 5 still says so, as a storage-full wait', async () => {
    const name = 't-' + crypto.randomUUID();
    names.push(name);
    const v5 = shippedDb(name, 5);
    const quota = { message: 'browser storage is full', category: 'quota', retryable: true };
    // Version 5's run records as it wrote them (aRun's fields, a sentence for the wait).
    await v5.table('runs').bulkPut([
      { ...aRun('full', { status: 'paused' }), error: quota },
      { ...aRun('event', { status: 'waiting' }), waitingFor: 'event payment_received' },
    ]);
    v5.close();
    const store = new DexieEngineStore(new TabflowDb(name));
    expect((await store.loadRun('full'))?.waits).toEqual([{ kind: 'storage-full' }]);
    expect(await store.loadRun('event')).not.toHaveProperty('waitingFor');
    store.db.close();
  });
});

async function until(condition: () => Promise<boolean>, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
