import { describe, expect, it } from 'vitest';
import type { ModelReply, ModelRunner } from '../../../src/engine/llmTypes';
import type { RunRecord, WaitReason } from '../../../src/engine/records';
import { QuotaError } from '../../../src/engine/store';
import type { WorkflowFile } from '../../../src/schema/workflow';
import { createTestEngine, type TestEngineOptions } from '../../support/engine';
import { chain, http, llm, set } from '../../support/flows';

/** Each kind of wait, where it arises, and the typed reason the run record lists for it. */
interface Case {
  name: string;
  workflow: WorkflowFile;
  options?: TestEngineOptions;
  waits(runId: string, t: ReturnType<typeof createTestEngine>): WaitReason[];
}

const never = () => new Promise<never>(() => undefined);
const approvalStep = {
  stepSlug: 'ask',
  name: 'Ask',
  stepType: 'approval',
  config: { prompt: 'Ship {{input.value}}?' },
};
const unapproved = { isHostApproved: async () => false };

/** A model that asks for one http_request tool call, then answers. */
const toolCaller: ModelRunner = async (round) => {
  const done = round.messages.some((m) => m.role === 'tool');
  const reply: ModelReply = {
    text: done ? 'done' : '',
    toolCalls: done ? [] : [{ id: 'c1', name: 'http_request', args: { url: 'https://API.example.com./v1' } }],
    finishReason: 'stop',
    usage: {},
    provider: 'test',
    model: 'm',
  };
  return reply;
};

const CASES: Case[] = [
  {
    name: 'an http step asks for its host, naming the secrets it sends',
    workflow: chain(
      'host',
      [http('call', 'http://2130706433:8080/x', { headers: { authorization: 'Bearer {{secrets.TOKEN}}' } })],
      { allowedHosts: ['127.0.0.1:8080'], secrets: { TOKEN: { kind: 'local' } } },
    ),
    options: { deps: unapproved, secrets: { TOKEN: 't' } },
    waits: (id) => [{ kind: 'host', stepKey: `${id}:call@`, host: '127.0.0.1:8080', secrets: ['TOKEN'] }],
  },
  {
    name: "an http_request tool call asks for its host under the tool call's key",
    workflow: chain('tool', [llm('ask', 'fetch it', { tools: ['http_request'] })], {
      allowedHosts: ['api.example.com'],
    }),
    options: { deps: unapproved, runners: { model: toolCaller } },
    waits: (id) => [{ kind: 'host', stepKey: `${id}:ask@/r1/tool0`, host: 'api.example.com', secrets: [] }],
  },
  {
    name: 'an approval carries its resolved prompt',
    workflow: chain('approval', [approvalStep]),
    waits: (id) => [{ kind: 'approval', stepKey: `${id}:ask@`, prompt: 'Ship box-7?' }],
  },
  {
    name: 'an event wait carries its name and when it gives up',
    workflow: chain('event', [
      { stepSlug: 'paid', name: 'Paid', stepType: 'event', config: { event: 'payment_received', timeoutMs: 5_000 } },
    ]),
    waits: (id, t) => [
      {
        kind: 'event',
        stepKey: `${id}:paid@`,
        name: 'payment_received',
        timeoutAt: t.data.steps.get(`${id}:paid@`)!.wakeAt!,
      },
    ],
  },
  {
    name: 'a wait step carries its wake time',
    workflow: chain('sleep', [{ stepSlug: 'nap', name: 'Nap', stepType: 'wait', config: { durationMs: 60_000 } }]),
    waits: (id, t) => [{ kind: 'sleep', stepKey: `${id}:nap@`, wakeAt: t.data.steps.get(`${id}:nap@`)!.wakeAt! }],
  },
  {
    name: 'a failed attempt waits out its backoff as a retry, not a sleep',
    workflow: chain('retry', [http('call', 'https://api.example.com/x')], { allowedHosts: ['api.example.com'] }),
    options: { runners: { http: async () => ({ status: 503, statusText: 'Busy', headers: {}, body: null }) } },
    waits: (id, t) => [{ kind: 'retry', stepKey: `${id}:call@`, wakeAt: t.data.steps.get(`${id}:call@`)!.wakeAt! }],
  },
  {
    name: "offline, a model round waits for the network under the round's key",
    workflow: chain('network', [llm('ask', 'hi')]),
    options: { deps: { network: { isOnline: () => false, untilOnline: never } }, runners: { llm: async () => 'x' } },
    waits: (id) => [{ kind: 'network', stepKey: `${id}:ask@/r1` }],
  },
  {
    name: 'a model round that needs a locked key waits for the unlock, naming the provider',
    workflow: chain('keys', [llm('ask', 'hi', { provider: 'openai' })]),
    options: { deps: { keys: { blocks: async () => true, untilUnlocked: never } }, runners: { llm: async () => 'x' } },
    waits: (id) => [{ kind: 'keys-locked', stepKey: `${id}:ask@/r1`, provider: 'openai' }],
  },
  {
    name: 'a subworkflow step waits for its child run',
    workflow: chain('parent', [
      { stepSlug: 'sub', name: 'Sub', stepType: 'subworkflow', config: { workflow: 'Child', input: {} } },
    ]),
    options: { workflows: { Child: chain('Child', [approvalStep]) } },
    waits: (id, t) => [
      {
        kind: 'child-run',
        stepKey: `${id}:sub@`,
        runId: [...t.data.runs.values()].find((r) => r.parentRunId === id)!.id,
        workflow: 'Child',
      },
    ],
  },
];

