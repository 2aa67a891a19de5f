import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../../src/engine/clock';
import type { StepRecord } from '../../../src/engine/records';
import { EFFECT_TIMEOUT_MS } from '../../../src/schema/limits';
import { createModelRunner } from '../../../src/llm/modelRunner';
import { createTestEngine } from '../../support/engine';
import { chain, llm } from '../../support/flows';
import { startOpenAIServer, type OpenAIServer } from '../../support/openaiServer';
import { fakeDemoModel } from '../llm/harness';

/**
 * Provider faults over real HTTP (the AI SDK against a local OpenAI-compatible server), on the
 * engine with a fake clock: each ends as the step's retry policy says.
 */
let server: OpenAIServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function setup() {
  server = await startOpenAIServer();
  const clock = new FakeClock();
  const url = server.url;
  const runner = createModelRunner({
    settings: async () => ({
      providers: [{ id: 'p', name: 'Faulty', kind: 'openai-compatible', baseUrl: url }],
      defaultProviderId: 'p',
    }),
    key: async () => 'sk-test-faults-0123456789',
    demoModel: () => fakeDemoModel(),
    now: () => clock.now(),
    sleep: (ms, signal) => clock.sleepUntil(clock.now() + ms, signal),
  });
  const t = createTestEngine({ clock, runners: { model: runner } });
  return { t, server };
}

const rounds = (steps: Iterable<StepRecord>, runId: string) =>
  [...steps].filter((s) => s.runId === runId && s.stepType === 'llm-round');
const outcomes = (record: StepRecord | undefined) => record?.attempts.map((a) => a.outcome);

describe('provider faults end as the retry policy says', () => {
  it(
    '429 bursts with Retry-After over parallel branches: ' + 'every branch waits the server out and completes',
    async () => {
      const { t, server } = await setup();
      server.script(
        ...Array.from({ length: 3 }, () => ({ status: 429, headers: { 'retry-after': '2' } })),
        ...Array.from({ length: 2 }, () => ({ status: 429, headers: { 'retry-after': '3' } })),
      );
      const branch = (name: string) => [
        { ...llm(name, `about ${name}`), retryPolicy: { maxRetries: 3, backoffMs: 10, jitter: false } },
      ];
      const workflow = chain('burst', [
        {
          stepSlug: 'fan',
          name: 'Fan',
          stepType: 'parallel',
          config: { join: 'all', branches: { a: branch('a'), b: branch('b'), c: branch('c') } },
        },
      ]);
      const run = await t.runToEnd(await t.engine.start({ workflow, input: {} }));
      expect(run.status).toBe('completed');
      expect(run.output).toEqual({ a: 'echo: about a', b: 'echo: about b', c: 'echo: about c' });
      const all = rounds(t.data.steps.values(), run.id);
      expect(all).toHaveLength(3);
      expect(all.flatMap((r) => r.attempts).filter((a) => a.outcome === 'error')).toHaveLength(5);
      for (const record of all) {
        for (const [i, attempt] of record.attempts.entries()) {
          if (attempt.outcome !== 'error') continue;
          expect(attempt.error).toMatchObject({ category: 'rate-limit', retryable: true });
          // The next attempt waited at least the server's Retry-After, not the 10 ms backoff.
          expect(record.attempts[i + 1]!.startedAt - attempt.endedAt!).toBeGreaterThanOrEqual(
            attempt.error!.retryAfterMs!,
          );
        }
      }
      expect(server.requests.filter((r) => r.path === '/v1/chat/completions')).toHaveLength(8);
    },
  );

  it('500s are retried and the round completes; with too few retries the step fails as a server error', async () => {
    const { t, server } = await setup();
    server.script({ status: 500 }, { status: 500 });
    const patient = chain('five-hundreds', [
      { ...llm('ask', 'hello'), retryPolicy: { maxRetries: 2, backoffMs: 100, jitter: false } },
    ]);
    const ok = await t.runToEnd(await t.engine.start({ workflow: patient, input: {} }));
    expect(ok.output).toBe('echo: hello');
    expect(outcomes(t.data.steps.get(`${ok.id}:ask@/r1`))).toEqual(['error', 'error', 'ok']);
    server.script({ status: 500 }, { status: 500 });
    const impatient = chain('five-hundreds-2', [
      { ...llm('ask', 'hello'), retryPolicy: { maxRetries: 1, backoffMs: 100, jitter: false } },
    ]);
    const failed = await t.runToEnd(await t.engine.start({ workflow: impatient, input: {} }));
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatchObject({ category: 'server', retryable: true });
  });

  it('a stream cut mid-answer is retried and the step completes with the whole answer', async () => {
    const { t, server } = await setup();
    server.script({ fault: 'cut', afterEvents: 3, text: 'half of an answer that drops' });
    const workflow = chain('cut', [
      { ...llm('ask', 'hello'), retryPolicy: { maxRetries: 2, backoffMs: 100, jitter: false } },
    ]);
    const run = await t.runToEnd(await t.engine.start({ workflow, input: {} }));
    expect(run.output).toBe('echo: hello');
    const record = t.data.steps.get(`${run.id}:ask@/r1`)!;
    expect(outcomes(record)).toEqual(['error', 'ok']);
    expect(record.attempts[0]!.error).toMatchObject({ category: 'network', retryable: true });
  });

  it('a stream cut every time fails the step as a network error once the retries are used', async () => {
    const { t, server } = await setup();
    server.script({ fault: 'cut' }, { fault: 'cut' });
    const workflow = chain('cut-always', [
      { ...llm('ask', 'hello'), retryPolicy: { maxRetries: 1, backoffMs: 100, jitter: false } },
    ]);
    const run = await t.runToEnd(await t.engine.start({ workflow, input: {} }));
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({
      category: 'network',
      message: 'the connection to Faulty dropped before its answer was complete',
    });
  });

  it.each(['stall', 'hang'] as const)(
    'a response that never ends (%s): the default round timeout fires, the retry completes',
    async (fault) => {
      const { t, server } = await setup();
      server.script({ fault, afterEvents: 3 });
      const workflow = chain(`never-${fault}`, [
        { ...llm('ask', 'hello'), retryPolicy: { maxRetries: 1, backoffMs: 100, jitter: false } },
      ]);
      const run = await t.runToEnd(await t.engine.start({ workflow, input: {} }));
      expect(run.output).toBe('echo: hello');
      const record = t.data.steps.get(`${run.id}:ask@/r1`)!;
      expect(outcomes(record)).toEqual(['timeout', 'ok']);
      expect(record.attempts[0]!.endedAt! - record.attempts[0]!.startedAt).toBe(EFFECT_TIMEOUT_MS.modelRound);
      expect(server.closedEarly).toBe(1);
    },
  );

  it(
    "a stalled stream with the step's own timeoutMs times out at that time, " + 'and fails when no retry is left',
    async () => {
      const { t, server } = await setup();
      server.script({ fault: 'stall' });
      const workflow = chain('stall-own', [
        { ...llm('ask', 'hello'), timeoutMs: 4000, retryPolicy: { maxRetries: 0 } },
      ]);
      const run = await t.runToEnd(await t.engine.start({ workflow, input: {} }));
      expect(run.status).toBe('failed');
      expect(run.error).toMatchObject({ category: 'timeout', message: 'step timed out after 4000 ms' });
    },
  );
});
