import { describe, expect, it } from 'vitest';
import type { MemoryStore } from '../../../src/engine/memoryStore';
import { QuotaError } from '../../../src/engine/store';
import { createTestEngine } from '../../support/engine';
import { chain, llm, set } from '../../support/flows';

/** An llm runner whose calls stay open until released (or aborted), to steer runs mid-flight. */
function heldLlm() {
  const open = new Map<string, { resolve: (v: unknown) => void }>();
  const calls: string[] = [];
  const aborted: string[] = [];
  return {
    open,
    calls,
    aborted,
    llm: (req: { key: string; userPrompt: string }, call: { signal: AbortSignal }) =>
      new Promise<unknown>((resolve, reject) => {
        calls.push(req.key);
        open.set(req.key, { resolve });
        call.signal.addEventListener('abort', () => {
          aborted.push(req.key);
          open.delete(req.key);
          reject(call.signal.reason);
        });
      }),
    release(key: string, value: unknown = `done ${key}`) {
      open.get(key)?.resolve(value);
      open.delete(key);
    },
  };
}

describe('operator controls', () => {
  it('cancel aborts in-flight work at once and marks the run and its open steps cancelled', async () => {
    const held = heldLlm();
    const t = createTestEngine({ runners: { llm: held.llm } });
    const id = await t.engine.start({ workflow: chain('c', [llm('ask', 'x')]), input: {} });
    await t.quiesce();
    await t.engine.cancel(id);
    await t.quiesce();
    expect(held.aborted).toEqual([`${id}:ask@`]);
    expect(t.data.runs.get(id)).toMatchObject({ status: 'cancelled', generation: 1 });
    expect(t.data.steps.get(`${id}:ask@`)?.status).toBe('cancelled');
  });

  it('pause starts no new step until resume', async () => {
    const held = heldLlm();
    const t = createTestEngine({ runners: { llm: held.llm } });
    const id = await t.engine.start({ workflow: chain('p', [llm('one', '1'), llm('two', '2')]), input: {} });
    await t.quiesce();
    await t.engine.pause(id);
    held.release(`${id}:one@`);
    await t.quiesce();
    expect(t.data.runs.get(id)?.status).toBe('paused');
    expect(held.calls).toEqual([`${id}:one@`]);
    await t.engine.resume(id);
    await t.quiesce();
    expect(held.calls).toEqual([`${id}:one@`, `${id}:two@`]);
    held.release(`${id}:two@`);
    expect((await t.runToEnd(id)).status).toBe('completed');
  });

  it('restart from a step discards it and later results and reuses upstream outputs', async () => {
    let n = 0;
    const calls: string[] = [];
    const t = createTestEngine({ runners: { llm: async (req) => (calls.push(req.key), `${req.userPrompt}#${++n}`) } });
    const workflow = chain('r', [llm('a', 'a'), llm('b', 'b'), llm('c', 'c')]);
    const id = await t.engine.start({ workflow, input: {} });
    const first = await t.runToEnd(id);
    expect(first.output).toBe('c#3');
    await t.engine.restartFrom(id, `${id}:b@`);
    const again = await t.runToEnd(id);
    expect(again.output).toBe('c#5');
    expect(calls).toEqual([`${id}:a@`, `${id}:b@`, `${id}:c@`, `${id}:b@`, `${id}:c@`]);
    expect(t.data.steps.get(`${id}:a@`)?.output).toBe('a#1');
    expect(again.generation).toBe(1);
    expect(again.restartedFrom).toMatchObject({ stepKey: `${id}:b@` });
    expect(first.restartedFrom).toBeUndefined();
  });

  it('fork makes a new run from a step with an edited output and leaves the original untouched', async () => {
    const t = createTestEngine({ runners: { llm: async (req) => `model says ${req.userPrompt}` } });
    const workflow = chain('f', [llm('draft', 'draft'), set('final', { text: '{{steps.draft.output}}' })]);
    const id = await t.engine.start({ workflow, input: {} });
    const original = await t.runToEnd(id);
    const forkId = await t.engine.fork(id, `${id}:draft@`, 'edited by hand');
    const forked = await t.runToEnd(forkId);
    expect(forked.output).toEqual({ text: 'edited by hand' });
    expect(t.data.runs.get(id)).toEqual(original);
    expect(t.data.steps.get(`${forkId}:draft@`)?.meta).toMatchObject({ forkedFrom: `${id}:draft@` });
    expect(forked.forkedFrom).toEqual({ runId: id, stepKey: `${id}:draft@` });
  });

  it('the peak number of steps in flight equals the concurrency cap', async () => {
    const held = heldLlm();
    const t = createTestEngine({ maxParallelism: 3, runners: { llm: held.llm } });
    const workflow = chain('wide', [
      {
        stepSlug: 'each',
        name: 'Each',
        stepType: 'loop',
        config: { forEach: '{{input.value}}', concurrency: 8, steps: [llm('ask', '{{loop.item}}')] },
      },
    ]);
    const a = await t.engine.start({ workflow, input: { value: [1, 2, 3, 4, 5] } });
    const b = await t.engine.start({ workflow, input: { value: [6, 7, 8] } });
    for (
      let i = 0;
      i < 20 && (t.data.runs.get(a)?.status !== 'completed' || t.data.runs.get(b)?.status !== 'completed');
      i++
    ) {
      await t.quiesce();
      expect(held.open.size).toBeLessThanOrEqual(3);
      for (const key of [...held.open.keys()]) held.release(key);
    }
    expect(t.engine.slots.peakInFlight).toBe(3);
    expect(held.calls).toHaveLength(8);
  });

  it('a stale engine cannot write once a newer one owns the run (generation fencing)', async () => {
    const held = heldLlm();
    const old = createTestEngine({ runners: { llm: held.llm } });
    const id = await old.engine.start({
      workflow: chain('fence', [llm('ask', 'x'), set('after', { x: 1 })]),
      input: {},
    });
    await old.quiesce();
    // Another tab takes over: restart bumps the generation.
    const fresh = createTestEngine({ data: old.data, clock: old.clock, runners: { llm: async () => 'fresh' } });
    await fresh.engine.restartFrom(id, `${id}:ask@`);
    const run = await fresh.runToEnd(id);
    held.release(`${id}:ask@`, 'stale');
    await old.quiesce();
    expect(run.output).toEqual({ x: 1 });
    expect(old.data.steps.get(`${id}:ask@`)?.output).toBe('fresh');
    expect(old.engine.isDriving(id)).toBe(false);
  });

  it(
    'direct mode runs the same interpreter and, ' + 'after a reload, reports the run interrupted (not durable)',
    async () => {
      const held = heldLlm();
      const t = createTestEngine({ runners: { llm: held.llm } });
      const id = await t.engine.start({ workflow: chain('d', [llm('ask', 'x')]), input: {}, mode: 'direct' });
      await t.quiesce();
      expect(t.data.runs.get(id)).toMatchObject({ mode: 'direct', status: 'running' });
      (t.store as MemoryStore).revoke();
      t.engine.shutdown();
      const reloaded = createTestEngine({ data: t.data, clock: t.clock });
      await reloaded.engine.resumeAll();
      expect(t.data.runs.get(id)).toMatchObject({
        status: 'failed',
        error: { message: 'interrupted (not durable): direct runs do not survive a reload' },
      });
    },
  );
});

