import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowFile } from '../../src/schema/workflow';
import { chain, http, set, transform } from '../support/flows';
import { query, startPostgres, type Postgres } from '../support/postgres';
import { spawnWorker, stopWorker, tabflow, until, type WorkerProcess } from './support/cluster';
import { serverTestsEnabled } from './support/setup';
import { startSideEffects, type SideEffects } from './support/sideEffects';
import { bytesHanded, longLoop } from './support/longLoop';
import { writeWorkflow } from './support/workflows';

const enabled = serverTestsEnabled();

/**
 * A `join: any` race: `fast` (two pure steps) against `slow` (two requests, each taking the server's delay); `after`:
 * then a request of its own.
 */
function race(origin: string, after = false): WorkflowFile {
  const call = (slug: string, next?: string) =>
    http(slug, `${origin}/${slug}`, { body: { step: slug } }, next ? { success: next } : undefined);
  const branches = {
    fast: [set('f1', { n: 1 }, { success: 'f2' }), transform('f2', '{ "won": steps.f1.output.n }')],
    slow: [call('s1', 's2'), call('s2')],
  };
  const step = { stepSlug: 'race', name: 'Race', stepType: 'parallel', config: { join: 'any', branches } };
  const steps = after ? [step, http('after', `${origin}/after`, { body: { step: 'after' } })] : [step];
  return chain('Race', steps, { allowedHosts: [new URL(origin).host] });
}

/** A request (the server's delay) before a parallel step whose branches wait for an approval and for an event. */
function answeredBranches(origin: string, requestInBranch: boolean): WorkflowFile {
  const call = (slug: string, next: string) =>
    http(slug, `${origin}/${slug}`, { body: { step: slug } }, { success: next });
  const approval = {
    stepSlug: 'ok',
    name: 'OK?',
    stepType: 'approval',
    config: { prompt: 'Go on?' },
    nextSteps: { approved: 'after', rejected: 'after' },
  };
  const event = {
    stepSlug: 'go',
    name: 'Go',
    stepType: 'event',
    config: { event: 'go' },
    nextSteps: { success: 'b2' },
  };
  const branches = {
    a: [
      ...(requestInBranch ? [call('a0', 'ok')] : []),
      approval,
      set('after', { approved: '{{steps.ok.output.approved}}' }),
    ],
    b: [event, set('b2', { went: true })],
  };
  const fan = { stepSlug: 'fan', name: 'Fan', stepType: 'parallel', config: { join: 'all', branches } };
  const steps = requestInBranch ? [fan] : [call('pre', 'fan'), fan];
  return chain('Answered branches', steps, { allowedHosts: [new URL(origin).host] });
}

