import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { afterEach, describe, expect, it } from 'vitest';
import { SCHEMA_VERSION, TabflowDb, UPGRADED_VERSION_SUMMARY, type WorkflowRecord } from '../../../src/store/db';
import { definitionHash } from '../../../src/schema/hash';
import type { WorkflowFile } from '../../../src/schema/workflow';
import { BURST_GAP_MS, listVersions, nameVersion, versionOfRun } from '../../../src/store/versions';
import {
  createWorkflow,
  renameWorkflow,
  restoreVersion,
  saveDraftText,
  saveWorkflowDoc,
} from '../../../src/store/workflows';
import { chain, llm, set } from '../../support/flows';
import { shippedDb } from './shippedSchemas';

const dbs: TabflowDb[] = [];
afterEach(async () => {
  for (const db of dbs.splice(0)) {
    db.close();
    await Dexie.delete(db.name);
  }
});

function freshDb(name = 'v-' + crypto.randomUUID()): TabflowDb {
  const db = new TabflowDb(name);
  dbs.push(db);
  return db;
}

const workflow = (prompt = 'Classify {{input.value}}', extra: Record<string, unknown>[] = []): WorkflowFile =>
  chain('Routing', [llm('classify', prompt), ...extra]);

const T0 = 1_700_000_000_000;

describe('database version 7', () => {
  it('a version-6 database opens with a first version of every workflow, hashed as runs hash it', async () => {
    const name = 'v6-' + crypto.randomUUID();
    const v6 = shippedDb(name, 6);
    const doc = workflow();
    await v6.table<WorkflowRecord>('workflows').bulkAdd([
      { id: 'w1', name: 'Routing', doc, createdAt: 1, updatedAt: 5 },
      { id: 'w2', name: 'Gone', doc: chain('Gone', [set('a', 1)]), createdAt: 1, updatedAt: 2, deletedAt: 3 },
    ]);
    v6.close();

    const db = freshDb(name);
    await db.open();
    expect(db.verno).toBe(SCHEMA_VERSION);
    const [first] = await listVersions(db, 'w1');
    expect(first).toMatchObject({ workflowId: 'w1', seq: 1, doc, origin: 'import', createdAt: 5 });
    expect(first?.summary).toBe(UPGRADED_VERSION_SUMMARY);
    expect(first?.definitionHash).toBe(await definitionHash(doc));
    expect(await listVersions(db, 'w2')).toHaveLength(1);
    expect((await db.workflows.get('w1'))?.revision).toBe(1);
    // A run that ran this document before the upgrade links to it.
    expect((await versionOfRun(db, { workflowId: 'w1', workflowHash: first!.definitionHash, createdAt: 9 }))?.seq).toBe(
      1,
    );
  });
});

