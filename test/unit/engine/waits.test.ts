import { describe, expect, it } from 'vitest';
import { createTestEngine } from '../../support/engine';
import { chain, set } from '../../support/flows';

const step = (t: ReturnType<typeof createTestEngine>, key: string) => t.data.steps.get(key);

describe('durable waits, approvals and events', () => {
  it(
    'a wait records an absolute wake time and continues when the clock passes it, ' + 'counting no running time',
    async () => {
      const workflow = chain(
        'nap',
        [
          { stepSlug: 'nap', name: 'Nap', stepType: 'wait', config: { durationMs: 60_000 } },
          set('after', { done: true }),
        ],
        { timeout: 1000 },
      );
      const t = createTestEngine();
      const start = t.clock.now();
      const id = await t.engine.start({ workflow, input: {} });
      await t.quiesce();
      expect(step(t, `${id}:nap@`)).toMatchObject({ status: 'waiting', wakeAt: start + 60_000 });
      expect(t.data.runs.get(id)?.status).toBe('waiting');
      const run = await t.runToEnd(id);
      expect(run.status).toBe('completed');
      expect(run.output).toEqual({ done: true });
      expect(run.activeMs).toBeLessThan(1000);
    },
  );

  it('a wait until a time from the input wakes at that time', async () => {
    const workflow = chain('until', [
      { stepSlug: 'nap', name: 'Nap', stepType: 'wait', config: { until: '{{input.value}}' } },
    ]);
    const t = createTestEngine();
    const at = t.clock.now() + 3_600_000;
    const id = await t.engine.start({ workflow, input: { value: new Date(at).toISOString() } });
    await t.quiesce();
    expect(step(t, `${id}:nap@`)?.wakeAt).toBe(at);
  });

  it('an approval waits for its answer and follows approved or rejected', async () => {
    const workflow = chain('ok?', [
      {
        stepSlug: 'ask',
        name: 'Ask',
        stepType: 'approval',
        config: { prompt: 'Update {{trigger.data.value}}?' },
        nextSteps: { approved: 'yes', rejected: 'no' },
      },
      set('yes', { applied: true }, {}),
      set('no', { applied: false }, {}),
    ]);
    const t = createTestEngine();
    const a = await t.engine.start({ workflow, input: { value: 'cus_1' } });
    const b = await t.engine.start({ workflow, input: { value: 'cus_2' } });
    await t.quiesce();
    expect(step(t, `${a}:ask@`)).toMatchObject({ status: 'waiting', input: { prompt: 'Update cus_1?' } });
    expect(t.data.runs.get(a)).toMatchObject({
      status: 'waiting',
      waits: [{ kind: 'approval', stepKey: `${a}:ask@`, prompt: 'Update cus_1?' }],
    });
    await t.engine.approve(a, `${a}:ask@`, true, 'looks right');
    await t.engine.approve(b, `${b}:ask@`, false);
    expect((await t.runToEnd(a)).output).toEqual({ applied: true });
    expect((await t.runToEnd(b)).output).toEqual({ applied: false });
    expect(step(t, `${a}:ask@`)?.output).toMatchObject({ approved: true, note: 'looks right' });
  });

  it('an approval with no answer before its timeout follows the timeout branch', async () => {
    const workflow = chain('late', [
      {
        stepSlug: 'ask',
        name: 'Ask',
        stepType: 'approval',
        config: { prompt: 'ok?', timeoutMs: 1000 },
        nextSteps: { approved: 'yes', timeout: 'expired' },
      },
      set('yes', { y: 1 }, {}),
      set('expired', { expired: true }, {}),
    ]);
    const t = createTestEngine();
    const run = await t.runToEnd(await t.engine.start({ workflow, input: {} }));
    expect(run.output).toEqual({ expired: true });
  });

  it('an event sent before the run reaches the wait is kept and consumed once', async () => {
    const workflow = chain('pay', [
      { stepSlug: 'nap', name: 'Nap', stepType: 'wait', config: { durationMs: 1000 } },
      { stepSlug: 'paid', name: 'Paid', stepType: 'event', config: { event: 'payment_received' } },
      {
        stepSlug: 'paid_again',
        name: 'Paid again',
        stepType: 'event',
        config: { event: 'payment_received', timeoutMs: 5000 },
        nextSteps: { success: 'two', timeout: 'one' },
      },
      set('two', { payments: 2 }, {}),
      set('one', { payments: 1, first: '{{steps.paid.output}}' }, {}),
    ]);
    const t = createTestEngine();
    const id = await t.engine.start({ workflow, input: {} });
    await t.quiesce();
    await t.engine.sendEvent(id, 'payment_received', { amount: 42 });
    const run = await t.runToEnd(id);
    expect(run.output).toEqual({ payments: 1, first: { amount: 42 } });
    expect([...t.data.events.values()].map((e) => e.consumedBy)).toEqual([`${id}:paid@`]);
  });
});

