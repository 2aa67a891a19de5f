import 'fake-indexeddb/auto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failedRunBundle, openedBundleDbs } from '../support/bundles';
import { startPostgres, type Postgres } from '../support/postgres';
import { spawnWorker, stopWorker, tabflow, type WorkerProcess } from './support/cluster';
import { serverTestsEnabled } from './support/setup';

const enabled = serverTestsEnabled();

function bundleFile(value: unknown): string {
  const path = join(mkdtempSync(join(tmpdir(), 'tabflow-bundle-')), 'bundle.json');
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value));
  return path;
}

describe.runIf(enabled)('tabflow submit bundle.json: a run exported from the tab continues on DBOS', () => {
  let postgres: Postgres;
  let worker: WorkerProcess;
  let url: string;

  beforeAll(async () => {
    postgres = await startPostgres();
    url = postgres.createDatabase('bundles');
    worker = await spawnWorker(url, 'bundle-worker');
  }, 120_000);

  afterAll(async () => {
    if (worker) await stopWorker(worker);
    postgres?.stop();
    await Promise.all(openedBundleDbs.splice(0).map((db) => db.delete()));
  });

  it('continues from its last finished step: the draft keeps the tab’s answer, only the polish runs here', async () => {
    const { bundle, runId } = await failedRunBundle();
    const submitted = await tabflow(url, 'submit', bundleFile(bundle), '--wait', '--json');
    expect(submitted.code, submitted.stderr).toBe(0);
    const status = JSON.parse(submitted.stdout);
    expect(status.id).toBe(runId);
    expect(status.result).toMatchObject({
      status: 'completed',
      steps: expect.arrayContaining(['draft@', 'draft@/r1', 'polish@', 'polish@/r1']),
    });
    expect(typeof status.result.output).toBe('string');
    // The draft's round is the tab's recording, never asked again: only the polish is a DBOS operation.
    expect(status.operations).toContain('polish@/r1');
    expect(status.operations).not.toContain('draft@/r1');
  }, 120_000);

  it('refuses a changed bundle, and --input with a bundle, naming what is wrong; nothing is queued', async () => {
    const { bundle } = await failedRunBundle();
    const tampered = JSON.stringify(bundle).replace('Write about', 'Write against');
    const refused = await tabflow(url, 'submit', bundleFile(tampered));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/is not a usable run bundle: .*definitions/);
    const withInput = await tabflow(url, 'submit', bundleFile(bundle), '--input', '{}');
    expect(withInput.code).toBe(1);
    expect(withInput.stderr).toContain('it carries its own run id and input (drop --input and --id)');
    const listed = JSON.parse((await tabflow(url, 'list', '--json')).stdout) as { id: string }[];
    expect(listed.map((run) => run.id)).not.toContain(bundle.runId);
  }, 60_000);
});
