import { describe, expect, it } from 'vitest';
import type { DurableWaits, Received } from '../../../src/engine/durable';
import { createTestEngine } from '../../support/engine';
import { chain, set } from '../../support/flows';

/** A durable runtime that hears every wait and answers each from the test (as DBOS's sleep and recv would). */
function fakeDurable() {
  const sleeps: Array<{ key: string; at: number }> = [];
  const receives: Array<{ key: string; name: string; deadline: number | undefined }> = [];
  let answer: (received: Received) => void = () => undefined;
  const durable: DurableWaits = {
    sleepUntil: async (key, at) => void sleeps.push({ key, at }),
    receive: (key, name, deadline) => {
      receives.push({ key, name, deadline });
      return new Promise((resolve) => (answer = resolve));
    },
  };
  return { durable, sleeps, receives, answer: (received: Received) => answer(received) };
}

describe('EngineDeps.durable: a runtime that keeps the waits durable itself', () => {
  it('takes a wait step’s sleep with its step key and absolute wake time; the clock never sleeps it', async () => {
    const fake = fakeDurable();
    const t = createTestEngine({ deps: { durable: fake.durable } });
    const start = t.clock.now();
    const workflow = chain('nap', [
      { stepSlug: 'nap', name: 'Nap', stepType: 'wait', config: { durationMs: 60_000 } },
      set('after', { done: true }),
    ]);
    const id = await t.engine.start({ workflow, input: {} });
    // The fake clock is never advanced: the run ends because the durable runtime's sleep returned.
    const run = await t.engine.awaitRun(id);
    expect(run).toMatchObject({ status: 'completed', output: { done: true } });
    expect(fake.sleeps).toEqual([{ key: `${id}:nap@`, at: start + 60_000 }]);
    expect(t.clock.sleeping).toBe(0);
  });

  it('takes an approval wait by the engine’s event name, and the step consumes the event it returns', async () => {
    const fake = fakeDurable();
    const t = createTestEngine({ deps: { durable: fake.durable } });
    const workflow = chain('ok?', [
      {
        stepSlug: 'ask',
        name: 'Ask',
        stepType: 'approval',
        config: { prompt: 'Go?', timeoutMs: 5_000 },
        nextSteps: { approved: 'yes', rejected: 'no' },
      },
      set('yes', { went: true }, {}),
      set('no', { went: false }, {}),
    ]);
    const id = await t.engine.start({ workflow, input: {} });
    await t.quiesceUntil(() => fake.receives.length > 0, 'the approval wait');
    expect(fake.receives).toEqual([
      { key: `${id}:ask@`, name: `approval:${id}:ask@`, deadline: t.clock.now() + 5_000 },
    ]);
    fake.answer({
      kind: 'event',
      event: { id: 'e1', runId: id, name: `approval:${id}:ask@`, payload: { approved: true }, sentAt: 1 },
    });
    const run = await t.engine.awaitRun(id);
    expect(run).toMatchObject({ status: 'completed', output: { went: true } });
  });
});
