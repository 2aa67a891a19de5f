import { assign, createActor, setup } from 'xstate';
import type { PeerFigure } from './figures';
import { commit, freshPeerDb } from './idb';

/**
 * XState v5 with its snapshot persisted to IndexedDB on every transition, as its docs show
 * (`actor.getPersistedSnapshot()`): one no-op effect, one transition, one put in its own transaction per
 * step, each durable before the next effect. It keeps no history (each put replaces the last) and no fence.
 */
const stepMachine = setup({
  types: {
    context: {} as { done: number; total: number },
    events: {} as { type: 'STEP' },
    input: {} as { total: number },
  },
  actions: { count: assign({ done: ({ context }) => context.done + 1 }) },
  guards: { lastStep: ({ context }) => context.done + 1 >= context.total },
}).createMachine({
  id: 'steps',
  context: ({ input }) => ({ done: 0, total: input.total }),
  initial: 'running',
  states: {
    running: {
      on: {
        STEP: [{ guard: 'lastStep', target: 'finished', actions: 'count' }, { actions: 'count' }],
      },
    },
    finished: { type: 'final' },
  },
});

const ACTOR_ID = 'steps-run';

export async function xstateSteps(count: number, effect: () => Promise<unknown>): Promise<PeerFigure> {
  const peer = await freshPeerDb('bench-peer-xstate', { snapshots: 'id' });
  const save = (snapshot: unknown) =>
    commit(peer, ['snapshots'], (tx) => tx.objectStore('snapshots').put({ id: ACTOR_ID, snapshot }));
  try {
    const started = performance.now();
    const actor = createActor(stepMachine, { input: { total: count } });
    actor.start();
    await save(actor.getPersistedSnapshot());
    while (actor.getSnapshot().status === 'active') {
      await effect();
      actor.send({ type: 'STEP' });
      await save(actor.getPersistedSnapshot());
    }
    const ms = performance.now() - started;
    const done = actor.getSnapshot().context.done;
    if (done !== count) throw new Error(`the XState peer counted ${done} steps of ${count}`);
    return { steps: count, ms, stepsPerSecond: (count / ms) * 1000, commits: peer.commits };
  } finally {
    peer.db.close();
  }
}