describe('versions', () => {
  it('a new workflow starts at version 1; the edits of one burst coalesce into version 2', async () => {
    const db = freshDb();
    const record = await createWorkflow(db, workflow(), { now: T0 });
    for (let i = 1; i <= 5; i++) {
      await saveWorkflowDoc(db, record.id, workflow(`Prompt ${i}`), { session: 'tab-a', now: T0 + i * 1_000 });
    }
    const versions = await listVersions(db, record.id);
    expect(versions.map((v) => [v.seq, v.origin, v.summary])).toEqual([
      [2, 'edit', 'changed prompt of `classify`'],
      [1, 'import', 'created with 2 steps'],
    ]);
    expect(versions[0]?.doc).toEqual(workflow('Prompt 5'));
    expect(versions[0]?.definitionHash).toBe(await definitionHash(workflow('Prompt 5')));
  });

  it.each([
    ['a pause longer than the burst gap', { session: 'tab-a', now: T0 + 2_000 + BURST_GAP_MS }],
    ['another tab', { session: 'tab-b', now: T0 + 3_000 }],
    ['a save without an editor (a rename)', { now: T0 + 3_000 }],
  ])('%s starts a new version', async (_, second) => {
    const db = freshDb();
    const record = await createWorkflow(db, workflow(), { now: T0 });
    await saveWorkflowDoc(db, record.id, workflow('one'), { session: 'tab-a', now: T0 + 1_000 });
    await saveWorkflowDoc(db, record.id, workflow('two'), second);
    expect((await listVersions(db, record.id)).map((v) => v.seq)).toEqual([3, 2, 1]);
  });

  it('a named version and a version a run started with are never extended', async () => {
    const db = freshDb();
    const record = await createWorkflow(db, workflow(), { now: T0 });
    await saveWorkflowDoc(db, record.id, workflow('one'), { session: 'tab-a', now: T0 + 1_000 });
    await nameVersion(db, (await listVersions(db, record.id))[0]!.id, '  Before launch ');
    await saveWorkflowDoc(db, record.id, workflow('two'), { session: 'tab-a', now: T0 + 2_000 });
    // A run starts on version 3: the engine stores its definition by hash.
    const ran = (await listVersions(db, record.id))[0]!;
    await db.definitions.put({ hash: ran.definitionHash, definition: ran.doc, savedAt: T0 });
    await saveWorkflowDoc(db, record.id, workflow('three'), { session: 'tab-a', now: T0 + 3_000 });
    const versions = await listVersions(db, record.id);
    expect(versions.map((v) => [v.seq, v.name])).toEqual([
      [4, undefined],
      [3, undefined],
      [2, 'Before launch'],
      [1, undefined],
    ]);
    expect(await versionOfRun(db, { workflowId: record.id, workflowHash: ran.definitionHash, createdAt: T0 })).toEqual(
      ran,
    );
  });

  it('a burst summarises everything since the version before it', async () => {
    const db = freshDb();
    const record = await createWorkflow(db, workflow(), { now: T0 });
    await saveWorkflowDoc(db, record.id, workflow('x'), { session: 's', now: T0 + 1 });
    await saveWorkflowDoc(db, record.id, workflow('x', [set('notify', {})]), { session: 's', now: T0 + 2 });
    expect((await listVersions(db, record.id))[0]?.summary).toBe(
      'added step `notify`, changed next steps and prompt of `classify`',
    );
  });

  it('saving the same document again adds no version and no revision', async () => {
    const db = freshDb();
    const record = await createWorkflow(db, workflow());
    expect(await saveWorkflowDoc(db, record.id, workflow(), { baseRevision: 1 })).toEqual({
      kind: 'saved',
      revision: 1,
    });
    expect(await listVersions(db, record.id)).toHaveLength(1);
  });

  it('restore brings an old document back as a new version; a rename is a version too', async () => {
    const db = freshDb();
    const record = await createWorkflow(db, workflow(), { now: T0 });
    await saveWorkflowDoc(db, record.id, workflow('changed', [set('notify', {})]), { session: 's', now: T0 + 1 });
    const first = (await listVersions(db, record.id)).at(-1)!;
    await restoreVersion(db, first.id);
    await renameWorkflow(db, record.id, 'Triage');
    const versions = await listVersions(db, record.id);
    expect(versions.map((v) => [v.seq, v.origin, v.summary])).toEqual([
      [4, 'edit', "changed the workflow's name"],
      [3, 'restore', 'restored version 1: removed step `notify`, changed next steps and prompt of `classify`'],
      [2, 'edit', 'added step `notify`, changed next steps and prompt of `classify`'],
      [1, 'import', 'created with 2 steps'],
    ]);
    expect(versions[1]?.doc).toEqual(first.doc);
    expect((await db.workflows.get(record.id))?.doc.workflowConfig.name).toBe('Triage');
  });
});

describe('compare-and-set saves', () => {
  it('a save based on an older revision is refused, and the record says what is there now', async () => {
    const db = freshDb();
    const record = await createWorkflow(db, workflow());
    expect(await saveWorkflowDoc(db, record.id, workflow('tab A'), { baseRevision: 1 })).toEqual({
      kind: 'saved',
      revision: 2,
    });
    const second = await saveWorkflowDoc(db, record.id, workflow('tab B'), { baseRevision: 1 });
    expect(second.kind).toBe('conflict');
    expect(second.kind === 'conflict' && second.current.doc).toEqual(workflow('tab A'));
    expect((await db.workflows.get(record.id))?.doc).toEqual(workflow('tab A'));
    // Keep mine: saved on top, based on what is there now, as a version of its own.
    expect(
      await saveWorkflowDoc(db, record.id, workflow('tab B'), { baseRevision: 2, origin: 'conflict-copy' }),
    ).toEqual({ kind: 'saved', revision: 3 });
    expect((await listVersions(db, record.id)).map((v) => v.origin)).toEqual(['conflict-copy', 'edit', 'import']);
  });

  it('a draft counts as a write: a document based on the revision before it conflicts', async () => {
    const db = freshDb();
    const record = await createWorkflow(db, workflow());
    expect(await saveDraftText(db, record.id, '{ "half', { baseRevision: 1 })).toEqual({ kind: 'saved', revision: 2 });
    expect((await saveWorkflowDoc(db, record.id, workflow('other'), { baseRevision: 1 })).kind).toBe('conflict');
    expect((await saveDraftText(db, record.id, '{ "other', { baseRevision: 1 })).kind).toBe('conflict');
    expect((await db.workflows.get(record.id))?.draftText).toBe('{ "half');
  });

  it('two saves racing from the same revision: exactly one lands', async () => {
    const db = freshDb();
    const record = await createWorkflow(db, workflow());
    const results = await Promise.all([
      saveWorkflowDoc(db, record.id, workflow('A'), { baseRevision: 1 }),
      saveWorkflowDoc(db, record.id, workflow('B'), { baseRevision: 1 }),
    ]);
    expect(results.map((r) => r.kind).sort()).toEqual(['conflict', 'saved']);
  });
});
