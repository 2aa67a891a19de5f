import { afterEach, describe, expect, it } from 'vitest';
import { InputError } from '../../../src/engine/input';
import { failure } from '../../../src/engine/retry';
import { FencedError, QuotaError } from '../../../src/engine/store';
import type { CommandName } from '../../../src/worker/api';
import { CommandRelay, type RelayedError } from '../../../src/worker/relay';

/** Two tabs over one BroadcastChannel (Node's): the leader executes, the follower forwards. */
const relays: CommandRelay[] = [];
afterEach(() => relays.splice(0).forEach((relay) => relay.close()));

function tabs(execute: (name: CommandName, args: unknown[]) => Promise<unknown>) {
  const channel = `relay-test-${crypto.randomUUID()}`;
  const leader = new CommandRelay(channel, execute);
  const follower = new CommandRelay(channel, () => Promise.reject(new Error('a follower never executes')));
  leader.lead();
  relays.push(leader, follower);
  return { leader, follower };
}

async function rejection(promise: Promise<unknown>): Promise<RelayedError> {
  try {
    await promise;
  } catch (error) {
    return error as RelayedError;
  }
  throw new Error('the command did not fail');
}

/** What the UI shows of an error (the error boundary's words). */
const shown = (error: Error) => `${error.name}: ${error.message}`;

describe('command relay', () => {
  it(
    'an InputError from the executing tab reads exactly the same in the other tab, ' + 'with its class and category',
    async () => {
      const { leader, follower } = tabs(async () => {
        throw new InputError('input.customerId: required');
      });
      const here = await rejection(leader.call('start', []));
      const there = await rejection(follower.call('start', []));
      expect(shown(there)).toBe(shown(here));
      expect(shown(there)).toBe('InputError: input.customerId: required');
      expect(there).toBeInstanceOf(InputError);
      expect(there.category).toBe('validation');
    },
  );

  it('a full disk, a fenced run and a step failure keep their kind; anything else keeps its name', async () => {
    const thrown: unknown[] = [
      new QuotaError('browser storage is full'),
      new FencedError('run-7'),
      failure('auth', 'api.example.com answered 401', false),
      Object.assign(new Error('no such run'), { name: 'NotFoundError' }),
      'a bare string',
    ];
    let next = 0;
    const { follower } = tabs(async () => {
      throw thrown[next++];
    });
    const errors = [];
    for (let i = 0; i < thrown.length; i++) errors.push(await rejection(follower.call('resume', ['r'])));
    expect(errors.map((e) => [shown(e), e.category])).toEqual([
      ['QuotaError: browser storage is full', 'quota'],
      ['FencedError: run run-7 is now driven by a newer writer', 'internal'],
      ['StepFailure: api.example.com answered 401', 'auth'],
      ['NotFoundError: no such run', 'internal'],
      ['Error: a bare string', 'internal'],
    ]);
    expect(errors[0]).toBeInstanceOf(QuotaError);
    expect(errors[1]).toMatchObject({ runId: 'run-7' });
  });

  it('a value comes back as it was', async () => {
    const { follower } = tabs(async (name, args) => ({ name, args }));
    await expect(follower.call('fork', ['r1', 'k', { a: 1 }])).resolves.toEqual({
      name: 'fork',
      args: ['r1', 'k', { a: 1 }],
    });
  });
});
