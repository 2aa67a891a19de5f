import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { afterEach, describe, expect, it } from 'vitest';
import type { WorkflowFile } from '../../../src/schema/workflow';
import { TabflowDb } from '../../../src/store/db';
import { clearAllData, exportBackup, previewRestore, restoreBackup, backupTables } from '../../../src/store/backup';
import { BACKUP_NOTICE, checkBackupText, type Backup } from '../../../src/store/backupFormat';
import { primaryKeyOf } from '../../../src/store/tableChunks';
import { saveSecret } from '../../../src/store/keyVault';
import { writeSetting } from '../../../src/store/settings';
import { aRun, aStep, anEvent, completed } from './fixtures';

const dbs: Dexie[] = [];
afterEach(async () => {
  await Promise.all(dbs.splice(0).map((db) => Dexie.delete(db.name)));
});

function fresh<T extends Dexie = TabflowDb>(make?: (name: string) => T): T {
  const name = `backup-${crypto.randomUUID()}`;
  const db = make ? make(name) : (new TabflowDb(name) as unknown as T);
  dbs.push(db);
  return db;
}

const API_KEY = 'sk-live-this-must-never-leave-the-browser';

const doc = (name: string): WorkflowFile =>
  ({
    workflowConfig: { name },
    stepsConfig: [{ stepSlug: 'start', name: 'Start', stepType: 'trigger', config: { type: 'manual' }, nextSteps: {} }],
  }) as WorkflowFile;

/** A database holding something in every table, a key and a passphrase vault among them. */
async function seeded(db: TabflowDb): Promise<void> {
  await db.workflows.bulkPut([
    { id: 'w1', name: 'digest', doc: doc('digest'), createdAt: 1, updatedAt: 5 },
    { id: 'w2', name: 'draft', doc: doc('draft'), draftText: '{ half', createdAt: 2, updatedAt: 2, deletedAt: 3 },
  ]);
  await db.runs.bulkPut([
    aRun('done', { status: 'completed', workflowId: 'w1', output: { ok: true }, finishedAt: 20, updatedAt: 20 }),
    aRun('child', { status: 'completed', parentRunId: 'done', depth: 1, updatedAt: 15 }),
    aRun('going', { status: 'waiting', workflowId: 'w1', waits: [{ kind: 'event', stepKey: 'going:a@', name: 'go' }] }),
  ]);
  await db.steps.bulkPut([
    completed(aStep('done', 'a', 0), { n: 1 }),
    completed(aStep('done', 'b', 1), { nested: { deep: [1, 2, { x: 'é' }] } }),
    completed(aStep('child', 'c', 0), null),
    aStep('going', 'a', 0, { status: 'waiting' }),
  ]);
  await db.events.bulkPut([anEvent('e1', 'done', 10, { consumedBy: 'done:a@' }), anEvent('e2', 'going', 11)]);
  await db.messages.bulkPut([
    {
      id: 'done:a@/prompt',
      threadId: 'done:a@',
      seq: 0,
      runId: 'done',
      message: { role: 'user', content: 'hi' },
      createdAt: 1,
    },
  ]);
  await db.threads.put({ id: 'done:a@', title: 'hi' });
  await db.definitions.put({ hash: 'hash-1', definition: doc('digest'), parsed: true, savedAt: 1 });
  await db.tableRows.bulkPut([
    { table: 'customers', id: 'c1', row: { id: 'c1', name: 'Ada', tags: ['a'] } },
    { table: 'notes', id: 'n1', row: { id: 'n1', text: 'x' } },
  ]);
  await writeSetting(db, 'maxParallelism', 3);
  await db.settings.put({ key: 'hostApproval:hash-1:api.example.com', value: true });
  await saveSecret(db, 'provider:p1', API_KEY, undefined); // sealed under the device key
  await db.settings.put({
    key: 'keyVault',
    value: { salt: 'c2FsdA', iterations: 1, check: { iv: 'aXY', data: 'ZGF0YQ' } },
  });
}

/** Every record of every table, keyed by primary key, for record-by-record comparison. */
async function snapshot(db: Dexie, skip: readonly string[] = []): Promise<Record<string, Array<[string, unknown]>>> {
  const out: Record<string, Array<[string, unknown]>> = {};
  for (const table of db.tables) {
    if (skip.includes(table.name)) continue;
    const records = await table.toArray();
    out[table.name] = records
      .map((r): [string, unknown] => [JSON.stringify(primaryKeyOf(table, r)), r])
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }
  return out;
}

