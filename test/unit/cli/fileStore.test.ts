import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileStore, LOG_FILE, StoreFileError } from '../../../src/cli/fileStore';
import { LOCK_FILE, StoreBusyError } from '../../../src/cli/storeLock';
import { FencedError } from '../../../src/engine/store';
import { createTestEngine } from '../../support/engine';
import { chain, findThenMarkAtRisk, set } from '../../support/flows';
import { DEMO_CUSTOMERS } from '../../../src/templates/demoCustomers';

const tempDir = () => mkdtempSync(join(tmpdir(), 'tabflow-filestore-'));

/** A finished run of `workflow` on an engine over a FileStore in `dir`; the store is closed afterwards. */
async function runIn(dir: string, workflow = chain('two sets', [set('a', { x: 1 }), set('b', { y: 2 })])) {
  const store = FileStore.open(dir);
  if (store.created) store.seedTable('customers', DEMO_CUSTOMERS);
  const t = createTestEngine({ deps: { store } });
  const run = await t.engine.awaitRun(await t.engine.start({ workflow, input: { value: 'cus_002' } }));
  store.close();
  return run;
}

describe('FileStore: the journal of a headless run in a directory', () => {
  it('reads back every run, step, definition and table row after it is closed and opened again', async () => {
    const dir = tempDir();
    const run = await runIn(dir, findThenMarkAtRisk());
    expect(run.status).toBe('completed');
    const again = FileStore.open(dir);
    expect(again.created).toBe(false);
    expect(await again.loadRun(run.id)).toEqual(run);
    const steps = await again.loadSteps(run.id);
    expect(steps.map((s) => `${s.slug}:${s.status}`)).toEqual(['start:completed', 'find:completed', 'mark:completed']);
    expect(await again.loadDefinition(run.workflowHash)).toMatchObject({ parsed: true });
    expect(await again.queryTable('customers', { id: 'cus_002' }, 1)).toMatchObject([{ status: 'at_risk' }]);
    // The table update was applied once, in its commit, and replayed from the log (not applied twice).
    expect(await again.queryTable('customers', {}, 100)).toHaveLength(DEMO_CUSTOMERS.length);
    again.close();
  });

  it('drops a last line cut off by a kill and writes the next one on a line of its own', async () => {
    const dir = tempDir();
    const run = await runIn(dir);
    const path = join(dir, LOG_FILE);
    const whole = readFileSync(path, 'utf8');
    appendFileSync(path, '{"kind":"commit","batch":{"fences":[],"runs":[{"id":"half');
    const store = FileStore.open(dir);
    expect((await store.loadRun(run.id))?.status).toBe('completed');
    expect(readFileSync(path, 'utf8')).toBe(whole);
    store.seedTable('notes', [{ id: 'n1' }]);
    store.close();
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
    expect(lines.map((line) => JSON.parse(line).kind).at(-1)).toBe('table');
  });

  it('refuses a damaged line in the middle, naming the file and the line', async () => {
    const dir = tempDir();
    await runIn(dir);
    const path = join(dir, LOG_FILE);
    const lines = readFileSync(path, 'utf8').split('\n');
    lines[2] = '{"kind":"commit","batch":';
    writeFileSync(path, lines.join('\n'));
    expect(() => FileStore.open(dir)).toThrow(StoreFileError);
    expect(() => FileStore.open(dir)).toThrow(`${path}, line 3: not a readable record`);
    // The refused open let go of the directory.
    expect(() => readFileSync(join(dir, LOCK_FILE))).toThrow();
  });

  it('writes nothing for a commit a newer writer fenced', async () => {
    const dir = tempDir();
    const run = await runIn(dir);
    const store = FileStore.open(dir);
    const before = readFileSync(join(dir, LOG_FILE), 'utf8');
    const stale = { fences: [{ runId: run.id, generation: run.generation - 1 }], runs: [{ ...run, output: 'x' }] };
    await expect(store.commit(stale)).rejects.toThrow(FencedError);
    expect(readFileSync(join(dir, LOG_FILE), 'utf8')).toBe(before);
    store.close();
  });

  it('is held by one process at a time; a dead owner’s lock is taken over', () => {
    const dir = tempDir();
    // The parent of this test process is alive and is not this process.
    writeFileSync(join(dir, LOCK_FILE), String(process.ppid));
    expect(() => FileStore.open(dir)).toThrow(StoreBusyError);
    expect(() => FileStore.open(dir)).toThrow(`in use by process ${process.ppid}`);
    writeFileSync(join(dir, LOCK_FILE), '2147483646');
    const store = FileStore.open(dir);
    expect(readFileSync(join(dir, LOCK_FILE), 'utf8')).toBe(String(process.pid));
    store.close();
  });
});
