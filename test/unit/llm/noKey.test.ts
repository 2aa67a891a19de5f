import { afterEach, describe, expect, it } from 'vitest';
import { type StepFailure } from '../../../src/engine/retry';
import { createHarness, modelCall, rejectionOf, round, type Harness } from './harness';

/** A server that refuses a request: with a key, the key was rejected; without one, there is no key. */
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('a refused model request', () => {
  it('sent with a key says the key was rejected', async () => {
    h = await createHarness();
    h.server.script({ status: 401 });
    const error = (await rejectionOf(h.runner(round(), modelCall()))) as StepFailure;
    expect(error.stepError).toMatchObject({ category: 'auth', message: 'key rejected by Test Provider' });
  });

  it('sent without a key (all keys forgotten) says there is no key, not that it was rejected', async () => {
    h = await createHarness();
    h.keys.clear();
    h.server.script({ status: 401 });
    const error = (await rejectionOf(h.runner(round(), modelCall()))) as StepFailure;
    expect(h.server.requests.at(-1)!.authorization).toBeUndefined();
    expect(error.stepError).toMatchObject({
      category: 'auth',
      retryable: false,
      message: 'no key for Test Provider: it asks for an API key and none is saved (add one in Settings)',
    });
  });
});