describe("event names: the engine's own and the user's never meet", () => {
  it('a user event cannot answer an approval: the name is refused and the approval keeps waiting', async () => {
    const workflow = chain('ask', [
      {
        stepSlug: 'ask',
        name: 'Ask',
        stepType: 'approval',
        config: { prompt: 'ok?' },
        nextSteps: { approved: 'yes', rejected: 'no' },
      },
      set('yes', { yes: true }, {}),
      set('no', { no: true }, {}),
    ]);
    const t = createTestEngine();
    const id = await t.engine.start({ workflow, input: {} });
    await t.quiesce();
    await expect(t.engine.sendEvent(id, `approval:${id}:ask@`, { approved: true })).rejects.toThrow(
      /^event "approval:run\d+:ask@": event names starting with "approval:" are reserved/,
    );
    await t.quiesce();
    expect(t.data.runs.get(id)?.status).toBe('waiting');
    expect(t.data.events.size).toBe(0);
    await t.engine.approve(id, `${id}:ask@`, false);
    expect((await t.runToEnd(id)).output).toEqual({ no: true });
  });

  it('an event step cannot wait for a host confirmation: it fails, naming the reserved prefix', async () => {
    const workflow = chain('steal', [
      { stepSlug: 'steal', name: 'Steal', stepType: 'event', config: { event: 'confirm-host:api.example.com' } },
    ]);
    const t = createTestEngine();
    const run = await t.runToEnd(await t.engine.start({ workflow, input: {} }));
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({ category: 'validation', retryable: false });
    expect(run.error?.message).toBe(
      'event "confirm-host:api.example.com": event names starting with "confirm-host:" ' +
        "are reserved for the engine's own approvals, host confirmations and budget answers",
    );
  });
});

describe('subworkflows', () => {
  const child = chain('Child', [set('double', { twice: '{{input.n}}' })]);
  const parent = (next?: Record<string, string>) =>
    chain('Parent', [
      {
        stepSlug: 'sub',
        name: 'Sub',
        stepType: 'subworkflow',
        config: { workflow: 'Child', input: { n: '{{input.value}}' } },
        ...(next ? { nextSteps: next } : {}),
      },
      ...(next ? [set('recovered', { recovered: true }, {})] : []),
    ]);

  it('runs the child as its own run with its own journal and returns its output', async () => {
    const t = createTestEngine({ workflows: { Child: child } });
    const run = await t.runToEnd(await t.engine.start({ workflow: parent(), input: { value: 21 } }));
    expect(run.output).toEqual({ twice: 21 });
    const childRun = [...t.data.runs.values()].find((r) => r.parentRunId === run.id)!;
    expect(childRun).toMatchObject({
      workflowName: 'Child',
      depth: 1,
      status: 'completed',
      parentStepKey: `${run.id}:sub@`,
    });
    expect([...t.data.steps.values()].some((s) => s.runId === childRun.id && s.slug === 'double')).toBe(true);
  });

  it("a child failure follows the parent step's failure branch, else fails the parent", async () => {
    const broken = chain('Child', [
      {
        stepSlug: 'boom',
        name: 'Boom',
        stepType: 'action',
        config: { action: 'transform', expression: '$error("child broke")' },
      },
    ]);
    const t = createTestEngine({ workflows: { Child: broken } });
    const recovered = await t.runToEnd(
      await t.engine.start({ workflow: parent({ failure: 'recovered' }), input: { value: 1 } }),
    );
    expect(recovered.output).toEqual({ recovered: true });
    const failed = await t.runToEnd(await t.engine.start({ workflow: parent(), input: { value: 1 } }));
    expect(failed.status).toBe('failed');
    expect(failed.error?.message).toMatch(/subworkflow "Child": .*child broke/);
  });

  it('cancelling the parent cancels the child', async () => {
    const slowChild = chain('Child', [
      { stepSlug: 'nap', name: 'Nap', stepType: 'wait', config: { durationMs: 60_000 } },
    ]);
    const t = createTestEngine({ workflows: { Child: slowChild } });
    const id = await t.engine.start({ workflow: parent(), input: { value: 1 } });
    const child = () => [...t.data.runs.values()].find((r) => r.parentRunId === id);
    await t.quiesceUntil(() => child()?.status === 'waiting', 'the child run to wait');
    const childRun = child()!;
    await t.engine.cancel(id);
    await t.quiesce();
    expect(t.data.runs.get(id)?.status).toBe('cancelled');
    expect(t.data.runs.get(childRun.id)?.status).toBe('cancelled');
  });
});
