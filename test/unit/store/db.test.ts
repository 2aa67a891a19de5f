import 'fake-indexeddb/auto';
import Dexie, { type EntityTable } from 'dexie';
import { afterEach, describe, expect, it } from 'vitest';
import { SCHEMA_VERSION, TabflowDb, type SettingRecord, type WorkflowRecord } from '../../../src/store/db';
import { DexieEngineStore } from '../../../src/store/engineStore';
import { listWorkflows } from '../../../src/store/workflows';
import { enablePassphrase, readSecret, sealPlaintextSecrets, unlockVault } from '../../../src/store/keyVault';
import type { StepRecord } from '../../../src/engine/records';
import { aRun, aStep } from './fixtures';

/** The database exactly as version 1 shipped it: what a returning user's browser holds. */
class VersionOneDb extends Dexie {
  workflows!: EntityTable<WorkflowRecord, 'id'>;
  settings!: EntityTable<SettingRecord, 'key'>;

  constructor(name: string) {
    super(name);
    this.version(1).stores({
      workflows: 'id, name, updatedAt, deletedAt',
      settings: 'key',
    });
  }
}

const names: string[] = [];
afterEach(async () => {
  await Promise.all(names.splice(0).map((name) => Dexie.delete(name)));
});

function freshName(): string {
  const name = 't-' + crypto.randomUUID();
  names.push(name);
  return name;
}

const doc = (name: string) => ({ workflowConfig: { name }, stepsConfig: [] }) as unknown as WorkflowRecord['doc'];

async function writeVersionOne(name: string, workflows: object[]): Promise<void> {
  const v1 = new VersionOneDb(name);
  await v1.workflows.bulkAdd(workflows as WorkflowRecord[]);
  await v1.settings.put({ key: 'maxParallelism', value: 2 });
  v1.close();
}

/** Version 2 as it shipped: version 1 plus the engine's tables, messages indexed by thread only. */
class VersionTwoDb extends VersionOneDb {
  messages!: EntityTable<{ id: string; threadId: string; seq: number; runId: string }, 'id'>;
  constructor(name: string) {
    super(name);
    this.version(2).stores({
      runs: 'id, status, workflowId, updatedAt, parentRunId',
      steps: 'key, [runId+seq], runId',
      events: 'id, runId',
      definitions: 'hash',
      tableRows: '[table+id], table',
      threads: 'id',
      messages: 'id, [threadId+seq]',
      secrets: 'name',
    });
  }
}

/** Version 3 as it shipped: messages listed by run, steps still indexed by `runId`. */
class VersionThreeDb extends VersionTwoDb {
  steps!: EntityTable<StepRecord, 'key'>;
  constructor(name: string) {
    super(name);
    this.version(3).stores({ messages: 'id, [threadId+seq], runId' });
  }
}

/** Version 4 as it shipped: steps indexed by `[runId+seq]` only, secrets plain or `{ value: '', sealed }`. */
class VersionFourDb extends VersionThreeDb {
  secrets!: EntityTable<{ name: string; value: string; sealed?: { iv: string; data: string } }, 'name'>;
  constructor(name: string) {
    super(name);
    this.version(4).stores({ steps: 'key, [runId+seq]' });
  }
}

