import { describe, expect, it } from 'vitest';
import type { ChatMessage, ModelCall, ModelReply, ModelRound } from '../../../src/engine/llmTypes';
import { MemoryData } from '../../../src/engine/memoryStore';
import type { WorkflowFile } from '../../../src/schema/workflow';
import { createTestEngine } from '../../support/engine';
import { chain, llm } from '../../support/flows';

type Script = (round: ModelRound, call: ModelCall) => Partial<ModelReply> | Promise<Partial<ModelReply>>;
const reply = (r: Partial<ModelReply>): ModelReply => ({
  text: '',
  toolCalls: [],
  finishReason: 'stop',
  usage: { inputTokens: 10, outputTokens: 5, totalTokens: 15 },
  provider: 'test',
  model: 'm',
  ...r,
});
function scripted(script: Script) {
  const rounds: ModelRound[] = [];
  return {
    rounds,
    model: async (round: ModelRound, call: ModelCall) => (
      rounds.push(structuredClone(round)),
      reply(await script(round, call))
    ),
  };
}
const lastUser = (round: ModelRound) => String([...round.messages].reverse().find((m) => m.role === 'user')?.content);
const customers = (data: MemoryData) =>
  data.table('customers').set('cus_002', { id: 'cus_002', name: 'Grace', status: 'active' });

const agents = (type: 'dynamic_orchestration' | 'predefined', tools: string[] = []): WorkflowFile =>
  ({
    ...chain('team', [
      llm('collector', 'Collect data for cus_002', { tools: ['customer_search'] }),
      llm('updater', 'Update the status', { tools }),
    ]),
    workflowConfig: { name: 'team', workflowType: type },
  }) as WorkflowFile;

