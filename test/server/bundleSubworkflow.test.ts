import 'fake-indexeddb/auto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelRunner } from '../../src/engine/llmTypes';
import { failure } from '../../src/engine/retry';
import { exportRunBundle } from '../../src/store/bundles';
import { createWorkflow } from '../../src/store/workflows';
import { bundleBrowser, countingModel, openedBundleDbs, storyWorkflow } from '../support/bundles';
import { chain } from '../support/flows';
import { query, startPostgres, type Postgres } from '../support/postgres';
import { spawnWorker, stopWorker, tabflow, type WorkerProcess } from './support/cluster';
import { serverTestsEnabled } from './support/setup';

const enabled = serverTestsEnabled();

/** A run of `Parent` (a subworkflow step calling `Story`) whose child failed in the tab at its second model step. */
async function failedSubworkflowBundle() {
  const live = countingModel('live');
  const model: ModelRunner = async (round, call) => {
    if (call.idempotencyKey.includes(':polish@')) throw failure('auth', 'the provider refused the key', false);
    return live.runner(round, call);
  };
  const sub = { stepSlug: 'sub', name: 'Sub', stepType: 'subworkflow', config: { workflow: 'Story', input: {} } };
  const tab = bundleBrowser(model, true, { library: { Story: storyWorkflow() } });
  const saved = await createWorkflow(tab.db, chain('Parent', [sub]));
  const runId = await tab.engine.start({ workflow: saved.doc, workflowId: saved.id, input: { value: 'otters' } });
  expect((await tab.engine.awaitRun(runId)).status).toBe('failed');
  return { bundle: await exportRunBundle(tab.db, runId), runId };
}

describe.runIf(enabled)('a run bundle with a subworkflow continues on DBOS', () => {
  let postgres: Postgres;
  let worker: WorkerProcess;
  let url: string;

  beforeAll(async () => {
    postgres = await startPostgres();
    url = postgres.createDatabase('bundle_sub');
    worker = await spawnWorker(url, 'bundle-sub-worker');
  }, 120_000);

  afterAll(async () => {
    if (worker) await stopWorker(worker);
    postgres?.stop();
    await Promise.all(openedBundleDbs.splice(0).map((db) => db.delete()));
  });

  it('continues the unfinished child run in its child workflow: its finished step is not asked again', async () => {
    const { bundle, runId } = await failedSubworkflowBundle();
    const path = join(mkdtempSync(join(tmpdir(), 'tabflow-bundle-')), 'bundle.json');
    writeFileSync(path, JSON.stringify(bundle));
    const submitted = await tabflow(url, 'submit', path, '--wait', '--json');
    expect(submitted.code, submitted.stderr).toBe(0);
    const status = JSON.parse(submitted.stdout);
    expect(status.result).toMatchObject({ status: 'completed', steps: expect.arrayContaining(['sub@']) });
    const child = `${runId}~sub~`;
    expect(status.children).toEqual([expect.objectContaining({ kind: 'subworkflow', workflowId: child })]);
    // The draft's round is the tab's recording, never asked again: only the polish is an operation (once).
    const rounds = await query<{ wf: string; name: string }>(
      url,
      `SELECT workflow_uuid AS wf, function_name AS name FROM dbos.operation_outputs WHERE function_name LIKE '%/r1'`,
    );
    expect(rounds).toEqual([{ wf: child, name: 'polish@/r1' }]);
  }, 120_000);
});
