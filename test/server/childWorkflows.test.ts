import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowFile } from '../../src/schema/workflow';
import {
  browserWiring,
  runConformanceCase,
  type ConformanceResult,
  type ConformanceWiring,
} from '../support/conformance';
import { chain, http, llm, set, transform } from '../support/flows';
import { query, startPostgres, type Postgres } from '../support/postgres';
import { spawnWorker, stopWorker, tabflow, until, type WorkerProcess } from './support/cluster';
import { serverTestsEnabled } from './support/setup';
import { startSideEffects, type SideEffects } from './support/sideEffects';
import { writeWorkflow } from './support/workflows';

const enabled = serverTestsEnabled();

/** A parallel step `fan` (join all) of these branches. */
const fan = (branches: Record<string, unknown[]>) => ({
  stepSlug: 'fan',
  name: 'Fan',
  stepType: 'parallel',
  config: { join: 'all', branches },
});

const demo = (slug: string, prompt: string) => ({ ...llm(slug, prompt), nextSteps: {} });

/** A parallel step of two branches of two steps each, then a loop whose body has two steps, two at once. */
function branchyWorkflow(): WorkflowFile {
  const demoLlm = (slug: string, prompt: string) => {
    const step = demo(slug, prompt) as unknown as { config: { llmNode: Record<string, unknown> } };
    step.config.llmNode.model = 'demo';
    return step;
  };
  return chain('Branchy', [
    fan({
      a: [set('a1', { text: 'alpha {{input.value}}' }, { success: 'a2' }), demoLlm('a2', 'Say {{steps.a1.output}}')],
      b: [transform('b1', '$uppercase(input.value)', { success: 'b2' }), demoLlm('b2', 'Shout {{steps.b1.output}}')],
    }),
    {
      stepSlug: 'each',
      name: 'Each',
      stepType: 'loop',
      config: {
        forEach: ['x', 'y', 'z'],
        concurrency: 2,
        steps: [set('tag', { item: '{{loop.item}}' }, { success: 'say' }), demoLlm('say', 'Item {{loop.item}}')],
      },
    },
    transform('out', '{ "fan": steps.fan.output, "each": steps.each.output }'),
  ]);
}

/** Two branches of two http steps each, against the side-effect server (each request takes its delay). */
function httpBranches(origin: string): WorkflowFile {
  const call = (slug: string, next?: string) =>
    http(slug, `${origin}/${slug}`, { body: { step: slug } }, next ? { success: next } : undefined);
  const branches = { a: [call('a1', 'a2'), call('a2')], b: [call('b1', 'b2'), call('b2')] };
  return chain('Http branches', [fan(branches)], { allowedHosts: [new URL(origin).host] });
}

/** Two http steps in a workflow the parent calls as its subworkflow step `sub`. */
function httpSubworkflow(origin: string): WorkflowFile {
  const calls = chain(
    'Calls',
    [http('c1', `${origin}/c1`, { body: { step: 'c1' } }, { success: 'c2' }), http('c2', `${origin}/c2`)],
    {
      allowedHosts: [new URL(origin).host],
    },
  );
  const parent = chain('Calls parent', [
    { stepSlug: 'sub', name: 'Sub', stepType: 'subworkflow', config: { workflow: 'Calls' } },
  ]);
  return { ...parent, bundledWorkflows: [calls] } as WorkflowFile;
}

/** A parent calling `Inner` (a model step, then two branches of two steps) between two steps of its own. */
function subworkflowFlow(): WorkflowFile {
  const inner = chain('Inner', [
    { ...llm('intro', 'Introduce {{input.value}}', { model: 'demo' }), nextSteps: { success: 'fan' } },
    fan({
      a: [
        set('a1', { text: 'alpha {{input.value}}' }, { success: 'a2' }),
        transform('a2', '$uppercase(steps.a1.output.text)'),
      ],
      b: [set('b1', { n: 1 }, { success: 'b2' }), set('b2', { n: 2 })],
    }),
    transform('done', '{ "intro": steps.intro.output, "fan": steps.fan.output }'),
  ]);
  const parent = chain('Parent', [
    set('pre', { v: 'otter {{input.value}}' }),
    {
      stepSlug: 'sub',
      name: 'Sub',
      stepType: 'subworkflow',
      config: { workflow: 'Inner', input: { value: '{{steps.pre.output.v}}' } },
    },
    transform('out', '{ "sub": steps.sub.output }'),
  ]);
  return { ...parent, bundledWorkflows: [inner] } as WorkflowFile;
}