describe('storage full', () => {
  it('a QuotaExceededError pauses the run with a clear message, corrupts nothing, and resume continues', async () => {
    let failNextCommit = false;
    let filled = false;
    const t = createTestEngine({
      hook: (operation, phase) => {
        if (failNextCommit && operation === 'commit' && phase === 'before') {
          failNextCommit = false;
          throw new QuotaError('QuotaExceededError');
        }
      },
      runners: {
        llm: async (req) => {
          if (req.userPrompt === '2' && !filled) failNextCommit = filled = true; // the disk fills while step two runs
          return `ok ${req.userPrompt}`;
        },
      },
    });
    const id = await t.engine.start({
      workflow: chain('quota', [llm('one', '1'), llm('two', '2'), llm('three', '3')]),
      input: {},
    });
    await t.quiesce();
    expect(t.data.runs.get(id)).toMatchObject({
      status: 'paused',
      error: { category: 'quota', message: expect.stringMatching(/storage is full/) },
    });
    expect(t.data.steps.get(`${id}:one@`)?.status).toBe('completed');
    expect(t.data.steps.get(`${id}:three@`)).toBeUndefined();
    await t.engine.resume(id);
    const run = await t.runToEnd(id);
    expect(run.status).toBe('completed');
    expect(run.error).toBeUndefined();
    expect(run.output).toBe('ok 3');
  });
});

describe('the engine-wide slot pool', () => {
  it('raising the cap starts waiting work at once', async () => {
    const { Semaphore } = await import('../../../src/engine/runtime');
    const slots = new Semaphore(1);
    await slots.acquire();
    let started = false;
    const waiting = slots.acquire().then(() => (started = true));
    await Promise.resolve();
    expect(started).toBe(false);
    slots.setCapacity(2);
    await waiting;
    expect(slots.inFlight).toBe(2);
  });

  it('lowering the cap takes effect as running work finishes, before the queue drains', async () => {
    const { Semaphore } = await import('../../../src/engine/runtime');
    const slots = new Semaphore(4);
    for (let i = 0; i < 4; i++) await slots.acquire();
    let running = 0;
    let peak = 0;
    const done: number[] = [];
    const queued = Array.from({ length: 4 }, (_, i) =>
      slots.acquire().then(async () => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((resolve) => setTimeout(resolve, 1));
        running--;
        done.push(i);
        slots.release();
      }),
    );
    slots.setCapacity(1);
    for (let i = 0; i < 4; i++) slots.release();
    await Promise.all(queued);
    expect(peak).toBe(1);
    expect(done).toEqual([0, 1, 2, 3]);
    expect(slots.inFlight).toBe(0);
  });
});
