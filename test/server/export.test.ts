import 'fake-indexeddb/auto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowFile } from '../../src/schema/workflow';
import { checkRunBundleForImport } from '../../src/store/bundleCheck';
import { importRunBundle } from '../../src/store/bundles';
import { TabflowDb } from '../../src/store/db';
import { startEffectServer, type EffectServer } from '../browser/effectServer';
import { chain, http } from '../support/flows';
import { query, startPostgres, type Postgres } from '../support/postgres';
import { spawnWorker, stopWorker, tabflow, tabflowWithEnv, until, type WorkerProcess } from './support/cluster';
import { serverTestsEnabled } from './support/setup';
import { effectWorkflow, writeWorkflow } from './support/workflows';

const enabled = serverTestsEnabled();
const TOKEN = `tok-${crypto.randomUUID()}`;
const dbs: TabflowDb[] = [];

/** A server that sends back what it was sent: the authorization header in its body and in a header of its own. */
async function startEchoServer(): Promise<{ host: string; seen: string[]; server: Server }> {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      seen.push(String(req.headers.authorization));
      res.writeHead(200, { 'content-type': 'application/json', 'x-echo': String(req.headers.authorization) });
      res.end(JSON.stringify({ youSent: req.headers.authorization, body }));
    });
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  return { host: `127.0.0.1:${(server.address() as AddressInfo).port}`, seen, server };
}

/** The bundle opened as the tab opens a file: its check, then its import into the tab's database. */
async function openInTab(text: string) {
  const checked = checkRunBundleForImport(text);
  if (!checked.ok) throw new Error(`the tab refuses the bundle: ${JSON.stringify(checked.problem)}`);
  const db = new TabflowDb(`export-${crypto.randomUUID()}`);
  dbs.push(db);
  const { run } = await importRunBundle(db, checked.bundle);
  const steps = await db.steps.where('[runId+seq]').between([run.id, -Infinity], [run.id, Infinity]).toArray();
  return { bundle: checked.bundle, run, steps: steps.map((s) => ({ key: s.key.slice(run.id.length + 1), s })) };
}

const outFile = () => join(mkdtempSync(join(tmpdir(), 'tabflow-export-')), 'bundle.json');