/** The tab's wiring, finding the workflows the file bundles as the tab finds an imported file's. */
const bundledWiring =
  (workflow: WorkflowFile): ConformanceWiring =>
  (env) => ({
    ...browserWiring(env),
    findWorkflow: async (name) => workflow.bundledWorkflows?.find((w) => w.workflowConfig.name === name),
  });

const sorted = (keys: string[]) => [...keys].sort();

describe.runIf(enabled)('multi-step branches and loop iterations as DBOS child workflows', () => {
  let postgres: Postgres;
  const workers: WorkerProcess[] = [];
  let effects: SideEffects;

  beforeAll(async () => {
    postgres = await startPostgres();
    effects = await startSideEffects(1_500);
  }, 120_000);

  afterAll(async () => {
    for (const worker of workers) await stopWorker(worker);
    await effects?.close();
    postgres?.stop();
  });

  async function resultOf(url: string, id: string) {
    return until(
      `run ${id}`,
      async () => {
        const answer = JSON.parse((await tabflow(url, 'status', id, '--json')).stdout);
        return answer.result || answer.error ? answer : undefined;
      },
      90_000,
    );
  }

  it('runs to the same output and step keys as the tab’s engine, each branch and iteration a child', async () => {
    const url = postgres.createDatabase('children');
    workers.push(await spawnWorker(url, 'children'));
    const workflow = branchyWorkflow();
    const input = { value: 'otters' };
    const expected = await runConformanceCase({ id: 'branchy', workflow, input, approve: [] }, browserWiring);
    expect(expected.status).toBe('completed');

    const submitted = await tabflow(url, 'submit', writeWorkflow(workflow), '--input', JSON.stringify(input));
    expect(submitted.code, submitted.stderr).toBe(0);
    const status = await resultOf(url, submitted.stdout);
    expect(status.error).toBeUndefined();
    const actual: ConformanceResult = status.result;
    expect(actual.status).toBe('completed');
    expect(actual.output).toEqual(expected.output);
    // Branches interleave in the tab and run side by side here: the same keys, not in the same order.
    expect(sorted(status.result.steps)).toEqual(sorted(expected.stepKeys));

    const children = await query<{ id: string }>(
      url,
      `SELECT workflow_uuid AS id FROM dbos.workflow_status WHERE name = 'tabflowBranch' ORDER BY workflow_uuid`,
    );
    const id = submitted.stdout;
    expect(children.map((c) => c.id)).toEqual(
      ['each[0]', 'each[1]', 'each[2]', 'fan.a', 'fan.b'].map((path) => `${id}:${path}`),
    );
    // Each model round is one DBOS operation, in the child workflow of its branch.
    const rounds = await query<{ wf: string; name: string }>(
      url,
      `SELECT workflow_uuid AS wf, function_name AS name FROM dbos.operation_outputs WHERE function_name LIKE '%/r1'
       ORDER BY function_name`,
    );
    expect(rounds).toEqual(
      ['a2@fan.a', 'b2@fan.b', 'say@each[0]', 'say@each[1]', 'say@each[2]'].map((name) => ({
        wf: `${id}:${name.slice(name.indexOf('@') + 1)}`,
        name: `${name}/r1`,
      })),
    );
  }, 180_000);

  it('an approval inside a multi-step branch waits in its child: status shows it, approve reaches it', async () => {
    const url = postgres.createDatabase('children_approval');
    workers.push(await spawnWorker(url, 'approval-worker'));
    const approval = {
      stepSlug: 'ok',
      name: 'OK?',
      stepType: 'approval',
      config: { prompt: 'Go on?' },
      nextSteps: { approved: 'after', rejected: 'after' },
    };
    const workflow = chain('Approval branch', [
      fan({
        a: [approval, set('after', { done: true })],
        b: [set('b1', { n: 1 }, { success: 'b2' }), set('b2', { n: 2 })],
      }),
    ]);
    const id = 'approval-in-branch';
    expect((await tabflow(url, 'submit', writeWorkflow(workflow), '--id', id)).code).toBe(0);
    const waiting = await until('the approval wait', async () => {
      const status = JSON.parse((await tabflow(url, 'status', id, '--json')).stdout);
      return status.waitingFor ? status : undefined;
    });
    expect(waiting.waitingFor).toMatchObject({ stepKey: 'ok@fan.a', event: `approval:${id}:ok@fan.a` });
    // Status lists each branch's child workflow under its path: what it recorded, what it waits for.
    const branchA = waiting.children.find((c: { at: string }) => c.at === 'fan.a');
    expect(branchA).toMatchObject({ kind: 'branch', workflowId: `${id}:fan.a`, dbosStatus: 'PENDING' });
    expect(branchA.waitingFor).toMatchObject({ stepKey: 'ok@fan.a' });
    const text = (await tabflow(url, 'status', id)).stdout;
    expect(text).toContain(`branch fan.a: pending (${id}:fan.a)`);
    expect(text).toContain('waiting for: approval:');
    expect((await tabflow(url, 'approve', id, 'ok@fan.a')).code).toBe(0);
    const status = await resultOf(url, id);
    expect(status.result).toMatchObject({ status: 'completed', output: { a: { done: true }, b: { n: 2 } } });
  }, 120_000);

  it('a subworkflow step’s child run is a child workflow of its own: same output, step keys as the tab', async () => {
    const url = postgres.createDatabase('children_sub');
    workers.push(await spawnWorker(url, 'sub-worker'));
    const workflow = subworkflowFlow();
    const input = { value: 'Ada' };
    const expected = await runConformanceCase({ id: 'sub', workflow, input, approve: [] }, bundledWiring(workflow));
    expect(expected.status).toBe('completed');
    const id = 'sub-run';
    const submitted = await tabflow(
      url,
      'submit',
      writeWorkflow(workflow),
      '--input',
      JSON.stringify(input),
      '--id',
      id,
    );
    expect(submitted.code, submitted.stderr).toBe(0);
    const status = await resultOf(url, id);
    expect(status.result).toMatchObject({ status: 'completed', output: expected.output });
    expect(status.result.steps).toEqual(expected.stepKeys);
    const child = `${id}~sub~`;
    const children = await query<{ id: string; name: string; parent: string }>(
      url,
      `SELECT workflow_uuid AS id, name, parent_workflow_id AS parent FROM dbos.workflow_status
       WHERE workflow_uuid <> $1 ORDER BY workflow_uuid`,
      [id],
    );
    expect(children).toEqual([
      { id: child, name: 'tabflowSubworkflow', parent: id },
      { id: `${child}:fan.a`, name: 'tabflowBranch', parent: child },
      { id: `${child}:fan.b`, name: 'tabflowBranch', parent: child },
    ]);
    // The child run's model round is an operation of its own workflow, not of the parent's.
    const rounds = await query<{ wf: string }>(
      url,
      `SELECT workflow_uuid AS wf FROM dbos.operation_outputs WHERE function_name = 'intro@/r1'`,
    );
    expect(rounds).toEqual([{ wf: child }]);
  }, 180_000);

  const SUPERVISED = ['--heartbeat-ms', '500', '--stale-after-ms', '2000'];

  /**
   * The run's worker is SIGKILLed once one of `second` (effect keys after the run id) is in flight; a restart under
   * its executor id, or the other worker's supervisor, ends it.
   */
  async function killMid(recovery: 'restart' | 'supervisor', workflow: WorkflowFile, tag: string, second: string[]) {
    const url = postgres.createDatabase(`children_kill_${tag}_${recovery}`);
    const names = recovery === 'restart' ? ['branch-worker'] : ['branch-a', 'branch-b'];
    const started: WorkerProcess[] = [];
    for (const name of names) started.push(await spawnWorker(url, `${tag}-${recovery}-${name}`, SUPERVISED));
    workers.push(...started);
    const id = `kill-${tag}-${recovery}`;
    const submitted = await tabflow(url, 'submit', writeWorkflow(workflow), '--id', id);
    expect(submitted.code, submitted.stderr).toBe(0);
    // Killed once a second step's request is on its way (the first recorded).
    await until('a second step in flight', async () =>
      effects.requests.some((r) => second.some((key) => r.key === `${id}${key}`)) ? true : undefined,
    );
    const [owner] = await query<{ executor: string }>(
      url,
      `SELECT executor_id AS executor FROM dbos.workflow_status WHERE workflow_uuid = $1`,
      [id],
    );
    const victim = started.find((w) => w.executorId === owner?.executor)!;
    const killedAt = Date.now();
    victim.child.kill('SIGKILL');
    await victim.exited;
    const inFlight = effects.inFlightAt(killedAt);
    if (recovery === 'restart') workers.push(await spawnWorker(url, victim.executorId, SUPERVISED));
    return { url, id, inFlight };
  }

  /** Each step's operation recorded once; each effect (`runId` + key) sent again only if in flight, applied once. */
  async function expectOnce(url: string, operations: string[], effectKeys: string[], inFlight: Set<string>) {
    const recorded = await query<{ name: string; n: number }>(
      url,
      `SELECT function_name AS name, count(*)::int AS n FROM dbos.operation_outputs
       WHERE function_name = ANY($1) GROUP BY function_name ORDER BY function_name`,
      [operations],
    );
    expect(recorded).toEqual(sorted(operations).map((name) => ({ name, n: 1 })));
    for (const key of effectKeys) {
      const sent = effects.requests.filter((r) => r.key === key).length;
      // Sent again only if it was in flight at the kill; applied once either way (the same idempotency key).
      expect(sent, key).toBe(inFlight.has(key) ? 2 : 1);
      expect(effects.applied.has(key)).toBe(true);
    }
    expect(inFlight.size).toBeGreaterThan(0);
  }

  for (const recovery of ['restart', 'supervisor'] as const) {
    it(`survives a worker SIGKILLed mid-branch (${recovery}): each step recorded once, each effect once`, async () => {
      const workflow = httpBranches(effects.origin);
      const { url, id, inFlight } = await killMid(recovery, workflow, 'branches', [':a2@fan.a', ':b2@fan.b']);
      const status = await resultOf(url, id);
      expect(status.result).toMatchObject({ status: 'completed' });
      const keys = ['a1@fan.a', 'a2@fan.a', 'b1@fan.b', 'b2@fan.b'];
      expect(sorted(status.result.steps)).toEqual(sorted(['start@', 'fan@', ...keys]));
      await expectOnce(
        url,
        keys,
        keys.map((key) => `${id}:${key}`),
        inFlight,
      );
    }, 180_000);
  }

  it('survives a worker SIGKILLed mid-subworkflow (restart): its child workflow goes on, effects once', async () => {
    const workflow = httpSubworkflow(effects.origin);
    const { url, id, inFlight } = await killMid('restart', workflow, 'sub', ['~sub~:c2@']);
    const status = await resultOf(url, id);
    expect(status.result).toMatchObject({ status: 'completed', steps: ['start@', 'sub@'] });
    await expectOnce(url, ['c1@', 'c2@'], [`${id}~sub~:c1@`, `${id}~sub~:c2@`], inFlight);
    const [child] = await query<{ status: string }>(
      url,
      `SELECT status FROM dbos.workflow_status WHERE workflow_uuid = $1`,
      [`${id}~sub~`],
    );
    expect(child?.status).toBe('SUCCESS');
  }, 180_000);
});
