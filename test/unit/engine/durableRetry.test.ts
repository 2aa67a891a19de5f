import { describe, expect, it } from 'vitest';
import type { DurableWaits } from '../../../src/engine/durable';
import { failure } from '../../../src/engine/retry';
import { createTestEngine } from '../../support/engine';
import { chain, http } from '../../support/flows';

describe('EngineDeps.durable: a retry’s backoff is a durable sleep', () => {
  it('waits out the backoff through the durable runtime at its absolute deadline, never on the clock', async () => {
    const sleeps: Array<{ key: string; at: number }> = [];
    const durable: DurableWaits = {
      sleepUntil: async (key, at) => void sleeps.push({ key, at }),
      receive: () => new Promise(() => undefined),
    };
    let calls = 0;
    const t = createTestEngine({
      deps: { durable, isHostApproved: async () => true },
      runners: {
        http: async () => {
          if (++calls === 1) throw failure('server', 'the server answered 503', true);
          return { status: 200, statusText: 'OK', headers: {}, body: { ok: true } };
        },
      },
    });
    const start = t.clock.now();
    const retryPolicy = { maxRetries: 2, backoffMs: 30_000, jitter: false };
    const workflow = chain('flaky', [{ ...http('call', 'https://api.example.com/x'), retryPolicy }], {
      allowedHosts: ['api.example.com'],
    });
    const id = await t.engine.start({ workflow, input: {} });
    // The fake clock is never advanced: the retry ran because the durable runtime's sleep returned.
    const run = await t.engine.awaitRun(id);
    expect(run.status, JSON.stringify(run.error)).toBe('completed');
    expect(calls).toBe(2);
    expect(sleeps).toEqual([{ key: `${id}:call@`, at: start + 30_000 }]);
    expect(t.clock.sleeping).toBe(0);
  });
});