describe('wait reasons', () => {
  it.each(CASES)('$name', async ({ workflow, options, waits }) => {
    const t = createTestEngine(options);
    const id = await t.engine.start({ workflow, input: { value: 'box-7' } });
    await t.quiesce();
    const run = t.data.runs.get(id)!;
    expect(run.status).toBe('waiting');
    expect(run.waits).toEqual(waits(id, t));
  });

  it('a wait is listed while another branch still runs, and the list empties when the run goes on', async () => {
    let finish!: (text: string) => void;
    const workflow = chain('fan', [
      {
        stepSlug: 'fan',
        name: 'Fan',
        stepType: 'parallel',
        config: {
          join: 'all',
          branches: {
            review: [approvalStep],
            draft: [llm('draft', 'write')],
          },
        },
      },
      set('after', { ok: true }),
    ]);
    const t = createTestEngine({ runners: { llm: () => new Promise<string>((resolve) => (finish = resolve)) } });
    const id = await t.engine.start({ workflow, input: { value: 'box-7' } });
    await t.quiesce();
    expect(t.data.runs.get(id)).toMatchObject({
      status: 'running',
      waits: [{ kind: 'approval', stepKey: `${id}:ask@fan.review`, prompt: 'Ship box-7?' }],
    });
    await t.engine.approve(id, `${id}:ask@fan.review`, true);
    finish('drafted');
    const run: RunRecord = await t.runToEnd(id);
    expect(run.status).toBe('completed');
    expect(run.waits).toBeUndefined();
  });

  it('a run stopped by a full disk is listed as waiting for storage, and Resume clears it', async () => {
    const disk = { full: false };
    const hook = (operation: string, phase: string) => {
      // Only step writes fail: the pause that says why still fits, as on a nearly full disk.
      if (disk.full && operation === 'commit' && phase === 'before' && !pauseOnly)
        throw new QuotaError('QuotaExceededError');
    };
    let pauseOnly = false;
    const t = createTestEngine({ hook, runners: { llm: async () => 'ok' } });
    const workflow = chain('full', [
      { stepSlug: 'nap', name: 'Nap', stepType: 'wait', config: { durationMs: 1_000 } },
      llm('two', '2'),
    ]);
    const id = await t.engine.start({ workflow, input: {} });
    await t.quiesce();
    disk.full = true;
    const commit = t.store.commit.bind(t.store);
    t.store.commit = async (batch) => {
      pauseOnly = (batch.steps ?? []).length === 0 && (batch.runs ?? []).some((r) => r.status === 'paused');
      return commit(batch);
    };
    t.clock.advance(1_000);
    await t.quiesce();
    expect(t.data.runs.get(id)).toMatchObject({ status: 'paused', waits: [{ kind: 'storage-full' }] });
    disk.full = false;
    await t.engine.resume(id);
    const run = await t.runToEnd(id);
    expect(run.status).toBe('completed');
    expect(run.waits).toBeUndefined();
  });
});
