import { describe, expect, it } from 'vitest';
import type { StepRecord } from '../../../src/engine/records';
import { createTestEngine } from '../../support/engine';
import { chain, set } from '../../support/flows';

const waitsForPayment = chain('pay', [
  set('quote', { total: 10 }),
  { stepSlug: 'paid', name: 'Paid', stepType: 'event', config: { event: 'payment_received' } },
]);

describe('a damaged journal at resume', () => {
  it('fails only its own run, saying which record and field; the other runs resume', async () => {
    const first = createTestEngine();
    const damaged = await first.engine.start({ workflow: waitsForPayment, input: {} });
    const healthy = await first.engine.start({ workflow: waitsForPayment, input: {} });
    await first.quiesce();
    first.engine.shutdown();
    const quote = first.data.steps.get(`${damaged}:quote@`)!;
    first.data.steps.set(quote.key, { ...quote, status: 'done' } as unknown as StepRecord);

    const second = createTestEngine({ data: first.data, clock: first.clock });
    await second.engine.resumeAll();
    await second.quiesce();
    expect(second.data.runs.get(damaged)).toMatchObject({
      status: 'failed',
      error: {
        category: 'internal',
        message: expect.stringMatching(new RegExp(`^record ${damaged}:quote@ is unreadable: status: `)),
      },
    });
    await second.engine.sendEvent(healthy, 'payment_received', { ok: true });
    expect((await second.runToEnd(healthy)).status).toBe('completed');
  });
});
