import * as Comlink from 'comlink';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/engine/input';
import { StepFailure } from '../../../src/engine/retry';
import { QuotaError } from '../../../src/engine/store';
import { installErrorTransfer } from '../../../src/worker/errorTransfer';
import type { RelayedError } from '../../../src/worker/relay';

/** The executor's errors, thrown across a real MessageChannel as the worker throws them to the page. */
function remoteThrowing(error: unknown) {
  const { port1, port2 } = new MessageChannel();
  Comlink.expose(
    {
      fail: () => {
        throw error;
      },
    },
    port1,
  );
  const remote = Comlink.wrap<{ fail(): void }>(port2);
  return { remote, close: () => (port1.close(), port2.close()) };
}

async function thrownAcross(error: unknown): Promise<RelayedError> {
  const { remote, close } = remoteThrowing(error);
  try {
    await remote.fail();
    throw new Error('the call did not fail');
  } catch (caught) {
    return caught as RelayedError;
  } finally {
    close();
  }
}

describe('errors from the executor worker keep their kind on the page', () => {
  installErrorTransfer();

  it('an InputError arrives as an InputError, with its message and category', async () => {
    const error = await thrownAcross(new InputError('input.customerId: must be a string'));
    expect(error).toBeInstanceOf(InputError);
    expect(error.name).toBe('InputError');
    expect(error.message).toBe('input.customerId: must be a string');
    expect(error.category).toBe('validation');
  });

  it('a step failure keeps its category; a quota error its class; anything else is an internal Error', async () => {
    const failure = await thrownAcross(
      new StepFailure({ message: 'key rejected', category: 'auth', retryable: false }),
    );
    expect(failure).toBeInstanceOf(StepFailure);
    expect(failure.category).toBe('auth');
    expect(await thrownAcross(new QuotaError('disk full'))).toBeInstanceOf(QuotaError);
    const odd = await thrownAcross('a bare string');
    expect(odd.message).toBe('a bare string');
    expect(odd.category).toBe('internal');
  });
});
