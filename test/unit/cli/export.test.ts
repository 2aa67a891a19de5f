import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { runServerCommand } from '../../../src/server/cli';
import { checkRunBundleForImport } from '../../../src/store/bundleCheck';
import { importRunBundle } from '../../../src/store/bundles';
import { TabflowDb } from '../../../src/store/db';
import { FAST_DEMO, tabflow, tempDir } from './harness';

const template = (id: string) => join(import.meta.dirname, '../../../src/templates', `${id}.json`);
const dbs: TabflowDb[] = [];
afterAll(async () => {
  await Promise.all(dbs.splice(0).map((db) => db.delete()));
});

/** `tabflow export …` in this process. */
async function exportRun(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const sink = (append: (text: string) => void) =>
    new Writable({ write: (chunk: Buffer, _encoding, done) => (append(chunk.toString()), done()) });
  const code = await runServerCommand('export', argv, {
    stdout: sink((text) => (stdout += text)),
    stderr: sink((text) => (stderr += text)),
    env: {},
  });
  return { code, stdout, stderr };
}

/** Opened as the tab opens a bundle file: its check, then its import. */
async function openInTab(text: string) {
  const checked = checkRunBundleForImport(text);
  if (!checked.ok) throw new Error(`the tab refuses the bundle: ${JSON.stringify(checked.problem)}`);
  const db = new TabflowDb(`cli-export-${crypto.randomUUID()}`);
  dbs.push(db);
  const { run } = await importRunBundle(db, checked.bundle);
  const steps = await db.steps.where('[runId+seq]').between([run.id, -Infinity], [run.id, Infinity]).toArray();
  return { run, steps };
}

describe('tabflow export --store file:DIR: a run of tabflow run as a bundle the tab opens', () => {
  it('exports the run waiting for its approval, then finished; both open in the tab', async () => {
    const dir = tempDir();
    const args = ['run', template('approval-before-update'), '--input', '{"customerId":"cus_004"}', ...FAST_DEMO];
    const waiting = await tabflow([...args, '--store', `file:${dir}`]);
    expect(waiting.code).toBe(3);
    const runId = /started run (\S+)/.exec(waiting.stderr)![1]!;

    const out = join(tempDir(), 'bundle.json');
    const exported = await exportRun(runId, '--store', `file:${dir}`, '--out', out);
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stdout).toContain(
      `exported run ${runId} (exported while it waited; the run itself goes on (in the store`,
    );
    expect(exported.stdout).toContain(`: tabflow run continues it)) to ${out}`);
    const early = await openInTab(readFileSync(out, 'utf8'));
    expect(early.run.status).toBe('cancelled');
    expect(early.run.error?.message).toContain('exported while it waited');
    expect(early.steps.map((s) => `${s.slug}:${s.status}`)).toContain('approve:cancelled');

    // The export took the store's lock only while it read: the run goes on from where it waited.
    const approved = await tabflow([...args, '--store', `file:${dir}`, '--approve', 'approve']);
    expect(approved.code, approved.stderr).toBe(0);
    const finished = await exportRun(runId, '--store', `file:${dir}`);
    expect(finished.code, finished.stderr).toBe(0);
    const tab = await openInTab(finished.stdout);
    expect(tab.run.status).toBe('completed');
    expect(tab.steps.map((s) => `${s.slug}:${s.status}`)).toEqual(
      expect.arrayContaining(['proposer:completed', 'approve:completed', 'apply:completed']),
    );
  });

  it('names what is wrong: no store there, no such run', async () => {
    expect((await exportRun('r-1', '--store', `file:${tempDir()}`)).stderr).toContain('holds no tabflow run store');
    const dir = tempDir();
    expect(
      (await tabflow(['run', template('approval-before-update'), '--store', `file:${dir}`, ...FAST_DEMO])).code,
    ).toBe(1);
    const missing = await exportRun('no-such-run', '--store', `file:${dir}`);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no run has the id "no-such-run" here');
  });
});