async function checked(text: string, db: TabflowDb): Promise<Backup> {
  const result = await checkBackupText(text, backupTables(db), db.verno);
  if (!result.ok) throw new Error(result.message);
  return result.backup;
}

describe('backup and restore', () => {
  it('export → clear all data → restore gives back every table, record by record; no key travels', async () => {
    const db = fresh();
    await seeded(db);
    const before = await snapshot(db, ['secrets', 'deviceKeys']);
    const text = await (await exportBackup(db)).text();

    expect(JSON.parse(text).about).toBe(BACKUP_NOTICE);
    expect(text.indexOf('"about"')).toBeLessThan(text.indexOf('"tables"'));
    expect(BACKUP_NOTICE).toContain('no API keys or secret values');
    const stored = (await db.secrets.toArray())[0]!;
    expect('sealed' in stored && stored.under === 'device').toBe(true);
    const sealed = 'sealed' in stored ? [stored.sealed.data, stored.sealed.iv] : [];
    for (const secret of [API_KEY, ...sealed, 'provider:p1', '"keyVault"', 'c2FsdA'])
      expect(text).not.toContain(secret);
    expect(await db.deviceKeys.count()).toBe(1);

    await clearAllData(db);
    for (const table of db.tables) expect(await table.count(), table.name).toBe(0);

    const restored = await restoreBackup(db, await checked(text, db), 'replace');
    expect(restored.unfinishedRuns).toEqual(['going']);
    const after = await snapshot(db, ['secrets', 'deviceKeys']);
    // The key vault's setting stays in the browser that has the keys: everything else is back as it was.
    before.settings = before.settings!.filter(([key]) => key !== '"keyVault"');
    expect(after).toEqual(before);
    expect(await db.secrets.count()).toBe(0);
  });

  it('a merge into an empty database restores the same records', async () => {
    const source = fresh();
    await seeded(source);
    const text = await (await exportBackup(source)).text();
    const target = fresh();
    await restoreBackup(target, await checked(text, target), 'merge');
    const expected = await snapshot(source, ['secrets', 'deviceKeys']);
    expected.settings = expected.settings!.filter(([key]) => key !== '"keyVault"');
    expect(await snapshot(target, ['secrets', 'deviceKeys'])).toEqual(expected);
  });

  it('a table added to the database later is exported and restored without any change to the backup code', async () => {
    class WiderDb extends TabflowDb {
      constructor(name: string) {
        super(name);
        this.version(this.verno + 10).stores({ extras: 'id' });
      }
    }
    const db = fresh((name) => new WiderDb(name));
    await db.table('extras').put({ id: 'x1', payload: [1, 2, 3] });
    const text = await (await exportBackup(db)).text();
    expect(JSON.parse(text).tables.extras).toEqual([{ id: 'x1', payload: [1, 2, 3] }]);
    await clearAllData(db);
    await restoreBackup(db, await checked(text, db), 'replace');
    expect(await db.table('extras').toArray()).toEqual([{ id: 'x1', payload: [1, 2, 3] }]);
  });

  it('the preview says what is new, newer, older and identical; a merge lets the newer side win', async () => {
    const db = fresh();
    await seeded(db);
    const text = await (await exportBackup(db)).text();
    // Since the backup: w1 edited here (the backup's copy is older), run "done" deleted, a new workflow.
    await db.workflows.update('w1', { name: 'digest 2', updatedAt: 50 });
    await db.runs.delete('done');
    await db.steps.where('runId').equals('done').delete();
    await db.workflows.put({ id: 'w3', name: 'new here', doc: doc('new here'), createdAt: 60, updatedAt: 60 });
    const backup = await checked(text, db);
    backup.tables.workflows!.find((w) => w.id === 'w2')!.updatedAt = 99; // the backup's w2 is newer

    const preview = await previewRestore(db, backup, 'merge');
    const of = (name: string) => preview.tables.find((t) => t.table === name)!;
    expect(of('workflows').verdicts).toEqual({ new: 0, newer: 1, older: 1, identical: 0, differs: 0 });
    expect(of('runs').verdicts).toMatchObject({ new: 1, identical: 2 });
    expect(of('runs').keptLive).toBe(1); // "going" is still waiting here: never touched
    expect(of('steps').written).toBe(2); // the deleted run's journal comes back with it
    expect(await db.workflows.get('w1')).toMatchObject({ name: 'digest 2' }); // a preview changes nothing

    const done = await restoreBackup(db, backup, 'merge');
    expect(done.unfinishedRuns).toEqual([]);
    expect((await db.workflows.get('w1'))!.name).toBe('digest 2');
    expect((await db.workflows.get('w2'))!.updatedAt).toBe(99);
    expect(await db.workflows.get('w3')).toBeDefined();
    expect(await db.runs.get('done')).toMatchObject({ status: 'completed' });
    expect(await db.steps.where('runId').equals('done').count()).toBe(2);
  });

  it('a replace removes what the backup does not hold, but keeps secrets and the key vault', async () => {
    const source = fresh();
    await source.workflows.put({ id: 'only', name: 'only', doc: doc('only'), createdAt: 1, updatedAt: 1 });
    const text = await (await exportBackup(source)).text();
    const db = fresh();
    await seeded(db);
    const preview = await previewRestore(db, await checked(text, db), 'replace');
    expect(preview.tables.find((t) => t.table === 'workflows')).toMatchObject({ inBackup: 1, local: 2, written: 1 });
    await restoreBackup(db, await checked(text, db), 'replace');
    expect((await db.workflows.toArray()).map((w) => w.id)).toEqual(['only']);
    expect(await db.runs.count()).toBe(0);
    expect(await db.secrets.count()).toBe(1);
    expect(await db.settings.get('keyVault')).toBeDefined();
  });
});