describe.runIf(enabled)('tabflow export: a server run as a bundle the tab opens', () => {
  let postgres: Postgres;
  let effects: EffectServer;
  let echo: Awaited<ReturnType<typeof startEchoServer>>;
  let worker: WorkerProcess;
  let url: string;

  beforeAll(async () => {
    postgres = await startPostgres();
    url = postgres.createDatabase('exports');
    effects = await startEffectServer();
    echo = await startEchoServer();
    worker = await spawnWorker(url, 'export-worker', [], { TABFLOW_SECRET_TOKEN: TOKEN });
  }, 120_000);

  afterAll(async () => {
    if (worker) await stopWorker(worker);
    await effects?.close();
    await new Promise((done) => echo?.server.close(done));
    postgres?.stop();
    await Promise.all(dbs.splice(0).map((db) => db.delete()));
  });

  const statusOf = async (runId: string) => JSON.parse((await tabflow(url, 'status', runId, '--json')).stdout);

  it('exports a run waiting for its approval, then finished: both open in the tab with the same steps', async () => {
    const file = writeWorkflow(effectWorkflow(effects.origin));
    expect((await tabflow(url, 'submit', file, '--input', '{"order":"o-9"}', '--id', 'exp-1')).code).toBe(0);
    await until('the approval wait', async () => ((await statusOf('exp-1')).waitingFor ? true : undefined));

    const waitingPath = outFile();
    const waiting = await tabflow(url, 'export', 'exp-1', '--out', waitingPath);
    expect(waiting.code, waiting.stderr).toBe(0);
    expect(waiting.stdout).toContain(`exported run exp-1 (exported while it waited`);
    const opened = await openInTab(readFileSync(waitingPath, 'utf8'));
    expect(opened.bundle.runs[0]).toMatchObject({ id: 'exp-1', status: 'cancelled' });
    expect(opened.run.error?.message).toBe(
      'exported while it waited for approval:exp-1:approve@ (step approve@); the run itself goes on (on the server)',
    );
    const before = new Map(opened.steps.map(({ key, s }) => [key, s.status]));
    expect(Object.fromEntries(before)).toMatchObject({ 'charge@': 'completed', 'approve@': 'cancelled' });

    expect((await tabflow(url, 'approve', 'exp-1', 'approve')).code).toBe(0);
    const done = await until('the run to finish', async () => {
      const status = await statusOf('exp-1');
      return status.result ? status : undefined;
    });
    const finished = await tabflow(url, 'export', 'exp-1');
    expect(finished.code, finished.stderr).toBe(0);
    const tab = await openInTab(finished.stdout);
    expect(tab.run.status).toBe('completed');
    expect(tab.run.output).toEqual(done.result.output);
    // The same journal as the worker's: its keys in order, each output as the worker recorded it.
    expect(tab.steps.map((s) => s.key)).toEqual(done.result.steps);
    const charged = tab.steps.find((s) => s.key === 'charge@')!.s.output as { body: { key: string } };
    expect(charged.body.key).toBe('exp-1:charge@');
    expect(tab.steps.find((s) => s.key === 'summary@')!.s.output).toEqual(expect.any(String));
    expect(tab.bundle.recording.rounds.map((r) => r.key)).toEqual(['exp-1:summary@/r1']);
  }, 120_000);

  it('a --reject after an approve is refused, naming the first answer; the same answer again is not', async () => {
    const file = writeWorkflow(effectWorkflow(effects.origin));
    expect((await tabflow(url, 'submit', file, '--input', '{"order":"o-10"}', '--id', 'exp-2')).code).toBe(0);
    await until('the approval wait', async () => ((await statusOf('exp-2')).waitingFor ? true : undefined));
    expect(await tabflow(url, 'approve', 'exp-2', 'approve')).toMatchObject({
      code: 0,
      stdout: 'approved approve of run exp-2',
    });
    const rejected = await tabflow(url, 'approve', 'exp-2', 'approve', '--reject');
    expect(rejected.code).toBe(1);
    expect(rejected.stdout).toBe('');
    expect(rejected.stderr).toMatch(
      /step approve of run exp-2 was already approved \(.+\): this rejection was not sent/,
    );
    const otherKey = await tabflow(url, 'approve', 'exp-2', 'approve@', '--idempotency-key', 'k-2');
    expect(otherKey.stderr).toContain('was already approved');
    const again = await tabflow(url, 'approve', 'exp-2', 'approve');
    expect(again).toMatchObject({ code: 0, stdout: expect.stringContaining('the same answer as before') });
    const done = await until('the run to finish', async () => {
      const status = await statusOf('exp-2');
      return status.result ? status : undefined;
    });
    const tab = await openInTab((await tabflow(url, 'export', 'exp-2')).stdout);
    expect(tab.steps.find((s) => s.key === 'approve@')!.s.output).toMatchObject({ approved: true });
    expect(done.result.status).toBe('completed');
  }, 120_000);

  it('exports a run with a subworkflow step: the child run comes with it, and the tab opens both', async () => {
    const child = effectWorkflow(effects.origin, { approval: false });
    const parent = chain('Parent', [
      {
        stepSlug: 'sub',
        name: 'Order',
        stepType: 'subworkflow',
        config: { workflow: 'Order', input: { order: 'o-s' } },
      },
    ]) as unknown as WorkflowFile;
    parent.bundledWorkflows = [child];
    expect((await tabflow(url, 'submit', writeWorkflow(parent), '--id', 'exp-sub')).code).toBe(0);
    const done = await until('the parent to finish', async () => {
      const status = await statusOf('exp-sub');
      return status.result ? status : undefined;
    });
    expect(done.result.status).toBe('completed');
    const exported = await tabflow(url, 'export', 'exp-sub');
    expect(exported.code, exported.stderr).toBe(0);
    const tab = await openInTab(exported.stdout);
    expect(tab.bundle.runs).toHaveLength(2);
    expect(tab.bundle.runs[1]).toMatchObject({ parentRunId: 'exp-sub', status: 'completed' });
    expect(tab.bundle.definitions).toHaveLength(2);
  }, 120_000);

  it('refuses a run with no such id, naming it', async () => {
    const missing = await tabflow(url, 'export', 'no-such-run');
    expect(missing).toMatchObject({ code: 1 });
    expect(missing.stderr).toContain('no run has the id "no-such-run"');
  }, 60_000);

  it('an http step sending a secret: the bundle, the journal and DBOS’s outputs hold its placeholder', async () => {
    const doc = chain(
      'Echo',
      [
        http('call', `http://${echo.host}/echo`, {
          headers: { authorization: 'Bearer {{secrets.TOKEN}}' },
          body: { token: '{{secrets.TOKEN}}' },
        }),
      ],
      { allowedHosts: [echo.host], secrets: { TOKEN: { kind: 'local' } } },
    ) as unknown as WorkflowFile;
    expect((await tabflow(url, 'submit', writeWorkflow(doc), '--id', 'exp-secret')).code).toBe(0);
    await until('the echo', async () => ((await statusOf('exp-secret')).result ? true : undefined));
    // The server did get the value and sent it back.
    expect(echo.seen).toEqual([`Bearer ${TOKEN}`]);

    // The client knows the secret too, so its last look would refuse a bundle holding it.
    // The database's password (trust authentication here ignores it) never reaches the bundle either.
    const withPassword = url.replace('postgres@', 'postgres:db-pa55word-7@');
    const exported = await tabflowWithEnv({ TABFLOW_SECRET_TOKEN: TOKEN }, withPassword, 'export', 'exp-secret');
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stdout).not.toContain(TOKEN);
    expect(exported.stdout).not.toContain('db-pa55word-7');
    const tab = await openInTab(exported.stdout);
    const call = tab.steps.find((s) => s.key === 'call@')!.s;
    expect(call.input).toMatchObject({
      headers: { authorization: 'Bearer {{secrets.TOKEN}}' },
      sendsSecrets: ['TOKEN'],
    });
    expect(call.output).toMatchObject({
      headers: { 'x-echo': 'Bearer {{secrets.TOKEN}}' },
      body: { youSent: 'Bearer {{secrets.TOKEN}}' },
    });
    const recorded = await query<{ output: string | null }>(
      url,
      `SELECT output FROM dbos.operation_outputs WHERE workflow_uuid = 'exp-secret'`,
    );
    expect(recorded.length).toBeGreaterThan(0);
    expect(JSON.stringify(recorded)).toContain('{{secrets.TOKEN}}');
    expect(JSON.stringify(recorded)).not.toContain(TOKEN);
    const saved = await query(url, `SELECT journal::text AS journal FROM tabflow_server.run_journals`);
    expect(JSON.stringify(saved)).not.toContain(TOKEN);
  }, 120_000);
});
