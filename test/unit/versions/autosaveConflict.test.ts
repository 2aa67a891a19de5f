import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { afterEach, describe, expect, it } from 'vitest';
import { TabflowDb } from '../../../src/store/db';
import { listVersions } from '../../../src/store/versions';
import { createWorkflow, getWorkflow } from '../../../src/store/workflows';
import { createAutosave, saveEditorText, type SaveStatus } from '../../../src/ui/editor/autosave';
import { chain, llm } from '../../support/flows';

const dbs: TabflowDb[] = [];
afterEach(async () => {
  for (const db of dbs.splice(0)) {
    db.close();
    await Dexie.delete(db.name);
  }
});

const doc = (prompt: string) => chain('Routing', [llm('classify', prompt)]);
const text = (prompt: string) => JSON.stringify(doc(prompt), null, 2);

/** One editor tab: its autosave writing to the shared database, and the statuses it reported. */
function tab(db: TabflowDb, id: string, session: string) {
  const statuses: SaveStatus[] = [];
  const autosave = createAutosave({
    write: (written, context) => saveEditorText(db, id, written, { ...context, session }),
    onStatus: (status) => statuses.push(status),
    delayMs: 10_000,
  });
  return { autosave, status: () => statuses.at(-1) };
}

async function setup() {
  const db = new TabflowDb('a-' + crypto.randomUUID());
  dbs.push(db);
  const record = await createWorkflow(db, doc('original'));
  const a = tab(db, record.id, 'tab-a');
  const b = tab(db, record.id, 'tab-b');
  // Both tabs opened the workflow at its first revision.
  a.autosave.noteStored(record);
  b.autosave.noteStored(record);
  return { db, id: record.id, a, b };
}

/** Both tabs edit; A saves first, then B tries. */
async function conflicted() {
  const tabs = await setup();
  tabs.a.autosave.change(text('from A'));
  tabs.b.autosave.change(text('from B'));
  await tabs.a.autosave.flush();
  await tabs.b.autosave.flush();
  return tabs;
}

describe('two tabs saving one workflow', () => {
  it('the second save of two unsaved edits does not win: it stops as a conflict holding its text', async () => {
    const { db, id, b } = await conflicted();
    expect((await getWorkflow(db, id))?.doc).toEqual(doc('from A'));
    const status = b.status();
    expect(status?.kind).toBe('conflict');
    expect(status?.kind === 'conflict' && status.mine).toBe(text('from B'));
    expect(status?.kind === 'conflict' && status.theirs.doc).toEqual(doc('from A'));
    // Typing on goes into the held text; nothing is written while the conflict is open.
    b.autosave.change(text('from B, more'));
    await b.autosave.flush();
    expect((await getWorkflow(db, id))?.doc).toEqual(doc('from A'));
    expect(b.autosave.isIdle()).toBe(false);
    expect(b.status()?.kind === 'conflict' && (b.status() as { mine: string }).mine).toBe(text('from B, more'));
  });

  it('keep mine saves this tab’s text on top, as a version of its own; theirs stays in the history', async () => {
    const { db, id, b } = await conflicted();
    await b.autosave.resolve('mine');
    expect(b.status()).toEqual({ kind: 'saved' });
    expect((await getWorkflow(db, id))?.doc).toEqual(doc('from B'));
    const versions = await listVersions(db, id);
    expect(versions.map((v) => [v.seq, v.origin])).toEqual([
      [3, 'conflict-copy'],
      [2, 'edit'],
      [1, 'import'],
    ]);
    expect(versions[1]?.doc).toEqual(doc('from A'));
  });

  it('take theirs drops this tab’s text; its next edit is based on theirs and saves', async () => {
    const { db, id, b } = await conflicted();
    await b.autosave.resolve('theirs');
    expect(b.autosave.isIdle()).toBe(true);
    expect((await getWorkflow(db, id))?.doc).toEqual(doc('from A'));
    b.autosave.change(text('B after taking theirs'));
    await b.autosave.flush();
    expect(b.status()).toEqual({ kind: 'saved' });
    expect((await getWorkflow(db, id))?.doc).toEqual(doc('B after taking theirs'));
  });

  it('leaving the workflow with the choice still open keeps mine on top; theirs stays a version', async () => {
    const { db, id, b } = await conflicted();
    expect(b.autosave.inConflict()).toBe(true);
    await b.autosave.leave();
    expect((await getWorkflow(db, id))?.doc).toEqual(doc('from B'));
    expect((await listVersions(db, id)).map((v) => [v.origin, v.doc])).toEqual([
      ['conflict-copy', doc('from B')],
      ['edit', doc('from A')],
      ['import', doc('original')],
    ]);
  });

  it('an idle tab that has seen the other tab’s save takes it as its base: its own next save lands', async () => {
    const { db, id, a, b } = await setup();
    a.autosave.change(text('from A'));
    await a.autosave.flush();
    // The live query delivers A's record to B, which shows it (B had nothing unsaved).
    b.autosave.noteStored((await getWorkflow(db, id))!);
    b.autosave.change(text('B on top of A'));
    await b.autosave.flush();
    expect(b.status()).toEqual({ kind: 'saved' });
    // …and A, which has not seen B's save yet and types again, gets the conflict.
    a.autosave.change(text('A again'));
    await a.autosave.flush();
    expect(a.status()?.kind).toBe('conflict');
  });

  it('a stale record (older than what this tab saved) never moves the base back', async () => {
    const { db, id, a } = await setup();
    const stale = (await getWorkflow(db, id))!;
    a.autosave.change(text('one'));
    await a.autosave.flush();
    a.autosave.noteStored(stale);
    a.autosave.change(text('two'));
    await a.autosave.flush();
    expect(a.status()).toEqual({ kind: 'saved' });
  });

  it('a draft saved in one tab is not overwritten by the other tab’s document', async () => {
    const { db, id, a, b } = await setup();
    a.autosave.change('{ "workflowConfig": ');
    await a.autosave.flush();
    // B sees the record change, but a draft is not something it shows: its base stays.
    b.autosave.noteStored((await getWorkflow(db, id))!);
    b.autosave.change(text('from B'));
    await b.autosave.flush();
    expect(b.status()?.kind).toBe('conflict');
    expect((await getWorkflow(db, id))?.draftText).toBe('{ "workflowConfig": ');
  });
});