describe('LLM steps', () => {
  it("in a shared thread the second agent sees the first agent's reply exactly once", async () => {
    const m = scripted((round) => ({ text: `reply to: ${lastUser(round)}` }));
    const t = createTestEngine({ runners: { model: m.model } });
    const run = await t.runToEnd(await t.engine.start({ workflow: agents('dynamic_orchestration'), input: {} }));
    expect(run.output).toBe('reply to: Update the status');
    const second = m.rounds[1]!.messages as ChatMessage[];
    expect(
      second.filter((msg) => msg.role === 'assistant' && msg.content === 'reply to: Collect data for cus_002'),
    ).toHaveLength(1);
    expect(second.map((msg) => msg.role)).toEqual(['user', 'assistant', 'user']);
  });

  it('each stored answer says what answered it; prompts carry no author, and models never see one', async () => {
    const m = scripted((round) => ({
      text: `reply to: ${lastUser(round)}`,
      provider: 'ollama',
      model: `llama-${round.messages.length}`,
    }));
    const t = createTestEngine({ runners: { model: m.model } });
    await t.runToEnd(await t.engine.start({ workflow: agents('dynamic_orchestration'), input: {} }));
    const stored = [...t.data.messages.values()].sort((a, b) => a.seq - b.seq);
    expect(stored.map((msg) => [msg.message.role, msg.author])).toEqual([
      ['user', undefined],
      ['assistant', { provider: 'ollama', model: 'llama-1' }],
      ['user', undefined],
      ['assistant', { provider: 'ollama', model: 'llama-3' }],
    ]);
    expect(JSON.stringify(m.rounds)).not.toContain('ollama');
  });

  it('predefined workflows give each LLM step its own thread', async () => {
    const m = scripted((round) => ({ text: `reply to: ${lastUser(round)}` }));
    const t = createTestEngine({ runners: { model: m.model } });
    await t.runToEnd(await t.engine.start({ workflow: agents('predefined'), input: {} }));
    expect(m.rounds[1]!.messages.map((msg) => msg.role)).toEqual(['user']);
  });

  it('runs the tool loop: a tool call is executed, its result goes back, the answer ends the step', async () => {
    const data = new MemoryData();
    customers(data);
    const m = scripted((round) =>
      round.messages.some((msg) => msg.role === 'tool')
        ? { text: 'Updated cus_002 to at_risk.' }
        : {
            toolCalls: [{ id: 'c1', name: 'customer_update', args: { customerId: 'cus_002', status: 'at_risk' } }],
            finishReason: 'tool-calls',
          },
    );
    const t = createTestEngine({ data, runners: { model: m.model } });
    const run = await t.runToEnd(
      await t.engine.start({
        workflow: chain('tools', [llm('apply', 'Set cus_002 at risk', { tools: ['customer_update'] })]),
        input: {},
      }),
    );
    expect(run.output).toBe('Updated cus_002 to at_risk.');
    expect(data.table('customers').get('cus_002')).toMatchObject({ status: 'at_risk' });
    const toolMessage = m.rounds[1]!.messages.find((msg) => msg.role === 'tool') as Extract<
      ChatMessage,
      { role: 'tool' }
    >;
    expect(toolMessage).toMatchObject({ toolCallId: 'c1', toolName: 'customer_update', result: { updated: 1 } });
    expect(m.rounds[0]!.tools.map((tool) => tool.name)).toEqual(['customer_update']);
    expect(data.steps.get(`${run.id}:apply@`)?.meta).toMatchObject({ rounds: 2, usage: { totalTokens: 30 } });
  });

  it("a step records its rounds' summed cost and where the price came from", async () => {
    const m = scripted(() => ({ text: 'ok', costUsd: 0.25, priceSource: { kind: 'table', asOf: '2025-08-07' } }));
    const data = new MemoryData();
    const t = createTestEngine({ data, runners: { model: m.model } });
    const run = await t.runToEnd(await t.engine.start({ workflow: chain('c', [llm('ask', 'Hi')]), input: {} }));
    expect(data.steps.get(`${run.id}:ask@`)?.meta).toMatchObject({
      costUsd: 0.25,
      priceSource: { kind: 'table', asOf: '2025-08-07' },
    });
  });

  it('a crash during round 2 of a tool loop: round 1 is not requested again and the update applies once', async () => {
    const data = new MemoryData();
    customers(data);
    let updates = 0;
    const original = data.table('customers').set.bind(data.table('customers'));
    data.table('customers').set = (id, row) => (updates++, original(id, row));
    const round1 = {
      toolCalls: [{ id: 'c1', name: 'customer_update', args: { customerId: 'cus_002', status: 'churned' } }],
    };
    const crashing = scripted((round) => {
      if (!round.messages.some((msg) => msg.role === 'tool')) return round1;
      throw new Error('the tab died'); // never answers: the page is gone
    });
    const first = createTestEngine({ data, runners: { model: crashing.model } });
    const workflow = chain('crash', [
      {
        ...llm('apply', 'Churn cus_002', { tools: ['customer_update'] }),
        retryPolicy: { maxRetries: 3, backoffMs: 60_000 },
      },
    ]);
    const id = await first.engine.start({ workflow, input: {} });
    await first.quiesce();
    first.store.revoke();
    first.engine.shutdown();
    const resumed = scripted(() => ({ text: 'done' }));
    const second = createTestEngine({ data, clock: first.clock, runners: { model: resumed.model } });
    await second.engine.resumeAll();
    const run = await second.runToEnd(id);
    expect(run.output).toBe('done');
    expect(crashing.rounds).toHaveLength(2);
    expect(resumed.rounds).toHaveLength(1);
    expect(resumed.rounds[0]!.messages.filter((msg) => msg.role === 'tool')).toHaveLength(1);
    expect(updates).toBe(1);
  });

  it('an answer that breaks the output schema is retried; the valid answer becomes the output object', async () => {
    let n = 0;
    const m = scripted(() => ({
      text: ++n === 1 ? '{"department": "sales"}' : '{"department": "billing", "reason": "double charge"}',
    }));
    const t = createTestEngine({ runners: { model: m.model } });
    const schema = {
      type: 'object',
      properties: { department: { enum: ['billing', 'support'] }, reason: { type: 'string' } },
      required: ['department', 'reason'],
    };
    const run = await t.runToEnd(
      await t.engine.start({
        workflow: chain('triage', [
          { ...llm('triage', 'charged twice', { outputSchema: schema }), retryPolicy: { backoffMs: 10 } },
        ]),
        input: {},
      }),
    );
    expect(run.output).toEqual({ department: 'billing', reason: 'double charge' });
    expect(t.data.steps.get(`${run.id}:triage@/r1`)?.attempts[0]?.error?.message).toMatch(
      /did not match the output schema/,
    );
  });

  it.each([
    ['not JSON', 'Sure! The label is bug.', /: not JSON \("Sure! The label is bug\."\)$/],
    ['JSON of the wrong shape', '{"department": "sales", "reason": "x"}', /: #\/department: /],
  ])(
    'an answer that is %s is a retryable error of its round, checked once by the engine',
    async (_what, text, detail) => {
      const m = scripted(() => ({ text }));
      const t = createTestEngine({ runners: { model: m.model } });
      const schema = {
        type: 'object',
        properties: { department: { enum: ['billing', 'support'] }, reason: { type: 'string' } },
        required: ['department', 'reason'],
      };
      const workflow = chain('triage', [
        { ...llm('triage', 'charged twice', { outputSchema: schema }), retryPolicy: { maxRetries: 1, backoffMs: 10 } },
      ]);
      const run = await t.runToEnd(await t.engine.start({ workflow, input: {} }));
      expect(run.status).toBe('failed');
      expect(run.error).toMatchObject({ category: 'server', retryable: true });
      expect(run.error?.message).toMatch(/^the model's answer did not match the output schema: /);
      expect(run.error?.message).toMatch(detail);
      expect(m.rounds).toHaveLength(2);
      expect(t.data.steps.get(`${run.id}:triage@/r1`)?.attempts.map((a) => a.outcome)).toEqual(['error', 'error']);
    },
  );

  it('a step slugged "thread" in a loop keeps its own thread apart from the iteration\'s run thread', async () => {
    const m = scripted((round) => ({ text: `reply to: ${lastUser(round)}` }));
    const body = [llm('thread', 'own prompt', { thread: 'own' }, { success: 'other' }), llm('other', 'shared prompt')];
    const workflow = {
      ...chain('loop', [
        { stepSlug: 'each', name: 'Each', stepType: 'loop', config: { forEach: '{{input.value}}', steps: body } },
      ]),
      workflowConfig: { name: 'loop', workflowType: 'dynamic_orchestration' },
    } as WorkflowFile;
    const t = createTestEngine({ runners: { model: m.model } });
    const run = await t.runToEnd(await t.engine.start({ workflow, input: { value: [1] } }));
    expect(run.status).toBe('completed');
    expect(m.rounds.map((r) => r.messages.filter((msg) => msg.role === 'user').map((msg) => msg.content))).toEqual([
      ['own prompt'],
      ['shared prompt'],
    ]);
  });

  it('checkpoints streamed text on the attempt every 500 ms, never in the thread', async () => {
    let release!: () => void;
    const t = createTestEngine({
      runners: {
        model: async (_round, call) => {
          for (const word of ['Once ', 'upon ', 'a ', 'time']) {
            call.onTextDelta(word);
            t.clock.advance(300);
          }
          await new Promise<void>((resolve) => (release = resolve));
          return reply({ text: 'Once upon a time' });
        },
      },
    });
    const id = await t.engine.start({ workflow: chain('story', [llm('tell', 'a story')]), input: {} });
    await t.quiesce();
    const attempt = t.data.steps.get(`${id}:tell@/r1`)?.attempts[0];
    expect(attempt?.partialText).toMatch(/^Once upon/);
    expect([...t.data.messages.values()].map((m) => m.message.role)).toEqual(['user']);
    release();
    expect((await t.runToEnd(id)).output).toBe('Once upon a time');
  });

  it('a per-run token cap stops the next LLM step before it spends anything: it asks (budget.test.ts)', async () => {
    const m = scripted(() => ({ text: 'ok' }));
    const t = createTestEngine({ runners: { model: m.model } });
    const workflow = {
      ...chain('capped', [llm('a', 'one'), llm('b', 'two')]),
      workflowConfig: { name: 'capped', config: { limits: { maxTokensPerRun: 15 } } },
    } as WorkflowFile;
    const id = await t.engine.start({ workflow, input: {} });
    await t.quiesce();
    expect(t.data.runs.get(id)).toMatchObject({ status: 'waiting', waits: [{ kind: 'budget', limit: 15, used: 15 }] });
    expect(m.rounds).toHaveLength(1);
  });

  it('offline, a model call waits for the network instead of failing', async () => {
    let online = false;
    let wake!: () => void;
    const network = { isOnline: () => online, untilOnline: () => new Promise<void>((resolve) => (wake = resolve)) };
    const m = scripted(() => ({ text: 'back' }));
    const t = createTestEngine({ deps: { network }, runners: { model: m.model } });
    const id = await t.engine.start({ workflow: chain('offline', [llm('ask', 'hi')]), input: {} });
    await t.quiesce();
    expect(t.data.runs.get(id)).toMatchObject({
      status: 'waiting',
      waits: [{ kind: 'network', stepKey: `${id}:ask@/r1` }],
    });
    online = true;
    wake();
    expect((await t.runToEnd(id)).output).toBe('back');
  });

  it('offline, a step the local demo model answers runs at once; one for a remote provider waits', async () => {
    let wake!: () => void;
    const asked: Array<[string | undefined, string]> = [];
    const network = {
      isOnline: () => false,
      untilOnline: () => new Promise<void>((resolve) => (wake = resolve)),
      neededFor: async (provider: string | undefined, model: string) => (
        asked.push([provider, model]),
        provider !== 'demo'
      ),
    };
    const m = scripted((round) => ({ text: `answer ${round.messages.length}` }));
    const t = createTestEngine({ deps: { network }, runners: { model: m.model } });
    const workflow = chain('mixed', [
      llm('local', 'hi', { provider: 'demo', model: 'demo' }),
      llm('remote', 'hi', { provider: 'openai', model: 'gpt-x' }),
    ]);
    const id = await t.engine.start({ workflow, input: {} });
    await t.quiesce();
    expect(asked).toEqual([
      ['demo', 'demo'],
      ['openai', 'gpt-x'],
    ]);
    expect(m.rounds).toHaveLength(1);
    expect(t.data.runs.get(id)).toMatchObject({
      status: 'waiting',
      waits: [{ kind: 'network', stepKey: `${id}:remote@/r1` }],
    });
    wake();
    expect((await t.runToEnd(id)).status).toBe('completed');
    expect(m.rounds).toHaveLength(2);
  });
});

describe('locked keys', () => {
  it('a run whose model needs a locked key waits for the keys to be unlocked and continues once they are', async () => {
    let locked = true;
    let unlock!: () => void;
    const keys = {
      blocks: async () => locked,
      untilUnlocked: () => new Promise<void>((resolve) => (unlock = resolve)),
    };
    const m = scripted(() => ({ text: 'unlocked answer' }));
    const t = createTestEngine({ deps: { keys }, runners: { model: m.model } });
    const id = await t.engine.start({ workflow: chain('locked', [llm('ask', 'hi')]), input: {} });
    await t.quiesce();
    expect(t.data.runs.get(id)).toMatchObject({
      status: 'waiting',
      waits: [{ kind: 'keys-locked', stepKey: `${id}:ask@/r1` }],
    });
    expect(m.rounds).toHaveLength(0);
    locked = false;
    unlock();
    expect((await t.runToEnd(id)).output).toBe('unlocked answer');
  });
});
