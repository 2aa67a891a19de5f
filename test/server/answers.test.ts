import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { overBudgetFlow } from '../support/budgetFlow';
import { chain, set } from '../support/flows';
import { query, startPostgres, type Postgres } from '../support/postgres';
import { spawnWorker, stopWorker, tabflow, until, type WorkerProcess } from './support/cluster';
import { serverTestsEnabled } from './support/setup';
import { writeWorkflow } from './support/workflows';

const enabled = serverTestsEnabled();

const approvalWithTimeout = (timeoutMs: number) =>
  chain('Approve or not', [
    {
      stepSlug: 'ok',
      name: 'OK',
      stepType: 'approval',
      config: { prompt: 'Go?', timeoutMs },
      nextSteps: { approved: 'answered', rejected: 'answered', timeout: 'late' },
    },
    set('answered', { by: 'a person' }, {}),
    set('late', { by: 'the timeout' }, {}),
  ]);

/** Budget questions and approvals with a timeout, answered on the server by `tabflow approve`. */
describe.runIf(enabled)('answers on the server: budget questions and approvals with timeoutMs', () => {
  let postgres: Postgres;
  let worker: WorkerProcess;
  let url: string;

  beforeAll(async () => {
    postgres = await startPostgres();
    url = postgres.createDatabase('answers');
    worker = await spawnWorker(url, 'answers');
  }, 120_000);

  afterAll(async () => {
    if (worker) await stopWorker(worker);
    postgres?.stop();
  });

  const statusOf = async (runId: string) => JSON.parse((await tabflow(url, 'status', runId, '--json')).stdout);
  const waitingOf = (runId: string) =>
    until(`${runId} to wait`, async () => (await statusOf(runId)).waitingFor as Record<string, unknown> | undefined);
  const finished = (runId: string) =>
    until(`${runId} to finish`, async () => {
      const status = await statusOf(runId);
      return status.result || status.dbosStatus === 'CANCELLED' ? status : undefined;
    });

  it('a round over the budget waits; approve is its Continue (sent twice, taken once), the run completes', async () => {
    const file = writeWorkflow(overBudgetFlow());
    expect((await tabflow(url, 'submit', file, '--input', '{"value":"tea"}', '--id', 'budget-go')).code).toBe(0);
    expect(await waitingOf('budget-go')).toEqual({ stepKey: 'second@/r1', event: 'budget:budget-go:second@/r1' });
    expect(await tabflow(url, 'approve', 'budget-go', 'second', '--note', 'worth it')).toMatchObject({ code: 0 });
    expect((await tabflow(url, 'approve', 'budget-go', 'second')).code).toBe(0);
    const done = await finished('budget-go');
    expect(done.result.status).toBe('completed');
    expect(done.result.steps).toContain('second@/r1');
    const received = await query<{ n: number }>(
      url,
      `SELECT count(*)::int AS n FROM dbos.notifications
       WHERE destination_uuid = 'budget-go' AND topic LIKE 'budget:%'`,
    );
    expect(received[0]?.n).toBe(1);
  }, 120_000);

  it('--reject at a budget question stops the run; the round is never answered', async () => {
    const file = writeWorkflow(overBudgetFlow());
    expect((await tabflow(url, 'submit', file, '--input', '{"value":"tea"}', '--id', 'budget-stop')).code).toBe(0);
    await waitingOf('budget-stop');
    expect((await tabflow(url, 'approve', 'budget-stop', 'second', '--reject')).code).toBe(0);
    const done = await finished('budget-stop');
    expect(done.dbosStatus).toBe('CANCELLED');
    expect(done.operations).not.toContain('second@/r1');
  }, 120_000);

  it('an approval with timeoutMs is answered by approve, and without an answer takes its timeout branch', async () => {
    const answered = writeWorkflow(approvalWithTimeout(60_000));
    expect((await tabflow(url, 'submit', answered, '--id', 'timed-ok')).code).toBe(0);
    expect(await waitingOf('timed-ok')).toMatchObject({ stepKey: 'ok@', event: 'approval:timed-ok:ok@' });
    expect((await tabflow(url, 'approve', 'timed-ok', 'ok')).code).toBe(0);
    expect((await finished('timed-ok')).result).toMatchObject({ status: 'completed', output: { by: 'a person' } });

    const unanswered = writeWorkflow(approvalWithTimeout(1_500));
    expect((await tabflow(url, 'submit', unanswered, '--id', 'timed-out')).code).toBe(0);
    expect((await finished('timed-out')).result).toMatchObject({ status: 'completed', output: { by: 'the timeout' } });
  }, 120_000);
});