describe('database versions', () => {
  it(
    'a version-4 database opens at version 5: ' +
      'passphrase-sealed secrets say so and still unlock, plain ones are sealed at start-up',
    async () => {
      const name = freshName();
      // A passphrase-sealed record as version 4 wrote it, taken from a vault set up on a scratch database.
      const scratch = new TabflowDb(freshName());
      await scratch.secrets.put({ name: 'secret:LOCKED', value: 'locked-value-42' });
      await enablePassphrase(scratch, 'correct horse battery');
      const { sealed } = (await scratch.secrets.get('secret:LOCKED')) as { sealed: { iv: string; data: string } };
      const vault = await scratch.settings.get('keyVault');
      scratch.close();
      const v4 = new VersionFourDb(name);
      await v4.secrets.bulkAdd([
        { name: 'secret:LOCKED', value: '', sealed },
        { name: 'secret:PLAIN', value: 'plain-value-17' },
      ]);
      await v4.settings.put(vault!);
      v4.close();

      const db = new TabflowDb(name);
      await db.open();
      expect(db.verno).toBe(SCHEMA_VERSION);
      expect(await db.secrets.get('secret:LOCKED')).toEqual({ name: 'secret:LOCKED', sealed, under: 'passphrase' });
      await sealPlaintextSecrets(db);
      expect(JSON.stringify(await db.secrets.toArray())).not.toContain('plain-value-17');
      const key = await unlockVault(db, 'correct horse battery');
      expect([await readSecret(db, 'secret:LOCKED', key), await readSecret(db, 'secret:PLAIN', key)]).toEqual([
        'locked-value-42',
        'plain-value-17',
      ]);
      db.close();
    },
    30_000,
  );

  it("a version-3 database opens at version 4 with every step kept and a run's journal still in order", async () => {
    const name = freshName();
    const v3 = new VersionThreeDb(name);
    await v3.steps.bulkAdd([aStep('r1', 'b', 1), aStep('r2', 'a', 0), aStep('r1', 'a', 0)]);
    v3.close();
    const db = new TabflowDb(name);
    await db.open();
    expect(db.steps.schema.indexes.map((index) => index.name)).toEqual(['[runId+seq]']);
    expect((await new DexieEngineStore(db).loadSteps('r1')).map((s) => s.slug)).toEqual(['a', 'b']);
    expect(await db.steps.count()).toBe(3);
    db.close();
  });

  it('a version-2 database opens at version 3 with its messages listed by run', async () => {
    const name = freshName();
    const v2 = new VersionTwoDb(name);
    await v2.messages.bulkAdd([
      { id: 'r1:a@/prompt', threadId: 't1', seq: 0, runId: 'r1' },
      { id: 'r1:a@/r1', threadId: 't1', seq: 1, runId: 'r1' },
      { id: 'r2:a@/prompt', threadId: 't2', seq: 0, runId: 'r2' },
    ]);
    v2.close();
    const db = new TabflowDb(name);
    expect((await db.messages.where('runId').equals('r1').toArray()).map((m) => m.id)).toEqual([
      'r1:a@/prompt',
      'r1:a@/r1',
    ]);
    expect(await new DexieEngineStore(db).loadThread('t1')).toHaveLength(2);
    db.close();
  });

  it('a fresh database opens at SCHEMA_VERSION with every table', async () => {
    const db = new TabflowDb(freshName());
    await db.open();
    expect(db.verno).toBe(SCHEMA_VERSION);
    expect(db.tables.map((t) => t.name).sort()).toEqual([
      'batchCells',
      'batchRows',
      'batches',
      'definitions',
      'deviceKeys',
      'events',
      'leases',
      'messages',
      'runs',
      'secrets',
      'settings',
      'steps',
      'tableRows',
      'threads',
      'versions',
      'workflows',
    ]);
    db.close();
  });

  it(
    'a version-1 database opens at the current version ' +
      'with its workflows and settings intact and the new tables working',
    async () => {
      const name = freshName();
      const saved: WorkflowRecord = {
        id: 'w1',
        name: 'Digest',
        doc: doc('Digest'),
        createdAt: 5,
        updatedAt: 9,
        draftText: '{ half',
      };
      await writeVersionOne(name, [saved]);

      const db = new TabflowDb(name);
      expect(await db.workflows.get('w1')).toEqual({ ...saved, revision: 1 });
      expect(await db.settings.get('maxParallelism')).toEqual({ key: 'maxParallelism', value: 2 });
      expect(db.verno).toBe(SCHEMA_VERSION);

      const store = new DexieEngineStore(db);
      await store.commit({
        fences: [{ runId: 'r1', generation: 0 }],
        runs: [aRun('r1', { workflowId: 'w1' })],
        steps: [aStep('r1', 'a', 0)],
      });
      await db.secrets.put({ name: 'OPENAI_API_KEY', value: 'sk-test' });
      expect((await store.listUnfinishedRuns()).map((r) => r.id)).toEqual(['r1']);
      expect(await db.runs.where('workflowId').equals('w1').count()).toBe(1);
      expect(await db.secrets.get('OPENAI_API_KEY')).toEqual({ name: 'OPENAI_API_KEY', value: 'sk-test' });
      db.close();
    },
  );

  it('the upgrade gives a version-1 workflow without timestamps one, so the library lists it again', async () => {
    const name = freshName();
    await writeVersionOne(name, [
      { id: 'old', name: 'Old', doc: doc('Old') },
      { id: 'half', name: 'Half', doc: doc('Half'), createdAt: 7 },
      { id: 'ok', name: 'Ok', doc: doc('Ok'), createdAt: 1, updatedAt: 2 },
    ]);
    const db = new TabflowDb(name);
    const listed = await listWorkflows(db);
    expect(listed.map((w) => w.id).sort()).toEqual(['half', 'ok', 'old']);
    expect(listed.find((w) => w.id === 'half')).toMatchObject({ createdAt: 7, updatedAt: 7 });
    expect(listed.find((w) => w.id === 'ok')).toMatchObject({ createdAt: 1, updatedAt: 2 });
    const old = listed.find((w) => w.id === 'old')!;
    expect(old.updatedAt).toBe(old.createdAt);
    db.close();
  });
});
