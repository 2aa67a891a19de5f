import { afterEach, describe, expect, it } from 'vitest';
import type { TabflowDb } from '../../../src/store/db';
import { dispatch, engineCommands } from '../../../src/worker/commands';
import { CommandRelay } from '../../../src/worker/relay';
import type { SecretsService } from '../../../src/worker/secrets';
import { createTestEngine } from '../../support/engine';
import { chain, llm } from '../../support/flows';

/** A budget question answered from a follower tab: the command travels to the executing tab and is consumed there. */
const relays: CommandRelay[] = [];
afterEach(() => relays.splice(0).forEach((relay) => relay.close()));

describe('budget answers across tabs', () => {
  it.each(['continue', 'stop'] as const)('“%s” sent from a follower tab reaches the engine', async (decision) => {
    const t = createTestEngine({ runners: { llm: () => 'ok' } });
    // answerBudget needs neither the database nor the key vault.
    const commands = engineCommands(t.engine, {} as TabflowDb, t.store, {} as SecretsService);
    const channel = `budget-relay-${crypto.randomUUID()}`;
    const leader = new CommandRelay(channel, (name, args) => dispatch(commands, name, args));
    const follower = new CommandRelay(channel, () => Promise.reject(new Error('a follower never executes')));
    leader.lead();
    relays.push(leader, follower);
    const workflow = chain('capped', [llm('a', 'one'), llm('b', 'two')], { limits: { maxTokensPerRun: 15 } });
    const id = await t.engine.start({ workflow, input: {} });
    await t.quiesceUntil(() => t.data.runs.get(id)?.waits?.[0]?.kind === 'budget', 'the budget question');
    await follower.call('answerBudget', [id, `${id}:b@/r1`, decision, 'from the other tab']);
    const run = await t.runToEnd(id);
    if (decision === 'continue') {
      expect(run.status).toBe('completed');
      expect([...t.data.events.values()][0]).toMatchObject({ note: 'from the other tab', consumedBy: `${id}:b@/r1` });
    } else {
      expect(run).toMatchObject({ status: 'cancelled', error: { category: 'cancelled' } });
      expect(run.error?.message).toMatch(/^over budget: .*; reason: from the other tab$/);
    }
  });
});