describe('a hostile backup file gets a clear message', () => {
  const db = new TabflowDb('backup-hostile-never-opened');
  const tables = backupTables(db);
  const check = (value: unknown) =>
    checkBackupText(typeof value === 'string' ? value : JSON.stringify(value), tables, db.verno);
  const head = { format: 'tabflow-backup', version: 1, databaseVersion: db.verno, exportedAt: 'x' };

  it.each([
    ['{ not json', /^this is not valid JSON/],
    [[1, 2], /not a JSON object/],
    [{ ...head, format: 'something-else', tables: {} }, /"format" is not "tabflow-backup"/],
    [{ ...head, version: 2, tables: {} }, /format version 2; this Tabflow reads version 1/],
    [{ ...head, databaseVersion: db.verno + 1, tables: {} }, /made by a newer Tabflow/],
    [{ ...head, tables: { secrets: [] } }, /a Tabflow backup never holds secrets/],
    [{ ...head, tables: { settings: [{ key: 'keyVault', value: {} }] } }, /"keyVault", which stays in its browser/],
    [{ ...head, tables: { nonsense: [] } }, /table "nonsense" that this Tabflow does not have/],
    [{ ...head, tables: { runs: {} } }, /table "runs" is not a list/],
  ])('%j', async (value, message) => {
    const result = await check(value);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toMatch(message);
  });

  it('a bad record is named by table, index and field', async () => {
    const runs = [aRun('a', { status: 'completed' }), { ...aRun('b'), status: 'exploded' }];
    const result = await check({ ...head, tables: { runs } });
    expect(!result.ok && result.message).toMatch(/^table "runs", record 1, field status: /);
    const keyless = await check({ ...head, tables: { workflows: [{ name: 'x' }] } });
    expect(!keyless.ok && keyless.message).toMatch(
      /^table "workflows", record 0, field id: the record's key is missing/,
    );
  });

  it('a workflow that is not one, a dangerous key and a too deep value are refused', async () => {
    const bad = {
      id: 'w',
      name: 'x',
      doc: { workflowConfig: { name: 'x' }, stepsConfig: [{}] },
      createdAt: 1,
      updatedAt: 1,
    };
    const result = await check({ ...head, tables: { workflows: [bad] } });
    expect(!result.ok && result.message).toMatch(/^table "workflows", record 0, field doc: \$\.stepsConfig/);
    const proto =
      `{"format":"tabflow-backup","version":1,"databaseVersion":${db.verno},"exportedAt":"x","tables":` +
      '{"tableRows":[{"table":"t","id":"1","row":{"id":"1","__proto__":{"polluted":true}}}]}}';
    const polluted = await check(proto);
    expect(!polluted.ok && polluted.message).toMatch(
      /table "tableRows", record 0, field row\.__proto__: .*not allowed/,
    );
    let deep: unknown = 1;
    for (let i = 0; i < 100; i++) deep = [deep];
    const tooDeep = await check({ ...head, tables: { threads: [{ id: 't', deep }] } });
    expect(!tooDeep.ok && tooDeep.message).toMatch(/table "threads", record 0, field deep.*nested more than/);
  });
});
