import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEffectServer, type EffectServer } from '../browser/effectServer';
import { query, startPostgres, type Postgres } from '../support/postgres';
import { spawnWorker, stopWorker, tabflow, tabflowWithEnv, until, type WorkerProcess } from './support/cluster';
import { chain, set } from '../support/flows';
import { serverTestsEnabled } from './support/setup';
import { effectWorkflow, writeWorkflow } from './support/workflows';

const enabled = serverTestsEnabled();

describe.runIf(enabled)('tabflow worker / submit / status / approve on DBOS over PostgreSQL', () => {
  let postgres: Postgres;
  let effects: EffectServer;
  let worker: WorkerProcess;
  let url: string;

  beforeAll(async () => {
    postgres = await startPostgres();
    url = postgres.createDatabase('commands');
    effects = await startEffectServer();
    worker = await spawnWorker(url, 'worker-a');
  }, 120_000);

  afterAll(async () => {
    if (worker) await stopWorker(worker);
    await effects?.close();
    postgres?.stop();
  });

  const statusOf = async (runId: string) => JSON.parse((await tabflow(url, 'status', runId, '--json')).stdout);

  it('runs http, demo-model and approval steps to completion, the approval sent twice consumed once', async () => {
    const file = writeWorkflow(effectWorkflow(effects.origin));
    const submitted = await tabflow(url, 'submit', file, '--input', '{"order":"o-1"}', '--id', 'run-1');
    expect(submitted).toMatchObject({ code: 0, stdout: 'run-1' });

    const waiting = await until('the approval wait', async () => {
      const status = await statusOf('run-1');
      return status.waitingFor ? status : undefined;
    });
    expect(waiting.waitingFor).toMatchObject({ stepKey: 'approve@', event: 'approval:run-1:approve@' });
    expect(waiting.operations).toEqual(expect.arrayContaining(['charge@', 'summary@/r1']));

    expect((await tabflow(url, 'approve', 'run-1', 'approve')).code).toBe(0);
    expect((await tabflow(url, 'approve', 'run-1', 'approve')).code).toBe(0);
    const done = await until('the run to finish', async () => {
      const status = await statusOf('run-1');
      return status.result ? status : undefined;
    });
    expect(done.result).toMatchObject({
      status: 'completed',
      steps: ['start@', 'charge@', 'summary@', 'summary@/r1', 'approve@', 'ship@'],
    });
    expect(effects.requests.get('run-1:charge@')).toBe(1);
    expect(effects.requests.get('run-1:ship@')).toBe(1);
    // Two sends with the run-and-step key: one message was ever stored, one recv consumed it.
    const stored = await query(url, `SELECT consumed FROM dbos.notifications WHERE destination_uuid = 'run-1'`);
    expect(stored).toEqual([{ consumed: true }]);
    const received = await query(
      url,
      `SELECT count(*)::int AS n FROM dbos.operation_outputs
       WHERE workflow_uuid = 'run-1' AND function_name = 'DBOS.recv'`,
    );
    expect(received[0]?.n).toBe(1);
  }, 120_000);

  it('runs a subworkflow step on a workflow the file bundles, its request once under the child run’s key', async () => {
    const child = effectWorkflow(effects.origin, { approval: false });
    const parent = {
      workflowConfig: { name: 'Parent' },
      stepsConfig: [
        {
          stepSlug: 'start',
          name: 'Start',
          stepType: 'trigger',
          config: { type: 'manual' },
          nextSteps: { default: 'sub' },
        },
        {
          stepSlug: 'sub',
          name: 'Order',
          stepType: 'subworkflow',
          config: { workflow: 'Order', input: { order: 'o-sub' } },
        },
      ],
      bundledWorkflows: [child],
    };
    const file = writeWorkflow(parent as unknown as Parameters<typeof writeWorkflow>[0]);
    expect((await tabflow(url, 'submit', file, '--id', 'run-sub')).code).toBe(0);
    const done = await until('the parent to finish', async () => {
      const status = await statusOf('run-sub');
      return status.result ? status : undefined;
    });
    expect(done.result.status).toBe('completed');
    const charged = [...effects.requests.keys()].filter((key) => key.endsWith(':charge@') && key.startsWith('run-sub'));
    expect(charged).toHaveLength(1);
    expect(effects.requests.get(charged[0]!)).toBe(1);
    // The child run is a child workflow of its own (its id the child run's): the request is a step of it.
    expect(done.children).toEqual([
      expect.objectContaining({ kind: 'subworkflow', at: 'sub@', workflowId: 'run-sub~sub~' }),
    ]);
    expect(done.children[0].operations).toContain('charge@');
  }, 120_000);

  it('cancels a run waiting for its approval; it never ships', async () => {
    const file = writeWorkflow(effectWorkflow(effects.origin));
    expect((await tabflow(url, 'submit', file, '--input', '{"order":"o-2"}', '--id', 'run-2')).code).toBe(0);
    await until('the approval wait', async () => ((await statusOf('run-2')).waitingFor ? true : undefined));
    expect(await tabflow(url, 'cancel', 'run-2')).toMatchObject({ code: 0, stdout: 'cancelled run run-2' });
    await until('the cancellation', async () =>
      (await statusOf('run-2')).dbosStatus === 'CANCELLED' ? true : undefined,
    );
    expect((await tabflow(url, 'approve', 'run-2', 'approve')).code).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect((await statusOf('run-2')).dbosStatus).toBe('CANCELLED');
    expect(effects.requests.get('run-2:ship@')).toBeUndefined();
    const listed = JSON.parse((await tabflow(url, 'list', '--json')).stdout);
    expect(listed).toEqual(expect.arrayContaining([{ id: 'run-2', status: 'CANCELLED' }]));
  }, 120_000);

  it('prints no secret value of its environment, even one inside a run’s recorded output', async () => {
    const file = writeWorkflow(chain('Echo', [set('echo', { token: '{{input.value}}' })]));
    expect((await tabflow(url, 'submit', file, '--input', '{"value":"tok-5ecret-77"}', '--id', 'run-3')).code).toBe(0);
    await until('the echo', async () => ((await statusOf('run-3')).result ? true : undefined));
    const env = { TABFLOW_SECRET_TOKEN: 'tok-5ecret-77' };
    const shown = await tabflowWithEnv(env, url, 'status', 'run-3');
    expect(shown.stdout).toContain('output: {"token":"[secret]"}');
    expect(shown.stdout).not.toContain('tok-5ecret-77');
  }, 120_000);

  it('says what is wrong with a bad command and exits 1', async () => {
    const file = writeWorkflow(effectWorkflow(effects.origin));
    const badInput = await tabflow(url, 'submit', file, '--input', '{"order":');
    expect(badInput.code).toBe(1);
    expect(badInput.stderr).toContain('--input is not valid JSON');
    const schema = await tabflow(url, 'submit', file, '--input', '{}');
    expect(schema.stderr).toContain("input does not match the workflow's input schema");
    expect((await tabflow(url, 'status', 'no-such-run')).stderr).toContain('no run has the id "no-such-run"');
    expect((await tabflow(url, 'send', 'run-1', 'approval:x', '{}')).stderr).toContain('reserved');
    const noDb = await tabflow('', 'list');
    expect(noDb).toMatchObject({ code: 1 });
  }, 60_000);
});