describe.runIf(enabled)('child workflows of branches: cancelled when lost, handed only what they read', () => {
  let postgres: Postgres;
  let url: string;
  const workers: WorkerProcess[] = [];
  let effects: SideEffects;

  beforeAll(async () => {
    postgres = await startPostgres();
    url = postgres.createDatabase('branch_limits');
    effects = await startSideEffects(2_000);
    workers.push(await spawnWorker(url, 'limits-worker'));
  }, 120_000);

  afterAll(async () => {
    for (const worker of workers) await stopWorker(worker);
    await effects?.close();
    postgres?.stop();
  });

  async function resultOf(id: string) {
    return until(
      `run ${id}`,
      async () => {
        const answer = JSON.parse((await tabflow(url, 'status', id, '--json')).stdout);
        return answer.result || answer.error ? answer : undefined;
      },
      120_000,
    );
  }

  const statusOf = async (workflowId: string) =>
    (
      await query<{ status: string }>(url, `SELECT status FROM dbos.workflow_status WHERE workflow_uuid = $1`, [
        workflowId,
      ])
    )[0]?.status;

  it('cancels the branch that lost a join:any race: its later request is never made, its child CANCELLED', async () => {
    const id = 'race-run';
    expect((await tabflow(url, 'submit', writeWorkflow(race(effects.origin)), '--id', id)).code).toBe(0);
    const status = await resultOf(id);
    expect(status.result).toMatchObject({ status: 'completed', output: { fast: { won: 1 } } });
    await until(
      'the slow branch to stop',
      async () => (await statusOf(`${id}:race.slow`)) === 'CANCELLED' || undefined,
    );
    // Long enough for the slow branch's first request to end and a second one to have been made.
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    // On a busy machine the race may be over before the slow branch's first request went out.
    expect(effects.requests.filter((r) => r.key === `${id}:s1@race.slow`).length).toBeLessThanOrEqual(1);
    expect(effects.requests.filter((r) => r.key === `${id}:s2@race.slow`)).toEqual([]);
    expect(await statusOf(`${id}:race.slow`)).toBe('CANCELLED');
    expect(await statusOf(`${id}:race.fast`)).toBe('SUCCESS');
  }, 180_000);

  it('hands each iteration of a long loop only the records on its way, not every iteration before it', async () => {
    const count = 60;
    const id = 'long-loop';
    expect((await tabflow(url, 'submit', writeWorkflow(longLoop(count)), '--id', id)).code).toBe(0);
    const status = await resultOf(id);
    expect(status.result.status).toBe('completed');
    // The run's output is its last step's, the loop's list of iteration outputs.
    expect(status.result.output).toHaveLength(count);
    expect(status.result.output[count - 1]).toEqual({ echo: `item-${count - 1}` });
    const handed = await bytesHanded(url, id);
    expect(handed.size).toBe(count);
    const bytes = (index: number) => handed.get(`${id}:each[${index}]`)!;
    const total = [...handed.values()].reduce((sum, n) => sum + n, 0);
    console.log(
      `[bytes handed to ${count} iteration children] first ${bytes(0)}, last ${bytes(count - 1)}, total ${total}`,
    );
    // The last iteration is handed about what the first was (the loop's record grows by a few bytes), not 60 times it.
    expect(bytes(count - 1)).toBeLessThan(bytes(0) * 1.5);
  }, 300_000);

  it('an approval and an event sent before their branches start are consumed by the branches when there', async () => {
    const id = 'early-answers';
    expect(
      (await tabflow(url, 'submit', writeWorkflow(answeredBranches(effects.origin, false)), '--id', id)).code,
    ).toBe(0);
    // Sent while the run's first request is on its way: no branch's child workflow exists yet.
    expect((await tabflow(url, 'approve', id, 'ok@fan.a')).code).toBe(0);
    expect((await tabflow(url, 'send', id, 'go', '{"now":true}')).code).toBe(0);
    expect(await statusOf(`${id}:fan.a`)).toBeUndefined();
    const status = await resultOf(id);
    expect(status.result).toMatchObject({
      status: 'completed',
      output: { a: { approved: true }, b: { went: true } },
    });
  }, 180_000);

  it('an approval sent while its branch runs, before it reaches its wait, is consumed by the branch', async () => {
    const id = 'answer-mid-branch';
    expect((await tabflow(url, 'submit', writeWorkflow(answeredBranches(effects.origin, true)), '--id', id)).code).toBe(
      0,
    );
    await until('the branch’s request', async () =>
      effects.requests.some((r) => r.key === `${id}:a0@fan.a`) ? true : undefined,
    );
    expect(await statusOf(`${id}:fan.a`)).toBe('PENDING');
    expect((await tabflow(url, 'approve', id, 'ok@fan.a', '--reject')).code).toBe(0);
    // The event's branch waits already (a message for a workflow that waits goes to it, as before).
    await until('the event wait', async () => {
      const shown = JSON.parse((await tabflow(url, 'status', id, '--json')).stdout);
      const waits = shown.children?.some((c: { at: string; waitingFor?: unknown }) => c.at === 'fan.b' && c.waitingFor);
      return waits ? true : undefined;
    });
    expect((await tabflow(url, 'send', id, 'go', '{}')).code).toBe(0);
    const status = await resultOf(id);
    expect(status.result).toMatchObject({
      status: 'completed',
      output: { a: { approved: false }, b: { went: true } },
    });
  }, 180_000);

  it('cancel stops the run’s child workflows with it: a branch waiting for its approval ends CANCELLED', async () => {
    const id = 'cancel-children';
    expect((await tabflow(url, 'submit', writeWorkflow(answeredBranches(effects.origin, true)), '--id', id)).code).toBe(
      0,
    );
    await until('the branch’s request', async () =>
      effects.requests.some((r) => r.key === `${id}:a0@fan.a`) ? true : undefined,
    );
    expect((await tabflow(url, 'cancel', id)).code).toBe(0);
    await until('the branches to stop', async () =>
      (await statusOf(`${id}:fan.a`)) === 'CANCELLED' && (await statusOf(`${id}:fan.b`)) === 'CANCELLED'
        ? true
        : undefined,
    );
    expect(await statusOf(id)).toBe('CANCELLED');
  }, 120_000);

  it('a parent recovered after the race (its worker SIGKILLed) does not run the cancelled branch again', async () => {
    const own = postgres.createDatabase('race_kill');
    const worker = await spawnWorker(own, 'race-kill-worker');
    workers.push(worker);
    const id = 'race-kill';
    expect((await tabflow(own, 'submit', writeWorkflow(race(effects.origin, true)), '--id', id)).code).toBe(0);
    await until('the request after the race', async () =>
      effects.requests.some((r) => r.key === `${id}:after@`) ? true : undefined,
    );
    worker.child.kill('SIGKILL');
    await worker.exited;
    workers.push(await spawnWorker(own, 'race-kill-worker'));
    const status = await until('the recovered run', async () => {
      const answer = JSON.parse((await tabflow(own, 'status', id, '--json')).stdout);
      return answer.result ? answer : undefined;
    });
    expect(status.result).toMatchObject({ status: 'completed' });
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    const slow = await query<{ status: string }>(
      own,
      `SELECT status FROM dbos.workflow_status WHERE workflow_uuid = $1`,
      [`${id}:race.slow`],
    );
    expect(slow[0]?.status).toBe('CANCELLED');
    // On a busy machine the race may be over before the slow branch's first request went out.
    expect(effects.requests.filter((r) => r.key === `${id}:s1@race.slow`).length).toBeLessThanOrEqual(1);
    expect(effects.requests.filter((r) => r.key === `${id}:s2@race.slow`)).toEqual([]);
  }, 180_000);
});
